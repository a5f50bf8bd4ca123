//! Where checked webhook events land: each recorded once by its id (UNIQUE)
//! in the same transaction as its effects, so a replay changes nothing.

use super::Event;
use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::payment_event;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter};

/// What became of a delivered event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    /// First delivery: recorded (and applied, for the types the store acts on).
    Recorded,
    /// Seen before: nothing done.
    Replay,
}

/// The store's side of webhook delivery.
#[derive(Clone, Debug)]
pub struct Inbox {
    db: DatabaseConnection,
    clock: Clock,
    /// For links in the mails an event causes (receipts).
    public_url: String,
}

impl Inbox {
    pub fn new(db: DatabaseConnection, clock: Clock, public_url: impl Into<String>) -> Self {
        Self {
            db,
            clock,
            public_url: public_url.into(),
        }
    }

    /// Records `event` (received as `payload`) unless its id was seen before,
    /// and applies it to orders in the same transaction.
    pub async fn receive(&self, event: &Event, payload: &str) -> Result<Received, DbErr> {
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let inserted = payment_event::Entity::insert(payment_event::ActiveModel {
            provider: Set("stripe".into()),
            event_id: Set(event.id.clone()),
            kind: Set(event.kind.clone()),
            object_id: Set(event.data.object["id"].as_str().map(str::to_owned)),
            payment_intent: Set(event.payment_intent().map(str::to_owned)),
            payload: Set(payload.to_owned()),
            created_at: Set(chrono::DateTime::from_timestamp(event.created, 0).unwrap_or(now)),
            received_at: Set(now),
            processed_at: Set(None),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::column(payment_event::Column::EventId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        if inserted == 0 {
            txn.rollback().await?;
            return Ok(Received::Replay);
        }
        let applied = crate::orders::apply_event(&txn, event, now, &self.public_url).await?;
        if applied == crate::orders::Applied::Processed {
            payment_event::Entity::update_many()
                .col_expr(payment_event::Column::ProcessedAt, Expr::value(now))
                .filter(payment_event::Column::EventId.eq(event.id.clone()))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        if applied == crate::orders::Applied::Waiting {
            self.settle().await?;
        }
        Ok(Received::Recorded)
    }

    /// Applies events that waited for a payment the store now knows (see
    /// `orders::settle_waiting`); also run now and then by a job.
    pub async fn settle(&self) -> Result<usize, DbErr> {
        let txn = begin_write(&self.db).await?;
        let settled = crate::orders::settle_waiting(&txn, self.clock.now()).await?;
        txn.commit().await?;
        Ok(settled)
    }

    /// [`Inbox::settle`] every `period`, forever.
    pub async fn settle_every(self, period: std::time::Duration) {
        loop {
            tokio::time::sleep(period).await;
            match self.settle().await {
                Ok(0) => {}
                Ok(settled) => tracing::info!(settled, "applied payment events that had waited"),
                Err(err) => tracing::error!(error = %err, "could not apply waiting payment events"),
            }
        }
    }
}
