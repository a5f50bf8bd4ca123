//! What a product is and whether shoppers can see it: the same values in the
//! database, on the wire and in the editor's form.

use serde::{Deserialize, Serialize};

/// What a buyer gets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum ProductKind {
    /// Files to download.
    #[default]
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "download"))]
    Download,
    /// Access to premium content for a paid period.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "membership"))]
    Membership,
}

/// Whether shoppers can see a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(16))"
    )
)]
pub enum ProductStatus {
    /// Being prepared; only admins see it.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "draft"))]
    Draft,
    /// On sale.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "published"))]
    Published,
    /// No longer on sale; past buyers keep access.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "archived"))]
    Archived,
}

impl ProductKind {
    /// The form value and wire name: `download`, `membership`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Download => "download",
            Self::Membership => "membership",
        }
    }
}

impl ProductStatus {
    /// The wire name: `draft`, `published`, `archived`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }

    /// How an admin reads it: `Draft`, `Published`, `Archived`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Published => "Published",
            Self::Archived => "Archived",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_travel_under_their_names() {
        for status in [
            ProductStatus::Draft,
            ProductStatus::Published,
            ProductStatus::Archived,
        ] {
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(
                serde_json::from_str::<ProductStatus>(&json).unwrap(),
                status
            );
        }
        assert!(serde_json::from_str::<ProductStatus>("\"deleted\"").is_err());
        assert_eq!(
            serde_json::from_str::<ProductKind>("\"membership\"").unwrap(),
            ProductKind::Membership
        );
    }
}
