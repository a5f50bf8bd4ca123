//! Where a mail of the outbox is in its delivery.

use serde::{Deserialize, Serialize};

/// Where a mail is in its delivery.
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
pub enum MailStatus {
    /// Waiting for (another) delivery attempt.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    /// Handed to the SMTP server, or kept in the outbox when there is none.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "sent"))]
    Sent,
    /// Given up after the last retry.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "failed"))]
    Failed,
}

impl MailStatus {
    /// The wire name: `pending`, `sent`, `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}
