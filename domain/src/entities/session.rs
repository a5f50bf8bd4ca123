//! A browser session (tower-sessions record), kept in the same database as
//! everything else so several server instances share sessions.

use sea_orm::entity::prelude::*;

/// A row of `sessions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 (hex) of the session id: the cookie value itself is never stored,
    /// so read access to the database does not hand out live sessions.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_hash: String,
    /// The session's data as JSON.
    pub data: String,
    pub expires_at: DateTimeUtc,
    /// The account signed in on it, if any.
    pub user_pid: Option<Uuid>,
    /// When it started (the id changes at sign-in, so for a signed-in session,
    /// when it signed in). Sessions end 30 days after this, however active.
    pub created_at: DateTimeUtc,
    /// The browser's user agent at sign-in, shortened.
    pub user_agent: Option<String>,
    /// The client's address at sign-in.
    pub ip: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
