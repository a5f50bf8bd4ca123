//! The object-storage port: one S3 client, built once, over any S3-compatible
//! service (the embedded endpoint, AWS S3, R2, MinIO, Garage). The app never
//! streams file bytes itself; browsers fetch objects through presigned URLs.

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_http_client::tls;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::secret::Secret;

pub mod disposition;
mod downloads;
mod multipart;
mod presign;

pub use downloads::download_lifetime;
pub use multipart::{ObjectDigest, UploadedPart};

/// Image links are signed for a fixed window so the same image has the same URL
/// for a while and browsers can cache it.
pub const IMAGE_URL_WINDOW: Duration = Duration::from_secs(60 * 60);

/// Where objects live and how to sign for them.
#[derive(Clone, Debug)]
pub struct StorageConfig {
    /// The S3 endpoint the server talks to, e.g. `http://127.0.0.1:3900`.
    pub endpoint: String,
    /// The endpoint browsers reach, when it differs from `endpoint`.
    pub public_endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    pub access_key: String,
    pub secret_key: Secret,
    /// Path-style (`endpoint/bucket/key`) instead of virtual-host-style URLs.
    pub path_style: bool,
}

/// A failure talking to object storage. The message is for logs, not shoppers.
#[derive(Debug, thiserror::Error)]
#[error("object storage: {0}")]
pub struct StorageError(pub(crate) String);

impl StorageError {
    fn from_sdk(context: &str, err: impl std::error::Error) -> Self {
        Self(format!("{context}: {}", DisplayErrorContext(err)))
    }
}

/// The storage port. Cheap to clone: the client is shared.
#[derive(Clone, Debug)]
pub struct Storage {
    client: Client,
    /// Signs multipart upload URLs for browsers; the same client when there
    /// is no public endpoint.
    presigner: Client,
    /// Signs the GET links browsers follow (images, downloads, streams).
    links: Arc<presign::Presigner>,
    bucket: String,
    /// Image URLs signed for the current window, by key: each is signed once
    /// per window, not once per page.
    image_urls: Arc<Mutex<ImageUrls>>,
}

/// Image URLs of one window. A new window starts empty.
#[derive(Debug, Default)]
struct ImageUrls {
    window: Option<DateTime<Utc>>,
    by_key: HashMap<String, String>,
}

/// The most image URLs kept for a window (a catalog's covers and thumbnails
/// many times over); past it the cache starts again.
const MAX_CACHED_IMAGE_URLS: usize = 20_000;

impl Storage {
    /// Builds the clients. Nothing is sent until the first call.
    pub fn new(config: &StorageConfig) -> Self {
        let client = build_client(config, &config.endpoint);
        let presigner = match &config.public_endpoint {
            Some(public) if public != &config.endpoint => build_client(config, public),
            _ => client.clone(),
        };
        let links = presign::Presigner::new(
            config
                .public_endpoint
                .as_deref()
                .unwrap_or(&config.endpoint),
            &config.bucket,
            config.path_style,
            &config.region,
            &config.access_key,
            &config.secret_key,
        );
        Self {
            client,
            presigner,
            links: Arc::new(links),
            bucket: config.bucket.clone(),
            image_urls: Arc::default(),
        }
    }

    /// Creates the bucket unless it exists already.
    pub async fn ensure_bucket(&self) -> Result<(), StorageError> {
        if self.ping().await.is_ok() {
            return Ok(());
        }
        match self
            .client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(err)
                if matches!(
                    err.code(),
                    Some("BucketAlreadyOwnedByYou" | "BucketAlreadyExists")
                ) =>
            {
                Ok(())
            }
            Err(err) => Err(StorageError::from_sdk("create bucket", err)),
        }
    }

    /// Checks that the bucket is reachable with our credentials.
    pub async fn ping(&self) -> Result<(), StorageError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| StorageError::from_sdk("head bucket", err))
    }

    /// Stores a small object from memory (demo assets, thumbnails).
    pub async fn put_bytes(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map(|_| ())
            .map_err(|err| StorageError::from_sdk("put object", err))
    }

    /// Starts reading an object; the body arrives as a stream.
    async fn get_object(
        &self,
        key: &str,
    ) -> Result<aws_sdk_s3::operation::get_object::GetObjectOutput, StorageError> {
        self.client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|err| StorageError::from_sdk("get object", err))
    }

    /// Reads a small object into memory (an image to make thumbnails of);
    /// refuses objects over `limit` bytes before reading them.
    pub async fn get_bytes(&self, key: &str, limit: u64) -> Result<Vec<u8>, StorageError> {
        let out = self.get_object(key).await?;
        let size = u64::try_from(out.content_length().unwrap_or_default()).unwrap_or_default();
        if size > limit {
            return Err(StorageError(format!(
                "get object: {key} is {size} bytes, over the {limit} read into memory"
            )));
        }
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|err| StorageError(format!("read object: {err}")))?;
        Ok(bytes.to_vec())
    }

    /// Deletes an object (no error when it is already gone).
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| StorageError::from_sdk("delete object", err))
    }

    /// The size of an object in bytes, or `None` when it does not exist.
    pub async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(out) => Ok(Some(
                u64::try_from(out.content_length().unwrap_or_default()).unwrap_or_default(),
            )),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(err) => Err(StorageError::from_sdk("head object", err)),
        }
    }

    /// A presigned GET for an image, identical for every call within one
    /// [`IMAGE_URL_WINDOW`] so browsers can cache it, and valid for at least one
    /// more window after it was handed out.
    pub fn image_url(&self, key: &str, now: DateTime<Utc>) -> String {
        let start = window_start(now, IMAGE_URL_WINDOW);
        if let Some(url) = self.cached_image_url(key, start) {
            return url;
        }
        let cache_control = format!("private, max-age={}", IMAGE_URL_WINDOW.as_secs());
        let url = self.links.sign(
            &presign::Get {
                key,
                cache_control: Some(&cache_control),
                ..presign::Get::default()
            },
            start,
            IMAGE_URL_WINDOW * 2,
        );
        let mut cache = self.image_urls.lock().unwrap_or_else(|p| p.into_inner());
        if cache.window != Some(start) || cache.by_key.len() >= MAX_CACHED_IMAGE_URLS {
            *cache = ImageUrls {
                window: Some(start),
                by_key: HashMap::new(),
            };
        }
        cache.by_key.insert(key.to_owned(), url.clone());
        url
    }

    fn cached_image_url(&self, key: &str, window: DateTime<Utc>) -> Option<String> {
        let cache = self.image_urls.lock().unwrap_or_else(|p| p.into_inner());
        (cache.window == Some(window))
            .then(|| cache.by_key.get(key).cloned())
            .flatten()
    }
}

fn build_client(config: &StorageConfig, endpoint: &str) -> Client {
    let credentials = Credentials::new(
        &config.access_key,
        config.secret_key.expose(),
        None,
        None,
        "downlink-settings",
    );
    // rustls with ring, the TLS stack the database and mail clients use too, so
    // only one crypto library is compiled.
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let s3_config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(http)
        .region(Region::new(config.region.clone()))
        .endpoint_url(endpoint)
        .credentials_provider(credentials)
        .force_path_style(config.path_style)
        // Checksums only where S3 requires them: several S3-compatible services
        // reject the SDK's default trailing checksums.
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
        .build();
    Client::from_conf(s3_config)
}

/// The start of the window of length `window` that contains `now`.
fn window_start(now: DateTime<Utc>, window: Duration) -> DateTime<Utc> {
    let secs = now.timestamp();
    let length = i64::try_from(window.as_secs().max(1)).unwrap_or(i64::MAX);
    DateTime::from_timestamp(secs - secs.rem_euclid(length), 0).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
    }

    #[test]
    fn instants_in_one_window_share_its_start() {
        let window = Duration::from_secs(3600);
        let a = window_start(at("2026-11-28T10:00:00Z"), window);
        let b = window_start(at("2026-11-28T10:59:59Z"), window);
        let c = window_start(at("2026-11-28T11:00:00Z"), window);
        assert_eq!(a, b);
        assert_eq!((c - a).to_std().unwrap(), window);
    }

    #[tokio::test]
    async fn image_urls_are_stable_within_a_window_and_change_after() {
        let storage = Storage::new(&StorageConfig {
            endpoint: "http://127.0.0.1:9".into(),
            public_endpoint: None,
            region: "us-east-1".into(),
            bucket: "shop".into(),
            access_key: "key".into(),
            secret_key: Secret::new("secret"),
            path_style: true,
        });
        let first = storage.image_url("covers/a.png", at("2026-11-28T10:05:00Z"));
        let same = storage.image_url("covers/a.png", at("2026-11-28T10:55:00Z"));
        let next = storage.image_url("covers/a.png", at("2026-11-28T11:05:00Z"));
        assert_eq!(first, same);
        assert_ne!(first, next);
        assert!(first.starts_with("http://127.0.0.1:9/shop/covers/a.png?"));
        assert!(first.contains("X-Amz-Expires=7200"));
    }
}
