//! An admin action, as the audit log keeps it (append-only).

use sea_orm::entity::prelude::*;

/// A row of `audit_log`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    /// The admin's account, while it exists.
    pub actor_id: Option<i64>,
    pub actor_email: String,
    /// What was done, e.g. `order.refund`, `product.save`.
    pub action: String,
    /// What it was done to, e.g. `order DL-7K3M9Q2X`.
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
