//! Uploads abandoned half-way: aborted a day after they started, so S3
//! discards their parts.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{STALE_AFTER, UploadError, Uploads};
use crate::entities::upload::{self, UploadStatus};

impl Uploads {
    /// Aborts every upload still pending [`STALE_AFTER`] after it started, so S3
    /// discards its parts. One that cannot be aborted now is logged and left for
    /// the next sweep; the others are aborted all the same. Returns how many
    /// were aborted.
    pub async fn abort_stale(&self) -> Result<usize, UploadError> {
        let cutoff = self.clock.now()
            - chrono::Duration::from_std(STALE_AFTER).unwrap_or(chrono::Duration::days(1));
        let stale = upload::Entity::find()
            .filter(upload::Column::Status.eq(UploadStatus::Pending))
            .filter(upload::Column::CreatedAt.lt(cutoff))
            .all(&self.db)
            .await?;
        let mut aborted = 0;
        for row in &stale {
            let abort = async {
                // Claimed first: a completion that got there before wins.
                if !self.abandon(row).await? {
                    return Ok(false);
                }
                self.storage
                    .abort_multipart(&row.s3_key, &row.s3_upload_id)
                    .await?;
                Ok::<_, UploadError>(true)
            };
            match abort.await {
                Ok(true) => aborted += 1,
                Ok(false) => {}
                Err(err) => {
                    tracing::warn!(upload = %row.pid, error = %err, "could not abort a stale upload; S3 may keep its parts until its own cleanup");
                }
            }
        }
        Ok(aborted)
    }

    /// Runs [`Uploads::abort_stale`] every `period`, forever (a background job).
    pub async fn abort_stale_every(self, period: std::time::Duration) {
        let mut ticks = tokio::time::interval(period);
        loop {
            ticks.tick().await;
            match self.abort_stale().await {
                Ok(0) => {}
                Ok(aborted) => tracing::info!(aborted, "aborted stale uploads"),
                Err(err) => tracing::warn!(error = %err, "could not abort stale uploads"),
            }
        }
    }
}
