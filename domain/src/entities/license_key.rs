//! A license key issued with an entitlement. The key is shown to its owner
//! again (library, receipt), so it is stored as issued.

use sea_orm::entity::prelude::*;

/// A row of `license_keys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "license_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entitlement_id: i64,
    /// `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX` with a checksum (see `licenses`).
    #[sea_orm(unique)]
    pub key: String,
    pub activation_limit: Option<i32>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
