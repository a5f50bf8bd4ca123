//! The admin area's reports (admins only).

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{AdminOverviewView, OutboxMailView};

/// The dashboard's figures.
#[server(prefix = "/api", endpoint = "admin_overview", output = crate::codec::Answer)]
pub async fn admin_overview() -> Result<AdminOverviewView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    Ok(ctx.reports.overview().await?.into())
}

/// The newest mails in the outbox.
#[server(prefix = "/api", endpoint = "admin_outbox", output = crate::codec::Answer)]
pub async fn admin_outbox() -> Result<Vec<OutboxMailView>, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let mails = ctx.reports.outbox(50).await?;
    Ok(mails.iter().map(Into::into).collect())
}
