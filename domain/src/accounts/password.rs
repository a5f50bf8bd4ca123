//! Password hashing with argon2id.

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use password_hash::rand_core::OsRng;
use std::sync::OnceLock;

use super::AccountError;

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Longer input is refused so hashing cannot be used to burn CPU.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Hashes `password` with argon2id and a fresh salt, as a PHC string, after
/// checking its length.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
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
    password.len() <= MAX_PASSWORD_LEN
        && PasswordHash::new(hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
}

/// Like [`verify_password`], but when there is no hash (unknown email, guest
/// account) it spends the same time on a dummy hash and answers false, so the
/// response time does not tell which emails have accounts.
pub fn verify_or_spend(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    match hash {
        Some(hash) => verify_password(password, hash),
        None => {
            let dummy = DUMMY.get_or_init(|| hash_password("downlink dummy password").ok());
            if let Some(dummy) = dummy {
                let _ = verify_password(password, dummy);
            }
            false
        }
    }
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
        assert!(!verify_or_spend("correct horse battery", None));
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
