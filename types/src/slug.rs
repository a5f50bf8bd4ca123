//! A URL slug: the readable part of a product's address.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Lower-case ASCII letters, digits and single hyphens, 1 to 80 characters,
/// not starting or ending with a hyphen.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a slug was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("Use 1 to 80 lower-case letters, digits and single hyphens, such as night-rain.")]
pub struct InvalidSlug;

impl Slug {
    /// Parses a slug typed by an admin; surrounding spaces are dropped and
    /// capitals lowered, anything else wrong is refused.
    pub fn parse(input: &str) -> Result<Self, InvalidSlug> {
        let slug = input.trim().to_ascii_lowercase();
        let ok = (1..=80).contains(&slug.len())
            && slug
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !slug.starts_with('-')
            && !slug.ends_with('-')
            && !slug.contains("--");
        if ok { Ok(Self(slug)) } else { Err(InvalidSlug) }
    }

    /// A slug made from a title: `Night Rain (2nd)` → `night-rain-2nd`.
    pub fn from_title(title: &str) -> Result<Self, InvalidSlug> {
        let mut slug = String::new();
        for c in title.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                slug.push(c);
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.trim_end_matches('-').chars().take(80).collect();
        Self::parse(slug.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = InvalidSlug;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert_eq!(Slug::parse(" Night-Rain ").unwrap().as_str(), "night-rain");
        for bad in [
            "",
            "-rain",
            "rain-",
            "night--rain",
            "night rain",
            "nacht/regen",
            "ré",
        ] {
            assert_eq!(Slug::parse(bad), Err(InvalidSlug), "{bad:?}");
        }
        assert_eq!(Slug::parse(&"a".repeat(81)), Err(InvalidSlug));
    }

    #[test]
    fn titles_make_slugs() {
        assert_eq!(
            Slug::from_title("Night Rain (2nd ed.)").unwrap().as_str(),
            "night-rain-2nd-ed"
        );
        assert_eq!(
            Slug::from_title("  Pixel Sorter 2.1 ").unwrap().as_str(),
            "pixel-sorter-2-1"
        );
        assert_eq!(Slug::from_title("!!!"), Err(InvalidSlug));
    }
}
