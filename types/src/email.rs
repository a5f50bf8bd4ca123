//! An email address, normalized so one person has one account.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An address a mail server will accept (RFC 5321/5322 syntax, checked by the
/// `email_address` crate, as the mailer checks it), trimmed and lower-cased.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why an address was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("Enter an email address such as name@example.com.")]
pub struct InvalidEmail;

impl Email {
    /// Parses what someone typed. Surrounding spaces are dropped and the address
    /// is lower-cased; anything the mailer would refuse is refused here, and so
    /// are display names (`Ada <ada@example.com>`), domain literals
    /// (`ada@[10.0.0.1]`) and domains without a dot.
    pub fn parse(input: &str) -> Result<Self, InvalidEmail> {
        let address = input.trim().to_lowercase();
        let options = email_address::Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
            allow_long_local_parts: false,
        };
        if address.len() > 254
            || address.chars().any(|c| c.is_whitespace() || c == '"')
            || email_address::EmailAddress::parse_with_options(&address, options).is_err()
        {
            return Err(InvalidEmail);
        }
        Ok(Self(address))
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address with its name hidden but for the first character, enough
    /// for its owner to recognize it: `a…@example.com`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((&self.0, ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}…@{domain}")
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
    fn a_masked_address_shows_only_its_first_letter_and_domain() {
        let email = Email::parse("ada.lovelace@example.com").unwrap();
        assert_eq!(email.masked(), "a…@example.com");
        assert_eq!(
            Email::parse("é@example.com").unwrap().masked(),
            "é…@example.com"
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
            "a,b@example.com",
            "ada@[10.0.0.1]",
            "Ada <ada@example.com>",
            "\"ada lovelace\"@example.com",
            "ada.@example.com",
        ] {
            assert_eq!(Email::parse(bad), Err(InvalidEmail), "{bad:?}");
        }
    }
}
