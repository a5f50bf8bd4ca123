//! Object storage for the store: the external S3 service it is configured
//! with, or the embedded endpoint it starts (or finds running, for a
//! maintenance command next to a running store).

use domain::storage::{Storage, StorageConfig};

use super::StartupError;
use crate::embedded_s3::{self, EmbeddedS3};
use crate::settings::{S3Settings, Settings, origin_of};

/// Storage for a maintenance command: the running store's embedded endpoint if
/// one is up, else a fresh one for the command's lifetime.
pub async fn open_storage(
    settings: &Settings,
) -> Result<(Storage, Option<EmbeddedS3>), StartupError> {
    let public_url = settings.public_url_for(settings.addr);
    let (storage, embedded) = storage_for(settings, &origin_of(&public_url)).await?;
    storage.ensure_bucket().await?;
    Ok((storage, embedded))
}

pub(super) async fn storage_for(
    settings: &Settings,
    allowed_origin: &str,
) -> Result<(Storage, Option<EmbeddedS3>), StartupError> {
    match &settings.s3 {
        S3Settings::External {
            endpoint,
            region,
            bucket,
            access_key,
            secret_key,
            path_style,
        } => {
            let config = StorageConfig {
                endpoint: endpoint.clone(),
                public_endpoint: settings.s3_public_endpoint.clone(),
                region: region.clone(),
                bucket: bucket.clone(),
                access_key: access_key.clone(),
                secret_key: secret_key.clone(),
                path_style: *path_style,
            };
            Ok((Storage::new(&config), None))
        }
        S3Settings::Embedded {
            addr,
            region,
            bucket,
            credentials,
        } => {
            let (access_key, secret_key) = match credentials {
                Some(pair) => pair.clone(),
                None => embedded_s3::credentials(&settings.data_dir)
                    .map_err(StartupError::Credentials)?,
            };
            let root = settings.data_dir.join("objects");
            let (endpoint, embedded) =
                match embedded_s3::start(*addr, &root, &access_key, &secret_key, allowed_origin)
                    .await
                {
                    Ok(s3) => (s3.endpoint.clone(), Some(s3)),
                    // A maintenance command next to a running store shares its endpoint.
                    Err(err) if err.is_addr_in_use() && settings.addr.port() != 0 => {
                        tracing::info!(%addr, "using the embedded S3 endpoint already running");
                        (format!("http://{addr}"), None)
                    }
                    Err(err) => return Err(err.into()),
                };
            let config = StorageConfig {
                endpoint,
                public_endpoint: settings.s3_public_endpoint.clone(),
                region: region.clone(),
                bucket: bucket.clone(),
                access_key,
                secret_key,
                path_style: true,
            };
            Ok((Storage::new(&config), embedded))
        }
    }
}
