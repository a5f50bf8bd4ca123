//! The product editor's server functions (admins only).

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{AdminProductView, ProductFields, ProductFormView, ProductStatus};

/// Every product, drafts and archived ones included.
#[server(prefix = "/api", endpoint = "admin_products", output = crate::codec::Answer)]
pub async fn admin_products() -> Result<Vec<AdminProductView>, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    Ok(ctx.products.all().await?.iter().map(Into::into).collect())
}

/// One product's form values, for editing; with no `product`, a new
/// product's blank form.
#[server(prefix = "/api", endpoint = "admin_product", output = crate::codec::Answer)]
pub async fn admin_product(product: String) -> Result<ProductFormView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    if product.is_empty() {
        return Ok(ProductFormView::blank());
    }
    let product = ctx.products.get(crate::ssr::parse_id(&product)?).await?;
    Ok((&product).into())
}

/// Creates a draft (no `product`) and goes to its page to add files and
/// images, or updates product `product` and goes to the product list. Problems
/// come back as `InvalidFields`, one message per field.
#[server(prefix = "/api", endpoint = "save_product", output = crate::codec::Answer)]
pub async fn save_product(
    product: Option<String>,
    #[server(flatten)] fields: ProductFields,
) -> Result<AdminProductView, AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let existing = product.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let existing = existing.map(crate::ssr::parse_id).transpose()?;
    let saved = crate::ssr::products::save(&ctx, &admin, existing, &fields).await?;
    leptos_axum::redirect(&match existing {
        None => format!("/admin/products/{}?created", saved.pid),
        Some(_) => "/admin/products".to_owned(),
    });
    Ok((&saved).into())
}

/// Publishes, unpublishes (back to draft) or archives product `product`.
#[server(prefix = "/api", endpoint = "set_product_status", output = crate::codec::Answer)]
pub async fn set_product_status(
    product: String,
    status: ProductStatus,
) -> Result<AdminProductView, AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let product = crate::ssr::parse_id(&product)?;
    let saved = crate::ssr::products::set_status(&ctx, &admin, product, status).await?;
    Ok((&saved).into())
}
