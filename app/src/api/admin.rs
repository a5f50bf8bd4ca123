//! The admin area's server functions; each checks the admin role itself.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::AdminOverviewView;

/// The dashboard's figures. Admins only.
#[server(prefix = "/api", endpoint = "admin_overview")]
pub async fn admin_overview() -> Result<AdminOverviewView, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let overview = domain::admin::overview(&ctx.db).await?;
    Ok(AdminOverviewView {
        published_products: overview.published_products,
        customers: overview.customers,
        admins: overview.admins,
    })
}

/// The newest mails in the outbox. Admins only.
#[server(prefix = "/api", endpoint = "admin_outbox")]
pub async fn admin_outbox() -> Result<Vec<crate::views::OutboxMailView>, AppError> {
    let (ctx, _admin) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_admin().await?,
    );
    let mails = domain::mail::recent(&ctx.db, 50).await?;
    Ok(mails.iter().map(Into::into).collect())
}
