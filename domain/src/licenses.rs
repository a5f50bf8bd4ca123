//! License keys: 120 bits in six groups of four readable characters
//! (Crockford's base32: no I, L, O or U), the last three characters a checksum
//! of the rest, so a mistyped key is caught before any lookup: the first two
//! check characters catch every single wrong character and every swap of two
//! neighbours, the third (from SHA-256) most other mistakes. 105 bits are
//! random.

use password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RANDOM_CHARS: usize = 21;
const CHECK_CHARS: usize = 3;

/// A new key.
pub fn issue() -> String {
    let body = random_chars(RANDOM_CHARS);
    grouped(&format!("{body}{}", checksum(&body)))
}

/// `n` random characters of the same readable alphabet (order numbers).
pub fn random_chars(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect()
}

/// Why a typed key is not a key.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("This is not a license key: check it for typing mistakes.")]
pub struct NotAKey;

/// The key as stored, from a key as typed (any case, with or without dashes
/// and spaces; `O` read as zero, `I` and `L` as one), or [`NotAKey`] when the
/// checksum does not match.
pub fn parse(typed: &str) -> Result<String, NotAKey> {
    let chars: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    if chars.len() != RANDOM_CHARS + CHECK_CHARS || !chars.bytes().all(|b| ALPHABET.contains(&b)) {
        return Err(NotAKey);
    }
    let (body, check) = chars.split_at(RANDOM_CHARS);
    if checksum(body) != check {
        return Err(NotAKey);
    }
    Ok(grouped(&chars))
}

fn checksum(body: &str) -> String {
    let values = body
        .bytes()
        .map(|b| ALPHABET.iter().position(|&a| a == b).unwrap_or(0));
    let (sum, weighted) = values.enumerate().fold((0, 0), |(sum, weighted), (i, v)| {
        (sum + v, weighted + (i + 1) * v)
    });
    let digest = Sha256::digest(body.as_bytes());
    [sum % 32, weighted % 32, usize::from(digest[0] & 31)]
        .into_iter()
        .map(|v| char::from(ALPHABET[v]))
        .collect()
}

fn grouped(chars: &str) -> String {
    chars
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_key_reads_back_in_any_spelling() {
        let key = issue();
        assert_eq!(key.len(), 29, "{key}");
        assert_eq!(key.matches('-').count(), 5);
        assert_eq!(parse(&key), Ok(key.clone()));
        assert_eq!(
            parse(&key.to_lowercase().replace('-', " ")),
            Ok(key.clone())
        );
        assert_ne!(issue(), key);
    }

    #[test]
    fn every_single_typo_and_neighbour_swap_is_caught() {
        let key = issue();
        let chars: Vec<u8> = key.bytes().filter(|&b| b != b'-').collect();
        for at in 0..chars.len() {
            for &other in ALPHABET.iter().filter(|&&a| a != chars[at]) {
                let mut typo = chars.clone();
                typo[at] = other;
                assert_eq!(parse(&String::from_utf8(typo).unwrap()), Err(NotAKey));
            }
            if at + 1 < chars.len() && chars[at] != chars[at + 1] {
                let mut swapped = chars.clone();
                swapped.swap(at, at + 1);
                assert_eq!(parse(&String::from_utf8(swapped).unwrap()), Err(NotAKey));
            }
        }
        assert_eq!(parse("not a key"), Err(NotAKey));
        assert_eq!(parse(&key[..20]), Err(NotAKey));
    }
}

pub use service::{Activation, LicenseError, Licenses, Validation};

/// Activating, validating and deactivating keys for the public license API.
mod service {
    use chrono::{DateTime, Utc};
    use sea_orm::sea_query::{Expr, OnConflict};
    use sea_orm::{
        ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
        QueryFilter, QuerySelect,
    };

    use super::parse;
    use crate::clock::Clock;
    use crate::db::begin_write;
    use crate::entities::{entitlement, license_activation, license_key, product};
    use uuid::Uuid;

    /// Why a key was refused; `code()` is the API's error code.
    #[derive(Debug, thiserror::Error)]
    pub enum LicenseError {
        #[error("This is not a valid license key.")]
        Invalid,
        #[error("This license key was revoked.")]
        Revoked,
        #[error("This license expired on {}.", .0.format("%Y-%m-%d"))]
        Expired(DateTime<Utc>),
        #[error(
            "This license is active on {0} instances already, its limit; deactivate one first."
        )]
        LimitReached(i32),
        #[error("This license is for another product.")]
        ProductMismatch,
        #[error("This instance is not activated with this license.")]
        NotActivated,
        #[error("Name the instance (a machine name) to activate the license on it.")]
        NoInstanceName,
        #[error(transparent)]
        Db(#[from] DbErr),
    }

    impl LicenseError {
        /// The API's error code.
        pub fn code(&self) -> &'static str {
            match self {
                Self::Invalid => "invalid",
                Self::Revoked => "revoked",
                Self::Expired(_) => "expired",
                Self::LimitReached(_) => "limit_reached",
                Self::ProductMismatch => "product_mismatch",
                Self::NotActivated => "not_activated",
                Self::NoInstanceName => "bad_request",
                Self::Db(_) => "internal",
            }
        }
    }

    /// A key's activation on an instance.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Activation {
        pub instance: String,
        pub used: u64,
        pub limit: Option<i32>,
    }

    /// What validating a key tells an app.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Validation {
        pub product: String,
        pub expires: Option<DateTime<Utc>>,
        pub used: u64,
        pub limit: Option<i32>,
    }

    /// The license service. Cheap to clone.
    #[derive(Clone, Debug)]
    pub struct Licenses {
        db: DatabaseConnection,
        clock: Clock,
    }

    /// A key with what it belongs to.
    struct Found {
        key: license_key::Model,
        product: product::Model,
        expires: Option<DateTime<Utc>>,
    }

    impl Licenses {
        pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
            Self { db, clock }
        }

        /// The key as typed, checked: its checksum first (a typo never reaches
        /// the database), then that it exists, is not revoked and not expired;
        /// locked (PostgreSQL) when `lock`.
        async fn find(
            &self,
            conn: &impl sea_orm::ConnectionTrait,
            typed: &str,
            product: Option<&str>,
            lock: bool,
        ) -> Result<Found, LicenseError> {
            let key = parse(typed).map_err(|_| LicenseError::Invalid)?;
            let mut query = license_key::Entity::find().filter(license_key::Column::Key.eq(key));
            if lock {
                query = query.lock_exclusive();
            }
            let key = query.one(conn).await?.ok_or(LicenseError::Invalid)?;
            let granted = entitlement::Entity::find_by_id(key.entitlement_id)
                .one(conn)
                .await?
                .ok_or(LicenseError::Invalid)?;
            let bought = product::Entity::find_by_id(granted.product_id)
                .one(conn)
                .await?
                .ok_or(LicenseError::Invalid)?;
            if product.is_some_and(|slug| slug != bought.slug) {
                return Err(LicenseError::ProductMismatch);
            }
            if key.revoked_at.is_some() || granted.revoked_at.is_some() {
                return Err(LicenseError::Revoked);
            }
            if let Some(until) = granted.access_until
                && until <= self.clock.now()
            {
                return Err(LicenseError::Expired(until));
            }
            Ok(Found {
                key,
                product: bought,
                expires: granted.access_until,
            })
        }

        async fn used(conn: &impl sea_orm::ConnectionTrait, key: i64) -> Result<u64, DbErr> {
            license_activation::Entity::find()
                .filter(license_activation::Column::LicenseKeyId.eq(key))
                .count(conn)
                .await
        }

        /// Activates `typed` on the instance called `name`; again for the same
        /// name, the same instance (idempotent). The limit holds exactly
        /// under concurrency: the key is locked while it is counted.
        pub async fn activate(
            &self,
            typed: &str,
            name: &str,
            product: Option<&str>,
        ) -> Result<Activation, LicenseError> {
            let name: String = name.trim().chars().take(200).collect();
            // A typo is caught here, before the database is touched.
            parse(typed).map_err(|_| LicenseError::Invalid)?;
            if name.is_empty() {
                return Err(LicenseError::NoInstanceName);
            }
            let txn = begin_write(&self.db).await?;
            let found = self.find(&txn, typed, product, true).await?;
            let existing = license_activation::Entity::find()
                .filter(license_activation::Column::LicenseKeyId.eq(found.key.id))
                .filter(license_activation::Column::Name.eq(name.clone()))
                .one(&txn)
                .await?;
            let instance = match existing {
                Some(existing) => existing.instance,
                None => {
                    let used = Self::used(&txn, found.key.id).await?;
                    if let Some(limit) = found.key.activation_limit
                        && used >= u64::try_from(limit).unwrap_or(0)
                    {
                        return Err(LicenseError::LimitReached(limit));
                    }
                    let instance = format!("inst_{}", uuid::Uuid::new_v4().simple());
                    license_activation::Entity::insert(license_activation::ActiveModel {
                        license_key_id: Set(found.key.id),
                        instance: Set(instance.clone()),
                        name: Set(name),
                        created_at: Set(self.clock.now()),
                        validated_at: Set(None),
                        ..Default::default()
                    })
                    .on_conflict(
                        OnConflict::columns([
                            license_activation::Column::LicenseKeyId,
                            license_activation::Column::Name,
                        ])
                        .do_nothing()
                        .to_owned(),
                    )
                    .exec_without_returning(&txn)
                    .await?;
                    instance
                }
            };
            let used = Self::used(&txn, found.key.id).await?;
            txn.commit().await?;
            Ok(Activation {
                instance,
                used,
                limit: found.key.activation_limit,
            })
        }

        /// Whether `typed` is good (and, with `instance`, activated there).
        pub async fn validate(
            &self,
            typed: &str,
            instance: Option<&str>,
            product: Option<&str>,
        ) -> Result<Validation, LicenseError> {
            let found = self.find(&self.db, typed, product, false).await?;
            if let Some(instance) = instance {
                let seen = license_activation::Entity::update_many()
                    .col_expr(
                        license_activation::Column::ValidatedAt,
                        Expr::value(self.clock.now()),
                    )
                    .filter(license_activation::Column::LicenseKeyId.eq(found.key.id))
                    .filter(license_activation::Column::Instance.eq(instance))
                    .exec(&self.db)
                    .await?;
                if seen.rows_affected == 0 {
                    return Err(LicenseError::NotActivated);
                }
            }
            Ok(Validation {
                product: found.product.slug,
                expires: found.expires,
                used: Self::used(&self.db, found.key.id).await?,
                limit: found.key.activation_limit,
            })
        }

        /// Frees an activation on behalf of the key's owner (the library), or
        /// of an admin (`owner` None).
        pub async fn deactivate_for(
            &self,
            owner: Option<i64>,
            instance: &str,
        ) -> Result<(), LicenseError> {
            let activation = license_activation::Entity::find()
                .filter(license_activation::Column::Instance.eq(instance))
                .one(&self.db)
                .await?
                .ok_or(LicenseError::NotActivated)?;
            let key = license_key::Entity::find_by_id(activation.license_key_id)
                .one(&self.db)
                .await?
                .ok_or(LicenseError::NotActivated)?;
            let granted = entitlement::Entity::find_by_id(key.entitlement_id)
                .one(&self.db)
                .await?
                .ok_or(LicenseError::NotActivated)?;
            if owner.is_some_and(|owner| owner != granted.user_id) {
                return Err(LicenseError::NotActivated);
            }
            license_activation::Entity::delete_by_id(activation.id)
                .exec(&self.db)
                .await?;
            Ok(())
        }

        /// Frees every activation of the keys of entitlement `pid` (the
        /// admin's reset: the buyer moved to new machines). How many were freed.
        pub async fn reset(&self, pid: Uuid) -> Result<u64, LicenseError> {
            let granted = entitlement::Entity::find()
                .filter(entitlement::Column::Pid.eq(pid))
                .one(&self.db)
                .await?
                .ok_or(LicenseError::NotActivated)?;
            let keys = license_key::Entity::find()
                .filter(license_key::Column::EntitlementId.eq(granted.id))
                .select_only()
                .column(license_key::Column::Id)
                .into_tuple::<i64>()
                .all(&self.db)
                .await?;
            let gone = license_activation::Entity::delete_many()
                .filter(license_activation::Column::LicenseKeyId.is_in(keys))
                .exec(&self.db)
                .await?;
            Ok(gone.rows_affected)
        }

        /// Frees the activation of `instance`.
        pub async fn deactivate(&self, typed: &str, instance: &str) -> Result<u64, LicenseError> {
            let key = parse(typed).map_err(|_| LicenseError::Invalid)?;
            let key = license_key::Entity::find()
                .filter(license_key::Column::Key.eq(key))
                .one(&self.db)
                .await?
                .ok_or(LicenseError::Invalid)?;
            let gone = license_activation::Entity::delete_many()
                .filter(license_activation::Column::LicenseKeyId.eq(key.id))
                .filter(license_activation::Column::Instance.eq(instance))
                .exec(&self.db)
                .await?;
            if gone.rows_affected == 0 {
                return Err(LicenseError::NotActivated);
            }
            Ok(Self::used(&self.db, key.id).await?)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[tokio::test]
        async fn a_mistyped_key_is_refused_before_any_lookup() {
            // No database at all: a typo must not need one.
            let licenses = Licenses::new(DatabaseConnection::default(), Clock::System);
            let err = licenses
                .activate("ABCD-EFGH-JKMN-PQRS-TVWX-YZ01", "laptop", None)
                .await
                .unwrap_err();
            assert_eq!(err.code(), "invalid");
            let err = licenses
                .validate("not a key", None, None)
                .await
                .unwrap_err();
            assert_eq!(err.code(), "invalid");
        }
    }
}
