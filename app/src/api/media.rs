//! A product's files and gallery in the editor (admins only): list them, purge
//! old file versions, remove a file, describe, reorder and remove images.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::audit::Entry;
use crate::views::AdminMediaView;

/// Every stored file version and every image of product `product`.
#[server(prefix = "/api", endpoint = "admin_media", output = crate::codec::Answer)]
pub async fn admin_media(product: String) -> Result<AdminMediaView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let product = crate::ssr::parse_id(&product)?;
    crate::ssr::media::of_product(&ctx, product).await
}

/// Deletes every file version buyers no longer get; answers how many.
#[server(prefix = "/api", endpoint = "purge_old_versions", output = crate::codec::Answer)]
pub async fn purge_old_versions(product: String) -> Result<usize, AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let purging = ctx
        .files
        .purge_old_versions(crate::ssr::parse_id(&product)?);
    ctx.audited(&admin, purging, |purged| {
        Entry::new("file.purge", format!("product {product}")).after(format!(
            "{} deleted",
            crate::views::count_of(*purged, "old version", "old versions")
        ))
    })
    .await
}

/// Removes a file (every version of its name) from its product.
#[server(prefix = "/api", endpoint = "remove_file", output = crate::codec::Answer)]
pub async fn remove_file(file: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let removing = ctx.files.remove(crate::ssr::parse_id(&file)?);
    let entry = Entry::new("file.remove", format!("file {file}"));
    ctx.audited(&admin, removing, |_| entry).await
}

/// Sets what screen readers say for an image.
#[server(prefix = "/api", endpoint = "describe_image", output = crate::codec::Answer)]
pub async fn describe_image(image: String, alt: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let describing = ctx.gallery.describe(crate::ssr::parse_id(&image)?, &alt);
    let entry = Entry::new("image.describe", format!("image {image}")).after(alt.clone());
    ctx.audited(&admin, describing, |_| entry).await
}

/// Moves an image to `position` in its gallery; 0 makes it the cover.
#[server(prefix = "/api", endpoint = "move_image", output = crate::codec::Answer)]
pub async fn move_image(image: String, position: usize) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let moving = ctx.gallery.move_to(crate::ssr::parse_id(&image)?, position);
    let entry =
        Entry::new("image.move", format!("image {image}")).after(format!("position {position}"));
    ctx.audited(&admin, moving, |_| entry).await
}

/// Removes an image from its gallery and S3.
#[server(prefix = "/api", endpoint = "remove_image", output = crate::codec::Answer)]
pub async fn remove_image(image: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let removing = ctx.gallery.remove(crate::ssr::parse_id(&image)?);
    let entry = Entry::new("image.remove", format!("image {image}"));
    ctx.audited(&admin, removing, |_| entry).await
}
