//! The admin's overview: a period's sales, refunds, orders, new customers and
//! downloads beside the period before it, net sales per day, week or month,
//! and the best-selling products. Days are the store's (its time zone); times
//! are stored in UTC. Every figure is an SQL aggregate: one statement per
//! figure, a `SUM` or `COUNT` over one range of a covering index for the
//! previous period and for each step of the chart (joined by `UNION ALL`), so
//! no row is loaded to be summed here and none is sorted into a bucket one by
//! one (100,000 orders and 1,000,000 downloads: `dashboard_bench`).

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
pub use chrono_tz::Tz;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement, UnionType};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryResult,
};
use types::money::Currency;
use types::order::OrderStatus;

use crate::clock::Clock;
use crate::db::{count, int, sum};
use crate::entities::{delivery, order, order_item, product, refund, user};

/// The longest custom range, in days (a few years of daily history).
const MAX_DAYS: i64 = 3 * 366;

/// How many products the top list shows.
const TOP_PRODUCTS: u64 = 10;

/// The periods an admin picks from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    Today,
    Days7,
    Days30,
    Months12,
    /// From one day to another, both included.
    Custom(NaiveDate, NaiveDate),
}

/// Why a range was refused.
#[derive(Debug, thiserror::Error)]
pub enum RangeError {
    #[error("The range ends before it starts.")]
    Backwards,
    #[error("A range may cover at most {MAX_DAYS} days.")]
    TooLong,
}

/// How the chart steps through a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Day,
    Week,
    Month,
}

/// Local days, first and last included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Days {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Days {
    fn count(self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

impl Range {
    /// The days of this range, `today` being the store's today.
    pub fn days(self, today: NaiveDate) -> Result<Days, RangeError> {
        let days = match self {
            Self::Today => Days {
                first: today,
                last: today,
            },
            Self::Days7 => Days {
                first: today - Duration::days(6),
                last: today,
            },
            Self::Days30 => Days {
                first: today - Duration::days(29),
                last: today,
            },
            Self::Months12 => Days {
                first: first_of_month(today)
                    .checked_sub_months(Months::new(11))
                    .unwrap_or(today),
                last: today,
            },
            Self::Custom(first, last) => Days { first, last },
        };
        if days.last < days.first {
            return Err(RangeError::Backwards);
        }
        if days.count() > MAX_DAYS {
            return Err(RangeError::TooLong);
        }
        Ok(days)
    }

    /// The period just before `days`, as many days long (twelve months:
    /// the same days a year earlier). A period that ends today is compared
    /// up to the same time of its last day (see [`same_time_on`]).
    pub fn previous(self, days: Days) -> Days {
        match self {
            Self::Months12 => {
                let year_before = |day: NaiveDate| day.checked_sub_months(Months::new(12));
                Days {
                    first: year_before(days.first).unwrap_or(days.first),
                    last: year_before(days.last).unwrap_or(days.first),
                }
            }
            _ => Days {
                first: days.first - Duration::days(days.count()),
                last: days.first - Duration::days(1),
            },
        }
    }
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The instant a local date and time shows in `tz`: for a time skipped by
/// daylight saving, the same time an hour (or two) later; for one that happens
/// twice, the earlier.
pub fn local_instant(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    (0..=2)
        .find_map(|hours| {
            tz.from_local_datetime(&(local + Duration::hours(hours)))
                .earliest()
        })
        .map_or_else(|| local.and_utc(), |at| at.with_timezone(&Utc))
}

/// The instant a local day starts in `tz` (on a day that starts inside a
/// daylight-saving gap, the first instant that exists).
pub fn start_of(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    local_instant(day.and_hms_opt(0, 0, 0).unwrap_or_default(), tz)
}

/// From the start of day `first` to the end of day `last` in `tz`; `None`
/// where a day is not given.
pub fn day_bounds(
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    tz: Tz,
) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
    (
        first.map(|day| start_of(day, tz)),
        // Through the end of that day.
        last.and_then(|day| day.succ_opt())
            .map(|day| start_of(day, tz)),
    )
}

/// The instant on `day` showing the same wall-clock time as `now` in `tz`
/// (9:00 yesterday for 9:00 today, whatever daylight saving did in between);
/// for a time that `day` skipped, as long after its midnight as `now` is
/// after today's.
pub fn same_time_on(day: NaiveDate, now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&tz);
    tz.from_local_datetime(&day.and_time(local.time()))
        .earliest()
        .map_or_else(
            || start_of(day, tz) + (now - start_of(local.date_naive(), tz)),
            |at| at.with_timezone(&Utc),
        )
}

/// The chart's steps over `days`: one bucket per day up to a month, per
/// week up to a quarter, per calendar month beyond. Each is its first day.
pub fn steps(days: Days) -> (Step, Vec<NaiveDate>) {
    let step = match days.count() {
        ..=31 => Step::Day,
        32..=92 => Step::Week,
        _ => Step::Month,
    };
    let mut starts = vec![days.first];
    loop {
        let last = *starts.last().unwrap_or(&days.first);
        let next = match step {
            Step::Day => last + Duration::days(1),
            Step::Week => last + Duration::days(7),
            Step::Month => first_of_month(last)
                .checked_add_months(Months::new(1))
                .unwrap_or(days.last),
        };
        if next > days.last {
            return (step, starts);
        }
        starts.push(next);
    }
}

/// A period's figures, in minor units of the chosen currency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Paid orders' totals, by when they were paid.
    pub gross: i64,
    /// Refunds, by when the provider completed them.
    pub refunds: i64,
    pub orders: i64,
    /// Customer accounts opened (signed up or checked out as guests).
    pub new_customers: i64,
    /// Downloads counted (repeats within the same delivery are not).
    pub downloads: i64,
}

impl Figures {
    pub fn net(&self) -> i64 {
        self.gross - self.refunds
    }

    /// The average paid order, when there was one.
    pub fn average_order(&self) -> Option<i64> {
        (self.orders > 0).then(|| self.gross / self.orders)
    }
}

/// One step of the chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Point {
    pub first_day: NaiveDate,
    pub gross: i64,
    pub refunds: i64,
}

impl Point {
    pub fn net(&self) -> i64 {
        self.gross - self.refunds
    }
}

/// A product among the best sellers of the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopProduct {
    pub product_id: i64,
    pub title: String,
    pub units: i64,
    /// Paid items' totals, less the items refunded.
    pub sales: i64,
}

/// Everything the overview shows.
#[derive(Clone, Debug)]
pub struct Overview {
    pub currency: Currency,
    /// Every currency the store has sold in, for the picker.
    pub currencies: Vec<Currency>,
    pub days: Days,
    pub previous_days: Days,
    pub current: Figures,
    pub previous: Figures,
    pub step: Step,
    pub chart: Vec<Point>,
    pub top: Vec<TopProduct>,
}

/// The overview's queries. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Dashboard {
    db: DatabaseConnection,
    clock: Clock,
    /// The store's time zone: what "today" and each day are.
    tz: Tz,
}

/// Bucket boundaries in UTC: the previous period is bucket -1, the chart's
/// steps 0…n-1; `start` and `end` bound them all.
pub(crate) struct Buckets {
    pub(crate) start: DateTime<Utc>,
    /// Where the previous period ends (it may end before the period starts).
    previous_end: DateTime<Utc>,
    /// Where each chart step starts; the first is where the period starts.
    pub(crate) steps: Vec<DateTime<Utc>>,
    pub(crate) end: DateTime<Utc>,
}

impl Buckets {
    /// The buckets of `days` (and the period before) in time zone `tz`,
    /// with the chart's step and the first day of each step.
    pub(crate) fn new(days: Days, previous_days: Days, tz: Tz) -> (Self, Step, Vec<NaiveDate>) {
        let (step, starts) = steps(days);
        let buckets = Self {
            start: start_of(previous_days.first, tz),
            previous_end: start_of(previous_days.last + Duration::days(1), tz),
            steps: starts.iter().map(|day| start_of(*day, tz)).collect(),
            end: start_of(days.last + Duration::days(1), tz),
        };
        (buckets, step, starts)
    }

    /// For a period that ends today: the previous period ends at `cut` (the
    /// same time of its last day, see [`same_time_on`]) if that is earlier,
    /// so a morning is compared with the morning before, not a whole day.
    pub(crate) fn so_far(&mut self, cut: DateTime<Utc>) {
        self.previous_end = std::cmp::min(self.previous_end, cut);
    }

    /// Where the period itself starts.
    pub(crate) fn period_start(&self) -> DateTime<Utc> {
        self.steps.first().copied().unwrap_or(self.start)
    }

    /// One aggregate per bucket in one statement: `part(bucket, from,
    /// until)` for each, joined by `UNION ALL`. Each part reads one range of
    /// an index; no row is sorted into a bucket one by one.
    pub(crate) fn each(
        &self,
        part: impl Fn(Expr, DateTime<Utc>, DateTime<Utc>) -> SelectStatement,
    ) -> SelectStatement {
        let mut ranges = vec![(self.start, self.previous_end)];
        let ends = self.steps.iter().skip(1).copied().chain([self.end]);
        ranges.extend(self.steps.iter().copied().zip(ends));
        let mut parts = ranges
            .into_iter()
            .enumerate()
            .map(|(index, (from, until))| {
                let bucket = i64::try_from(index).unwrap_or(i64::MAX) - 1;
                part(Expr::val(bucket).cast_as(Alias::new("BIGINT")), from, until)
            });
        let mut all = parts.next().unwrap_or_else(Query::select);
        for next in parts {
            all.union(UnionType::All, next);
        }
        all
    }
}

/// `at` in `[from, until)`.
pub(crate) fn between(at: Expr, from: DateTime<Utc>, until: DateTime<Utc>) -> Expr {
    at.clone().gte(from).and(at.lt(until))
}

pub(crate) const PAID: [OrderStatus; 3] = OrderStatus::PAID;

impl Dashboard {
    pub fn new(db: DatabaseConnection, clock: Clock, tz: Tz) -> Self {
        Self { db, clock, tz }
    }

    /// From the start of day `first` to the end of day `last` in the store's
    /// time zone; open-ended where a day is not given.
    pub fn between_days(
        &self,
        first: Option<NaiveDate>,
        last: Option<NaiveDate>,
    ) -> (DateTime<Utc>, DateTime<Utc>) {
        // Bounds every database stores and compares as it should.
        let (ever, never) = (
            DateTime::UNIX_EPOCH,
            start_of(
                NaiveDate::MAX.with_year(9999).unwrap_or(NaiveDate::MAX),
                Tz::UTC,
            ),
        );
        let (from, until) = day_bounds(first, last, self.tz);
        (from.unwrap_or(ever), until.unwrap_or(never))
    }

    /// The store's time zone, by its IANA name.
    pub fn time_zone(&self) -> &'static str {
        self.tz.name()
    }

    /// The store's time zone.
    pub fn zone(&self) -> Tz {
        self.tz
    }

    /// The currencies of paid orders, most sold first.
    pub async fn currencies(&self) -> Result<Vec<Currency>, DbErr> {
        let query = Query::select()
            .column(order::Column::Currency)
            .from(order::Entity)
            .and_where(Expr::col(order::Column::Status).is_in(PAID.map(|s| s.to_value())))
            .group_by_col(order::Column::Currency)
            .order_by_expr(count(), Order::Desc)
            .to_owned();
        Ok(self
            .db
            .query_all(&query)
            .await?
            .iter()
            .filter_map(|row| row.try_get_by_index::<String>(0).ok()?.parse().ok())
            .collect())
    }

    /// The overview of `range` in `currency` (the most sold when none).
    pub async fn overview(
        &self,
        range: Range,
        currency: Option<Currency>,
    ) -> Result<Overview, OverviewError> {
        let tz = self.tz;
        let now = self.clock.now();
        let today = now.with_timezone(&tz).date_naive();
        let days = range.days(today)?;
        let previous_days = range.previous(days);
        let currencies = self.currencies().await?;
        let currency = currency
            .or_else(|| currencies.first().copied())
            .unwrap_or(Currency::USD);
        let (mut buckets, step, starts) = Buckets::new(days, previous_days, tz);
        if days.last == today {
            buckets.so_far(same_time_on(previous_days.last, now, tz));
        }
        let mut chart: Vec<Point> = starts
            .iter()
            .map(|first_day| Point {
                first_day: *first_day,
                gross: 0,
                refunds: 0,
            })
            .collect();
        let (mut current, mut previous) = (Figures::default(), Figures::default());
        let mut add =
            |bucket: i64, apply: &dyn Fn(&mut Figures, Option<&mut Point>)| match usize::try_from(
                bucket,
            ) {
                Ok(index) => apply(&mut current, chart.get_mut(index)),
                Err(_) => apply(&mut previous, None),
            };

        for row in self.query(&self.sales(&buckets, currency)).await? {
            let (bucket, gross, orders) = (int(&row, 0)?, int(&row, 1)?, int(&row, 2)?);
            add(bucket, &|figures, point| {
                figures.gross += gross;
                figures.orders += orders;
                if let Some(point) = point {
                    point.gross += gross;
                }
            });
        }
        for row in self.query(&self.refunds(&buckets, currency)).await? {
            let (bucket, refunds) = (int(&row, 0)?, int(&row, 1)?);
            add(bucket, &|figures, point| {
                figures.refunds += refunds;
                if let Some(point) = point {
                    point.refunds += refunds;
                }
            });
        }
        for row in self.query(&self.new_customers(&buckets)).await? {
            let (bucket, customers) = (int(&row, 0)?, int(&row, 1)?);
            add(bucket, &|figures, _| figures.new_customers += customers);
        }
        for row in self.query(&self.downloads(&buckets)).await? {
            let (bucket, downloads) = (int(&row, 0)?, int(&row, 1)?);
            add(bucket, &|figures, _| figures.downloads += downloads);
        }
        let mut top = Vec::new();
        for row in self.query(&self.top_products(&buckets, currency)).await? {
            top.push(TopProduct {
                product_id: int(&row, 0)?,
                title: String::new(),
                units: int(&row, 1)?,
                sales: int(&row, 2)?,
            });
        }
        let titles = product::Entity::find()
            .filter(product::Column::Id.is_in(top.iter().map(|p| p.product_id)))
            .all(&self.db)
            .await?;
        for seller in &mut top {
            if let Some(product) = titles.iter().find(|p| p.id == seller.product_id) {
                seller.title.clone_from(&product.title);
            }
        }
        Ok(Overview {
            currency,
            currencies,
            days,
            previous_days,
            current,
            previous,
            step,
            chart,
            top,
        })
    }

    async fn query(&self, query: &SelectStatement) -> Result<Vec<QueryResult>, DbErr> {
        self.db.query_all(query).await
    }

    /// Paid orders: gross and count per bucket of when they were paid.
    fn sales(&self, buckets: &Buckets, currency: Currency) -> SelectStatement {
        buckets.each(|bucket, from, until| {
            Query::select()
                .expr(bucket)
                .expr(sum(Expr::col(order::Column::TotalMinor)))
                .expr(count())
                .from(order::Entity)
                .and_where(Expr::col(order::Column::Currency).eq(currency.to_string()))
                .and_where(between(Expr::col(order::Column::PaidAt), from, until))
                .and_where(Expr::col(order::Column::Status).is_in(PAID.map(|s| s.to_value())))
                .to_owned()
        })
    }

    /// Completed refunds of orders in `currency`, per bucket of completion.
    fn refunds(&self, buckets: &Buckets, currency: Currency) -> SelectStatement {
        buckets.each(|bucket, from, until| {
            Query::select()
                .expr(bucket)
                .expr(sum(Expr::col((
                    refund::Entity,
                    refund::Column::AmountMinor,
                ))))
                .from(refund::Entity)
                .and_where(between(
                    Expr::col((refund::Entity, refund::Column::CompletedAt)),
                    from,
                    until,
                ))
                // Correlated, so the refunds' range is read first whatever
                // the planner knows of the tables' sizes.
                .and_where(Expr::exists(
                    Query::select()
                        .expr(Expr::val(1))
                        .from(order::Entity)
                        .and_where(
                            Expr::col((order::Entity, order::Column::Id))
                                .equals((refund::Entity, refund::Column::OrderId)),
                        )
                        .and_where(
                            Expr::col((order::Entity, order::Column::Currency))
                                .eq(currency.to_string()),
                        )
                        .to_owned(),
                ))
                .to_owned()
        })
    }

    fn new_customers(&self, buckets: &Buckets) -> SelectStatement {
        buckets.each(|bucket, from, until| {
            Query::select()
                .expr(bucket)
                .expr(count())
                .from(user::Entity)
                .and_where(Expr::col(user::Column::Role).eq(user::Role::Customer.to_value()))
                .and_where(between(Expr::col(user::Column::CreatedAt), from, until))
                .to_owned()
        })
    }

    fn downloads(&self, buckets: &Buckets) -> SelectStatement {
        buckets.each(|bucket, from, until| {
            Query::select()
                .expr(bucket)
                .expr(count())
                .from(delivery::Entity)
                .and_where(Expr::col(delivery::Column::Counted).eq(true))
                .and_where(between(Expr::col(delivery::Column::CreatedAt), from, until))
                .to_owned()
        })
    }

    /// The period's best sellers (not the previous period's): units and
    /// sales of paid items, refunded items left out of the sales; titles as
    /// the products have them now.
    fn top_products(&self, buckets: &Buckets, currency: Currency) -> SelectStatement {
        let period_start = buckets.period_start();
        let item = |column| Expr::col((order_item::Entity, column));
        let kept = Expr::case(
            item(order_item::Column::RefundedAt).is_null(),
            item(order_item::Column::TotalMinor),
        )
        .finally(0);
        Query::select()
            .expr(item(order_item::Column::ProductId))
            .expr(sum(item(order_item::Column::Quantity)))
            .expr_as(sum(Expr::Case(Box::new(kept))), Alias::new("sales"))
            .from(order_item::Entity)
            .inner_join(
                order::Entity,
                Expr::col((order::Entity, order::Column::Id))
                    .equals((order_item::Entity, order_item::Column::OrderId)),
            )
            .and_where(Expr::col((order::Entity, order::Column::Currency)).eq(currency.to_string()))
            .and_where(between(
                Expr::col((order::Entity, order::Column::PaidAt)),
                period_start,
                buckets.end,
            ))
            .and_where(
                Expr::col((order::Entity, order::Column::Status)).is_in(PAID.map(|s| s.to_value())),
            )
            .group_by_col((order_item::Entity, order_item::Column::ProductId))
            .order_by(Alias::new("sales"), Order::Desc)
            .limit(TOP_PRODUCTS)
            .to_owned()
    }
}

/// Why the overview could not be made.
#[derive(Debug, thiserror::Error)]
pub enum OverviewError {
    #[error(transparent)]
    Range(#[from] RangeError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_end_today_and_compare_with_as_long_before() {
        let today = day("2026-03-15");
        let week = Range::Days7.days(today).unwrap();
        assert_eq!((week.first, week.last), (day("2026-03-09"), today));
        let before = Range::Days7.previous(week);
        assert_eq!(
            (before.first, before.last),
            (day("2026-03-02"), day("2026-03-08"))
        );
        let year = Range::Months12.days(today).unwrap();
        assert_eq!(year.first, day("2025-04-01"));
        assert_eq!(Range::Months12.previous(year).first, day("2024-04-01"));
        assert!(matches!(
            Range::Custom(today, day("2026-03-01")).days(today),
            Err(RangeError::Backwards)
        ));
    }

    #[test]
    fn days_start_at_local_midnight_even_across_daylight_saving() {
        let new_york: Tz = "America/New_York".parse().unwrap();
        // Winter: UTC-5; summer: UTC-4 (the change is at 2:00 on 8 March).
        assert_eq!(
            start_of(day("2026-03-08"), new_york).to_rfc3339(),
            "2026-03-08T05:00:00+00:00"
        );
        assert_eq!(
            start_of(day("2026-03-09"), new_york).to_rfc3339(),
            "2026-03-09T04:00:00+00:00"
        );
        // Where the day itself starts in the gap, its first existing instant.
        let santiago: Tz = "America/Santiago".parse().unwrap();
        let start = start_of(day("2026-09-06"), santiago);
        assert_eq!(
            start.with_timezone(&santiago).date_naive(),
            day("2026-09-06")
        );
    }

    #[test]
    fn a_day_is_cut_at_the_same_wall_clock_time_across_daylight_saving() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let at = |text: &str| {
            tz.from_local_datetime(&text.parse().unwrap())
                .unwrap()
                .with_timezone(&Utc)
        };
        // 8 March 2026 has 23 hours: 9:00 on the 9th cuts the 8th at 9:00.
        assert_eq!(
            same_time_on(day("2026-03-08"), at("2026-03-09T09:00:00"), tz),
            at("2026-03-08T09:00:00")
        );
        // And 9:00 on the 8th cuts the 7th at 9:00, not at 10:00.
        assert_eq!(
            same_time_on(day("2026-03-07"), at("2026-03-08T09:00:00"), tz),
            at("2026-03-07T09:00:00")
        );
        // 2:30 on the 8th does not exist: as long after midnight as 2:30 on the 9th.
        assert_eq!(
            same_time_on(day("2026-03-08"), at("2026-03-09T02:30:00"), tz),
            start_of(day("2026-03-08"), tz) + Duration::minutes(150)
        );
    }

    #[test]
    fn the_chart_steps_by_day_week_or_month_with_the_length() {
        let (step, starts) = steps(Days {
            first: day("2026-03-01"),
            last: day("2026-03-30"),
        });
        assert_eq!((step, starts.len()), (Step::Day, 30));
        let (step, starts) = steps(Days {
            first: day("2026-01-01"),
            last: day("2026-03-31"),
        });
        assert_eq!((step, starts.len()), (Step::Week, 13));
        let (step, starts) = steps(Days {
            first: day("2025-04-01"),
            last: day("2026-03-15"),
        });
        assert_eq!(step, Step::Month);
        assert_eq!(starts.len(), 12);
        assert_eq!(starts[1], day("2025-05-01"));
    }
}
