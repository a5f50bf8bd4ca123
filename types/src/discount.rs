//! What a discount code takes off: the admin's form and the server read the
//! same two values.

use serde::{Deserialize, Serialize};

/// How a discount code's value is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscountKind {
    /// A whole percentage of the price, 1 to 100.
    #[default]
    Percent,
    /// An amount of money, in the code's currency.
    Amount,
}

impl DiscountKind {
    /// The form value and wire name: `percent`, `amount`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Percent => "percent",
            Self::Amount => "amount",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_travel_under_their_form_values() {
        for kind in [DiscountKind::Percent, DiscountKind::Amount] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<DiscountKind>(&json).unwrap(), kind);
        }
        assert!(serde_json::from_str::<DiscountKind>("\"free\"").is_err());
    }
}
