//! A person with an account: a customer or an admin.

use sea_orm::entity::prelude::*;

/// What an account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum Role {
    /// Buys and downloads.
    #[sea_orm(string_value = "customer")]
    Customer,
    /// Runs the store.
    #[sea_orm(string_value = "admin")]
    Admin,
}

/// A row of `users`. The password hash is never serialized.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub pid: Uuid,
    /// Normalized with `Email::parse`.
    #[sea_orm(unique)]
    pub email: String,
    /// argon2id PHC string; none for a guest who never set a password.
    pub password_hash: Option<String>,
    pub role: Role,
    /// When the owner proved the address (a mailed link). An account opened
    /// with a password holds nothing of value until then.
    pub email_verified_at: Option<DateTimeUtc>,
    /// When an admin blocked the account: sign-in is refused and its sessions
    /// ended; everything it owns stays.
    pub blocked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// Whether the owner proved the address. Purchases and entitlements attach
    /// only to proven addresses (or to the mailed-link guest flow, which
    /// proves it).
    pub fn is_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    /// Whether an admin blocked the account.
    pub fn is_blocked(&self) -> bool {
        self.blocked_at.is_some()
    }
}
