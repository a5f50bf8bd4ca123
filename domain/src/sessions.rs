//! The browser sessions of an account, as the store knows them: the session
//! store (server) writes which account each session is signed in to; here they
//! are listed for the account page and ended — all of them on "sign out
//! everywhere", all but the current one when the password changes, all when a
//! mailed link proves the address of an account someone else may have opened.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::entities::session;

/// The session-data key holding the signed-in account's public id.
pub const USER_KEY: &str = "user";
/// The session-data key holding the device seen at sign-in
/// (`{"agent": …, "ip": …}`).
pub const DEVICE_KEY: &str = "device";
/// The session-data key holding the last day the session was used: the first
/// request of a day saves the session again (its inactivity timeout starts
/// over), the others write nothing.
pub const SEEN_KEY: &str = "seen";
/// A session ends this long after it started, however active it is.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(30);

/// What the store keeps of a session id: its SHA-256 in hex. The id itself
/// (the cookie value) is never stored.
pub fn id_hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// The live sessions of account `user`, newest first.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::UserPid.eq(user))
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::CreatedAt.gt(now - ABSOLUTE_LIFETIME))
        .order_by_desc(session::Column::CreatedAt)
        .all(db)
        .await
}

/// Ends every session of account `user` but the one whose id hashes to
/// `keep`. Returns how many were ended.
pub async fn end_for_user(
    db: &impl ConnectionTrait,
    user: Uuid,
    keep: Option<&str>,
) -> Result<u64, DbErr> {
    let mut delete = session::Entity::delete_many().filter(session::Column::UserPid.eq(user));
    if let Some(keep) = keep {
        delete = delete.filter(session::Column::IdHash.ne(keep));
    }
    Ok(delete.exec(db).await?.rows_affected)
}
