//! Direct uploads of product files to S3 (admins only): start, ask which parts
//! arrived (to resume), complete, cancel.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{StartedUploadView, UploadedFileView};

/// Starts an upload of `size` bytes of `filename` for product `product` (its
/// public id); answers the presigned URL of every part.
#[server(prefix = "/api", endpoint = "start_upload")]
pub async fn start_upload(
    product: String,
    filename: String,
    content_type: String,
    size: u64,
) -> Result<StartedUploadView, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let product = crate::ssr::parse_id(&product)?;
    let started = ctx
        .uploads
        .start(product, &filename, &content_type, size)
        .await?;
    Ok(started.into())
}

/// The part numbers S3 already holds, so a resumed upload sends only the rest.
#[server(prefix = "/api", endpoint = "upload_received_parts")]
pub async fn upload_received_parts(upload: String) -> Result<Vec<i32>, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    Ok(ctx
        .uploads
        .received_parts(crate::ssr::parse_id(&upload)?)
        .await?)
}

/// Joins the parts, checks the file and records it as the newest version.
#[server(prefix = "/api", endpoint = "complete_upload")]
pub async fn complete_upload(upload: String) -> Result<UploadedFileView, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let file = ctx.uploads.complete(crate::ssr::parse_id(&upload)?).await?;
    Ok(UploadedFileView {
        name: file.filename,
        version: file.version,
        size_bytes: file.size_bytes,
        sha256: file.sha256,
    })
}

/// Cancels an upload; S3 discards its parts.
#[server(prefix = "/api", endpoint = "cancel_upload")]
pub async fn cancel_upload(upload: String) -> Result<(), AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    Ok(ctx.uploads.cancel(crate::ssr::parse_id(&upload)?).await?)
}
