//! The admin area's reports (admins only).

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{
    AdminOverviewView, AnalyticsView, AuditEntryView, DashboardView, OutboxMailView,
    ProductReportView,
};

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
    let (range, currency) = crate::ssr::dashboard::asked(range, from, until, currency)?;
    let overview = ctx.dashboard.overview(range, currency).await?;
    let tz = ctx.dashboard.time_zone();
    Ok(crate::ssr::dashboard::view(range, &overview, tz))
}

/// Every product's page views, orders, conversion, sales, refund rate and
/// downloads over a period (`range`, `from`, `until` as for the dashboard).
#[server(prefix = "/api", endpoint = "admin_analytics", output = crate::codec::Answer)]
pub async fn admin_analytics(
    range: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> Result<AnalyticsView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let (range, _) = crate::ssr::dashboard::asked(range, from, until, None)?;
    crate::ssr::analytics::write_views(&ctx).await;
    let (days, products) = ctx.analytics.products(range).await?;
    let tz = ctx.dashboard.time_zone();
    Ok(crate::ssr::analytics::products_view(
        range, days, &products, tz,
    ))
}

/// One product (by slug) through a period, step by step.
#[server(prefix = "/api", endpoint = "admin_product_analytics", output = crate::codec::Answer)]
pub async fn admin_product_analytics(
    product: String,
    range: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> Result<ProductReportView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let (range, _) = crate::ssr::dashboard::asked(range, from, until, None)?;
    crate::ssr::analytics::write_views(&ctx).await;
    let report = ctx.analytics.product(&product, range).await?;
    let report = report.ok_or(AppError::NotFound)?;
    let tz = ctx.dashboard.time_zone();
    Ok(crate::ssr::analytics::product_view(range, &report, tz))
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
    let filter =
        crate::ssr::audit::filter(ctx.dashboard.zone(), action, actor, subject, from, until);
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
