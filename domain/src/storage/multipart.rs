//! Multipart uploads: the browser sends parts straight to S3 through presigned
//! URLs; the server starts, inspects, completes or aborts the upload, and reads
//! the finished object back as a stream to hash it. Nothing here holds a whole
//! part or file in memory.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use sha2::{Digest, Sha256};
use std::time::Duration;

use super::{Storage, StorageError};

/// A part S3 holds for an unfinished upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadedPart {
    pub number: i32,
    pub etag: String,
    pub size: i64,
}

/// S3's error code for an upload id it does not know.
const NO_SUCH_UPLOAD: &str = "NoSuchUpload";

/// How many leading bytes [`Storage::digest`] keeps.
const HEAD_LEN: usize = 16;

/// What reading a whole object told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectDigest {
    /// Lower-case hex SHA-256.
    pub sha256: String,
    pub size: u64,
    /// The first bytes (up to 16).
    pub head: Vec<u8>,
}

impl Storage {
    /// Starts a multipart upload of `key`, stored with `content_type` and,
    /// when given, `content_disposition` (both sent back on every GET);
    /// returns S3's upload id.
    pub async fn create_multipart(
        &self,
        key: &str,
        content_type: &str,
        content_disposition: Option<&str>,
    ) -> Result<String, StorageError> {
        let out = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .set_content_disposition(content_disposition.map(str::to_owned))
            .send()
            .await
            .map_err(|err| StorageError::from_sdk("create multipart upload", err))?;
        out.upload_id()
            .map(str::to_owned)
            .ok_or_else(|| StorageError("create multipart upload: no upload id".into()))
    }

    /// A presigned PUT for part `number` of an upload, valid for `ttl`.
    pub async fn presign_upload_part(
        &self,
        key: &str,
        upload_id: &str,
        number: i32,
        ttl: Duration,
    ) -> Result<String, StorageError> {
        let presigning = PresigningConfig::expires_in(ttl)
            .map_err(|err| StorageError::from_sdk("presigning config", err))?;
        self.presigner
            .upload_part()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .part_number(number)
            .presigned(presigning)
            .await
            .map(|req| req.uri().to_owned())
            .map_err(|err| StorageError::from_sdk("presign upload part", err))
    }

    /// The parts S3 has received so far, in order (what a resumed upload can skip).
    pub async fn list_parts(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StorageError> {
        let mut parts = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = self
                .client
                .list_parts()
                .bucket(&self.bucket)
                .key(key)
                .upload_id(upload_id)
                .set_part_number_marker(marker.clone())
                .send()
                .await
                .map_err(|err| StorageError::from_sdk("list parts", err))?;
            for part in out.parts() {
                parts.push(UploadedPart {
                    number: part.part_number().unwrap_or_default(),
                    etag: part.e_tag().unwrap_or_default().to_owned(),
                    size: part.size().unwrap_or_default(),
                });
            }
            match (out.is_truncated(), out.next_part_number_marker()) {
                (Some(true), Some(next)) => marker = Some(next.to_owned()),
                _ => break,
            }
        }
        parts.sort_by_key(|part| part.number);
        Ok(parts)
    }

    /// Joins the `parts` into the final object. When S3 no longer knows the
    /// upload but its object exists, an earlier attempt joined it already (a
    /// completion retried after a crash), and that counts as done.
    pub async fn complete_multipart(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[UploadedPart],
    ) -> Result<(), StorageError> {
        let completed = CompletedMultipartUpload::builder()
            .set_parts(Some(
                parts
                    .iter()
                    .map(|part| {
                        CompletedPart::builder()
                            .part_number(part.number)
                            .e_tag(&part.etag)
                            .build()
                    })
                    .collect(),
            ))
            .build();
        match self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(completed)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if err.code() == Some(NO_SUCH_UPLOAD) && self.size(key).await?.is_some() => {
                Ok(())
            }
            Err(err) => Err(StorageError::from_sdk("complete multipart upload", err)),
        }
    }

    /// Abandons an upload; S3 discards its parts. An upload S3 no longer knows
    /// (aborted or joined already) counts as abandoned.
    pub async fn abort_multipart(&self, key: &str, upload_id: &str) -> Result<(), StorageError> {
        match self
            .client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key)
            .upload_id(upload_id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err) if err.code() == Some(NO_SUCH_UPLOAD) => Ok(()),
            Err(err) => Err(StorageError::from_sdk("abort multipart upload", err)),
        }
    }

    /// Reads an object as a stream: its SHA-256 (lower-case hex), size and first
    /// bytes (for recognizing its format).
    pub async fn digest(&self, key: &str) -> Result<ObjectDigest, StorageError> {
        let out = self.get_object(key).await?;
        let mut body = out.body;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut head = Vec::with_capacity(HEAD_LEN);
        while let Some(chunk) = body
            .try_next()
            .await
            .map_err(|err| StorageError(format!("read object: {err}")))?
        {
            if head.len() < HEAD_LEN {
                let take = (HEAD_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        Ok(ObjectDigest {
            sha256: hex::encode(hasher.finalize()),
            size,
            head,
        })
    }
}
