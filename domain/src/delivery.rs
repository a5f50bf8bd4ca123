//! Secure delivery: only the buyer of an entitlement gets its files, through
//! short-lived presigned links, as often as the shop allows. Minting a
//! download is one write transaction that checks the entitlement, counts the
//! delivery with an atomic conditional update (exact under concurrency), and
//! logs it; the same buyer minting the same file again within a short window
//! (a resumed download, a double click) is the same delivery and does not
//! count again. Streams play in the page and never count.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::{delivery, entitlement, product_file, user};
use crate::storage::{Storage, StorageError, download_lifetime};

/// Minting the same file again within this long does not count again.
pub const REDELIVERY_WINDOW: Duration = Duration::minutes(10);

/// How long a stream link lives.
const STREAM_LIFETIME: std::time::Duration = std::time::Duration::from_secs(4 * 3600);

/// Why a file was not delivered, each in words the buyer understands.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("There is no such file.")]
    NotFound,
    #[error("This purchase belongs to someone else.")]
    NotYours,
    #[error("This purchase was refunded; its files are no longer available.")]
    Refunded,
    #[error("Access to this purchase was withdrawn.")]
    Revoked,
    #[error("Access to this purchase ended on {}.", .0.format("%Y-%m-%d"))]
    AccessEnded(DateTime<Utc>),
    #[error("No downloads left: all {0} were used.")]
    NoDownloadsLeft(i32),
    #[error("Only audio and video play in the page.")]
    NotStreamable,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Who asks, and from where (for the log).
#[derive(Clone, Debug)]
pub struct Requester<'a> {
    pub user: &'a user::Model,
    pub ip: String,
    pub user_agent: String,
}

/// A minted download.
#[derive(Clone, Debug)]
pub struct Minted {
    pub url: String,
    /// None when unlimited.
    pub downloads_left: Option<i32>,
    /// False when this was the same delivery as one a moment ago.
    pub counted: bool,
}

/// The delivery service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Delivery {
    db: DatabaseConnection,
    storage: Storage,
    clock: Clock,
    window: Duration,
}

impl Delivery {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        Self {
            db,
            storage,
            clock,
            window: REDELIVERY_WINDOW,
        }
    }

    /// How long minting the same file again counts as the same delivery.
    pub fn with_window(self, window: Duration) -> Self {
        Self { window, ..self }
    }

    /// Checks that `entitlement` is the requester's and still gives access,
    /// and finds the newest version of `file` (a version of its product).
    async fn open(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        who: &Requester<'_>,
        entitlement: Uuid,
        file: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(entitlement::Model, product_file::Model), DeliveryError> {
        // Locked (PostgreSQL): one mint of an entitlement at a time, so the
        // "same delivery" check and the count never interleave.
        let granted = entitlement::Entity::find()
            .filter(entitlement::Column::Pid.eq(entitlement))
            .lock_exclusive()
            .one(conn)
            .await?
            .ok_or(DeliveryError::NotFound)?;
        if granted.user_id != who.user.id {
            return Err(DeliveryError::NotYours);
        }
        if granted.revoked_at.is_some() {
            return Err(match granted.revoked_reason.as_deref() {
                Some("refunded") => DeliveryError::Refunded,
                _ => DeliveryError::Revoked,
            });
        }
        if let Some(until) = granted.access_until
            && until <= now
        {
            return Err(DeliveryError::AccessEnded(until));
        }
        let asked = product_file::Entity::find()
            .filter(product_file::Column::Pid.eq(file))
            .filter(product_file::Column::ProductId.eq(granted.product_id))
            .one(conn)
            .await?
            .ok_or(DeliveryError::NotFound)?;
        let newest = product_file::Entity::find()
            .filter(product_file::Column::ProductId.eq(granted.product_id))
            .filter(product_file::Column::Filename.eq(asked.filename.clone()))
            .order_by_desc(product_file::Column::Version)
            .one(conn)
            .await?
            .unwrap_or(asked);
        Ok((granted, newest))
    }

    /// Mints a download link for the newest version of `file`.
    pub async fn mint(
        &self,
        who: &Requester<'_>,
        entitlement: Uuid,
        file: Uuid,
    ) -> Result<Minted, DeliveryError> {
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let (granted, file) = self.open(&txn, who, entitlement, file, now).await?;
        // "Now" again, once this mint holds the entitlement: a mint that
        // waited must not see the rows of the ones before it as newer.
        let now = self.clock.now();
        let again = self.window > Duration::zero()
            && delivery::Entity::find()
                .filter(delivery::Column::EntitlementId.eq(granted.id))
                .filter(delivery::Column::Filename.eq(file.filename.clone()))
                .filter(delivery::Column::Kind.eq("download"))
                .filter(delivery::Column::CreatedAt.gt(now - self.window))
                .count(&txn)
                .await?
                > 0;
        if !again {
            let counted = entitlement::Entity::update_many()
                .col_expr(
                    entitlement::Column::DownloadsUsed,
                    Expr::col(entitlement::Column::DownloadsUsed).add(1),
                )
                .filter(entitlement::Column::Id.eq(granted.id))
                .filter(entitlement::Column::RevokedAt.is_null())
                .filter(
                    entitlement::Column::DownloadLimit
                        .is_null()
                        .or(Expr::col(entitlement::Column::DownloadsUsed)
                            .lt(Expr::col(entitlement::Column::DownloadLimit))),
                )
                .exec(&txn)
                .await?;
            if counted.rows_affected != 1 {
                return Err(DeliveryError::NoDownloadsLeft(
                    granted.download_limit.unwrap_or(0),
                ));
            }
        }
        log(&txn, who, &granted, &file, "download", !again, now).await?;
        let used = granted.downloads_used + i32::from(!again);
        txn.commit().await?;
        let url = self
            .storage
            .download_url(
                &file.s3_key,
                &file.filename,
                download_lifetime(file.size_bytes),
            )
            .await?;
        Ok(Minted {
            url,
            downloads_left: granted
                .download_limit
                .map(|limit| std::cmp::max(limit - used, 0)),
            counted: !again,
        })
    }

    /// A link that plays an audio or video file in the page. Never counts.
    pub async fn stream(
        &self,
        who: &Requester<'_>,
        entitlement: Uuid,
        file: Uuid,
    ) -> Result<String, DeliveryError> {
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let (granted, file) = self.open(&txn, who, entitlement, file, now).await?;
        if !(file.content_type.starts_with("audio/") || file.content_type.starts_with("video/")) {
            return Err(DeliveryError::NotStreamable);
        }
        log(&txn, who, &granted, &file, "stream", false, now).await?;
        txn.commit().await?;
        let lifetime = match granted.access_until {
            Some(until) => STREAM_LIFETIME.min((until - now).to_std().unwrap_or_default()),
            None => STREAM_LIFETIME,
        };
        Ok(self
            .storage
            .stream_url(&file.s3_key, &file.filename, &file.content_type, lifetime)
            .await?)
    }
}

async fn log(
    conn: &impl sea_orm::ConnectionTrait,
    who: &Requester<'_>,
    granted: &entitlement::Model,
    file: &product_file::Model,
    kind: &str,
    counted: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    delivery::ActiveModel {
        entitlement_id: Set(granted.id),
        user_id: Set(who.user.id),
        product_file_id: Set(file.id),
        filename: Set(file.filename.clone()),
        kind: Set(kind.to_owned()),
        counted: Set(counted),
        ip: Set(who.ip.chars().take(64).collect()),
        user_agent: Set(who.user_agent.chars().take(256).collect()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
