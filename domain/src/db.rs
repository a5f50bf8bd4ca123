//! Opening the database and starting write transactions that do not fail with
//! "database is locked" on SQLite; LIKE patterns and aggregates read the same
//! on SQLite and PostgreSQL.

use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Func, LikeExpr};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use std::future::Future;
use std::time::Duration;

/// How long a SQLite connection waits for another writer before giving up.
/// Write transactions are short, so this is only reached when something is wrong.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The WAL size, in pages, at which SQLite checkpoints by itself: a safety net
/// only, ten times SQLite's default. SQLite's own checkpoint runs inside the
/// commit that takes the WAL past it, so that commit (a batch of mints, a
/// session write) waits for the checkpoint's two fsyncs, 5 ms on average here
/// and up to 100 ms. The store runs them on a connection of its own instead
/// ([`checkpoint_every`]), well before the WAL grows this large; a command that
/// runs for a moment needs neither, as SQLite checkpoints when it closes.
const SQLITE_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// `SUM(value)` as a 64-bit integer on every database (PostgreSQL sums
/// BIGINTs as NUMERIC).
pub fn sum(value: Expr) -> Expr {
    Expr::from(Func::sum(value)).cast_as(Alias::new("BIGINT"))
}

/// `COUNT(*)` as a 64-bit integer.
pub fn count() -> Expr {
    Expr::from(Func::count(Expr::col(Asterisk))).cast_as(Alias::new("BIGINT"))
}

/// An aggregate read as an integer (zero when absent: a SUM of no rows).
pub fn int(row: &QueryResult, index: usize) -> Result<i64, DbErr> {
    row.try_get_by_index::<Option<i64>>(index)
        .map(Option::unwrap_or_default)
        .map_err(|err| DbErr::Type(format!("an aggregate is not an integer: {err:?}")))
}

/// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite gets WAL,
/// `synchronous=NORMAL`, foreign keys, a busy timeout and checkpoints left to
/// [`checkpoint_every`], and the file is created if missing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    pool(url, if is_sqlite(url) { 8 } else { 16 }, 0).await
}

/// A connection of its own for one busy task that queries all the time (a
/// batched read, the mints' writer), opened now and kept open (opened again
/// if it breaks). The pool would hand such a task each of its connections in
/// turn, and every connection would have to prepare each of its statements
/// (on PostgreSQL a new connection is also a new server process, whose first
/// statements take milliseconds to prepare). The README's Benchmarks give
/// what this did to the mint's tail on PostgreSQL.
pub async fn dedicated(url: &str) -> Result<DatabaseConnection, DbErr> {
    pool(url, 1, 1).await
}

async fn pool(url: &str, max: u32, min: u32) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .max_connections(max)
        .min_connections(min)
        .acquire_timeout(Duration::from_secs(30));
    // The pool pings a connection before every use unless told otherwise: a
    // round trip per query. A file cannot hang up, so SQLite's connections
    // are never pinged; a PostgreSQL connection is, once it has been idle
    // long enough for a proxy or firewall to have dropped it.
    if is_sqlite(url) {
        options.test_before_acquire(false);
    } else {
        options.test_before_acquire_if_idle_for(Duration::from_secs(30));
    }
    options.map_sqlx_sqlite_opts(|opts| {
        opts.create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .pragma(
                "wal_autocheckpoint",
                SQLITE_AUTOCHECKPOINT_PAGES.to_string(),
            )
    });
    Database::connect(options).await
}

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// Starts a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`, so it
/// takes the write lock up front (waiting on the busy timeout) instead of failing
/// when a deferred read later upgrades to a write; PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// The advisory lock key instances take while they migrate and seed ("DLNK").
const STARTUP_LOCK: i64 = 0x444c_4e4b;

/// Runs `work` (migrations, seeding) while holding the database-wide startup
/// lock, so instances starting at the same moment on one empty database do it
/// one after the other instead of racing to create the same tables. On
/// PostgreSQL the lock is an advisory lock on a connection of its own, released
/// when the work is done (or that connection drops, if the process dies).
/// SQLite serializes writers by itself.
pub async fn exclusively<T, E: From<DbErr>>(
    url: &str,
    work: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, E> {
    if is_sqlite(url) {
        return work.await;
    }
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30));
    let lock = Database::connect(options).await?;
    lock.execute_unprepared(&format!("SELECT pg_advisory_lock({STARTUP_LOCK})"))
        .await?;
    let outcome = work.await;
    let unlocked = lock
        .execute_unprepared(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK})"))
        .await;
    lock.close().await?;
    let value = outcome?;
    unlocked?;
    Ok(value)
}

/// The escape character of LIKE patterns made here.
const ESCAPE: char = '!';

/// `text` with LIKE's wildcards (and the escape character) escaped, so what
/// someone typed matches as written.
pub fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | ESCAPE) {
            out.push(ESCAPE);
        }
        out.push(c);
    }
    out
}

/// A LIKE pattern made with [`escape_like`].
pub fn like(pattern: String) -> LikeExpr {
    LikeExpr::new(pattern).escape(ESCAPE)
}

/// Values that contain `text` (trimmed), as typed.
pub fn containing(text: &str) -> LikeExpr {
    like(format!("%{}%", escape_like(text.trim())))
}

/// How a checkpoint copies SQLite's write-ahead log into the database file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointMode {
    /// What it can without waiting: readers and writers go on meanwhile.
    Passive,
    /// All of it, waiting for writers and readers, then empties the log file.
    Truncate,
}

/// What a SQLite checkpoint found, in pages of the write-ahead log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Pages in the log.
    pub logged: i64,
    /// Pages of the log now in the database file.
    pub copied: i64,
    /// It could not finish: another checkpoint was running, or (when it
    /// waits) a writer or reader kept it out past the busy timeout.
    pub busy: bool,
}

/// Runs one checkpoint. `None` on PostgreSQL, which checkpoints by itself.
pub async fn checkpoint(
    db: &DatabaseConnection,
    mode: CheckpointMode,
) -> Result<Option<Checkpoint>, DbErr> {
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(None);
    }
    let sql = match mode {
        CheckpointMode::Passive => "PRAGMA wal_checkpoint(PASSIVE)",
        CheckpointMode::Truncate => "PRAGMA wal_checkpoint(TRUNCATE)",
    };
    let row = db
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await?
        .ok_or_else(|| DbErr::Custom("PRAGMA wal_checkpoint answered no row".into()))?;
    Ok(Some(Checkpoint {
        busy: int(&row, 0)? != 0,
        logged: int(&row, 1)?,
        copied: int(&row, 2)?,
    }))
}

/// On SQLite, runs a passive checkpoint every `period` until `stop` resolves,
/// then one that waits for everything and empties the log, so the database file
/// alone holds the store when it has stopped. Nothing to do on PostgreSQL.
pub async fn checkpoint_every(
    db: DatabaseConnection,
    period: Duration,
    stop: impl Future<Output = ()>,
) {
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let db = &db;
    crate::periodic::until_stopped(period, stop, |last| async move {
        let mode = if last {
            CheckpointMode::Truncate
        } else {
            CheckpointMode::Passive
        };
        match checkpoint(db, mode).await {
            Ok(Some(done)) if last && (done.busy || done.copied < done.logged) => {
                tracing::warn!(?done, "the write-ahead log is not empty at shutdown");
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "checkpoint failed"),
        }
    })
    .await;
}

/// Checks that the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.ping().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_is_opened_in_wal_mode_with_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite", dir.path().display());
        let db = connect(&url).await.unwrap();
        let backend = db.get_database_backend();
        let row = db
            .query_one_raw(Statement::from_string(backend, "PRAGMA journal_mode"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "wal");
        let row = db
            .query_one_raw(Statement::from_string(backend, "PRAGMA foreign_keys"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<i32>(0).unwrap(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_hundred_concurrent_writers_never_see_database_is_locked() {
        use migrations::{Migrator, MigratorTrait};
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite", dir.path().display());
        let db = connect(&url).await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        let backend = db.get_database_backend();

        let writers = (0..200).map(|i| {
            let db = db.clone();
            tokio::spawn(async move {
                let txn = begin_write(&db).await?;
                // Read, then write, in one transaction: the pattern that fails
                // with SQLITE_BUSY when a deferred transaction upgrades.
                txn.query_one_raw(Statement::from_string(
                    backend,
                    "SELECT COUNT(*) FROM users",
                ))
                .await?;
                txn.execute_raw(Statement::from_sql_and_values(
                    backend,
                    "INSERT INTO users (pid, email, role, created_at, updated_at) \
                     VALUES (?, ?, 'customer', ?, ?)",
                    [
                        uuid::Uuid::now_v7().into(),
                        format!("buyer{i}@example.com").into(),
                        chrono::Utc::now().into(),
                        chrono::Utc::now().into(),
                    ],
                ))
                .await?;
                txn.commit().await
            })
        });
        let mut failures = Vec::new();
        for writer in writers.collect::<Vec<_>>() {
            if let Err(err) = writer.await.unwrap() {
                failures.push(err.to_string());
            }
        }
        assert_eq!(failures, Vec::<String>::new());
        let row = db
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT COUNT(*) FROM users",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), 200);
    }

    fn wal_len(dir: &std::path::Path) -> u64 {
        std::fs::metadata(dir.join("db.sqlite-wal")).unwrap().len()
    }

    #[tokio::test]
    async fn commits_leave_checkpoints_to_the_store_which_empties_the_log_when_it_stops() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/db.sqlite", dir.path().display());
        let db = connect(&url).await.unwrap();
        db.execute_unprepared("CREATE TABLE filler (body TEXT NOT NULL)")
            .await
            .unwrap();
        // 1,500 commits of a page each: past SQLite's default threshold of
        // 1,000 pages, at which a commit would have checkpointed and the log
        // started over.
        let body = "x".repeat(3_000);
        for _ in 0..1_500 {
            db.execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "INSERT INTO filler (body) VALUES (?)",
                [body.clone().into()],
            ))
            .await
            .unwrap();
        }
        let done = checkpoint(&db, CheckpointMode::Passive)
            .await
            .unwrap()
            .unwrap();
        assert!(done.logged > 1_500, "{done:?}");
        assert_eq!(done.copied, done.logged, "{done:?}");
        assert!(!done.busy);
        assert!(wal_len(dir.path()) > 1_500 * 4_096);

        // The task's last checkpoint, when the store stops, empties the log
        // file: the database file alone then holds every row.
        db.execute_unprepared("INSERT INTO filler (body) VALUES ('last')")
            .await
            .unwrap();
        checkpoint_every(
            db.clone(),
            Duration::from_secs(3600),
            std::future::ready(()),
        )
        .await;
        assert_eq!(wal_len(dir.path()), 0);
        // A copy of that file alone, made while the store still has it open
        // (as a backup would), has the last row.
        let copy = dir.path().join("copy.sqlite");
        std::fs::copy(dir.path().join("db.sqlite"), &copy).unwrap();
        let copy = connect(&format!("sqlite://{}", copy.display()))
            .await
            .unwrap();
        let row = copy
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT COUNT(*), SUM(body = 'last') FROM filler",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((int(&row, 0).unwrap(), int(&row, 1).unwrap()), (1_501, 1));
    }
}
