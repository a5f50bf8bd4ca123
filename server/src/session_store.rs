//! tower-sessions' `SessionStore` over sea-orm: sessions live in the store's own
//! database (SQLite or PostgreSQL), share its pool and its migration history, and
//! are visible to every server instance. Each row also says which account it is
//! signed in to and from what device (read from the session's data), so an
//! account's sessions can be listed and ended (`domain::sessions`). A session
//! lasts 14 days from its last use (saved again at most once a day:
//! `domain::sessions::due_for_renewal`) and at most 30 days from its start.
//! Expired sessions are deleted by a background task.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::clock::Clock;
use domain::entities::session;
use domain::sessions;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, SqlErr,
};
use std::time::Duration;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

/// Sessions in the database.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    /// "Now", for expiry: the store's clock, so tests can move it.
    clock: Clock,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self { db, clock }
    }

    /// Deletes expired sessions every `period`, forever (spawn it).
    pub async fn delete_expired_every(self, period: Duration) {
        let mut interval = tokio::time::interval(period);
        loop {
            interval.tick().await;
            if let Err(err) = self.delete_expired().await {
                tracing::warn!(error = %err, "could not delete expired sessions");
            }
        }
    }
}

fn id_hash(id: &Id) -> String {
    sessions::id_hash(&id.to_string())
}

fn backend(err: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

fn expiry(record: &Record) -> Result<DateTime<Utc>, session_store::Error> {
    let nanos = record.expiry_date.unix_timestamp_nanos();
    let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).map_err(backend)?;
    let subsec = u32::try_from(nanos.rem_euclid(1_000_000_000)).map_err(backend)?;
    DateTime::from_timestamp(secs, subsec).ok_or_else(|| backend("expiry out of range"))
}

fn row(record: &Record, now: DateTime<Utc>) -> session_store::Result<session::ActiveModel> {
    // Only the data: the record's id is the cookie value and must not be stored.
    let data = serde_json::to_string(&record.data)
        .map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let user = record
        .data
        .get(sessions::USER_KEY)
        .and_then(|pid| serde_json::from_value::<uuid::Uuid>(pid.clone()).ok());
    let device = record.data.get(sessions::DEVICE_KEY);
    let text = |name: &str, max: usize| {
        device
            .and_then(|device| device.get(name)?.as_str())
            .map(|value| value.chars().take(max).collect::<String>())
    };
    Ok(session::ActiveModel {
        id_hash: Set(id_hash(&record.id)),
        data: Set(data),
        expires_at: Set(expiry(record)?),
        user_pid: Set(user),
        created_at: Set(now),
        user_agent: Set(text("agent", 200)),
        ip: Set(text("ip", 45)),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    /// Inserts a new session; on the (astronomically unlikely) clash with an
    /// existing id, draws a new id instead of overwriting that session.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            match session::Entity::insert(row(record, self.clock.now())?)
                .exec_without_returning(&self.db)
                .await
            {
                Ok(_) => return Ok(()),
                Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(err) => return Err(backend(err)),
            }
        }
    }

    /// Updates a session that still exists. It never inserts: a session ended
    /// while a request on it was in flight (sign-out everywhere, a password
    /// change, an address proven elsewhere) must stay ended when that request
    /// saves it.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let row = row(record, self.clock.now())?;
        session::Entity::update_many()
            .set(session::ActiveModel {
                data: row.data,
                expires_at: row.expires_at,
                user_pid: row.user_pid,
                user_agent: row.user_agent,
                ip: row.ip,
                ..Default::default()
            })
            .filter(session::Column::IdHash.eq(id_hash(&record.id)))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = self.clock.now();
        let row = session::Entity::find_by_id(id_hash(id))
            .filter(sessions::live_at(now))
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let nanos = i128::from(row.expires_at.timestamp()) * 1_000_000_000
            + i128::from(row.expires_at.timestamp_subsec_nanos());
        let expiry_date = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(backend)?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        session::Entity::delete_by_id(id_hash(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        let now = self.clock.now();
        session::Entity::delete_many()
            .filter(sessions::live_at(now).not())
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
