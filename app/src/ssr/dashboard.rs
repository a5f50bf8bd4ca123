//! The admin overview, from what the admin picked to what the page shows.

use chrono::{Datelike, NaiveDate};
use domain::dashboard::{Figures, Overview, Range, Step};
use types::money::{Currency, Money};

use crate::error::AppError;
use crate::views::{ChartView, DashboardView, FigureView, PointView, TickView, TopProductView};

/// The range and currency asked for (`?range=7d`, or `custom` with `from`
/// and `until` days; `currency=EUR`). The last seven days by default.
pub fn asked(
    range: Option<String>,
    from: Option<String>,
    until: Option<String>,
    currency: Option<String>,
) -> Result<(Range, Option<Currency>), AppError> {
    let (range, from, until) = (range.as_deref(), from.as_deref(), until.as_deref());
    // Dates a store can have sold on; others are typos (and would not fit
    // the arithmetic).
    let day = |value: Option<&str>, name: &str| {
        value
            .and_then(|v| v.trim().parse::<NaiveDate>().ok())
            .filter(|d| (2000..=2100).contains(&d.year()))
            .ok_or_else(|| {
                AppError::Validation(format!("Give the {name} day as a date (2000–2100)."))
            })
    };
    let range = match range.unwrap_or("7d") {
        "today" => Range::Today,
        "7d" => Range::Days7,
        "30d" => Range::Days30,
        "12m" => Range::Months12,
        "custom" => Range::Custom(day(from, "first")?, day(until, "last")?),
        _ => return Err(AppError::Validation("Unknown range.".into())),
    };
    let currency = match currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(
            code.parse()
                .map_err(|_| AppError::Validation("Unknown currency.".into()))?,
        ),
        None => None,
    };
    Ok((range, currency))
}

impl From<domain::dashboard::OverviewError> for AppError {
    fn from(err: domain::dashboard::OverviewError) -> Self {
        match err {
            domain::dashboard::OverviewError::Range(err) => Self::Validation(err.to_string()),
            domain::dashboard::OverviewError::Db(err) => err.into(),
        }
    }
}

fn date(day: NaiveDate) -> String {
    day.format("%-d %b %Y").to_string()
}

pub(crate) fn days(first: NaiveDate, last: NaiveDate) -> String {
    if first == last {
        date(first)
    } else {
        format!("{} – {}", date(first), date(last))
    }
}

/// The change from `before` to `now`, and whether it is good news when a
/// rise is (`rise_is_good`).
fn change(now: i64, before: i64, rise_is_good: bool) -> (String, Option<bool>) {
    if now == before {
        return ("no change".into(), None);
    }
    if before == 0 {
        return ("new".into(), Some(rise_is_good == (now > 0)));
    }
    let percent = (now - before) as f64 * 100.0 / before.unsigned_abs() as f64;
    let text = if percent >= 0.0 {
        format!("+{percent:.0} %")
    } else {
        format!("−{:.0} %", -percent)
    };
    (text, Some(rise_is_good == (now > before)))
}

fn figures(now: &Figures, before: &Figures, currency: Currency) -> Vec<FigureView> {
    let money = |minor: i64| Money::new(minor, currency).to_string();
    let rows: [(&str, i64, i64, String, bool); 7] = [
        ("Sales", now.gross, before.gross, money(now.gross), true),
        (
            "Refunds",
            now.refunds,
            before.refunds,
            money(now.refunds),
            false,
        ),
        ("Net sales", now.net(), before.net(), money(now.net()), true),
        (
            "Orders",
            now.orders,
            before.orders,
            now.orders.to_string(),
            true,
        ),
        (
            "Average order",
            now.average_order().unwrap_or(0),
            before.average_order().unwrap_or(0),
            now.average_order().map_or_else(|| "–".to_owned(), money),
            true,
        ),
        (
            "New customers",
            now.new_customers,
            before.new_customers,
            now.new_customers.to_string(),
            true,
        ),
        (
            "Downloads",
            now.downloads,
            before.downloads,
            now.downloads.to_string(),
            true,
        ),
    ];
    rows.into_iter()
        .map(|(label, now, before, value, rise_is_good)| {
            let (change, better) = change(now, before, rise_is_good);
            FigureView {
                label: label.to_owned(),
                value,
                change,
                better,
            }
        })
        .collect()
}

/// Round numbers for the chart's grid: zero, and steps of 1, 2 or 5 × 10ⁿ
/// up to (and past) the highest bar; below zero when a bar is.
pub(crate) fn ticks(low: i64, high: i64, currency: Currency) -> Vec<TickView> {
    let span = (high.max(0) - low.min(0)).max(1);
    let raw = span / 4;
    let mut unit = 1_i64;
    while unit.saturating_mul(10) <= raw.max(1) {
        unit = unit.saturating_mul(10);
    }
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|m| unit.saturating_mul(m))
        .find(|step| span / step <= 5)
        .unwrap_or(unit.saturating_mul(10));
    let mut values = Vec::new();
    let mut value = low.min(0).div_euclid(step) * step;
    while value < high.max(0) + step {
        values.push(value);
        value += step;
    }
    values
        .into_iter()
        .map(|minor| TickView {
            minor,
            label: Money::new(minor, currency).to_string(),
        })
        .collect()
}

/// A chart step's short label (under its bar) and its full name.
pub(crate) fn step_names(step: Step, first_day: NaiveDate) -> (String, String) {
    match step {
        Step::Day => (first_day.format("%-d %b").to_string(), date(first_day)),
        Step::Week => (
            first_day.format("%-d %b").to_string(),
            format!("Week of {}", date(first_day)),
        ),
        Step::Month => (
            first_day.format("%b %Y").to_string(),
            first_day.format("%B %Y").to_string(),
        ),
    }
}

/// The range's name in addresses (`7d`).
pub(crate) fn range_name(range: Range) -> &'static str {
    match range {
        Range::Today => "today",
        Range::Days7 => "7d",
        Range::Days30 => "30d",
        Range::Months12 => "12m",
        Range::Custom(..) => "custom",
    }
}

/// The chart's step in words (`week`).
pub(crate) fn step_name(step: Step) -> &'static str {
    match step {
        Step::Day => "day",
        Step::Week => "week",
        Step::Month => "month",
    }
}

/// What the page shows of `overview`.
pub fn view(range: Range, overview: &Overview, time_zone: &str) -> DashboardView {
    let currency = overview.currency;
    let money = |minor: i64| Money::new(minor, currency).to_string();
    let step = overview.step;
    let points: Vec<PointView> = overview
        .chart
        .iter()
        .map(|point| {
            let (label, whole) = step_names(step, point.first_day);
            PointView {
                label,
                detail: format!(
                    "{whole}: net {} (sales {}, refunds {})",
                    money(point.net()),
                    money(point.gross),
                    money(point.refunds)
                ),
                net: money(point.net()),
                net_minor: point.net(),
            }
        })
        .collect();
    let low = points.iter().map(|p| p.net_minor).min().unwrap_or(0);
    let high = points.iter().map(|p| p.net_minor).max().unwrap_or(0);
    DashboardView {
        range: range_name(range).to_owned(),
        from: overview.days.first.to_string(),
        until: overview.days.last.to_string(),
        period: days(overview.days.first, overview.days.last),
        previous: days(overview.previous_days.first, overview.previous_days.last),
        time_zone: time_zone.to_owned(),
        currency,
        currencies: overview.currencies.clone(),
        figures: figures(&overview.current, &overview.previous, currency),
        chart: ChartView {
            step: step_name(step).to_owned(),
            ticks: ticks(low, high, currency),
            points,
        },
        top: overview
            .top
            .iter()
            .map(|product| TopProductView {
                title: product.title.clone(),
                units: product.units,
                sales: money(product.sales),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_percentages_and_say_whether_they_are_good_news() {
        assert_eq!(change(150, 100, true), ("+50 %".into(), Some(true)));
        assert_eq!(change(50, 100, true), ("−50 %".into(), Some(false)));
        assert_eq!(change(150, 100, false), ("+50 %".into(), Some(false)));
        assert_eq!(change(10, 0, true), ("new".into(), Some(true)));
        assert_eq!(change(7, 7, true), ("no change".into(), None));
    }

    #[test]
    fn the_grid_has_round_steps_from_zero_past_the_highest_bar() {
        let usd: Currency = "USD".parse().unwrap();
        let minors: Vec<i64> = ticks(0, 12_345, usd).iter().map(|t| t.minor).collect();
        assert_eq!(minors, [0, 5_000, 10_000, 15_000]);
        let minors: Vec<i64> = ticks(-2_000, 9_000, usd).iter().map(|t| t.minor).collect();
        assert_eq!(minors, [-2_000, 0, 2_000, 4_000, 6_000, 8_000, 10_000]);
        assert_eq!(ticks(0, 0, usd)[0].label, "$0.00");
    }
}
