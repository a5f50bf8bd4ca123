//! Catalog reads.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{ProductCardView, ProductPageView};

/// Every published product, newest first.
#[server(prefix = "/api", endpoint = "list_products")]
pub async fn list_products() -> Result<Vec<ProductCardView>, AppError> {
    let ctx = crate::ssr::ctx()?;
    let listings = ctx.catalog.published().await?;
    Ok(listings.into_iter().map(Into::into).collect())
}

/// One published product by its slug.
#[server(prefix = "/api", endpoint = "get_product")]
pub async fn get_product(slug: String) -> Result<ProductPageView, AppError> {
    let ctx = crate::ssr::ctx()?;
    Ok(ctx.catalog.published_by_slug(&slug).await?.into())
}
