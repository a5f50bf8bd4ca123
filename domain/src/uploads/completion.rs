//! Completing an upload: the parts are joined and the object checked. A file
//! is hashed as a stream and recorded as the newest version of its name, so
//! memory does not grow with its size; an image (at most 25 MiB) gets its
//! thumbnails and joins the product's gallery, in the same transaction that
//! marks the upload completed. Files too large to hash within a request are
//! handed to a background job ([`Uploads::complete_queued`]) and the uploader
//! polls [`Uploads::state`].

use sea_orm::QueryOrder;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::checks::alt_from_filename;
use super::{
    COMPLETION_LEASE, MAX_IMAGE_BYTES, UploadError, Uploads, format_matches, mark, part_plan,
};
use crate::db::begin_write;
use crate::entities::upload::{self, UploadPurpose, UploadStatus};
use crate::entities::{product_file, product_image};
use crate::gallery::GalleryError;
use crate::storage::UploadedPart;

/// What a completed upload became.
#[derive(Clone, Debug)]
pub enum Completed {
    File(product_file::Model),
    Image(product_image::Model),
}

/// The answer to "complete this upload".
#[derive(Clone, Debug)]
pub enum Completion {
    /// Joined, checked and recorded.
    Done(Completed),
    /// Too large to check within a request: the background job will; ask
    /// [`Uploads::state`] until it has.
    Queued,
}

/// Where an upload stands, as its uploader polls it.
#[derive(Clone, Debug)]
pub enum UploadState {
    /// Parts are still arriving.
    Pending,
    /// The background job is joining and checking it.
    Completing,
    Completed(Completed),
    /// Refused on completion, with the reason.
    Refused(String),
    /// Cancelled, or abandoned and aborted.
    Aborted,
}

impl Uploads {
    /// Joins the parts and checks the object, now or (for a file larger than
    /// the inline limit) in the background job. The first caller claims the
    /// upload, so two completions at once do the work once (the other finds
    /// no pending upload); a completion that fails for a passing reason (S3 or
    /// the database unreachable) leaves the upload pending, to try again.
    pub async fn complete(&self, upload: Uuid) -> Result<Completion, UploadError> {
        let row = self.pending(upload).await?;
        let size = u64::try_from(row.size_bytes).unwrap_or_default();
        let queued = row.purpose == UploadPurpose::File && size > self.inline_completion_max;
        let lease = (!queued).then(|| self.clock.now() + lease(row.size_bytes));
        if !self.claim(&row, lease).await? {
            return Err(UploadError::NoSuchUpload);
        }
        let parts = match self
            .storage
            .list_parts(&row.s3_key, &row.s3_upload_id)
            .await
        {
            Ok(parts) => parts,
            Err(err) => return self.release(&row, err.into()).await,
        };
        let (_, expected) = part_plan(&row);
        let missing: Vec<i32> = (1..=expected)
            .filter(|n| !parts.iter().any(|part| part.number == *n))
            .collect();
        if !missing.is_empty() {
            return self
                .release(&row, UploadError::Incomplete { missing })
                .await;
        }
        if queued {
            return Ok(Completion::Queued);
        }
        match self.join_and_check(&row, Some(parts)).await {
            Ok(done) => Ok(Completion::Done(done)),
            Err(refusal) if refusal.is_refusal() => Err(refusal),
            Err(err) => self.release(&row, err).await,
        }
    }

    /// Moves a pending upload to completing, with a claim until `lease` (none:
    /// for the background job to take). False when it was not pending.
    async fn claim(
        &self,
        row: &upload::Model,
        lease: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<bool, UploadError> {
        let txn = begin_write(&self.db).await?;
        let claimed = upload::Entity::update_many()
            .col_expr(
                upload::Column::Status,
                Expr::value(UploadStatus::Completing),
            )
            .col_expr(upload::Column::ClaimedUntil, Expr::value(lease))
            .filter(upload::Column::Id.eq(row.id))
            .filter(upload::Column::Status.eq(UploadStatus::Pending))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        txn.commit().await?;
        Ok(claimed)
    }

    /// Puts a claimed upload back to pending and answers `why`.
    async fn release<T>(&self, row: &upload::Model, why: UploadError) -> Result<T, UploadError> {
        let txn = begin_write(&self.db).await?;
        upload::Entity::update_many()
            .col_expr(upload::Column::Status, Expr::value(UploadStatus::Pending))
            .col_expr(
                upload::Column::ClaimedUntil,
                Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
            )
            .filter(upload::Column::Id.eq(row.id))
            .filter(upload::Column::Status.eq(UploadStatus::Completing))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Err(why)
    }

    /// Where upload `upload` stands.
    pub async fn state(&self, upload: Uuid) -> Result<UploadState, UploadError> {
        let row = upload::Entity::find()
            .filter(upload::Column::Pid.eq(upload))
            .one(&self.db)
            .await?
            .ok_or(UploadError::NoSuchUpload)?;
        Ok(match (row.status, row.failure) {
            (UploadStatus::Pending, _) => UploadState::Pending,
            (UploadStatus::Completing, _) => UploadState::Completing,
            (UploadStatus::Aborted, Some(reason)) => UploadState::Refused(reason),
            (UploadStatus::Aborted, None) => UploadState::Aborted,
            (UploadStatus::Completed, _) => UploadState::Completed(match row.purpose {
                UploadPurpose::File => Completed::File(
                    product_file::Entity::find()
                        .filter(product_file::Column::S3Key.eq(&row.s3_key))
                        .one(&self.db)
                        .await?
                        .ok_or(UploadError::NoSuchUpload)?,
                ),
                UploadPurpose::Image => Completed::Image(
                    product_image::Entity::find()
                        .filter(product_image::Column::S3Key.eq(&row.s3_key))
                        .one(&self.db)
                        .await?
                        .ok_or(UploadError::NoSuchUpload)?,
                ),
            }),
        })
    }

    /// Joins the `parts` (listed afresh when not given), checks the object and
    /// records it. A refused object is deleted and the upload marked aborted
    /// with the reason.
    pub(super) async fn join_and_check(
        &self,
        row: &upload::Model,
        parts: Option<Vec<UploadedPart>>,
    ) -> Result<Completed, UploadError> {
        let parts = match parts {
            Some(parts) => Some(parts),
            None => match self
                .storage
                .list_parts(&row.s3_key, &row.s3_upload_id)
                .await
            {
                Ok(parts) => Some(parts),
                // A job retried after a crash: S3 joined the parts already.
                Err(_) if self.storage.size(&row.s3_key).await?.is_some() => None,
                Err(err) => return Err(err.into()),
            },
        };
        if let Some(parts) = parts {
            self.storage
                .complete_multipart(&row.s3_key, &row.s3_upload_id, &parts)
                .await?;
        }
        let checked = match row.purpose {
            UploadPurpose::File => self.check_file(row).await,
            UploadPurpose::Image => self.check_image(row).await,
        };
        match checked {
            Err(refusal) if refusal.is_refusal() => {
                self.storage.delete(&row.s3_key).await?;
                let txn = begin_write(&self.db).await?;
                if mark(&txn, row.id, UploadStatus::Aborted, self.clock.now()).await? {
                    upload::Entity::update_many()
                        .col_expr(upload::Column::Failure, Expr::value(refusal.to_string()))
                        .filter(upload::Column::Id.eq(row.id))
                        .exec(&txn)
                        .await?;
                }
                txn.commit().await?;
                Err(refusal)
            }
            other => other,
        }
    }

    /// Hashes the joined file as a stream and records it as the newest version
    /// of its name, in the transaction that marks the upload completed.
    async fn check_file(&self, row: &upload::Model) -> Result<Completed, UploadError> {
        let size = u64::try_from(row.size_bytes).unwrap_or_default();
        let digest = self.storage.digest(&row.s3_key).await?;
        if digest.size != size {
            return Err(UploadError::SizeMismatch {
                expected: size,
                actual: digest.size,
            });
        }
        if !format_matches(&row.content_type, &digest.head) {
            return Err(UploadError::WrongFormat {
                declared: row.content_type.clone(),
            });
        }
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        if !mark(&txn, row.id, UploadStatus::Completed, now).await? {
            return Err(UploadError::NoSuchUpload);
        }
        let previous = product_file::Entity::find()
            .filter(product_file::Column::ProductId.eq(row.product_id))
            .filter(product_file::Column::Filename.eq(&row.filename))
            .order_by_desc(product_file::Column::Version)
            .one(&txn)
            .await?;
        let file = product_file::ActiveModel {
            pid: Set(Uuid::now_v7()),
            product_id: Set(row.product_id),
            s3_key: Set(row.s3_key.clone()),
            filename: Set(row.filename.clone()),
            content_type: Set(row.content_type.clone()),
            size_bytes: Set(row.size_bytes),
            sha256: Set(digest.sha256),
            version: Set(previous.map_or(1, |file| file.version + 1)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        self.gallery.catalog_cache().invalidate();
        Ok(Completed::File(file))
    }

    /// Reads the joined image, makes and stores its thumbnails, and appends it
    /// to the gallery in the transaction that marks the upload completed.
    async fn check_image(&self, row: &upload::Model) -> Result<Completed, UploadError> {
        let size = u64::try_from(row.size_bytes).unwrap_or_default();
        let Some(actual) = self.storage.size(&row.s3_key).await? else {
            return Err(UploadError::NoSuchUpload);
        };
        if actual != size {
            return Err(UploadError::SizeMismatch {
                expected: size,
                actual,
            });
        }
        let bytes = self.storage.get_bytes(&row.s3_key, MAX_IMAGE_BYTES).await?;
        if !format_matches(&row.content_type, &bytes) {
            return Err(UploadError::WrongFormat {
                declared: row.content_type.clone(),
            });
        }
        let stored = self.gallery.store_thumbnails(&row.s3_key, bytes).await?;
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        if !mark(&txn, row.id, UploadStatus::Completed, now).await? {
            return Err(UploadError::NoSuchUpload);
        }
        let image = crate::gallery::append(
            &txn,
            row.product_id,
            &row.content_type,
            &stored,
            &alt_from_filename(&row.filename),
            now,
        )
        .await?;
        txn.commit().await?;
        self.gallery.catalog_cache().invalidate();
        Ok(Completed::Image(image))
    }
}

/// How long a claim on an upload of `size_bytes` holds: [`COMPLETION_LEASE`],
/// or longer for a file that takes longer to read at a slow 10 MB/s (a 50 GiB
/// file: about 90 minutes), so the claim outlasts the work.
pub(super) fn lease(size_bytes: i64) -> chrono::Duration {
    let least = chrono::Duration::from_std(COMPLETION_LEASE).unwrap_or(chrono::Duration::hours(1));
    least.max(chrono::Duration::seconds(size_bytes / 10_000_000))
}

impl UploadError {
    /// True when the object itself was refused (wrong size, type or image),
    /// rather than a failure to reach S3 or the database.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Self::SizeMismatch { .. }
                | Self::WrongFormat { .. }
                | Self::Gallery(GalleryError::Image(_))
        )
    }
}
