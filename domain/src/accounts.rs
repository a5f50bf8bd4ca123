//! Accounts: creating admins from the command line and hashing passwords with
//! argon2id. Sign-in, sessions and guest access build on this.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use password_hash::rand_core::OsRng;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use std::fmt;
use types::email::{Email, InvalidEmail};
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::user::{self, Role};

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Longer input is refused so hashing cannot be used to burn CPU.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Why an account operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    InvalidEmail(#[from] InvalidEmail),
    #[error("Choose a password of at least {MIN_PASSWORD_LEN} characters.")]
    PasswordTooShort,
    #[error("Choose a password of at most {MAX_PASSWORD_LEN} characters.")]
    PasswordTooLong,
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// What `create_admin` did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminOutcome {
    Created(Email),
    /// The account existed; it is now an admin with the new password.
    Promoted(Email),
}

impl fmt::Display for AdminOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Created(email) => write!(f, "created admin account {email}"),
            Self::Promoted(email) => {
                write!(f, "{email} is now an admin; its password was replaced")
            }
        }
    }
}

/// Creates an admin account, or makes an existing account an admin and sets
/// its password.
pub async fn create_admin(
    db: &DatabaseConnection,
    clock: &Clock,
    email: &str,
    password: &str,
) -> Result<AdminOutcome, AccountError> {
    let email = Email::parse(email)?;
    let hash = hash_password(password)?;
    let now = clock.now();
    let txn = begin_write(db).await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&txn)
        .await?;
    let outcome = match existing {
        Some(found) => {
            let mut active: user::ActiveModel = found.into();
            active.role = Set(Role::Admin);
            active.password_hash = Set(Some(hash));
            active.updated_at = Set(now);
            active.update(&txn).await?;
            AdminOutcome::Promoted(email)
        }
        None => {
            user::ActiveModel {
                pid: Set(Uuid::now_v7()),
                email: Set(email.as_str().to_owned()),
                password_hash: Set(Some(hash)),
                role: Set(Role::Admin),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            AdminOutcome::Created(email)
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

/// Hashes `password` with argon2id and a fresh salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err(AccountError::PasswordTooShort);
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(AccountError::PasswordTooLong);
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| AccountError::Hash(err.to_string()))
}

/// True when `password` matches the stored PHC `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verifiable() {
        let first = hash_password("correct horse battery").unwrap();
        let second = hash_password("correct horse battery").unwrap();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify_password("correct horse battery", &first));
        assert!(!verify_password("correct horse battery!", &first));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn short_and_absurdly_long_passwords_are_refused() {
        assert!(matches!(
            hash_password("short"),
            Err(AccountError::PasswordTooShort)
        ));
        let long = "x".repeat(MAX_PASSWORD_LEN + 1);
        assert!(matches!(
            hash_password(&long),
            Err(AccountError::PasswordTooLong)
        ));
    }
}
