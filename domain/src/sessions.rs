//! The browser sessions of an account, as the store knows them: the session
//! store (server) writes which account each session is signed in to; here they
//! are listed for the account page and ended — all of them on "sign out
//! everywhere", all but the current one when the password changes, all when a
//! mailed link proves the address of an account someone else may have opened.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

use crate::entities::{session, user};

/// The session-data key holding the signed-in account's public id.
pub const USER_KEY: &str = "user";
/// The session-data key holding the device seen at sign-in
/// (`{"agent": …, "ip": …}`).
pub const DEVICE_KEY: &str = "device";
/// A session ends this long after its last use (saved again at most once a
/// day: see [`due_for_renewal`]).
pub const IDLE_LIFETIME: Duration = Duration::days(14);
/// A session ends this long after it started, however active it is.
pub const ABSOLUTE_LIFETIME: Duration = Duration::days(30);

/// What the store keeps of a session id: its SHA-256 in hex. The id itself
/// (the cookie value) is never stored.
pub fn id_hash(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// The sessions still live at `now`: not past their idle expiry, and
/// started less than [`ABSOLUTE_LIFETIME`] ago.
pub fn live_at(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(session::Column::ExpiresAt.gt(now))
        .add(session::Column::CreatedAt.gt(now - ABSOLUTE_LIFETIME))
}

/// Whether a session used now, due to end at `expires_at`, should be saved
/// again for another [`IDLE_LIFETIME`]: once more than a day of it is gone, so
/// an active session writes at most once a day.
pub fn due_for_renewal(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    expires_at < now + IDLE_LIFETIME - Duration::days(1)
}

/// The accounts signed in on the live sessions whose ids hash to `id_hashes`,
/// by hash, with when each session ends: one query for all.
pub async fn signed_in_on(
    db: &impl ConnectionTrait,
    id_hashes: Vec<String>,
    now: DateTime<Utc>,
) -> Result<HashMap<String, (user::Model, DateTime<Utc>)>, DbErr> {
    let on: RelationDef = session::Entity::belongs_to(user::Entity)
        .from(session::Column::UserPid)
        .to(user::Column::Pid)
        .into();
    let found = user::Entity::find()
        .join(JoinType::InnerJoin, on.rev())
        .filter(session::Column::IdHash.is_in(id_hashes))
        .filter(live_at(now))
        .select_also(session::Entity)
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .filter_map(|(user, session)| {
            let session = session?;
            Some((session.id_hash, (user, session.expires_at)))
        })
        .collect())
}

/// The live sessions of account `user`, newest first.
pub async fn of_user(
    db: &impl ConnectionTrait,
    user: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::UserPid.eq(user))
        .filter(live_at(now))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_saved_again_once_a_day_of_it_has_gone() {
        let now: DateTime<Utc> = "2026-12-01T12:00:00Z".parse().unwrap();
        let fresh = now + IDLE_LIFETIME;
        assert!(!due_for_renewal(fresh, now));
        assert!(!due_for_renewal(fresh - Duration::hours(23), now));
        assert!(due_for_renewal(fresh - Duration::hours(25), now));
        assert!(due_for_renewal(now + Duration::minutes(1), now));
    }
}
