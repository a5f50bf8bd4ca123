//! An embedded stand-in for Stripe's servers.
//!
//! It speaks the part of Stripe's API the store uses (Checkout Sessions,
//! PaymentIntents, Charges, Refunds, Events, Webhook Endpoints) under `/v1`,
//! serves hosted checkout pages with Stripe's test cards under `/checkout`,
//! and delivers signed events to webhook endpoints over HTTP, retrying until
//! they are acknowledged. It keeps Stripe's distance from the store: a state of
//! its own (a SQLite file beside the store's data), reached and reaching out
//! only over HTTP. The store mounts [`Sandbox::router`] under `/sandbox` and
//! talks to it with the same client it would point at `api.stripe.com`.

mod api;
mod cards;
mod charges;
mod checkout;
mod error;
mod form;
mod hosted;
mod store;
mod webhooks;

use sea_orm::sqlx::SqlitePool;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use error::ApiError;
pub use webhooks::{API_VERSION, signature};

/// How often the sandbox looks for due deliveries and expired sessions when
/// nothing wakes it sooner.
const JOB_PERIOD: Duration = Duration::from_secs(1);

/// What the sandbox needs to know about its host.
#[derive(Clone)]
pub struct Config {
    /// Where its database file lives (the store's data dir).
    pub data_dir: PathBuf,
    /// The API key clients must present (`sk_test_…`).
    pub secret_key: String,
    /// Where browsers reach the sandbox (`https://shop.example/sandbox`), for
    /// the hosted pages' URLs.
    pub public_url: String,
    /// The store's webhook endpoint (`http://127.0.0.1:3000/webhooks/stripe`).
    pub webhook_url: String,
    /// The secret the store checks event signatures with (`whsec_…`).
    pub webhook_secret: String,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field("webhook_url", &self.webhook_url)
            .finish_non_exhaustive()
    }
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
#[error("payment sandbox database: {0}")]
pub struct SandboxError(#[from] sea_orm::sqlx::Error);

/// The running sandbox. Cheap to clone.
#[derive(Clone)]
pub struct Sandbox(Arc<State>);

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Sandbox").field(&self.0.config).finish()
    }
}

pub(crate) struct State {
    pub db: SqlitePool,
    /// Held by every request that changes objects, so read-then-write
    /// sequences and idempotency keys never interleave.
    pub write: tokio::sync::Mutex<()>,
    pub config: Config,
    /// Seconds added to the system clock (tests move time forward).
    pub offset: AtomicI64,
    /// Wakes the delivery job when an event is queued.
    pub wake: tokio::sync::Notify,
    pub http: reqwest::Client,
}

impl State {
    /// The sandbox's "now", in Unix seconds (moved by tests).
    pub fn now(&self) -> i64 {
        wall_clock() + self.offset.load(Ordering::Relaxed)
    }

    /// A transaction that takes SQLite's write lock up front (`BEGIN
    /// IMMEDIATE`), so a read followed by a write never fails as "locked" when
    /// the delivery job wrote in between.
    pub async fn begin_write(
        &self,
    ) -> Result<sea_orm::sqlx::Transaction<'static, sea_orm::sqlx::Sqlite>, sea_orm::sqlx::Error>
    {
        self.db.begin_with("BEGIN IMMEDIATE").await
    }
}

impl Sandbox {
    /// Opens the sandbox's state in `config.data_dir` and registers the store's
    /// webhook endpoint.
    pub async fn open(config: Config) -> Result<Self, SandboxError> {
        let db = store::open(&config.data_dir).await?;
        let state = State {
            db,
            write: tokio::sync::Mutex::new(()),
            offset: AtomicI64::new(0),
            wake: tokio::sync::Notify::new(),
            http: reqwest::Client::new(),
            config,
        };
        webhooks::register_store_endpoint(
            &state.db,
            &state.config.webhook_url,
            &state.config.webhook_secret,
            state.now(),
        )
        .await?;
        Ok(Self(Arc::new(state)))
    }

    /// The API under `/v1` and the hosted pages under `/checkout`, to be
    /// nested where [`Config::public_url`] points.
    pub fn router(&self) -> axum::Router {
        api::router(self.0.clone()).merge(hosted::router(self.0.clone()))
    }

    /// Delivers queued events, expires unpaid sessions and forgets day-old
    /// idempotency keys, until dropped.
    pub async fn run_jobs(self) {
        loop {
            if let Err(err) = self.run_jobs_once().await {
                tracing::error!(error = %err, "payment sandbox jobs failed");
            }
            tokio::select! {
                () = self.0.wake.notified() => {},
                () = tokio::time::sleep(JOB_PERIOD) => {},
            }
        }
    }

    /// One round of [`Sandbox::run_jobs`].
    pub async fn run_jobs_once(&self) -> Result<(), ApiError> {
        checkout::expire_due(&self.0).await?;
        webhooks::deliver_due(&self.0).await?;
        store::forget_idempotency_before(&self.0.db, self.0.now() - 86_400).await?;
        Ok(())
    }

    /// Moves the sandbox's clock forward (tests: session expiry, retries).
    pub fn advance_clock(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.0.offset.fetch_add(secs, Ordering::Relaxed);
        self.0.wake.notify_one();
    }
}

/// The machine's time in Unix seconds: what webhook signatures carry, since
/// their receiver checks them against its own clock.
pub(crate) fn wall_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// A fresh object id with Stripe's prefix for its kind (`cs_test_…`).
pub(crate) fn new_id(prefix: &str) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    match prefix {
        "cs" => format!("cs_test_{random}"),
        _ => format!("{prefix}_{random}"),
    }
}
