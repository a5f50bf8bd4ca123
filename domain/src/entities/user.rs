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
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
