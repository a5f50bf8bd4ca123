//! The sandbox's own state: a SQLite file of its own beside the store's data,
//! holding API objects as the JSON Stripe would return, remembered idempotent
//! answers, and webhook deliveries with their attempts.

use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sea_orm::sqlx::{self, Row, SqliteExecutor, SqlitePool};
use serde_json::Value;
use std::path::Path;

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS objects (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        body TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS objects_by_kind ON objects (kind, n)",
    "CREATE TABLE IF NOT EXISTS idempotency (
        key TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        status INTEGER NOT NULL,
        body BLOB NOT NULL,
        created INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS deliveries (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        endpoint_id TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        delivered_at INTEGER,
        last_status INTEGER,
        last_error TEXT,
        UNIQUE (event_id, endpoint_id))",
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at)
        WHERE delivered_at IS NULL",
];

/// Opens (creating if needed) `<dir>/payments-sandbox.sqlite`.
pub async fn open(dir: &Path) -> Result<SqlitePool, sqlx::Error> {
    std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
    let options = SqliteConnectOptions::new()
        .filename(dir.join("payments-sandbox.sqlite"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(std::time::Duration::from_secs(30));
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    for &statement in SCHEMA {
        sqlx::query(statement).execute(&pool).await?;
    }
    Ok(pool)
}

/// One object by id, if it is of `kind`.
pub async fn get(
    db: impl SqliteExecutor<'_>,
    kind: &str,
    id: &str,
) -> Result<Option<Value>, sqlx::Error> {
    let row = sqlx::query("SELECT body FROM objects WHERE id = ? AND kind = ?")
        .bind(id)
        .bind(kind)
        .fetch_optional(db)
        .await?;
    row.map(|row| decode(&row.get::<String, _>(0))).transpose()
}

/// Saves `object` under its `id`, replacing what was there.
pub async fn put(
    db: impl SqliteExecutor<'_>,
    kind: &str,
    object: &Value,
) -> Result<(), sqlx::Error> {
    let id = object["id"].as_str().unwrap_or_default();
    sqlx::query(
        "INSERT INTO objects (id, kind, body) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
    )
    .bind(id)
    .bind(kind)
    .bind(object.to_string())
    .execute(db)
    .await?;
    Ok(())
}

/// Removes an object; whether it was there.
pub async fn delete(
    db: impl SqliteExecutor<'_>,
    kind: &str,
    id: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM objects WHERE id = ? AND kind = ?")
        .bind(id)
        .bind(kind)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Objects of `kind`, newest first, after the one named `starting_after`,
/// optionally only those whose field at a JSON path has a value.
pub async fn list(
    db: impl SqliteExecutor<'_>,
    kind: &str,
    limit: i64,
    starting_after: Option<&str>,
    field_is: Option<(&str, &str)>,
) -> Result<Vec<Value>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT body FROM objects WHERE kind = ?1
           AND n < COALESCE((SELECT n FROM objects WHERE id = ?2), 9223372036854775807)
           AND (?4 IS NULL OR json_extract(body, ?4) = ?5)
         ORDER BY n DESC LIMIT ?3",
    )
    .bind(kind)
    .bind(starting_after)
    .bind(limit)
    .bind(field_is.map(|(path, _)| path))
    .bind(field_is.map(|(_, value)| value))
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| decode(&row.get::<String, _>(0)))
        .collect()
}

fn decode(body: &str) -> Result<Value, sqlx::Error> {
    serde_json::from_str(body).map_err(|err| sqlx::Error::Decode(Box::new(err)))
}

/// A remembered answer to an idempotent request.
pub struct Remembered {
    pub fingerprint: String,
    pub status: u16,
    pub body: Vec<u8>,
}

pub async fn remembered(
    db: impl SqliteExecutor<'_>,
    key: &str,
) -> Result<Option<Remembered>, sqlx::Error> {
    let row = sqlx::query("SELECT fingerprint, status, body FROM idempotency WHERE key = ?")
        .bind(key)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|row| Remembered {
        fingerprint: row.get(0),
        status: u16::try_from(row.get::<i64, _>(1)).unwrap_or(500),
        body: row.get(2),
    }))
}

pub async fn remember(
    db: impl SqliteExecutor<'_>,
    key: &str,
    answer: &Remembered,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO idempotency (key, fingerprint, status, body, created) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(&answer.fingerprint)
    .bind(i64::from(answer.status))
    .bind(&answer.body)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Keys are kept for a day, as Stripe keeps them.
pub async fn forget_idempotency_before(
    db: impl SqliteExecutor<'_>,
    before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency WHERE created < ?")
        .bind(before)
        .execute(db)
        .await?;
    Ok(())
}
