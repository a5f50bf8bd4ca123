//! Product analytics for a period in the store's time zone: per product, its
//! page views, the orders that bought it (so the conversion from a view to a
//! purchase), units, sales, refunds and downloads; and one product step by
//! step. Every figure is a grouped SQL aggregate; page views are counted per
//! hour (`page_views`), so a period's views are those of the hours it covers.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SelectStatement};
use sea_orm::{
    ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder,
};
use std::collections::HashMap;

use types::money::Currency;

use crate::clock::Clock;
use crate::dashboard::{Buckets, Days, OverviewError, PAID, Range, Step, between};
use crate::db::{count, int, sum};
use crate::entities::{delivery, entitlement, order, order_item, product, product_view};

/// What a product did in a period (or in one step of it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Views of its page.
    pub views: i64,
    /// Paid orders that bought it.
    pub orders: i64,
    pub units: i64,
    /// Paid items' totals, less the items refunded since, per currency (a
    /// product whose price changed currency sold in both).
    pub sales: Vec<(Currency, i64)>,
    /// Paid order lines, and how many of them were refunded since.
    pub lines: i64,
    pub refunded_lines: i64,
    /// Downloads counted (a repeat within the same delivery is not).
    pub downloads: i64,
}

impl Figures {
    /// Sales in `currency`.
    pub fn sales_in(&self, currency: Currency) -> i64 {
        self.sales
            .iter()
            .filter(|(c, _)| *c == currency)
            .map(|(_, minor)| minor)
            .sum()
    }

    fn add_sales(&mut self, currency: Currency, minor: i64) {
        match self.sales.iter_mut().find(|(c, _)| *c == currency) {
            Some((_, sum)) => *sum += minor,
            None => self.sales.push((currency, minor)),
        }
    }
}

impl std::ops::AddAssign<&Figures> for Figures {
    fn add_assign(&mut self, other: &Figures) {
        self.views += other.views;
        self.orders += other.orders;
        self.units += other.units;
        self.lines += other.lines;
        self.refunded_lines += other.refunded_lines;
        self.downloads += other.downloads;
        for &(currency, minor) in &other.sales {
            self.add_sales(currency, minor);
        }
    }
}

/// A product's figures for the period.
#[derive(Clone, Debug)]
pub struct ProductFigures {
    pub product: product::Model,
    pub figures: Figures,
}

/// One product through a period, step by step.
#[derive(Clone, Debug)]
pub struct ProductReport {
    pub product: product::Model,
    pub days: Days,
    pub step: Step,
    pub total: Figures,
    /// The first day of each step and what happened in it.
    pub steps: Vec<(NaiveDate, Figures)>,
}

/// The analytics queries. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ProductAnalytics {
    db: DatabaseConnection,
    clock: Clock,
    tz: Tz,
}

/// Which figure a query row adds to.
#[derive(Clone, Copy)]
enum Measure {
    Sales,
    Views,
    Downloads,
}

impl ProductAnalytics {
    pub fn new(db: DatabaseConnection, clock: Clock, tz: Tz) -> Self {
        Self { db, clock, tz }
    }

    fn days(&self, range: Range) -> Result<(Days, Days), OverviewError> {
        let days = range.days(self.clock.now().with_timezone(&self.tz).date_naive())?;
        Ok((days, range.previous(days)))
    }

    /// Every product (drafts and archived ones too) with its figures for
    /// `range`, most sold first, then by title.
    pub async fn products(
        &self,
        range: Range,
    ) -> Result<(Days, Vec<ProductFigures>), OverviewError> {
        let (days, previous) = self.days(range)?;
        let (buckets, ..) = Buckets::new(days, previous, self.tz);
        let (from, until) = (buckets.period_start(), buckets.end);
        let mut figures: HashMap<i64, Figures> = HashMap::new();
        for (measure, query) in [
            (Measure::Sales, sales(Expr::val(0), from, until, None)),
            (Measure::Views, views(Expr::val(0), from, until, None)),
            (
                Measure::Downloads,
                downloads(Expr::val(0), from, until, None),
            ),
        ] {
            for row in self.db.query_all(&query).await? {
                add(measure, &row, figures.entry(int(&row, 1)?).or_default())?;
            }
        }
        let mut products: Vec<ProductFigures> = product::Entity::find()
            .order_by_asc(product::Column::Title)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|product| ProductFigures {
                figures: figures.remove(&product.id).unwrap_or_default(),
                product,
            })
            .collect();
        products.sort_by_key(|p| {
            let sales = p.figures.sales_in(p.product.currency);
            std::cmp::Reverse((p.figures.units, sales))
        });
        Ok((days, products))
    }

    /// Product `slug` through `range`, by day, week or month; `None` when
    /// there is no such product.
    pub async fn product(
        &self,
        slug: &str,
        range: Range,
    ) -> Result<Option<ProductReport>, OverviewError> {
        let Some(product) = product::Entity::find()
            .filter(product::Column::Slug.eq(slug))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let (days, previous) = self.days(range)?;
        let (buckets, step, starts) = Buckets::new(days, previous, self.tz);
        let mut steps: Vec<(NaiveDate, Figures)> = starts
            .into_iter()
            .map(|day| (day, Figures::default()))
            .collect();
        let only = Some(product.id);
        for (measure, query) in [
            (
                Measure::Sales,
                buckets.each(|b, from, until| sales(b, from, until, only)),
            ),
            (
                Measure::Views,
                buckets.each(|b, from, until| views(b, from, until, only)),
            ),
            (
                Measure::Downloads,
                buckets.each(|b, from, until| downloads(b, from, until, only)),
            ),
        ] {
            for row in self.db.query_all(&query).await? {
                // Bucket -1 is the period before, not shown here.
                if let Ok(index) = usize::try_from(int(&row, 0)?)
                    && let Some((_, figures)) = steps.get_mut(index)
                {
                    add(measure, &row, figures)?;
                }
            }
        }
        let mut total = Figures::default();
        for (_, figures) in &steps {
            total += figures;
        }
        Ok(Some(ProductReport {
            product,
            days,
            step,
            total,
            steps,
        }))
    }
}

/// Adds a row of `measure`'s query (bucket, product, figures…) to `figures`.
fn add(measure: Measure, row: &sea_orm::QueryResult, figures: &mut Figures) -> Result<(), DbErr> {
    match measure {
        Measure::Sales => {
            let currency: Currency = row.try_get_by_index::<String>(7)?.parse().map_err(|_| {
                DbErr::Type("an order's currency is not one the store knows".into())
            })?;
            figures.orders += int(row, 2)?;
            figures.units += int(row, 3)?;
            figures.add_sales(currency, int(row, 4)?);
            figures.lines += int(row, 5)?;
            figures.refunded_lines += int(row, 6)?;
        }
        Measure::Views => figures.views += int(row, 2)?,
        Measure::Downloads => figures.downloads += int(row, 2)?,
    }
    Ok(())
}

fn bigint(value: Expr) -> Expr {
    value.cast_as(Alias::new("BIGINT"))
}

/// Items of paid orders paid in `[from, until)`, per product and currency:
/// orders, units, sales kept, lines, lines refunded, the currency.
fn sales(
    bucket: Expr,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    only: Option<i64>,
) -> SelectStatement {
    let item = |column| Expr::col((order_item::Entity, column));
    let refunded = item(order_item::Column::RefundedAt).is_not_null();
    let kept = Expr::case(refunded.clone(), 0).finally(item(order_item::Column::TotalMinor));
    let mut query = Query::select()
        .expr(bigint(bucket))
        .expr(item(order_item::Column::ProductId))
        .expr(bigint(
            Func::count_distinct(item(order_item::Column::OrderId)).into(),
        ))
        .expr(sum(item(order_item::Column::Quantity)))
        .expr(sum(Expr::Case(Box::new(kept))))
        .expr(count())
        .expr(sum(Expr::Case(Box::new(
            Expr::case(refunded, 1).finally(0),
        ))))
        .expr(Expr::col((order::Entity, order::Column::Currency)))
        .from(order_item::Entity)
        .inner_join(
            order::Entity,
            Expr::col((order::Entity, order::Column::Id))
                .equals((order_item::Entity, order_item::Column::OrderId)),
        )
        .and_where(between(
            Expr::col((order::Entity, order::Column::PaidAt)),
            from,
            until,
        ))
        .and_where(
            Expr::col((order::Entity, order::Column::Status)).is_in(PAID.map(|s| s.to_value())),
        )
        .group_by_col((order_item::Entity, order_item::Column::ProductId))
        .group_by_col((order::Entity, order::Column::Currency))
        .to_owned();
    if let Some(product) = only {
        query.and_where(item(order_item::Column::ProductId).eq(product));
    }
    query
}

/// Page views in the hours starting in `[from, until)`, per product.
fn views(
    bucket: Expr,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    only: Option<i64>,
) -> SelectStatement {
    let mut query = Query::select()
        .expr(bigint(bucket))
        .column(product_view::Column::ProductId)
        .expr(sum(Expr::col(product_view::Column::Views)))
        .from(product_view::Entity)
        .and_where(between(Expr::col(product_view::Column::Hour), from, until))
        .group_by_col(product_view::Column::ProductId)
        .to_owned();
    if let Some(product) = only {
        query.and_where(Expr::col(product_view::Column::ProductId).eq(product));
    }
    query
}

/// Counted downloads in `[from, until)`, per product.
fn downloads(
    bucket: Expr,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    only: Option<i64>,
) -> SelectStatement {
    let product = Expr::col((entitlement::Entity, entitlement::Column::ProductId));
    let mut query = Query::select()
        .expr(bigint(bucket))
        .expr(product.clone())
        .expr(count())
        .from(delivery::Entity)
        .inner_join(
            entitlement::Entity,
            Expr::col((entitlement::Entity, entitlement::Column::Id))
                .equals((delivery::Entity, delivery::Column::EntitlementId)),
        )
        .and_where(Expr::col((delivery::Entity, delivery::Column::Counted)).eq(true))
        .and_where(between(
            Expr::col((delivery::Entity, delivery::Column::CreatedAt)),
            from,
            until,
        ))
        .group_by_col((entitlement::Entity, entitlement::Column::ProductId))
        .to_owned();
    if let Some(only) = only {
        query.and_where(product.eq(only));
    }
    query
}
