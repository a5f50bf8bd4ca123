//! Direct uploads of product files and gallery images to S3 (admins only):
//! start, resume (which parts arrived, fresh URLs for the rest), complete,
//! follow a completion the background job finishes, cancel.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::audit::{Entry, state};
use crate::views::{StartedUploadView, UploadPurpose, UploadedView};

/// Starts an upload of `size` bytes of `filename` for product `product` (its
/// public id) as a downloadable `file` or a gallery `image`. Answers the
/// presigned URL of every part.
#[server(prefix = "/api", endpoint = "start_upload", output = crate::codec::Answer)]
pub async fn start_upload(
    product: String,
    purpose: UploadPurpose,
    filename: String,
    content_type: String,
    size: u64,
) -> Result<StartedUploadView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let product = crate::ssr::parse_id(&product)?;
    let uploads = &ctx.uploads;
    Ok((uploads
        .start(product, purpose, &filename, &content_type, size)
        .await?)
        .into())
}

/// Where a pending upload stands: the parts S3 already holds and fresh URLs for
/// the others, so a resumed upload sends only what is missing.
#[server(prefix = "/api", endpoint = "resume_upload", output = crate::codec::Answer)]
pub async fn resume_upload(upload: String) -> Result<StartedUploadView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    Ok(ctx
        .uploads
        .resume(crate::ssr::parse_id(&upload)?)
        .await?
        .into())
}

/// Joins the parts and checks the object: a file becomes the newest version of
/// its name, an image joins the gallery with its thumbnails. A file too large
/// to check now answers `processing`: follow it with `upload_outcome`.
#[server(prefix = "/api", endpoint = "complete_upload", output = crate::codec::Answer)]
pub async fn complete_upload(upload: String) -> Result<UploadedView, AppError> {
    use futures_util::TryFutureExt;
    let (ctx, admin) = crate::ssr::admin().await?;
    let completing = ctx.uploads.complete(crate::ssr::parse_id(&upload)?);
    let completing = completing.map_ok(UploadedView::from);
    ctx.audited(&admin, completing, |done| {
        Entry::new("upload.complete", format!("upload {upload}")).after(state(done))
    })
    .await
}

/// What a completed upload became, `processing` while the background job is
/// still checking it, or why it was refused (409).
#[server(prefix = "/api", endpoint = "upload_outcome", output = crate::codec::Answer)]
pub async fn upload_outcome(upload: String) -> Result<UploadedView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    ctx.uploads
        .state(crate::ssr::parse_id(&upload)?)
        .await?
        .try_into()
}

/// Cancels an upload; S3 discards its parts.
#[server(prefix = "/api", endpoint = "cancel_upload", output = crate::codec::Answer)]
pub async fn cancel_upload(upload: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let cancelling = ctx.uploads.cancel(crate::ssr::parse_id(&upload)?);
    let entry = Entry::new("upload.cancel", format!("upload {upload}"));
    ctx.audited(&admin, cancelling, |_| entry).await
}
