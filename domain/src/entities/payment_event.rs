//! An event received from the payment provider, recorded once by its id.

use sea_orm::entity::prelude::*;

/// A row of `payment_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `stripe` (the sandbox speaks the same protocol).
    pub provider: String,
    /// The provider's event id (`evt_…`), unique.
    #[sea_orm(unique)]
    pub event_id: String,
    /// The event type (`checkout.session.completed`).
    pub kind: String,
    /// The id of the object the event is about (`cs_…`, `ch_…`).
    pub object_id: Option<String>,
    /// The payment intent the object belongs to, when it names one: events
    /// that arrive before the store knows the payment wait under it.
    pub payment_intent: Option<String>,
    /// The event as received.
    pub payload: String,
    /// When the provider made the event.
    pub created_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
    /// When its effects were applied; unset for types the store does not act on.
    pub processed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
