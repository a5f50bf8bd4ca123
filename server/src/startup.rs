//! Building the application from settings: database (migrated), object storage
//! (embedded or external), demo catalog, router; then serving until a signal.

use axum::Router;
use domain::accounts::Accounts;
use domain::admin::Reports;
use domain::catalog::Catalog;
use domain::clock::Clock;
use domain::gallery::Gallery;
use domain::mail::Transport;
use domain::product_files::ProductFiles;
use domain::products::Products;
use domain::rate_limit::RateLimiter;
use domain::storage::Storage;
use domain::uploads::Uploads;
use leptos::config::LeptosOptions;
use migrations::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use std::net::SocketAddr;
use tokio::net::TcpListener;

mod payments;
mod storage;

pub use payments::sandbox_keys;
pub use storage::open_storage;
use storage::storage_for;

use crate::embedded_s3::{EmbeddedS3, EmbeddedS3Error};
use crate::routes;
use crate::session_store::DbSessionStore;
use crate::settings::{Settings, origin_of};

/// How often expired sessions are deleted.
const EXPIRED_SESSION_SWEEP: std::time::Duration = std::time::Duration::from_secs(600);

/// How often uploads left pending too long are aborted.
const STALE_UPLOAD_SWEEP: std::time::Duration = std::time::Duration::from_secs(3600);

/// How often uploads queued for background completion are looked for.
const UPLOAD_COMPLETION_PERIOD: std::time::Duration = std::time::Duration::from_secs(2);

/// How often payment events that waited for their payment are looked at.
const WAITING_EVENTS_PERIOD: std::time::Duration = std::time::Duration::from_secs(60);

/// How often the outbox is checked for mail to deliver.
const MAIL_DELIVERY_PERIOD: std::time::Duration = std::time::Duration::from_secs(2);

/// How often product page views counted in memory are written. Each
/// instance writes its own, whether or not it runs the other jobs.
const PAGE_VIEWS_PERIOD: std::time::Duration = std::time::Duration::from_secs(10);

/// How often SQLite's write-ahead log is copied back into the database file, on
/// a connection of its own rather than inside a commit. At 14,000 mints a
/// second the log grows about 20,000 pages a second; a checkpoint every 200 ms
/// copies about 4,000 at a time, well under SQLite's own threshold (10,000).
/// Each instance runs its own, whether or not it runs the other jobs.
const CHECKPOINT_PERIOD: std::time::Duration = std::time::Duration::from_millis(200);

/// Why the store could not start. Each variant says which part failed.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("could not listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    EmbeddedS3(#[from] EmbeddedS3Error),
    #[error("embedded S3 credentials: {0}")]
    Credentials(std::io::Error),
    #[error(transparent)]
    Storage(#[from] domain::storage::StorageError),
    #[error("demo catalog: {0}")]
    Seed(#[from] domain::demo::SeedError),
    #[error("server: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Mail(#[from] domain::mail::MailConfigError),
    #[error(transparent)]
    Sandbox(#[from] sandbox::SandboxError),
}

/// Everything a request handler may need. Built once; cloned for every
/// request and layer, so it is one shared pointer.
#[derive(Clone, Debug)]
pub struct AppState(std::sync::Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What [`AppState`] shares.
#[derive(Debug)]
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub storage: Storage,
    /// The object store's origin as browsers reach it, for the CSP.
    pub storage_origin: String,
    /// The browser bundles' file names (`site/pkg/manifest.json`), shared by
    /// every page.
    pub assets: std::sync::Arc<app::assets::Assets>,
    /// Signs the one-time cookie a refused form leaves for its page.
    pub flash_key: crate::routes::server_fns::FlashKey,
    /// "Now" for everything the server does itself (sessions).
    pub clock: Clock,
    pub app: app::ssr::AppContext,
    /// The payment provider's client (Stripe or the embedded sandbox).
    pub payments: domain::payments::Payments,
    /// Where webhook events are recorded.
    pub inbox: domain::payments::Inbox,
    /// The public license API's service.
    pub licenses: domain::licenses::Licenses,
    /// The embedded payment sandbox, mounted at `/sandbox` when it runs.
    pub sandbox: Option<sandbox::Sandbox>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// A built store, bound to its port, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    address: SocketAddr,
    public_url: String,
    db: DatabaseConnection,
    mail: Transport,
    uploads: Uploads,
    sandbox: Option<sandbox::Sandbox>,
    inbox: domain::payments::Inbox,
    page_views: domain::page_views::PageViews,
    /// Whether this instance runs the background jobs.
    run_jobs: bool,
    /// Kept alive for as long as the application.
    embedded_s3: Option<EmbeddedS3>,
}

impl Application {
    /// Binds, migrates, starts storage and seeds the demo catalog if the database
    /// is empty. Port 0 in the settings picks a free port (tests).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let listener = TcpListener::bind(settings.addr)
            .await
            .map_err(|err| StartupError::Bind(settings.addr, err))?;
        let address = listener
            .local_addr()
            .map_err(|err| StartupError::Bind(settings.addr, err))?;
        let public_url = settings.public_url_for(address);

        let db = open_database(&settings).await?;
        let (payments, sandbox) = payments::payments_for(&settings, address, &public_url).await?;
        let mail = match &settings.smtp_url {
            Some(url) => Transport::smtp(url.expose(), &settings.mail_from)?,
            None => Transport::OutboxOnly,
        };
        let (storage, embedded_s3) = storage_for(&settings, &origin_of(&public_url)).await?;
        storage.ensure_bucket().await?;
        let clock = Clock::System;
        let flash_key = domain::secret::shared(&db, "form_flash").await?;
        let flash_key = crate::routes::server_fns::FlashKey(
            hex::decode(flash_key.expose())
                .unwrap_or_else(|_| flash_key.expose().as_bytes().to_vec())
                .into(),
        );
        // Browsers fetch objects from wherever presigned URLs point.
        let storage_origin = origin_of(&storage.image_url("origin", clock.now()));
        if settings.seed_demo {
            let seeding = domain::demo::seed_if_empty(&db, &storage, &clock);
            let added = domain::db::exclusively(&settings.database_url, seeding).await?;
            if added > 0 {
                tracing::info!(products = added, "seeded the demo catalog");
            }
        }

        let leptos_options = LeptosOptions::builder()
            .output_name("frontend")
            .site_root(settings.site_dir.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .build();
        let catalog_cache = domain::catalog::CatalogCache::default();
        // The tasks that query without pause under load each keep a
        // connection of their own: who is signed in (nearly every request),
        // a mint's purchase, and the writer that counts and logs mints.
        let url = &settings.database_url;
        let accounts = Accounts::new(db.clone(), clock.clone(), public_url.clone())
            .with_session_connection(domain::db::dedicated(url).await?);
        let delivery = domain::delivery::Delivery::new(db.clone(), storage.clone(), clock.clone())
            .with_window(chrono::Duration::seconds(settings.redelivery_window_secs))
            .with_connections(
                domain::db::dedicated(url).await?,
                domain::db::dedicated(url).await?,
            );
        let page_views = domain::page_views::PageViews::new(db.clone(), clock.clone());
        let inbox = domain::payments::Inbox::new(db.clone(), clock.clone(), public_url.clone());
        let uploads = Uploads::new(db.clone(), storage.clone(), clock.clone())
            .with_inline_completion_max(settings.upload_inline_check)
            .with_catalog_cache(catalog_cache.clone());
        let state = AppState(std::sync::Arc::new(Shared {
            leptos_options,
            app: app::ssr::AppContext::new(app::ssr::Services {
                catalog: Catalog::new(db.clone(), storage.clone(), clock.clone())
                    .with_cache(catalog_cache.clone()),
                accounts,
                limiter: RateLimiter::new(clock.clone()),
                uploads: uploads.clone(),
                products: Products::new(db.clone(), clock.clone())
                    .with_catalog_cache(catalog_cache.clone()),
                gallery: Gallery::new(db.clone(), storage.clone(), clock.clone())
                    .with_catalog_cache(catalog_cache.clone()),
                files: ProductFiles::new(db.clone(), storage.clone())
                    .with_catalog_cache(catalog_cache),
                reports: Reports::new(db.clone()),
                audit: domain::audit::AuditLog::new(db.clone(), clock.clone()),
                dashboard: domain::dashboard::Dashboard::new(
                    db.clone(),
                    clock.clone(),
                    settings.time_zone,
                ),
                customers: domain::customers::Customers::new(db.clone()),
                analytics: domain::analytics::ProductAnalytics::new(
                    db.clone(),
                    clock.clone(),
                    settings.time_zone,
                ),
                page_views: page_views.clone(),
                carts: domain::carts::Carts::new(db.clone(), clock.clone()),
                discounts: domain::discounts::Discounts::new(db.clone(), clock.clone()),
                orders: domain::orders::Orders::new(
                    db.clone(),
                    clock.clone(),
                    payments.clone(),
                    public_url.clone(),
                ),
                payments: payments.clone(),
                licenses: domain::licenses::Licenses::new(db.clone(), clock.clone()),
                grants: domain::grants::Grants::new(db.clone(), clock.clone(), public_url.clone()),
                delivery,
            }),
            db: db.clone(),
            storage,
            storage_origin,
            assets: crate::bundle::assets(&settings.site_dir.join("pkg")).into(),
            flash_key,
            inbox: inbox.clone(),
            licenses: domain::licenses::Licenses::new(db.clone(), clock.clone()),
            clock,
            payments,
            sandbox: sandbox.clone(),
        }));
        let router = routes::router(state, &settings, &origin_of(&public_url));
        Ok(Self {
            listener,
            router,
            address,
            public_url,
            db,
            mail,
            uploads,
            sandbox,
            inbox,
            page_views,
            run_jobs: settings.run_jobs,
            embedded_s3,
        })
    }

    /// The address the store listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The store's public base URL.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The embedded S3 endpoint, when the store runs one.
    pub fn embedded_s3_endpoint(&self) -> Option<&str> {
        self.embedded_s3.as_ref().map(|s3| s3.endpoint.as_str())
    }

    /// The embedded payment sandbox, when the store runs one (tests move its
    /// clock).
    pub fn sandbox(&self) -> Option<&sandbox::Sandbox> {
        self.sandbox.as_ref()
    }

    /// Serves until SIGINT or SIGTERM, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish
    /// and stops the background jobs.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartupError> {
        let (stop_counting, stopped_counting) = tokio::sync::oneshot::channel::<()>();
        let (stop_checkpoints, stopped_checkpoints) = tokio::sync::oneshot::channel::<()>();
        let checkpoints = tokio::spawn(domain::db::checkpoint_every(
            self.db.clone(),
            CHECKPOINT_PERIOD,
            async move {
                let _ = stopped_checkpoints.await;
            },
        ));
        let page_views = tokio::spawn(self.page_views.clone().flush_every(
            PAGE_VIEWS_PERIOD,
            async move {
                let _ = stopped_counting.await;
            },
        ));
        let mut jobs = Vec::new();
        if self.run_jobs {
            jobs.push(tokio::spawn(
                DbSessionStore::new(self.db.clone(), Clock::System)
                    .delete_expired_every(EXPIRED_SESSION_SWEEP),
            ));
            jobs.push(tokio::spawn(
                self.uploads.clone().abort_stale_every(STALE_UPLOAD_SWEEP),
            ));
            jobs.push(tokio::spawn(
                self.uploads
                    .clone()
                    .complete_queued_every(UPLOAD_COMPLETION_PERIOD),
            ));
            jobs.push(tokio::spawn(domain::mail::deliver_forever(
                self.db.clone(),
                Clock::System,
                self.mail.clone(),
                MAIL_DELIVERY_PERIOD,
            )));
            if let Some(sandbox) = self.sandbox.clone() {
                jobs.push(tokio::spawn(sandbox.run_jobs()));
            }
            jobs.push(tokio::spawn(
                self.inbox.clone().settle_every(WAITING_EVENTS_PERIOD),
            ));
        } else {
            tracing::info!("background jobs are off on this instance (DOWNLINK_RUN_JOBS=false)");
        }
        tracing::info!(url = %self.public_url, "Downlink is serving");
        let result = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(StartupError::Serve);
        for job in jobs {
            job.abort();
        }
        // The views of the last seconds are written before the store stops.
        let _ = stop_counting.send(());
        let _ = page_views.await;
        // Then the write-ahead log is emptied into the database file.
        let _ = stop_checkpoints.send(());
        let _ = checkpoints.await;
        tracing::info!("Downlink stopped");
        drop(self.embedded_s3);
        result
    }
}

/// Connects to the configured database and applies pending migrations (one
/// instance at a time).
pub async fn open_database(settings: &Settings) -> Result<DatabaseConnection, StartupError> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).map_err(|err| {
            StartupError::Database(sea_orm::DbErr::Custom(format!(
                "cannot create data dir {}: {err}",
                settings.data_dir.display()
            )))
        })?;
    }
    let db = domain::db::connect(&settings.database_url).await?;
    domain::db::exclusively(&settings.database_url, Migrator::up(&db, None)).await?;
    Ok(db)
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is
/// called, not when it is first polled, so a signal sent right after "serving"
/// is logged is never missed (it would otherwise kill the process outright).
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        match signals {
            (Ok(mut interrupt), Ok(mut terminate)) => {
                tokio::select! {
                    _ = interrupt.recv() => {},
                    _ = terminate.recv() => {},
                }
            }
            (interrupt, terminate) => {
                for err in [interrupt.err(), terminate.err()].into_iter().flatten() {
                    tracing::error!(error = %err, "cannot listen for shutdown signals");
                }
                std::future::pending::<()>().await;
            }
        }
        #[cfg(not(unix))]
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing in-flight requests");
    }
}
