//! Where checked webhook events land: each recorded once by its id (UNIQUE)
//! in the same transaction as its effects, so a replay changes nothing.

use super::Event;
use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::payment_event;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait};

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
}

impl Inbox {
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self { db, clock }
    }

    /// Records `event` (received as `payload`) unless its id was seen before.
    pub async fn receive(&self, event: &Event, payload: &str) -> Result<Received, DbErr> {
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let inserted = payment_event::Entity::insert(payment_event::ActiveModel {
            provider: Set("stripe".into()),
            event_id: Set(event.id.clone()),
            kind: Set(event.kind.clone()),
            object_id: Set(event.data.object["id"].as_str().map(str::to_owned)),
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
        txn.commit().await?;
        Ok(Received::Recorded)
    }
}
