//! Presigned links for buyers: a download saved under the file's own name
//! (RFC 6266 `attachment`), or a stream the page plays (`inline`, with the
//! file's type, so range requests and seeking go straight to the store).

use std::time::Duration;

use super::{Storage, disposition};

/// How long a download link lives: long enough to fetch the file at 50 kB/s,
/// at least five minutes, at most twelve hours.
pub fn download_lifetime(size_bytes: i64) -> Duration {
    let secs = u64::try_from(size_bytes.max(0)).unwrap_or(0) / 50_000;
    Duration::from_secs(secs.clamp(5 * 60, 12 * 3600))
}

impl Storage {
    /// A GET of `key` that the browser saves as `filename`, valid for
    /// `lifetime`. Signed here, without a round trip: it cannot fail.
    pub fn download_url(&self, key: &str, filename: &str, lifetime: Duration) -> String {
        self.sign_get(key, lifetime, &disposition::attachment(filename), None)
    }

    /// A GET of `key` the page plays in place (`inline`, `content_type`).
    pub fn stream_url(
        &self,
        key: &str,
        filename: &str,
        content_type: &str,
        lifetime: Duration,
    ) -> String {
        self.sign_get(
            key,
            lifetime,
            &disposition::inline(filename),
            Some(content_type),
        )
    }

    fn sign_get(
        &self,
        key: &str,
        lifetime: Duration,
        disposition: &str,
        content_type: Option<&str>,
    ) -> String {
        let get = super::presign::Get {
            key,
            cache_control: Some("private, no-store"),
            content_disposition: Some(disposition),
            content_type,
        };
        self.links.sign(&get, chrono::Utc::now(), lifetime)
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
