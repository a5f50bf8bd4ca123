//! How many times a product page was viewed in an hour: a count, nothing
//! about who viewed it.

use sea_orm::entity::prelude::*;

/// A row of `product_views`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_views")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub product_id: i64,
    /// The start of the hour (UTC).
    #[sea_orm(primary_key, auto_increment = false)]
    pub hour: DateTimeUtc,
    pub views: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
