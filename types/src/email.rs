//! An email address, normalized so one person has one account.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A syntactically plausible email address, trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why an address was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("Enter an email address such as name@example.com.")]
pub struct InvalidEmail;

impl Email {
    /// Parses what someone typed. Surrounding spaces are dropped and the address
    /// is lower-cased; anything without a name, an `@` and a dotted domain, or
    /// with spaces or control characters inside, is refused.
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let address = input.trim().to_lowercase();
        let (local, domain) = address.rsplit_once('@').ok_or(InvalidEmail)?;
        let domain_ok = domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && local
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '"');
        if address.len() > 254 || !domain_ok || !local_ok {
            return Err(InvalidEmail);
        }
        Ok(Self(address))
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidEmail;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ada.Lovelace@Example.COM ")
                .unwrap()
                .as_str(),
            "ada.lovelace@example.com"
        );
        assert_eq!(
            Email::parse("a+tag@mail.example.org").unwrap().as_str(),
            "a+tag@mail.example.org"
        );
    }

    #[test]
    fn things_that_are_not_addresses_are_refused() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@localhost",
            "ada lovelace@example.com",
            "ada@exa mple.com",
            "ada@-example.com",
            "ada@example..com",
            "a@b@example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(InvalidEmail), "{bad:?}");
        }
    }
}
