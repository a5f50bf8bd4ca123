//! A string that never prints: access keys, passwords, signing secrets; and
//! the keys the store makes for itself once, kept in the database so every
//! instance shares them ([`shared`]).

use std::fmt;

/// A secret value. `Debug` and `Display` print `[redacted]`; read it with
/// [`Secret::expose`] at the one place that needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one call that must send it somewhere.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The key named `name`, made (32 random bytes, as hex) the first time it is
/// asked for and kept in the `secrets` table, so every instance on the same
/// database signs and checks with the same key.
pub async fn shared(
    db: &impl sea_orm::ConnectionTrait,
    name: &str,
) -> Result<Secret, sea_orm::DbErr> {
    use crate::entities::secret;
    use password_hash::rand_core::{OsRng, RngCore};
    use sea_orm::sea_query::OnConflict;
    use sea_orm::{ActiveValue::Set, EntityTrait};

    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    // Two instances starting at once both try; the first row wins.
    secret::Entity::insert(secret::ActiveModel {
        name: Set(name.to_owned()),
        value: Set(hex::encode(bytes)),
        created_at: Set(chrono::Utc::now()),
    })
    .on_conflict(
        OnConflict::column(secret::Column::Name)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    let row = secret::Entity::find_by_id(name.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound(format!("secret {name}")))?;
    Ok(Secret::new(row.value))
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn a_secret_never_prints_its_value() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?} {secret}"), "[redacted] [redacted]");
        assert_eq!(secret.expose(), "hunter2");
    }
}
