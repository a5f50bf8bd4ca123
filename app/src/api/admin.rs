//! The admin area's reports (admins only).

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{AdminOverviewView, AuditEntryView, DashboardView, OutboxMailView};

/// The dashboard's figures.
#[server(prefix = "/api", endpoint = "admin_overview", output = crate::codec::Answer)]
pub async fn admin_overview() -> Result<AdminOverviewView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    Ok(ctx.reports.overview().await?.into())
}

/// The overview of a period (`range`: `today`, `7d`, `30d`, `12m`, or
/// `custom` from `from` to `until`) in `currency`: figures beside the period
/// before, the sales chart, the best sellers.
#[server(prefix = "/api", endpoint = "admin_dashboard", output = crate::codec::Answer)]
pub async fn admin_dashboard(
    range: Option<String>,
    from: Option<String>,
    until: Option<String>,
    currency: Option<String>,
) -> Result<DashboardView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let (range, currency) = crate::ssr::dashboard::asked(
        range.as_deref(),
        from.as_deref(),
        until.as_deref(),
        currency.as_deref(),
    )?;
    let overview = ctx.dashboard.overview(range, currency).await?;
    Ok(crate::ssr::dashboard::view(
        range,
        &overview,
        ctx.dashboard.time_zone(),
    ))
}

/// The audit log, newest first: entries whose action starts with `action`,
/// by an admin whose address contains `actor`, on a subject containing
/// `subject`, between the days `from` and `until`.
#[server(prefix = "/api", endpoint = "admin_audit", output = crate::codec::Answer)]
pub async fn admin_audit(
    action: Option<String>,
    actor: Option<String>,
    subject: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> Result<Vec<AuditEntryView>, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let filter = crate::ssr::audit::filter(action, actor, subject, from, until);
    let entries = ctx.audit.list(&filter, 200).await?;
    Ok(entries.iter().map(crate::ssr::audit::entry_view).collect())
}

/// The newest mails in the outbox.
#[server(prefix = "/api", endpoint = "admin_outbox", output = crate::codec::Answer)]
pub async fn admin_outbox() -> Result<Vec<OutboxMailView>, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let mails = ctx.reports.outbox(50).await?;
    Ok(mails.iter().map(Into::into).collect())
}
