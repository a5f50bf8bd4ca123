//! A download link minted or a stream started: the delivery log.

use sea_orm::entity::prelude::*;
pub use types::delivery::DeliveryKind;

/// A row of `deliveries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entitlement_id: i64,
    pub user_id: i64,
    /// The version delivered.
    pub product_file_id: i64,
    pub filename: String,
    pub kind: DeliveryKind,
    /// Whether it took one of the entitlement's downloads.
    pub counted: bool,
    pub ip: String,
    pub user_agent: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
