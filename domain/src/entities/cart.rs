//! A cart: a signed-in buyer's (one per account) or an anonymous session's.

use sea_orm::entity::prelude::*;

/// A row of `carts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "carts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Kept in an anonymous shopper's session.
    #[sea_orm(unique)]
    pub pid: Uuid,
    /// The owner once signed in; none for an anonymous cart.
    #[sea_orm(unique)]
    pub user_id: Option<i64>,
    /// The discount code the buyer entered, as typed (checked at each read).
    pub discount_code: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
