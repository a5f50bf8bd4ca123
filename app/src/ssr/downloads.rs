//! The delivery log for the admin: its filters from the page's query, and
//! its rows as the downloads page and a customer's page show them.

use super::when;
use crate::views::DeliveryRowView;

/// The admin's log filters from the page's query (dates as `YYYY-MM-DD`,
/// days in `tz`, the store's zone).
pub fn log_filter(
    tz: domain::dashboard::Tz,
    product: Option<String>,
    buyer: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> domain::delivery::LogFilter {
    let (from, until) = super::store_days(from, until, tz);
    domain::delivery::LogFilter {
        product,
        buyer,
        user: None,
        from,
        until,
    }
}

/// One delivery as a row of the log's table.
pub fn delivery_row(row: &domain::delivery::LogRow) -> DeliveryRowView {
    DeliveryRowView {
        at: when(row.at),
        buyer: row.buyer.clone(),
        product: row.product.clone(),
        file: row.file.clone(),
        version: row.version,
        kind: row.kind,
        counted: row.counted,
        ip: row.ip.clone(),
    }
}
