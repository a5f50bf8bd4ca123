//! The background job that completes uploads too large to check within a
//! request: each queued upload is claimed with a lease, so several instances
//! never work on the same one, and an upload whose worker crashed is taken up
//! again once its lease runs out.

use chrono::SubsecRound;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use super::completion::lease;
use super::{UploadError, Uploads};
use crate::db::begin_write;
use crate::entities::upload::{self, UploadStatus};

impl Uploads {
    /// Completes every upload queued for the background job whose claim is
    /// free. Each is claimed first (a lease, so several instances never work on
    /// the same one and a crashed claim is taken up again once it runs out).
    /// Returns how many were completed or refused.
    pub async fn complete_queued(&self) -> Result<usize, UploadError> {
        let claimable = |now| {
            Condition::all()
                .add(upload::Column::Status.eq(UploadStatus::Completing))
                .add(
                    Condition::any()
                        .add(upload::Column::ClaimedUntil.is_null())
                        .add(upload::Column::ClaimedUntil.lt(now)),
                )
        };
        let queued = upload::Entity::find()
            .filter(claimable(self.clock.now()))
            .order_by_asc(upload::Column::Id)
            .all(&self.db)
            .await?;
        let mut done = 0;
        for row in queued {
            // Claimed at the moment this worker starts on it, not when the
            // run began, so the lease is as long as it says.
            let now = self.clock.now();
            // Whole seconds, so it reads back equal from either database.
            let until = (now + lease(row.size_bytes)).trunc_subsecs(0);
            let txn = begin_write(&self.db).await?;
            let claimed = upload::Entity::update_many()
                .col_expr(upload::Column::ClaimedUntil, Expr::value(until))
                .filter(upload::Column::Id.eq(row.id))
                .filter(claimable(now))
                .exec(&txn)
                .await?
                .rows_affected
                == 1;
            txn.commit().await?;
            if !claimed {
                continue;
            }
            match self.join_and_check(&row, None).await {
                Ok(_) => done += 1,
                Err(refusal) if refusal.is_refusal() => done += 1,
                Err(err) => {
                    tracing::warn!(upload = %row.pid, error = %err, "completing an upload failed; will retry");
                    // Let go of this worker's own claim only.
                    let txn = begin_write(&self.db).await?;
                    upload::Entity::update_many()
                        .col_expr(
                            upload::Column::ClaimedUntil,
                            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
                        )
                        .filter(upload::Column::Id.eq(row.id))
                        .filter(upload::Column::Status.eq(UploadStatus::Completing))
                        .filter(upload::Column::ClaimedUntil.eq(until))
                        .exec(&txn)
                        .await?;
                    txn.commit().await?;
                }
            }
        }
        Ok(done)
    }

    /// Runs [`Uploads::complete_queued`] every `period`, forever (a background job).
    pub async fn complete_queued_every(self, period: std::time::Duration) {
        let mut ticks = tokio::time::interval(period);
        loop {
            ticks.tick().await;
            match self.complete_queued().await {
                Ok(0) => {}
                Ok(completed) => tracing::info!(completed, "completed queued uploads"),
                Err(err) => tracing::warn!(error = %err, "could not complete queued uploads"),
            }
        }
    }
}
