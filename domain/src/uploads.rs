//! Product files uploaded from the browser straight to S3 in parts. The server
//! chooses the object key, hands out presigned part URLs, tells a resumed upload
//! which parts S3 already has, and on completion joins the parts, checks the
//! object's size and type, hashes it as a stream and records it as the newest
//! version of the file. Its memory does not grow with the file's size.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use std::time::Duration;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::upload::{self, UploadStatus};
use crate::entities::{product, product_file};
use crate::storage::{Storage, StorageError};

/// Parts are at least this big (S3's minimum is 5 MiB for all but the last).
pub const MIN_PART_SIZE: u64 = 8 * 1024 * 1024;
/// S3 allows at most this many parts.
pub const MAX_PARTS: u64 = 10_000;
/// The largest file accepted.
pub const MAX_FILE_SIZE: u64 = 50 * 1024 * 1024 * 1024;
/// How long presigned part URLs work.
pub const PART_URL_TTL: Duration = Duration::from_secs(6 * 60 * 60);

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

/// A started upload: the parts to send, each to its own presigned URL.
#[derive(Clone, Debug)]
pub struct StartedUpload {
    pub upload: Uuid,
    pub part_size: u64,
    pub parts: Vec<PartUrl>,
}

/// The uploads service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Uploads {
    db: DatabaseConnection,
    storage: Storage,
    clock: Clock,
}

/// The part size for a file of `size` bytes: at least [`MIN_PART_SIZE`], and
/// large enough to stay within [`MAX_PARTS`].
pub fn part_size_for(size: u64) -> u64 {
    size.div_ceil(MAX_PARTS).max(MIN_PART_SIZE)
}

fn valid_filename(name: &str) -> bool {
    !name.trim().is_empty()
        && name.chars().count() <= 255
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
        && name != "."
        && name != ".."
}

fn valid_content_type(value: &str) -> bool {
    value.len() <= 127
        && value.split_once('/').is_some_and(|(kind, sub)| {
            let token = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
            };
            token(kind) && token(sub)
        })
}

/// False when `head` (a file's first bytes) shows it is not `content_type`.
/// Types without a known signature are taken as declared.
pub fn format_matches(content_type: &str, head: &[u8]) -> bool {
    let starts = |magic: &[u8]| head.starts_with(magic);
    match content_type {
        "application/pdf" => starts(b"%PDF-"),
        "application/zip" | "application/epub+zip" | "application/x-zip-compressed" => {
            starts(b"PK\x03\x04") || starts(b"PK\x05\x06")
        }
        "image/png" => starts(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => starts(b"\xff\xd8\xff"),
        "image/gif" => starts(b"GIF87a") || starts(b"GIF89a"),
        "image/webp" => starts(b"RIFF") && head.get(8..12) == Some(b"WEBP"),
        "audio/wav" | "audio/x-wav" => starts(b"RIFF") && head.get(8..12) == Some(b"WAVE"),
        "audio/flac" => starts(b"fLaC"),
        "video/webm" | "audio/webm" => starts(b"\x1a\x45\xdf\xa3"),
        "video/mp4" | "audio/mp4" => head.get(4..8) == Some(b"ftyp"),
        _ => true,
    }
}

impl Uploads {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        Self { db, storage, clock }
    }

    /// Starts an upload of `size` bytes for the product with public id
    /// `product`, under a key the server makes up.
    pub async fn start(
        &self,
        product: Uuid,
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
        let product = product::Entity::find()
            .filter(product::Column::Pid.eq(product))
            .one(&self.db)
            .await?
            .ok_or(UploadError::NoSuchProduct)?;
        let pid = Uuid::now_v7();
        let key = format!("products/{}/files/{pid}", product.pid);
        let upload_id = self.storage.create_multipart(&key, &content_type).await?;
        let part_size = part_size_for(size);
        let count =
            i32::try_from(size.div_ceil(part_size)).map_err(|_| UploadError::InvalidSize)?;
        let mut parts = Vec::with_capacity(count as usize);
        for number in 1..=count {
            let url = self
                .storage
                .presign_upload_part(&key, &upload_id, number, PART_URL_TTL)
                .await?;
            parts.push(PartUrl { number, url });
        }
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
        })
    }

    /// The part numbers S3 already holds: a resumed upload sends only the rest.
    pub async fn received_parts(&self, upload: Uuid) -> Result<Vec<i32>, UploadError> {
        let row = self.pending(upload).await?;
        let parts = self
            .storage
            .list_parts(&row.s3_key, &row.s3_upload_id)
            .await?;
        Ok(parts.into_iter().map(|part| part.number).collect())
    }

    /// Joins the parts, checks the object and records it as the newest version of
    /// its file name for the product.
    pub async fn complete(&self, upload: Uuid) -> Result<product_file::Model, UploadError> {
        let row = self.pending(upload).await?;
        let size = u64::try_from(row.size_bytes).unwrap_or_default();
        let part_size = u64::try_from(row.part_size).unwrap_or(MIN_PART_SIZE);
        let expected = i32::try_from(size.div_ceil(part_size)).unwrap_or(i32::MAX);
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
        Ok(file)
    }

    /// Cancels an upload; S3 discards what it received.
    pub async fn cancel(&self, upload: Uuid) -> Result<(), UploadError> {
        let row = self.pending(upload).await?;
        self.storage
            .abort_multipart(&row.s3_key, &row.s3_upload_id)
            .await?;
        self.finish(&row, UploadStatus::Aborted).await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_at_least_8_mib_and_at_most_ten_thousand() {
        assert_eq!(part_size_for(1), MIN_PART_SIZE);
        assert_eq!(part_size_for(1 << 30), MIN_PART_SIZE);
        let huge = 200 * 1024 * 1024 * 1024u64;
        assert!(huge.div_ceil(part_size_for(huge)) <= MAX_PARTS);
    }

    #[test]
    fn known_formats_are_recognized_by_their_first_bytes() {
        assert!(format_matches("application/pdf", b"%PDF-1.7\n"));
        assert!(!format_matches("application/pdf", b"PK\x03\x04"));
        assert!(format_matches("application/zip", b"PK\x03\x04rest"));
        assert!(format_matches("audio/wav", b"RIFF\x00\x00\x00\x00WAVEfmt "));
        assert!(!format_matches("image/png", b"GIF89a"));
        assert!(format_matches("application/octet-stream", b"anything"));
    }

    #[test]
    fn file_names_and_types_are_checked() {
        assert!(valid_filename("Field Guide (2nd ed.).pdf"));
        for bad in ["", "  ", "../etc/passwd", "a/b", "a\\b", "new\nline", ".."] {
            assert!(!valid_filename(bad), "{bad:?}");
        }
        assert!(valid_content_type("application/pdf"));
        assert!(valid_content_type("application/vnd.ms-excel"));
        for bad in [
            "pdf",
            "text/",
            "/plain",
            "text/html; charset=utf-8",
            "a b/c",
        ] {
            assert!(!valid_content_type(bad), "{bad:?}");
        }
    }
}
