//! The product editor's changes that the audit log keeps with the product as
//! it was before: saving the form, and status changes.

use domain::entities::{product, user};
use uuid::Uuid;

use super::AppContext;
use super::audit::{Entry, state};
use super::views::product_input;
use crate::error::AppError;
use crate::views::{ProductFields, ProductFormView, ProductStatus};

/// Saves the form as product `existing`, or as a new draft without one; the
/// log keeps the form's values before and after.
pub async fn save(
    ctx: &AppContext,
    admin: &user::Model,
    existing: Option<Uuid>,
    fields: &ProductFields,
) -> Result<product::Model, AppError> {
    let before = match existing {
        Some(pid) => Some(state(&ProductFormView::from(&ctx.products.get(pid).await?))),
        None => None,
    };
    let input = product_input(fields);
    let saving = ctx.products.save(existing, &input);
    ctx.audited(admin, saving, |saved| {
        Entry::new("product.save", format!("product {}", saved.slug))
            .before(before)
            .after(state(&ProductFormView::from(saved)))
    })
    .await
}

/// Publishes, unpublishes (back to draft) or archives product `pid`; the log
/// keeps the status before and after.
pub async fn set_status(
    ctx: &AppContext,
    admin: &user::Model,
    pid: Uuid,
    status: ProductStatus,
) -> Result<product::Model, AppError> {
    let before = state(&ctx.products.get(pid).await?.status);
    let setting = ctx.products.set_status(pid, status);
    ctx.audited(admin, setting, |saved| {
        Entry::new("product.status", format!("product {}", saved.slug))
            .before(before)
            .after(state(&saved.status))
    })
    .await
}
