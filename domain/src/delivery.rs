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
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::{delivery, entitlement, product_file, user};
use crate::storage::{Storage, download_lifetime};

/// Minting the same file again within this long does not count again.
pub const REDELIVERY_WINDOW: Duration = Duration::minutes(10);

/// How long a stream link lives: long enough to listen or watch, short
/// enough that it is no way around a download limit (the page mints another).
const STREAM_LIFETIME: std::time::Duration = std::time::Duration::from_secs(30 * 60);

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
    /// The purchase's limit; None when unlimited.
    pub download_limit: Option<i32>,
}

/// The most mints one write transaction takes.
const MAX_BATCH: usize = 256;

/// The delivery service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Delivery {
    db: DatabaseConnection,
    storage: Storage,
    clock: Clock,
    window: Duration,
    /// The queue of the one task that counts and logs mints (started by the
    /// first mint).
    writer: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
}

/// Who asked, as the log keeps it.
#[derive(Debug)]
struct Caller {
    user: i64,
    ip: String,
    user_agent: String,
}

impl From<&Requester<'_>> for Caller {
    fn from(who: &Requester<'_>) -> Self {
        Self {
            user: who.user.id,
            ip: who.ip.chars().take(64).collect(),
            user_agent: who.user_agent.chars().take(256).collect(),
        }
    }
}

/// A mint waiting for its turn to be counted and logged.
#[derive(Debug)]
struct Job {
    caller: Caller,
    entitlement: Uuid,
    file: Uuid,
    done: oneshot::Sender<Result<Delivered, DeliveryError>>,
}

/// A mint counted (or not: the same delivery as one a moment ago) and logged.
#[derive(Debug)]
struct Delivered {
    granted: entitlement::Model,
    file: product_file::Model,
    counted: bool,
    now: DateTime<Utc>,
}

impl Delivery {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        Self {
            db,
            storage,
            clock,
            window: REDELIVERY_WINDOW,
            writer: Arc::default(),
        }
    }

    /// How long minting the same file again counts as the same delivery.
    pub fn with_window(self, window: Duration) -> Self {
        Self {
            window,
            writer: Arc::default(),
            ..self
        }
    }

    /// Checks that `entitlement` is `user`'s and still gives access, and
    /// finds the newest version of `file` (a version of its product).
    async fn open(
        &self,
        conn: &impl sea_orm::ConnectionTrait,
        user: i64,
        entitlement: Uuid,
        file: Uuid,
        now: DateTime<Utc>,
    ) -> Result<(entitlement::Model, product_file::Model), DeliveryError> {
        // Locked (PostgreSQL): one mint of an entitlement at a time, so the
        // "same delivery" check and the count never interleave with another
        // instance's.
        let granted = entitlement::Entity::find()
            .filter(entitlement::Column::Pid.eq(entitlement))
            .lock_exclusive()
            .one(conn)
            .await?
            .ok_or(DeliveryError::NotFound)?;
        if granted.user_id != user {
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
        // The version buyers get, by the rule written once.
        let newest = crate::product_files::newest_versions(conn, granted.product_id)
            .await?
            .into_iter()
            .find(|file| file.filename == asked.filename)
            .unwrap_or(asked);
        Ok((granted, newest))
    }

    /// Mints a download link for the newest version of `file`.
    ///
    /// Mints are counted and logged by one task, many in one write
    /// transaction (a group commit): under load they queue in memory instead
    /// of each waiting for the database's write lock, and each is still
    /// checked, counted and logged exactly as if alone.
    pub async fn mint(
        &self,
        who: &Requester<'_>,
        entitlement: Uuid,
        file: Uuid,
    ) -> Result<Minted, DeliveryError> {
        let (done, answer) = oneshot::channel();
        let job = Job {
            caller: who.into(),
            entitlement,
            file,
            done,
        };
        let writer = self.writer();
        writer.send(job).await.map_err(|_| writer_gone())?;
        let Delivered {
            granted,
            file,
            counted,
            now,
        } = answer.await.map_err(|_| writer_gone())??;
        let used = granted.downloads_used + i32::from(counted);
        // Never beyond the end of access. Signed here, without a round
        // trip: a counted download always gets its link.
        let lifetime = match granted.access_until {
            Some(until) => {
                download_lifetime(file.size_bytes).min((until - now).to_std().unwrap_or_default())
            }
            None => download_lifetime(file.size_bytes),
        };
        Ok(Minted {
            url: self
                .storage
                .download_url(&file.s3_key, &file.filename, lifetime),
            downloads_left: granted
                .download_limit
                .map(|limit| std::cmp::max(limit - used, 0)),
            download_limit: granted.download_limit,
        })
    }

    /// The writer's queue, its task started on first use, and again if it
    /// ever stopped (a panic drops its end of the queue).
    fn writer(&self) -> mpsc::Sender<Job> {
        let mut kept = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        match kept.as_ref() {
            Some(queue) if !queue.is_closed() => queue.clone(),
            _ => {
                let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
                tokio::spawn(self.clone().write_mints(jobs));
                *kept = Some(queue.clone());
                queue
            }
        }
    }

    /// The writer: takes what is queued, up to [`MAX_BATCH`], counts and
    /// logs it in one transaction, answers each, and goes on while anyone
    /// can still send.
    async fn write_mints(self, mut jobs: mpsc::Receiver<Job>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
            // A buyer who gave up waiting is not counted.
            batch.retain(|job| !job.done.is_closed());
            // Purchases locked in one order by every writer (PostgreSQL
            // holds them to the commit): two instances never deadlock.
            batch.sort_by_key(|job| job.entitlement);
            let outcomes = match self.count_batch(&batch).await {
                Ok(outcomes) => outcomes,
                // One mint's database error must not fail the others: each
                // again, alone.
                Err(err) => {
                    tracing::warn!(error = %err, mints = batch.len(), "a batch of downloads failed; counting each alone");
                    let mut outcomes = Vec::with_capacity(batch.len());
                    for job in &batch {
                        outcomes.push(match self.count_batch(std::slice::from_ref(job)).await {
                            Ok(mut alone) => alone.pop().unwrap_or_else(|| Err(writer_gone())),
                            Err(err) => {
                                tracing::error!(error = %err, "could not count a download");
                                Err(DeliveryError::Db(err))
                            }
                        });
                    }
                    outcomes
                }
            };
            for (job, outcome) in batch.drain(..).zip(outcomes) {
                let _ = job.done.send(outcome);
            }
        }
    }

    /// Counts and logs `jobs` in one transaction. A refusal is that mint's
    /// answer (it wrote nothing); a database error undoes them all.
    async fn count_batch(
        &self,
        jobs: &[Job],
    ) -> Result<Vec<Result<Delivered, DeliveryError>>, DbErr> {
        let txn = begin_write(&self.db).await?;
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in jobs {
            match self.count(&txn, job).await {
                Err(DeliveryError::Db(err)) => return Err(err),
                outcome => outcomes.push(outcome),
            }
        }
        txn.commit().await?;
        Ok(outcomes)
    }

    /// One mint: checked, counted unless it is the same delivery as one a
    /// moment ago (an atomic conditional update), logged.
    async fn count(
        &self,
        txn: &DatabaseTransaction,
        job: &Job,
    ) -> Result<Delivered, DeliveryError> {
        let now = self.clock.now();
        let (granted, file) = self
            .open(txn, job.caller.user, job.entitlement, job.file, now)
            .await?;
        let again = self.window > Duration::zero()
            && delivery::Entity::find()
                .filter(delivery::Column::EntitlementId.eq(granted.id))
                .filter(delivery::Column::Filename.eq(file.filename.clone()))
                .filter(delivery::Column::Kind.eq("download"))
                // Anchored to the delivery that counted: re-minting does not
                // keep a window open for ever.
                .filter(delivery::Column::Counted.eq(true))
                .filter(delivery::Column::CreatedAt.gt(now - self.window))
                .select_only()
                .column(delivery::Column::Id)
                .limit(1)
                .into_tuple::<i64>()
                .one(txn)
                .await?
                .is_some();
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
                .exec(txn)
                .await?;
            if counted.rows_affected != 1 {
                return Err(DeliveryError::NoDownloadsLeft(
                    granted.download_limit.unwrap_or(0),
                ));
            }
        }
        log(txn, &job.caller, &granted, &file, "download", !again, now).await?;
        Ok(Delivered {
            granted,
            file,
            counted: !again,
            now,
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
        let (granted, file) = self.open(&txn, who.user.id, entitlement, file, now).await?;
        if !(file.content_type.starts_with("audio/") || file.content_type.starts_with("video/")) {
            return Err(DeliveryError::NotStreamable);
        }
        log(&txn, &who.into(), &granted, &file, "stream", false, now).await?;
        txn.commit().await?;
        let lifetime = match granted.access_until {
            Some(until) => STREAM_LIFETIME.min((until - now).to_std().unwrap_or_default()),
            None => STREAM_LIFETIME,
        };
        Ok(self
            .storage
            .stream_url(&file.s3_key, &file.filename, &file.content_type, lifetime))
    }
}

fn writer_gone() -> DeliveryError {
    DeliveryError::Db(DbErr::Custom("the download counter stopped".into()))
}

async fn log(
    conn: &impl sea_orm::ConnectionTrait,
    who: &Caller,
    granted: &entitlement::Model,
    file: &product_file::Model,
    kind: &str,
    counted: bool,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    delivery::Entity::insert(delivery::ActiveModel {
        entitlement_id: Set(granted.id),
        user_id: Set(who.user),
        product_file_id: Set(file.id),
        filename: Set(file.filename.clone()),
        kind: Set(kind.to_owned()),
        counted: Set(counted),
        ip: Set(who.ip.clone()),
        user_agent: Set(who.user_agent.clone()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// What the admin's delivery log shows of one delivery.
#[derive(Clone, Debug)]
pub struct LogRow {
    pub at: DateTime<Utc>,
    pub buyer: String,
    pub product: String,
    pub file: String,
    pub version: i32,
    pub kind: String,
    pub counted: bool,
    pub ip: String,
    pub user_agent: String,
}

/// The admin's filters on the log.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    /// A product's slug.
    pub product: Option<String>,
    /// Part of the buyer's address.
    pub buyer: Option<String>,
    /// One buyer's account (its row id).
    pub user: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Delivery {
    /// The newest deliveries matching `filter`, at most `limit`.
    pub async fn log(&self, filter: &LogFilter, limit: u64) -> Result<Vec<LogRow>, DbErr> {
        use crate::entities::{product, user};
        let mut query = delivery::Entity::find();
        if let Some(from) = filter.from {
            query = query.filter(delivery::Column::CreatedAt.gte(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(delivery::Column::CreatedAt.lt(until));
        }
        if let Some(user) = filter.user {
            query = query.filter(delivery::Column::UserId.eq(user));
        }
        if let Some(buyer) = filter
            .buyer
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        {
            // Subqueries: the database picks the buyers and purchases, so
            // no list of ids (which could pass SQLite's limit) is sent back.
            query = query.filter(
                delivery::Column::UserId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(user::Column::Id)
                        .from(user::Entity)
                        .and_where(
                            user::Column::Email.like(crate::db::containing(&buyer.to_lowercase())),
                        )
                        .to_owned(),
                ),
            );
        }
        if let Some(slug) = filter
            .product
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            query = query.filter(
                delivery::Column::EntitlementId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column((entitlement::Entity, entitlement::Column::Id))
                        .from(entitlement::Entity)
                        .inner_join(
                            product::Entity,
                            Expr::col((product::Entity, product::Column::Id))
                                .equals((entitlement::Entity, entitlement::Column::ProductId)),
                        )
                        .and_where(Expr::col((product::Entity, product::Column::Slug)).eq(slug))
                        .to_owned(),
                ),
            );
        }
        let rows = query
            .order_by_desc(delivery::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        // Each buyer, file and product read once, whatever the rows repeat.
        let ids = |id: fn(&delivery::Model) -> i64| rows.iter().map(id).collect::<BTreeSet<_>>();
        let users: HashMap<i64, String> = user::Entity::find()
            .filter(user::Column::Id.is_in(ids(|r| r.user_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email))
            .collect();
        let files: HashMap<i64, product_file::Model> = product_file::Entity::find()
            .filter(product_file::Column::Id.is_in(ids(|r| r.product_file_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        let products: HashMap<i64, String> = product::Entity::find()
            .filter(
                product::Column::Id.is_in(
                    files
                        .values()
                        .map(|f| f.product_id)
                        .collect::<BTreeSet<_>>(),
                ),
            )
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.title))
            .collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                let file = files.get(&row.product_file_id);
                LogRow {
                    at: row.created_at,
                    buyer: users.get(&row.user_id).cloned().unwrap_or_default(),
                    product: file
                        .and_then(|f| products.get(&f.product_id))
                        .cloned()
                        .unwrap_or_default(),
                    file: row.filename,
                    version: file.map_or(0, |f| f.version),
                    kind: row.kind,
                    counted: row.counted,
                    ip: row.ip,
                    user_agent: row.user_agent,
                }
            })
            .collect())
    }
}

/// The log as CSV (RFC 4180), a header line first.
pub fn log_csv(rows: &[LogRow]) -> String {
    let field = crate::exports::csv_field;
    let mut out = String::from("time,buyer,product,file,version,kind,counted,ip,user_agent\r\n");
    for row in rows {
        let line = [
            row.at.to_rfc3339(),
            row.buyer.clone(),
            row.product.clone(),
            row.file.clone(),
            row.version.to_string(),
            row.kind.clone(),
            row.counted.to_string(),
            row.ip.clone(),
            row.user_agent.clone(),
        ]
        .iter()
        .map(|value| field(value))
        .collect::<Vec<_>>()
        .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_run_as_formulas() {
        let row = LogRow {
            at: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            buyer: "a@example.com".into(),
            product: "Notes, \"été\"".into(),
            file: "a.pdf".into(),
            version: 2,
            kind: "download".into(),
            counted: true,
            ip: "127.0.0.1".into(),
            user_agent: "=HYPERLINK(\"x\")".into(),
        };
        let csv = log_csv(&[row]);
        assert_eq!(
            csv,
            "time,buyer,product,file,version,kind,counted,ip,user_agent\r\n\
             1970-01-01T00:00:00+00:00,a@example.com,\"Notes, \"\"été\"\"\",a.pdf,2,download,true,127.0.0.1,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
    }
}
