//! What an upload is for.

use serde::{Deserialize, Serialize};

/// What the uploaded object becomes.
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
pub enum UploadPurpose {
    /// A downloadable file of the product (a new version when the name exists).
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "file"))]
    File,
    /// An image for the product's gallery; thumbnails are made on completion.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "image"))]
    Image,
}

impl UploadPurpose {
    /// The wire name: `file`, `image`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::File => "file",
            Self::Image => "image",
        }
    }
}
