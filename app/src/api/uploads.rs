//! Direct uploads of product files and gallery images to S3 (admins only):
//! start, resume (which parts arrived, fresh URLs for the rest), complete,
//! cancel.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{StartedUploadView, UploadedView};

/// Starts an upload of `size` bytes of `filename` for product `product` (its
/// public id); `purpose` is `file` (a downloadable file) or `image` (for the
/// gallery). Answers the presigned URL of every part.
#[server(prefix = "/api", endpoint = "start_upload")]
pub async fn start_upload(
    product: String,
    purpose: String,
    filename: String,
    content_type: String,
    size: u64,
) -> Result<StartedUploadView, AppError> {
    use domain::entities::upload::UploadPurpose;
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let product = crate::ssr::parse_id(&product)?;
    let purpose = match purpose.as_str() {
        "file" => UploadPurpose::File,
        "image" => UploadPurpose::Image,
        _ => {
            return Err(crate::ssr::answered(AppError::Validation(
                "Upload a file or an image.".into(),
            )));
        }
    };
    let started = ctx
        .uploads
        .start(product, purpose, &filename, &content_type, size)
        .await?;
    Ok(started.into())
}

/// Where a pending upload stands: the parts S3 already holds and fresh URLs for
/// the others, so a resumed upload sends only what is missing.
#[server(prefix = "/api", endpoint = "resume_upload")]
pub async fn resume_upload(upload: String) -> Result<StartedUploadView, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let resumed = ctx.uploads.resume(crate::ssr::parse_id(&upload)?).await?;
    Ok(resumed.into())
}

/// Joins the parts and checks the object: a file becomes the newest version of
/// its name, an image joins the gallery with its thumbnails.
#[server(prefix = "/api", endpoint = "complete_upload")]
pub async fn complete_upload(upload: String) -> Result<UploadedView, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let completed = ctx.uploads.complete(crate::ssr::parse_id(&upload)?).await?;
    Ok(completed.into())
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
