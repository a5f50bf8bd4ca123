//! The one task that counts and logs mints: many in one write transaction
//! (a group commit), each counted exactly as if alone, their log rows written
//! in one statement.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};
use types::delivery::DeliveryKind;

use super::{Caller, Delivery, DeliveryError, ended, writer_gone};
use crate::db::begin_write;
use crate::entities::{delivery, entitlement, product_file};

/// The most mints one write transaction takes.
pub(super) const MAX_BATCH: usize = 256;

/// The most downloads remembered as counted lately (beyond it, those whose
/// window has closed are forgotten, or all of them).
const REMEMBERED: usize = 10_000;

/// A delivery waiting for its turn to be counted and logged. Its purchase
/// was found the buyer's and still giving access when it was read.
#[derive(Debug)]
pub(super) struct Job {
    pub(super) caller: Caller,
    pub(super) granted: entitlement::Model,
    pub(super) file: product_file::Model,
    pub(super) kind: DeliveryKind,
    /// Whether it takes a download, unless the log shows the same delivery
    /// counted a moment ago. False for streams and for downloads counted
    /// lately by this instance.
    pub(super) counts: bool,
    pub(super) done: oneshot::Sender<Result<Delivered, DeliveryError>>,
}

/// A delivery counted (or not) and logged: its purchase as it stands after
/// the count, and when.
#[derive(Debug)]
pub(super) struct Delivered {
    pub(super) granted: entitlement::Model,
    pub(super) file: product_file::Model,
    pub(super) now: DateTime<Utc>,
}

/// When each download counted lately (by purchase and file name) was
/// counted, as this instance saw it. It only ever says "counted": a download
/// not here is looked up in the log, which holds every instance's.
#[derive(Debug, Default)]
pub(super) struct Lately(HashMap<(i64, String), DateTime<Utc>>);

impl Lately {
    fn remember(
        &mut self,
        counted: HashMap<(i64, String), DateTime<Utc>>,
        window_opened: DateTime<Utc>,
    ) {
        if self.0.len() + counted.len() > REMEMBERED {
            self.0.retain(|_, at| *at > window_opened);
            if self.0.len() + counted.len() > REMEMBERED {
                self.0.clear();
            }
        }
        self.0.extend(counted);
    }
}

impl Delivery {
    /// Whether this instance counted a download of `file` of `granted`
    /// within the window.
    pub(super) fn counted_lately(
        &self,
        granted: &entitlement::Model,
        file: &product_file::Model,
    ) -> bool {
        if self.window <= Duration::zero() {
            return false;
        }
        let opened = self.clock.now() - self.window;
        self.lately
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .get(&(granted.id, file.filename.clone()))
            .is_some_and(|at| *at > opened)
    }

    /// The writer's queue, its task started on first use, and again if it
    /// ever stopped (a panic drops its end of the queue).
    pub(super) fn writer(&self) -> mpsc::Sender<Job> {
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
            crate::batch::more_of(&mut jobs, &mut batch, MAX_BATCH).await;
            // A buyer who gave up waiting is not counted.
            batch.retain(|job| !job.done.is_closed());
            // Purchases locked in one order by every writer (PostgreSQL
            // holds them to the commit): two instances never deadlock.
            batch.sort_by_key(|job| job.granted.id);
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

    /// Counts `jobs` in one transaction and logs them in one statement. A
    /// refusal is that mint's answer (it wrote nothing); a database error
    /// undoes them all.
    async fn count_batch(
        &self,
        jobs: &[Job],
    ) -> Result<Vec<Result<Delivered, DeliveryError>>, DbErr> {
        let now = self.clock.now();
        let delivered = |job: &Job, granted: entitlement::Model, took: bool| {
            let row = super::log::row(&job.caller, &granted, &job.file, job.kind, took, now);
            let file = job.file.clone();
            (row, Ok(Delivered { granted, file, now }))
        };
        if !jobs.iter().any(|job| job.counts) {
            // Streams and deliveries counted lately: nothing to count, and
            // the log rows are one statement, a transaction of its own.
            let (rows, outcomes): (Vec<_>, _) = jobs
                .iter()
                .map(|job| delivered(job, job.granted.clone(), false))
                .unzip();
            delivery::Entity::insert_many(rows)
                .exec_without_returning(&self.writes)
                .await?;
            return Ok(outcomes);
        }
        let mut outcomes = Vec::with_capacity(jobs.len());
        let mut rows = Vec::with_capacity(jobs.len());
        let txn = begin_write(&self.writes).await?;
        let mut counted = HashMap::new();
        for job in jobs {
            match self.count(&txn, job, now, &mut counted).await {
                Err(DeliveryError::Db(err)) => return Err(err),
                Err(refusal) => outcomes.push(Err(refusal)),
                Ok((granted, took)) => {
                    let (row, outcome) = delivered(job, granted, took);
                    rows.push(row);
                    outcomes.push(outcome);
                }
            }
        }
        if !rows.is_empty() {
            delivery::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
        txn.commit().await?;
        if self.window > Duration::zero() {
            self.lately
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remember(counted, now - self.window);
        }
        Ok(outcomes)
    }

    /// One delivery: counted unless it never counts or is the same delivery
    /// as one counted a moment ago (in `counted`, this batch's and those
    /// found in the log). Answers the purchase as it stands and whether it
    /// took a download.
    async fn count(
        &self,
        txn: &DatabaseTransaction,
        job: &Job,
        now: DateTime<Utc>,
        counted: &mut HashMap<(i64, String), DateTime<Utc>>,
    ) -> Result<(entitlement::Model, bool), DeliveryError> {
        let granted = &job.granted;
        let same = (granted.id, job.file.filename.clone());
        let windowed = self.window > Duration::zero();
        if !job.counts || (windowed && counted.contains_key(&same)) {
            return Ok((granted.clone(), false));
        }
        if windowed {
            if txn.get_database_backend() == DatabaseBackend::Postgres {
                // One count of a purchase at a time across instances, so the
                // "same delivery" look and the count never interleave with
                // another's (SQLite's write transaction is already alone).
                entitlement::Entity::find_by_id(granted.id)
                    .select_only()
                    .column(entitlement::Column::Id)
                    .lock_exclusive()
                    .into_tuple::<i64>()
                    .one(txn)
                    .await?;
            }
            let earlier = delivery::Entity::find()
                .filter(delivery::Column::EntitlementId.eq(granted.id))
                .filter(delivery::Column::Filename.eq(job.file.filename.clone()))
                .filter(delivery::Column::Kind.eq(DeliveryKind::Download))
                // Anchored to the delivery that counted: re-minting does not
                // keep a window open for ever.
                .filter(delivery::Column::Counted.eq(true))
                .filter(delivery::Column::CreatedAt.gt(now - self.window))
                .select_only()
                .column(delivery::Column::CreatedAt)
                .order_by_desc(delivery::Column::CreatedAt)
                .limit(1)
                .into_tuple::<DateTime<Utc>>()
                .one(txn)
                .await?;
            if let Some(at) = earlier {
                counted.insert(same, at);
                return Ok((granted.clone(), false));
            }
        }
        // Checked again as it is counted: refunded, revoked or ended since
        // it was read counts nothing.
        let updated = entitlement::Entity::update_many()
            .col_expr(
                entitlement::Column::DownloadsUsed,
                Expr::col(entitlement::Column::DownloadsUsed).add(1),
            )
            .filter(entitlement::Column::Id.eq(granted.id))
            .filter(entitlement::Column::RevokedAt.is_null())
            .filter(
                entitlement::Column::AccessUntil
                    .is_null()
                    .or(entitlement::Column::AccessUntil.gt(now)),
            )
            .filter(
                entitlement::Column::DownloadLimit
                    .is_null()
                    .or(Expr::col(entitlement::Column::DownloadsUsed)
                        .lt(Expr::col(entitlement::Column::DownloadLimit))),
            )
            .exec_with_returning(txn)
            .await?;
        match updated.into_iter().next() {
            Some(after) => {
                counted.insert(same, now);
                Ok((after, true))
            }
            None => {
                let current = entitlement::Entity::find_by_id(granted.id)
                    .one(txn)
                    .await?
                    .ok_or(DeliveryError::NotFound)?;
                Err(
                    ended(&current, now).unwrap_or(DeliveryError::NoDownloadsLeft(
                        current.download_limit.unwrap_or(0),
                    )),
                )
            }
        }
    }
}
