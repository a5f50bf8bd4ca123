//! Product analytics, from the domain's figures to what the pages show.

use domain::analytics::{Figures, ProductFigures, ProductReport};
use domain::dashboard::{Days, Range};
use types::money::{Currency, Money};

use super::dashboard::{days as period, range_name, step_name, step_names, ticks};
use crate::views::{AnalyticsView, ChartView, PointView, ProductFiguresView, ProductReportView};

/// Writes the page views this instance counted, so the figures include
/// them; if that fails, the figures are shown without the last seconds'.
pub async fn write_views(ctx: &super::AppContext) {
    if let Err(err) = ctx.page_views.flush().await {
        tracing::warn!(error = %err, "product page views not written before a report");
    }
}

/// `part` of `whole` as a percentage with one decimal, or "–" of nothing.
fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "–".to_owned();
    }
    format!("{:.1} %", part as f64 * 100.0 / whole as f64)
}

/// Net sales in the product's currency, then in any other it sold in:
/// "$19.00 · €5.00".
fn sales_words(f: &Figures, currency: Currency) -> String {
    let others = f.sales.iter().filter(|(c, _)| *c != currency);
    std::iter::once(Money::new(f.sales_in(currency), currency))
        .chain(others.map(|&(c, minor)| Money::new(minor, c)))
        .map(|money| money.to_string())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn figures_view(label: String, slug: &str, f: &Figures, currency: Currency) -> ProductFiguresView {
    ProductFiguresView {
        label,
        slug: slug.to_owned(),
        views: f.views,
        orders: f.orders,
        conversion: percent(f.orders, f.views),
        units: f.units,
        sales: sales_words(f, currency),
        refund_rate: percent(f.refunded_lines, f.lines),
        downloads: f.downloads,
    }
}

/// Every product's figures for `days`.
pub fn products_view(
    range: Range,
    days: Days,
    products: &[ProductFigures],
    tz: &str,
) -> AnalyticsView {
    AnalyticsView {
        range: range_name(range).to_owned(),
        from: days.first.to_string(),
        until: days.last.to_string(),
        period: period(days.first, days.last),
        time_zone: tz.to_owned(),
        products: products
            .iter()
            .map(|p| {
                let product = &p.product;
                figures_view(
                    product.title.clone(),
                    &product.slug,
                    &p.figures,
                    product.currency,
                )
            })
            .collect(),
    }
}

/// One product through the period.
pub fn product_view(range: Range, report: &ProductReport, tz: &str) -> ProductReportView {
    let product = &report.product;
    let currency = product.currency;
    let money = |minor: i64| Money::new(minor, currency).to_string();
    let points: Vec<PointView> = report
        .steps
        .iter()
        .map(|(first_day, f)| {
            let (label, whole) = step_names(report.step, *first_day);
            PointView {
                label,
                detail: format!(
                    "{whole}: net {} · {} sold · {} page views · {} downloads",
                    sales_words(f, currency),
                    f.units,
                    f.views,
                    f.downloads
                ),
                net: money(f.sales_in(currency)),
                net_minor: f.sales_in(currency),
            }
        })
        .collect();
    let low = points.iter().map(|p| p.net_minor).min().unwrap_or(0);
    let high = points.iter().map(|p| p.net_minor).max().unwrap_or(0);
    ProductReportView {
        range: range_name(range).to_owned(),
        from: report.days.first.to_string(),
        until: report.days.last.to_string(),
        period: period(report.days.first, report.days.last),
        time_zone: tz.to_owned(),
        total: figures_view(
            product.title.clone(),
            &product.slug,
            &report.total,
            currency,
        ),
        chart: ChartView {
            step: step_name(report.step).to_owned(),
            ticks: ticks(low, high, currency),
            points,
        },
        steps: report
            .steps
            .iter()
            .map(|(first_day, f)| {
                let (_, whole) = step_names(report.step, *first_day);
                figures_view(whole, &product.slug, f, currency)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_percentages_with_one_decimal() {
        assert_eq!(percent(1, 40), "2.5 %");
        assert_eq!(percent(3, 3), "100.0 %");
        assert_eq!(percent(0, 7), "0.0 %");
        assert_eq!(percent(2, 0), "–");
    }

    #[test]
    fn sales_in_other_currencies_are_listed_never_added() {
        let (usd, eur) = ("USD".parse().unwrap(), "EUR".parse().unwrap());
        let figures = Figures {
            sales: vec![(eur, 500), (usd, 1_900)],
            ..Figures::default()
        };
        assert_eq!(sales_words(&figures, usd), "$19.00 · €5.00");
        assert_eq!(sales_words(&Figures::default(), eur), "€0.00");
    }
}
