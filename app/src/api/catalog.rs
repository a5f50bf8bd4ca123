//! Catalog reads (anyone).

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{CatalogPageView, ProductPageView};

/// One page of published products: matching `q` (title, summary, description),
/// tagged `tag`, sorted by `sort` (`new`, `price-asc`, `price-desc`). Every
/// argument may be left out.
#[server(prefix = "/api", endpoint = "list_products", output = crate::codec::Answer)]
pub async fn list_products(
    q: Option<String>,
    tag: Option<String>,
    sort: Option<String>,
    page: Option<u64>,
) -> Result<CatalogPageView, AppError> {
    let ctx = crate::ssr::public()?;
    let query = domain::catalog::SearchQuery::new(
        q.as_deref().unwrap_or_default(),
        tag.as_deref(),
        sort.as_deref().unwrap_or_default(),
        page.unwrap_or(1),
    );
    Ok(ctx.catalog.search(&query).await?.as_ref().into())
}

/// One published product by its slug. Counts a view of its page (a number
/// per product and hour, nothing about the viewer).
#[server(prefix = "/api", endpoint = "get_product", output = crate::codec::Answer)]
pub async fn get_product(slug: String) -> Result<ProductPageView, AppError> {
    let ctx = crate::ssr::public()?;
    let details = ctx.catalog.published_by_slug(&slug).await?;
    ctx.page_views
        .count(details.product.id, &details.product.slug);
    Ok(details.as_ref().into())
}
