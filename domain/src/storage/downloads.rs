//! Presigned links for buyers: a download saved under the file's own name
//! (RFC 6266 `attachment`), or a stream the page plays (`inline`, with the
//! file's type, so range requests and seeking go straight to the store).

use aws_sdk_s3::presigning::PresigningConfig;
use std::time::Duration;

use super::{Storage, StorageError, disposition};

/// How long a download link lives: long enough to fetch the file at 50 kB/s,
/// at least five minutes, at most twelve hours.
pub fn download_lifetime(size_bytes: i64) -> Duration {
    let secs = u64::try_from(size_bytes.max(0)).unwrap_or(0) / 50_000;
    Duration::from_secs(secs.clamp(5 * 60, 12 * 3600))
}

impl Storage {
    /// A GET of `key` that the browser saves as `filename`, valid for
    /// `lifetime`.
    pub async fn download_url(
        &self,
        key: &str,
        filename: &str,
        lifetime: Duration,
    ) -> Result<String, StorageError> {
        self.presign_get(key, lifetime, disposition::attachment(filename), None)
            .await
    }

    /// A GET of `key` the page plays in place (`inline`, `content_type`).
    pub async fn stream_url(
        &self,
        key: &str,
        filename: &str,
        content_type: &str,
        lifetime: Duration,
    ) -> Result<String, StorageError> {
        self.presign_get(
            key,
            lifetime,
            disposition::inline(filename),
            Some(content_type),
        )
        .await
    }

    async fn presign_get(
        &self,
        key: &str,
        lifetime: Duration,
        disposition: String,
        content_type: Option<&str>,
    ) -> Result<String, StorageError> {
        let presigning = PresigningConfig::expires_in(lifetime)
            .map_err(|err| StorageError::from_sdk("presigning config", err))?;
        self.presigner
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(disposition)
            .set_response_content_type(content_type.map(str::to_owned))
            .response_cache_control("private, no-store")
            .presigned(presigning)
            .await
            .map(|req| req.uri().to_owned())
            .map_err(|err| StorageError::from_sdk("presign download", err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_lives_as_long_as_a_slow_download_takes_within_bounds() {
        assert_eq!(download_lifetime(1_000), Duration::from_secs(300));
        assert_eq!(download_lifetime(100_000_000), Duration::from_secs(2000));
        assert_eq!(
            download_lifetime(50_000_000_000),
            Duration::from_secs(12 * 3600)
        );
        assert_eq!(download_lifetime(-1), Duration::from_secs(300));
    }
}
