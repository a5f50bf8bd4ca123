//! A product's files and gallery in the editor (admins only): list them, purge
//! old file versions, remove a file, describe, reorder and remove images.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::AdminMediaView;

/// Every stored file version and every image of product `product`.
#[server(prefix = "/api", endpoint = "admin_media", output = crate::codec::Answer)]
pub async fn admin_media(product: String) -> Result<AdminMediaView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let product = crate::ssr::parse_id(&product)?;
    Ok(AdminMediaView {
        files: ctx
            .files
            .versions(product)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        images: ctx
            .gallery
            .of_product(product)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    })
}

/// Deletes every file version buyers no longer get; answers how many.
#[server(prefix = "/api", endpoint = "purge_old_versions", output = crate::codec::Answer)]
pub async fn purge_old_versions(product: String) -> Result<usize, AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let purged = ctx
        .files
        .purge_old_versions(crate::ssr::parse_id(&product)?)
        .await?;
    let after = format!("{purged} old versions deleted");
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "file.purge",
        format!("product {product}"),
        None,
        Some(after),
    )
    .await?;
    Ok(purged)
}

/// Removes a file (every version of its name) from its product.
#[server(prefix = "/api", endpoint = "remove_file", output = crate::codec::Answer)]
pub async fn remove_file(file: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    ctx.files.remove(crate::ssr::parse_id(&file)?).await?;
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "file.remove",
        format!("file {file}"),
        None,
        None,
    )
    .await
}

/// Sets what screen readers say for an image.
#[server(prefix = "/api", endpoint = "describe_image", output = crate::codec::Answer)]
pub async fn describe_image(image: String, alt: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    ctx.gallery
        .describe(crate::ssr::parse_id(&image)?, &alt)
        .await?;
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "image.describe",
        format!("image {image}"),
        None,
        Some(alt),
    )
    .await
}

/// Moves an image to `position` in its gallery; 0 makes it the cover.
#[server(prefix = "/api", endpoint = "move_image", output = crate::codec::Answer)]
pub async fn move_image(image: String, position: usize) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    ctx.gallery
        .move_to(crate::ssr::parse_id(&image)?, position)
        .await?;
    let after = format!("position {position}");
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "image.move",
        format!("image {image}"),
        None,
        Some(after),
    )
    .await
}

/// Removes an image from its gallery and S3.
#[server(prefix = "/api", endpoint = "remove_image", output = crate::codec::Answer)]
pub async fn remove_image(image: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    ctx.gallery.remove(crate::ssr::parse_id(&image)?).await?;
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "image.remove",
        format!("image {image}"),
        None,
        None,
    )
    .await
}
