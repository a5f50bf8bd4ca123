//! The admin overview's shapes: a period's figures beside the period before,
//! the sales chart and the best sellers, every amount already formatted.

use serde::{Deserialize, Serialize};

use super::Currency;

/// The overview of one period, in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    /// `today`, `7d`, `30d`, `12m` or `custom`.
    pub range: String,
    /// The first and last day shown (`YYYY-MM-DD`), for the custom range's fields.
    pub from: String,
    pub until: String,
    /// "9 Mar 2026 – 15 Mar 2026", in the store's time zone.
    pub period: String,
    /// The period the changes compare with.
    pub previous: String,
    /// The store's time zone (`Europe/Berlin`).
    pub time_zone: String,
    pub currency: Currency,
    /// Every currency sold in, for the picker.
    pub currencies: Vec<Currency>,
    pub figures: Vec<FigureView>,
    pub chart: ChartView,
    pub top: Vec<TopProductView>,
}

/// One headline figure with its change against the previous period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureView {
    pub label: String,
    pub value: String,
    /// "+12 %", "−3 %", "new", "no change".
    pub change: String,
    /// Whether the change is good news (a rise in refunds is not); none when
    /// nothing changed.
    pub better: Option<bool>,
}

/// Net sales per step, drawn as bars.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartView {
    /// `day`, `week` or `month`.
    pub step: String,
    pub points: Vec<PointView>,
    /// Grid lines with their labels (zero among them).
    pub ticks: Vec<TickView>,
}

/// One bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointView {
    /// Under the bar: "3 Mar", "Mar 2026".
    pub label: String,
    /// "3 Mar 2026: net €120.00 (sales €150.00, refunds €30.00)".
    pub detail: String,
    pub net: String,
    pub net_minor: i64,
}

/// A grid line of the chart's scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TickView {
    pub minor: i64,
    pub label: String,
}

/// A best seller of the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopProductView {
    pub title: String,
    pub units: i64,
    pub sales: String,
}

/// A product's figures for a period (or one step of it), formatted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFiguresView {
    /// The product's title, or the step ("Week of 3 Mar 2026").
    pub label: String,
    pub slug: String,
    pub views: i64,
    pub orders: i64,
    /// Orders per page view: "2.5 %", or "–" without views.
    pub conversion: String,
    pub units: i64,
    /// Sales less refunds.
    pub sales: String,
    /// Order lines refunded: "10 %", or "–" without sales.
    pub refund_rate: String,
    pub downloads: i64,
}

/// Every product's figures for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsView {
    pub range: String,
    pub from: String,
    pub until: String,
    pub period: String,
    pub time_zone: String,
    pub products: Vec<ProductFiguresView>,
}

/// One product through a period: its totals, a chart of its net sales, and
/// each step's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductReportView {
    pub range: String,
    pub from: String,
    pub until: String,
    pub period: String,
    pub time_zone: String,
    pub total: ProductFiguresView,
    pub chart: ChartView,
    pub steps: Vec<ProductFiguresView>,
}
