//! Counting product page views for conversion figures, without a write per
//! view and without keeping anything about the viewer: each view adds one to
//! a count in memory for (product, hour), and the counts are added to
//! `product_views` in one statement every few seconds (and when the server
//! stops, and before the admin reads them on this instance).

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::clock::Clock;
use crate::entities::product_view;

type Counts = HashMap<(i64, DateTime<Utc>), i64>;

/// The page-view counter. Cheap to clone; clones share the counts.
#[derive(Clone, Debug)]
pub struct PageViews {
    db: DatabaseConnection,
    clock: Clock,
    pending: Arc<Mutex<Counts>>,
    /// The product of each page counted so far, by slug: a page served from
    /// memory names only its slug.
    slugs: Arc<Mutex<HashMap<String, i64>>>,
}

impl PageViews {
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self {
            db,
            clock,
            pending: Arc::default(),
            slugs: Arc::default(),
        }
    }

    /// One view of the page of product `product`, at `slug`, now.
    pub fn count(&self, product: i64, slug: &str) {
        let mut slugs = self.slugs.lock().unwrap_or_else(PoisonError::into_inner);
        if slugs.get(slug) != Some(&product) {
            slugs.insert(slug.to_owned(), product);
        }
        drop(slugs);
        self.count_product(product);
    }

    /// One view of the page at `slug`, if a view of it was counted before
    /// (a page served again from memory); whether it was counted.
    pub fn count_again(&self, slug: &str) -> bool {
        let product = self
            .slugs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(slug)
            .copied();
        product
            .inspect(|&product| self.count_product(product))
            .is_some()
    }

    fn count_product(&self, product: i64) {
        let now = self.clock.now();
        let hour = now.duration_trunc(TimeDelta::hours(1)).unwrap_or(now);
        *self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((product, hour))
            .or_default() += 1;
    }

    /// Adds the counts held in memory to the table; returns how many views
    /// were written. Counts that could not be written are kept for the next
    /// time, except those of a product deleted meanwhile.
    pub async fn flush(&self) -> Result<i64, DbErr> {
        let counts =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        if counts.is_empty() {
            return Ok(0);
        }
        let total: i64 = counts.values().sum();
        let rows = counts
            .iter()
            .map(|(&(product, hour), &views)| row(product, hour, views));
        if add(&self.db, rows).await.is_ok() {
            return Ok(total);
        }
        // One at a time: a product deleted since its views were counted
        // refuses its row and nothing else.
        let mut written = 0;
        let mut failure = None;
        for (&(product, hour), &views) in &counts {
            match add(&self.db, [row(product, hour, views)]).await {
                Ok(()) => written += views,
                Err(err) if is_gone(&err) => {}
                Err(err) => {
                    self.put_back(product, hour, views);
                    failure = Some(err);
                }
            }
        }
        failure.map_or(Ok(written), Err)
    }

    fn put_back(&self, product: i64, hour: DateTime<Utc>, views: i64) {
        *self
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((product, hour))
            .or_default() += views;
    }

    /// Writes the counts every `period` until `stop` resolves, then once
    /// more (spawn it, and await it after stopping it). A write under way
    /// always finishes: the counts it took are never dropped half-written.
    pub async fn flush_every(self, period: Duration, stop: impl Future<Output = ()>) {
        let views = &self;
        crate::periodic::until_stopped(period, stop, |_| async move {
            if let Err(err) = views.flush().await {
                tracing::warn!(error = %err, "product page views not written yet");
            }
        })
        .await;
    }
}

fn row(product: i64, hour: DateTime<Utc>, views: i64) -> product_view::ActiveModel {
    product_view::ActiveModel {
        product_id: Set(product),
        hour: Set(hour),
        views: Set(views),
    }
}

/// Adds `rows` to the counts already there, in one statement.
async fn add(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = product_view::ActiveModel>,
) -> Result<(), DbErr> {
    product_view::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([product_view::Column::ProductId, product_view::Column::Hour])
                .value(
                    product_view::Column::Views,
                    Expr::cust("product_views.views + excluded.views"),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Whether the row was refused because its product no longer exists.
fn is_gone(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
    )
}
