//! The one task that counts and logs mints: many in one write transaction
//! (a group commit), each checked, counted and logged exactly as if alone.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, QuerySelect};
use tokio::sync::{mpsc, oneshot};
use types::delivery::DeliveryKind;
use uuid::Uuid;

use super::{Caller, Delivery, DeliveryError, writer_gone};
use crate::db::begin_write;
use crate::entities::{delivery, entitlement, product_file};

/// The most mints one write transaction takes.
pub(super) const MAX_BATCH: usize = 256;

/// A mint waiting for its turn to be counted and logged.
#[derive(Debug)]
pub(super) struct Job {
    pub(super) caller: Caller,
    pub(super) entitlement: Uuid,
    pub(super) file: Uuid,
    pub(super) done: oneshot::Sender<Result<Delivered, DeliveryError>>,
}

/// A mint counted (or not: the same delivery as one a moment ago) and logged.
#[derive(Debug)]
pub(super) struct Delivered {
    pub(super) granted: entitlement::Model,
    pub(super) file: product_file::Model,
    pub(super) counted: bool,
    pub(super) now: DateTime<Utc>,
}

impl Delivery {
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
                .filter(delivery::Column::Kind.eq(DeliveryKind::Download))
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
        let kind = DeliveryKind::Download;
        super::log::log(txn, &job.caller, &granted, &file, kind, !again, now).await?;
        Ok(Delivered {
            granted,
            file,
            counted: !again,
            now,
        })
    }
}
