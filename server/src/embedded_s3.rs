//! The embedded S3-compatible endpoint: `s3s` over a local folder, on its own
//! port, with real SigV4 authentication (so presigned URLs are really verified)
//! and CORS for the store's origin. It lets the same aws-sdk-s3 code run with no
//! object store installed.

mod compat;

use domain::secret::Secret;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use hyper_util::service::TowerToHyperService;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};

/// A running embedded endpoint; it stops when dropped.
#[derive(Debug)]
pub struct EmbeddedS3 {
    /// `http://host:port` of the endpoint.
    pub endpoint: String,
    task: JoinHandle<()>,
}

impl Drop for EmbeddedS3 {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Why the endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedS3Error {
    #[error("embedded S3 storage folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("embedded S3 could not listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("embedded S3 file system: {0}")]
    FileSystem(String),
    #[error("embedded S3 origin {0:?} is not a valid header value")]
    Origin(String),
}

impl EmbeddedS3Error {
    /// True when another process (usually a running store) holds the port.
    pub fn is_addr_in_use(&self) -> bool {
        matches!(self, Self::Bind(_, err) if err.kind() == std::io::ErrorKind::AddrInUse)
    }
}

/// Starts the endpoint on `addr`, storing objects under `root`, accepting only
/// requests signed with `access_key`/`secret_key`, and allowing browsers on
/// `allowed_origin` to upload and download directly.
pub async fn start(
    addr: SocketAddr,
    root: &Path,
    access_key: &str,
    secret_key: &Secret,
    allowed_origin: &str,
) -> Result<EmbeddedS3, EmbeddedS3Error> {
    std::fs::create_dir_all(root)
        .map_err(|err| EmbeddedS3Error::Folder(root.display().to_string(), err))?;
    let fs = s3s_fs::FileSystem::new(root)
        .map_err(|err| EmbeddedS3Error::FileSystem(format!("{err:?}")))?;
    let mut builder = S3ServiceBuilder::new(compat::Compatible(fs));
    builder.set_auth(SimpleAuth::from_single(
        access_key,
        secret_key.expose().to_owned(),
    ));
    let origin = allowed_origin
        .parse::<http::HeaderValue>()
        .map_err(|_| EmbeddedS3Error::Origin(allowed_origin.to_owned()))?;
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list([origin]))
        .allow_methods([
            http::Method::GET,
            http::Method::HEAD,
            http::Method::PUT,
            http::Method::POST,
            http::Method::DELETE,
        ])
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers([http::header::ETAG, http::header::CONTENT_LENGTH])
        .max_age(Duration::from_secs(3600));
    let service = tower::ServiceBuilder::new()
        .layer(cors)
        .service(builder.build());

    let listener = TcpListener::bind(addr)
        .await
        .map_err(|err| EmbeddedS3Error::Bind(addr, err))?;
    let local = listener
        .local_addr()
        .map_err(|err| EmbeddedS3Error::Bind(addr, err))?;
    let task = tokio::spawn(async move {
        let http = ConnBuilder::new(TokioExecutor::new());
        loop {
            let socket = match listener.accept().await {
                Ok((socket, _)) => socket,
                Err(err) => {
                    tracing::warn!(error = %err, "embedded S3: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let service = TowerToHyperService::new(service.clone());
            let conn = http
                .serve_connection(TokioIo::new(socket), service)
                .into_owned();
            tokio::spawn(async move {
                if let Err(err) = conn.await {
                    tracing::debug!(error = %err, "embedded S3: connection ended with an error");
                }
            });
        }
    });
    tracing::info!(endpoint = %format!("http://{local}"), "embedded S3 endpoint started");
    Ok(EmbeddedS3 {
        endpoint: format!("http://{local}"),
        task,
    })
}

/// The embedded endpoint's credentials, made once and kept in `data_dir` so
/// presigned URLs survive a restart.
pub fn credentials(data_dir: &Path) -> std::io::Result<(String, Secret)> {
    let path = data_dir.join("embedded-s3-credentials");
    if let Ok(saved) = std::fs::read_to_string(&path) {
        let mut lines = saved.lines();
        if let (Some(key), Some(secret)) = (lines.next(), lines.next())
            && !key.is_empty()
            && !secret.is_empty()
        {
            return Ok((key.to_owned(), Secret::new(secret)));
        }
    }
    std::fs::create_dir_all(data_dir)?;
    let key = format!("DL{}", uuid::Uuid::new_v4().simple()).to_uppercase();
    let secret = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    write_private(&path, &format!("{key}\n{secret}\n"))?;
    Ok((key, Secret::new(secret)))
}

pub(crate) fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_made_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let (key, secret) = credentials(dir.path()).unwrap();
        let (again_key, again_secret) = credentials(dir.path()).unwrap();
        assert_eq!(
            (key.as_str(), secret.expose()),
            (again_key.as_str(), again_secret.expose())
        );
        assert!(key.len() >= 16 && secret.expose().len() >= 32);
    }
}
