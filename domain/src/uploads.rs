//! Product files and images uploaded from the browser straight to S3 in parts.
//! The server chooses the object key, hands out presigned part URLs, tells a
//! resumed upload which parts S3 already has (with fresh URLs for the rest), and
//! on completion joins the parts and checks the object's size and type. A file
//! is hashed as a stream and recorded as the newest version of its name: memory
//! does not grow with its size. An image (at most 25 MiB) gets its thumbnails
//! and joins the product's gallery. Uploads left pending for a day are aborted.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::time::Duration;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::upload::{self, UploadPurpose, UploadStatus};
use crate::entities::{product_file, product_image};
use crate::gallery::{Gallery, GalleryError};
use crate::images::MAX_IMAGE_BYTES;
use crate::storage::{Storage, StorageError};

mod checks;

use checks::{alt_from_filename, valid_content_type, valid_filename};
pub use checks::{format_matches, part_size_for};

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

/// What a completed upload became.
#[derive(Clone, Debug)]
pub enum Completed {
    File(product_file::Model),
    Image(product_image::Model),
}

/// The uploads service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Uploads {
    db: DatabaseConnection,
    storage: Storage,
    clock: Clock,
    gallery: Gallery,
}

impl Uploads {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        let gallery = Gallery::new(db.clone(), storage.clone(), clock.clone());
        Self {
            db,
            storage,
            clock,
            gallery,
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
        let content_type = content_type.trim().to_ascii_lowercase();
        if !valid_content_type(&content_type) {
            return Err(UploadError::InvalidContentType);
        }
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
        let upload_id = self.storage.create_multipart(&key, &content_type).await?;
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

    /// Joins the parts and checks the object. A file becomes the newest version
    /// of its name for the product; an image gets thumbnails and joins the
    /// gallery.
    pub async fn complete(&self, upload: Uuid) -> Result<Completed, UploadError> {
        let row = self.pending(upload).await?;
        let size = u64::try_from(row.size_bytes).unwrap_or_default();
        let (_, expected) = part_plan(&row);
        let parts = self
            .storage
            .list_parts(&row.s3_key, &row.s3_upload_id)
            .await?;
        let missing: Vec<i32> = (1..=expected)
            .filter(|n| !parts.iter().any(|part| part.number == *n))
            .collect();
        if !missing.is_empty() {
            return Err(UploadError::Incomplete { missing });
        }
        self.storage
            .complete_multipart(&row.s3_key, &row.s3_upload_id, &parts)
            .await?;
        if row.purpose == UploadPurpose::Image {
            return self.complete_image(&row, size).await;
        }
        let digest = self.storage.digest(&row.s3_key).await?;
        let refusal = if digest.size != size {
            Some(UploadError::SizeMismatch {
                expected: size,
                actual: digest.size,
            })
        } else if !format_matches(&row.content_type, &digest.head) {
            Some(UploadError::WrongFormat {
                declared: row.content_type.clone(),
            })
        } else {
            None
        };
        if let Some(refusal) = refusal {
            self.storage.delete(&row.s3_key).await?;
            self.finish(&row, UploadStatus::Aborted).await?;
            return Err(refusal);
        }
        let sha256 = digest.sha256;

        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
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
            sha256: Set(sha256),
            version: Set(previous.map_or(1, |file| file.version + 1)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        mark(&txn, row.id, UploadStatus::Completed, now).await?;
        txn.commit().await?;
        Ok(Completed::File(file))
    }

    async fn complete_image(
        &self,
        row: &upload::Model,
        size: u64,
    ) -> Result<Completed, UploadError> {
        let refuse = async |refusal: UploadError| -> Result<Completed, UploadError> {
            self.storage.delete(&row.s3_key).await?;
            self.finish(row, UploadStatus::Aborted).await?;
            Err(refusal)
        };
        let Some(meta) = self.storage.head(&row.s3_key).await? else {
            return Err(UploadError::NoSuchUpload);
        };
        if u64::try_from(meta.size).unwrap_or_default() != size {
            let actual = u64::try_from(meta.size).unwrap_or_default();
            return refuse(UploadError::SizeMismatch {
                expected: size,
                actual,
            })
            .await;
        }
        let bytes = self.storage.get_bytes(&row.s3_key, MAX_IMAGE_BYTES).await?;
        if !format_matches(&row.content_type, &bytes) {
            let declared = row.content_type.clone();
            return refuse(UploadError::WrongFormat { declared }).await;
        }
        let alt = alt_from_filename(&row.filename);
        match self
            .gallery
            .add(row.product_id, &row.s3_key, &row.content_type, bytes, &alt)
            .await
        {
            Ok(image) => {
                self.finish(row, UploadStatus::Completed).await?;
                Ok(Completed::Image(image))
            }
            Err(GalleryError::Image(err)) => refuse(GalleryError::Image(err).into()).await,
            Err(err) => Err(err.into()),
        }
    }

    /// Aborts every upload still pending [`STALE_AFTER`] after it started, so S3
    /// discards its parts. Returns how many were aborted.
    pub async fn abort_stale(&self) -> Result<usize, UploadError> {
        let cutoff = self.clock.now()
            - chrono::Duration::from_std(STALE_AFTER).unwrap_or(chrono::Duration::days(1));
        let stale = upload::Entity::find()
            .filter(upload::Column::Status.eq(UploadStatus::Pending))
            .filter(upload::Column::CreatedAt.lt(cutoff))
            .all(&self.db)
            .await?;
        for row in &stale {
            self.storage
                .abort_multipart(&row.s3_key, &row.s3_upload_id)
                .await?;
            self.finish(row, UploadStatus::Aborted).await?;
        }
        Ok(stale.len())
    }

    /// Cancels an upload; S3 discards what it received.
    pub async fn cancel(&self, upload: Uuid) -> Result<(), UploadError> {
        let row = self.pending(upload).await?;
        self.storage
            .abort_multipart(&row.s3_key, &row.s3_upload_id)
            .await?;
        self.finish(&row, UploadStatus::Aborted).await
    }

    /// Runs [`Uploads::abort_stale`] every `period`, forever (a background job).
    pub async fn abort_stale_every(self, period: Duration) {
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

    async fn pending(&self, upload: Uuid) -> Result<upload::Model, UploadError> {
        upload::Entity::find()
            .filter(upload::Column::Pid.eq(upload))
            .filter(upload::Column::Status.eq(UploadStatus::Pending))
            .one(&self.db)
            .await?
            .ok_or(UploadError::NoSuchUpload)
    }

    async fn finish(&self, row: &upload::Model, status: UploadStatus) -> Result<(), UploadError> {
        let txn = begin_write(&self.db).await?;
        mark(&txn, row.id, status, self.clock.now()).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The part size and number of parts of an upload.
fn part_plan(row: &upload::Model) -> (u64, i32) {
    let size = u64::try_from(row.size_bytes).unwrap_or_default();
    let part_size = u64::try_from(row.part_size).unwrap_or(MIN_PART_SIZE);
    let count = i32::try_from(size.div_ceil(part_size)).unwrap_or(i32::MAX);
    (part_size, count)
}

async fn mark(
    txn: &sea_orm::DatabaseTransaction,
    id: i64,
    status: UploadStatus,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    upload::Entity::update_many()
        .col_expr(upload::Column::Status, Expr::value(status))
        .col_expr(upload::Column::FinishedAt, Expr::value(now))
        .filter(upload::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}
