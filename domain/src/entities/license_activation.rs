//! An app instance a license key is activated on.

use sea_orm::entity::prelude::*;

/// A row of `license_activations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "license_activations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub license_key_id: i64,
    /// The instance id handed to the app (`inst_…`).
    #[sea_orm(unique)]
    pub instance: String,
    /// The name the app gave (a machine name); one activation per name.
    pub name: String,
    pub created_at: DateTimeUtc,
    pub validated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
