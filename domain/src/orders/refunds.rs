//! Refunds an admin asks for: the store notes what it asked (an item or the
//! rest of the order) and asks the provider with an idempotency key of that
//! note, so asking again after a timeout can never refund twice. The
//! provider's `refund.created`/`refund.updated` event (its metadata names the
//! note) then revokes exactly what that refund covered; `charge.refunded`
//! keeps the order's refunded amount and status.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::BTreeMap;
use uuid::Uuid;

use super::{OrderError, Orders};
use crate::db::begin_write;
use crate::entities::{order, order_item, refund};
use crate::payments::PaymentsError;

impl Orders {
    /// Refunds an order's item (`item`: its id) or all of the order not
    /// refunded or asked for yet, on behalf of `admin`. A request whose
    /// answer was lost (the provider did not answer) is sent again as it was.
    pub async fn refund(
        &self,
        order: Uuid,
        item: Option<i64>,
        admin: i64,
    ) -> Result<refund::Model, OrderError> {
        let txn = begin_write(&self.db).await?;
        // One refund decision per order at a time (PostgreSQL; SQLite's
        // write transaction is exclusive already).
        let order = order::Entity::find()
            .filter(order::Column::Pid.eq(order))
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(OrderError::NotFound)?;
        let intent = order
            .payment_intent_id
            .clone()
            .filter(|_| order.status.was_paid())
            .ok_or_else(|| OrderError::Refund("Only a paid order can be refunded.".into()))?;
        let asked = refund::Entity::find()
            .filter(refund::Column::OrderId.eq(order.id))
            .all(&txn)
            .await?;
        // A request the provider never answered is sent again unchanged.
        let unanswered = asked.iter().find(|r| {
            r.order_item_id == item && r.provider_refund_id.is_none() && r.completed_at.is_none()
        });
        let request = match unanswered {
            Some(request) => request.clone(),
            None => {
                let amount = refundable(&txn, &order, item, &asked).await?;
                refund::ActiveModel {
                    order_id: Set(order.id),
                    order_item_id: Set(item),
                    amount_minor: Set(amount),
                    provider_refund_id: Set(None),
                    requested_by: Set(Some(admin)),
                    completed_at: Set(None),
                    created_at: Set(self.clock.now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        txn.commit().await?;
        let metadata = BTreeMap::from([
            ("order_number".to_owned(), order.number.clone()),
            ("refund".to_owned(), request.id.to_string()),
        ]);
        let key = format!("refund-{}-{}", order.pid, request.id);
        match self
            .payments
            .refund(&intent, Some(request.amount_minor), &metadata, &key)
            .await
        {
            Ok(done) => {
                let mut saved: refund::ActiveModel = request.into();
                saved.provider_refund_id = Set(Some(done.id));
                Ok(saved.update(&self.db).await?)
            }
            Err(PaymentsError::Refused { message, .. }) => {
                tracing::error!(order = %order.pid, %message, "refund refused");
                refund::Entity::delete_by_id(request.id)
                    .exec(&self.db)
                    .await?;
                Err(OrderError::Refund(format!(
                    "The payment provider refused the refund: {message}"
                )))
            }
            Err(err @ PaymentsError::Unavailable(_)) => {
                // It may have been made: the note stays, and asking again
                // sends the same request (same idempotency key).
                tracing::error!(order = %order.pid, error = %err, "refund unanswered");
                Err(OrderError::PaymentUnavailable)
            }
        }
    }
}

/// How much a new refund of `item` (or of the rest of the order) may be.
async fn refundable(
    conn: &impl sea_orm::ConnectionTrait,
    order: &order::Model,
    item: Option<i64>,
    asked: &[refund::Model],
) -> Result<i64, OrderError> {
    let asked_total: i64 = asked.iter().map(|r| r.amount_minor).sum();
    let left = order.total_minor - std::cmp::max(asked_total, order.refunded_minor);
    let whole_asked = asked.iter().any(|r| r.order_item_id.is_none());
    let amount = match item {
        Some(item) => {
            let item = order_item::Entity::find_by_id(item)
                .filter(order_item::Column::OrderId.eq(order.id))
                .one(conn)
                .await?
                .ok_or(OrderError::NotFound)?;
            if item.refunded_at.is_some()
                || whole_asked
                || asked.iter().any(|r| r.order_item_id == Some(item.id))
            {
                return Err(OrderError::Refund(format!(
                    "{} is refunded already, or its refund is on its way.",
                    item.title
                )));
            }
            std::cmp::min(item.total_minor, left)
        }
        None => left,
    };
    if amount <= 0 {
        return Err(OrderError::Refund(
            "Nothing is left to refund on this order.".into(),
        ));
    }
    Ok(amount)
}
