//! The product editor's server functions (admins only).

#![expect(
    clippy::too_many_arguments,
    reason = "save_product takes one argument per form field, so plain HTML forms can post it"
)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{AdminProductView, ProductFormView};

/// Every product, drafts and archived ones included.
#[server(prefix = "/api", endpoint = "admin_products")]
pub async fn admin_products() -> Result<Vec<AdminProductView>, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let products = ctx.products.all().await?;
    Ok(products.iter().map(Into::into).collect())
}

/// One product's form values, for editing.
#[server(prefix = "/api", endpoint = "admin_product")]
pub async fn admin_product(product: String) -> Result<ProductFormView, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let product = ctx.products.get(crate::ssr::parse_id(&product)?).await?;
    Ok((&product).into())
}

/// Creates a draft (no `product`) and goes to its page to add files and images,
/// or updates product `product` and goes to the product list. Problems come back as `InvalidFields`, one
/// message per field.
#[server(prefix = "/api", endpoint = "save_product")]
pub async fn save_product(
    product: Option<String>,
    title: String,
    slug: String,
    summary: String,
    description: String,
    kind: String,
    price: String,
    currency: String,
    pay_what_you_want_minimum: Option<String>,
    download_limit: Option<String>,
    access_days: Option<String>,
    tags: Option<String>,
    license_keys: Option<String>,
    license_activations: Option<String>,
) -> Result<AdminProductView, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let input = domain::products::ProductInput {
        title: &title,
        slug: &slug,
        summary: &summary,
        description: &description,
        kind: &kind,
        price: &price,
        currency: &currency,
        pay_what_you_want_minimum: pay_what_you_want_minimum.as_deref().unwrap_or_default(),
        download_limit: download_limit.as_deref().unwrap_or_default(),
        access_days: access_days.as_deref().unwrap_or_default(),
        tags: tags.as_deref().unwrap_or_default(),
        license_keys: license_keys.as_deref().unwrap_or_default(),
        license_activations: license_activations.as_deref().unwrap_or_default(),
    };
    let saved = match product.filter(|p| !p.trim().is_empty()) {
        // A new product goes on to its own page, where files and images are added.
        None => ctx.products.create(&input).await.inspect(|saved| {
            leptos_axum::redirect(&format!("/admin/products/{}?created", saved.pid));
        }),
        Some(pid) => ctx
            .products
            .update(crate::ssr::parse_id(&pid)?, &input)
            .await
            .inspect(|_| leptos_axum::redirect("/admin/products")),
    };
    let saved = saved?;
    Ok((&saved).into())
}

/// Publishes (`published`), unpublishes (`draft`) or archives (`archived`).
#[server(prefix = "/api", endpoint = "set_product_status")]
pub async fn set_product_status(
    product: String,
    status: String,
) -> Result<AdminProductView, AppError> {
    use domain::entities::product::ProductStatus;
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let status = match status.as_str() {
        "published" => ProductStatus::Published,
        "draft" => ProductStatus::Draft,
        "archived" => ProductStatus::Archived,
        _ => {
            return Err(crate::ssr::answered(AppError::Validation(
                "Unknown status.".into(),
            )));
        }
    };
    let product = ctx
        .products
        .set_status(crate::ssr::parse_id(&product)?, status)
        .await?;
    Ok((&product).into())
}
