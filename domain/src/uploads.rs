//! Product files and images uploaded from the browser straight to S3 in parts.
//! The server chooses the object key, hands out presigned part URLs, tells a
//! resumed upload which parts S3 already has (with fresh URLs for the rest), and
//! on completion joins the parts and checks the object's size and type
//! (`completion`). Uploads left pending for a day are aborted (`stale`).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter,
};
use std::time::Duration;
use uuid::Uuid;

use crate::catalog::CatalogCache;
use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::upload::{self, UploadPurpose, UploadStatus};
use crate::gallery::{Gallery, GalleryError};
use crate::images::MAX_IMAGE_BYTES;
use crate::storage::disposition::attachment;
use crate::storage::{Storage, StorageError};

mod background;
mod checks;
mod completion;
mod stale;

pub use checks::{CHECKED_TYPES, format_matches, part_size_for, stored_type};
use checks::{valid_content_type, valid_filename};
pub use completion::{Completed, Completion, UploadState};

/// Parts are at least this big (S3's minimum is 5 MiB for all but the last).
pub const MIN_PART_SIZE: u64 = 8 * 1024 * 1024;
/// S3 allows at most this many parts.
pub const MAX_PARTS: u64 = 10_000;
/// The largest file accepted.
pub const MAX_FILE_SIZE: u64 = 50 * 1024 * 1024 * 1024;
/// How long presigned part URLs work.
pub const PART_URL_TTL: Duration = Duration::from_secs(6 * 60 * 60);
/// Uploads still pending after this long are aborted and their parts discarded.
pub const STALE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// Files up to this size are joined and checked within the completing request
/// (about 6 s on a small machine); larger ones by a background job, so the
/// request never runs into its timeout.
pub const INLINE_COMPLETION_MAX: u64 = 512 * 1024 * 1024;
/// How long a completion job's claim on an upload holds; a job that crashed is
/// retried by another once it runs out.
pub const COMPLETION_LEASE: Duration = Duration::from_secs(60 * 60);
/// Image types the gallery takes.
pub const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/webp", "image/gif"];

/// Why an upload step was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("No such product.")]
    NoSuchProduct,
    #[error("No such upload, or it is already finished.")]
    NoSuchUpload,
    #[error(
        "Give the file a name without slashes or control characters, of at most 255 characters."
    )]
    InvalidFilename,
    #[error("A content type looks like application/pdf.")]
    InvalidContentType,
    #[error("A file must be between 1 byte and 50 GiB.")]
    InvalidSize,
    #[error("Some parts have not arrived yet: {missing:?}.")]
    Incomplete { missing: Vec<i32> },
    #[error("The file is {actual} bytes, not the {expected} announced.")]
    SizeMismatch { expected: u64, actual: u64 },
    #[error("The file's content is not {declared}.")]
    WrongFormat { declared: String },
    #[error("Images must be PNG, JPEG, WebP or GIF files of at most 25 MiB.")]
    UnsupportedImage,
    #[error(transparent)]
    Gallery(#[from] GalleryError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A part to send and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartUrl {
    pub number: i32,
    pub url: String,
}

/// A started or resumed upload: the parts still to send, each to its own
/// presigned URL, and the ones S3 already holds.
#[derive(Clone, Debug)]
pub struct StartedUpload {
    pub upload: Uuid,
    pub part_size: u64,
    pub parts: Vec<PartUrl>,
    pub received: Vec<i32>,
}

/// The uploads service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Uploads {
    db: DatabaseConnection,
    storage: Storage,
    clock: Clock,
    gallery: Gallery,
    /// Files larger than this are completed by the background job.
    inline_completion_max: u64,
}

impl Uploads {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        let gallery = Gallery::new(db.clone(), storage.clone(), clock.clone());
        Self {
            db,
            storage,
            clock,
            gallery,
            inline_completion_max: INLINE_COMPLETION_MAX,
        }
    }

    /// The same service, invalidating `catalog` whenever a completed upload
    /// adds a file version or a gallery image.
    pub fn with_catalog_cache(self, catalog: CatalogCache) -> Self {
        let gallery = self.gallery.with_catalog_cache(catalog);
        Self { gallery, ..self }
    }

    /// The same service completing files larger than `max` bytes in the
    /// background instead of [`INLINE_COMPLETION_MAX`].
    pub fn with_inline_completion_max(self, max: u64) -> Self {
        Self {
            inline_completion_max: max,
            ..self
        }
    }

    /// Starts an upload of `size` bytes for the product with public id
    /// `product`, under a key the server makes up.
    pub async fn start(
        &self,
        product: Uuid,
        purpose: UploadPurpose,
        filename: &str,
        content_type: &str,
        size: u64,
    ) -> Result<StartedUpload, UploadError> {
        let filename = filename.trim();
        if !valid_filename(filename) {
            return Err(UploadError::InvalidFilename);
        }
        let declared = content_type.trim().to_ascii_lowercase();
        if !valid_content_type(&declared) {
            return Err(UploadError::InvalidContentType);
        }
        let content_type = stored_type(&declared).to_owned();
        if size == 0 || size > MAX_FILE_SIZE {
            return Err(UploadError::InvalidSize);
        }
        if purpose == UploadPurpose::Image
            && (!IMAGE_TYPES.contains(&content_type.as_str()) || size > MAX_IMAGE_BYTES)
        {
            return Err(UploadError::UnsupportedImage);
        }
        let product = crate::products::by_pid(&self.db, product)
            .await?
            .ok_or(UploadError::NoSuchProduct)?;
        let pid = Uuid::now_v7();
        let folder = match purpose {
            UploadPurpose::File => "files",
            UploadPurpose::Image => "images",
        };
        let key = format!("products/{}/{folder}/{pid}", product.pid);
        // A file is always an attachment, under its own name however exotic.
        let disposition = (purpose == UploadPurpose::File).then(|| attachment(filename));
        let upload_id = self
            .storage
            .create_multipart(&key, &content_type, disposition.as_deref())
            .await?;
        let part_size = part_size_for(size);
        let count =
            i32::try_from(size.div_ceil(part_size)).map_err(|_| UploadError::InvalidSize)?;
        let parts = self.part_urls(&key, &upload_id, 1..=count).await?;
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        upload::ActiveModel {
            pid: Set(pid),
            product_id: Set(product.id),
            s3_key: Set(key),
            s3_upload_id: Set(upload_id),
            filename: Set(filename.to_owned()),
            content_type: Set(content_type),
            size_bytes: Set(i64::try_from(size).map_err(|_| UploadError::InvalidSize)?),
            part_size: Set(i64::try_from(part_size).map_err(|_| UploadError::InvalidSize)?),
            purpose: Set(purpose),
            status: Set(UploadStatus::Pending),
            created_at: Set(now),
            finished_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(StartedUpload {
            upload: pid,
            part_size,
            parts,
            received: Vec::new(),
        })
    }

    async fn part_urls(
        &self,
        key: &str,
        upload_id: &str,
        numbers: impl Iterator<Item = i32>,
    ) -> Result<Vec<PartUrl>, StorageError> {
        let mut parts = Vec::new();
        for number in numbers {
            let url = self
                .storage
                .presign_upload_part(key, upload_id, number, PART_URL_TTL)
                .await?;
            parts.push(PartUrl { number, url });
        }
        Ok(parts)
    }

    /// Where a pending upload stands: the parts S3 already holds, and fresh
    /// URLs for the rest, so a resumed upload (even after a reload) sends only
    /// what is missing.
    pub async fn resume(&self, upload: Uuid) -> Result<StartedUpload, UploadError> {
        let row = self.pending(upload).await?;
        let received: Vec<i32> = self
            .storage
            .list_parts(&row.s3_key, &row.s3_upload_id)
            .await?
            .into_iter()
            .map(|part| part.number)
            .collect();
        let (part_size, count) = part_plan(&row);
        let missing = (1..=count).filter(|n| !received.contains(n));
        let parts = self
            .part_urls(&row.s3_key, &row.s3_upload_id, missing)
            .await?;
        Ok(StartedUpload {
            upload,
            part_size,
            parts,
            received,
        })
    }

    /// Cancels an upload; S3 discards what it received.
    pub async fn cancel(&self, upload: Uuid) -> Result<(), UploadError> {
        let row = self.pending(upload).await?;
        if !self.abandon(&row).await? {
            return Err(UploadError::NoSuchUpload);
        }
        Ok(self
            .storage
            .abort_multipart(&row.s3_key, &row.s3_upload_id)
            .await?)
    }

    /// Marks a still-pending upload aborted, before S3 is told, so a
    /// completion cannot claim it meanwhile (nor a cancellation undo a
    /// completion that claimed it first). False when it was not pending.
    async fn abandon(&self, row: &upload::Model) -> Result<bool, UploadError> {
        let txn = begin_write(&self.db).await?;
        let abandoned = upload::Entity::update_many()
            .col_expr(upload::Column::Status, Expr::value(UploadStatus::Aborted))
            .col_expr(upload::Column::FinishedAt, Expr::value(self.clock.now()))
            .filter(upload::Column::Id.eq(row.id))
            .filter(upload::Column::Status.eq(UploadStatus::Pending))
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        txn.commit().await?;
        Ok(abandoned)
    }

    async fn pending(&self, upload: Uuid) -> Result<upload::Model, UploadError> {
        upload::Entity::find()
            .filter(upload::Column::Pid.eq(upload))
            .filter(upload::Column::Status.eq(UploadStatus::Pending))
            .one(&self.db)
            .await?
            .ok_or(UploadError::NoSuchUpload)
    }
}

/// The part size and number of parts of an upload.
fn part_plan(row: &upload::Model) -> (u64, i32) {
    let size = u64::try_from(row.size_bytes).unwrap_or_default();
    let part_size = u64::try_from(row.part_size).unwrap_or(MIN_PART_SIZE);
    let count = i32::try_from(size.div_ceil(part_size)).unwrap_or(i32::MAX);
    (part_size, count)
}

/// Moves an unfinished (pending or completing) upload to `status`; false when
/// it was finished already, by another request or job.
async fn mark(
    txn: &impl ConnectionTrait,
    id: i64,
    status: UploadStatus,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, DbErr> {
    let updated = upload::Entity::update_many()
        .col_expr(upload::Column::Status, Expr::value(status))
        .col_expr(upload::Column::FinishedAt, Expr::value(now))
        .filter(upload::Column::Id.eq(id))
        .filter(upload::Column::Status.is_in([UploadStatus::Pending, UploadStatus::Completing]))
        .exec(txn)
        .await?;
    Ok(updated.rows_affected == 1)
}
