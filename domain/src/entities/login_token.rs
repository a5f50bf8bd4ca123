//! A one-time token mailed to an address: a magic sign-in link, a password
//! reset or an address confirmation. Only its SHA-256 is stored.

use sea_orm::entity::prelude::*;

/// What a token may be used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum TokenPurpose {
    #[sea_orm(string_value = "magic_link")]
    MagicLink,
    #[sea_orm(string_value = "reset")]
    PasswordReset,
    /// Confirms the address of an account opened with a password.
    #[sea_orm(string_value = "verify")]
    VerifyEmail,
}

/// A row of `login_tokens`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub purpose: TokenPurpose,
    /// Normalized address the token was mailed to.
    pub email: String,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
