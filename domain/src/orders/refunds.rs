//! Refunds an admin asks for: the store notes what it asked (an item or the
//! whole order) and asks the provider; the provider's `charge.refunded` event
//! then revokes what the refund covered.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use uuid::Uuid;

use super::{OrderError, Orders};
use crate::db::begin_write;
use crate::entities::{order, order_item, refund};
use crate::payments::PaymentsError;

impl Orders {
    /// Refunds an order's item (`item`: its id) or all of the order that is
    /// not refunded yet, on behalf of `admin`.
    pub async fn refund(
        &self,
        order: Uuid,
        item: Option<i64>,
        admin: i64,
    ) -> Result<refund::Model, OrderError> {
        let txn = begin_write(&self.db).await?;
        let order = order::Entity::find()
            .filter(order::Column::Pid.eq(order))
            .one(&txn)
            .await?
            .ok_or(OrderError::NotFound)?;
        let intent = order
            .payment_intent_id
            .clone()
            .filter(|_| order.status.was_paid())
            .ok_or_else(|| OrderError::Refund("Only a paid order can be refunded.".into()))?;
        let asked: i64 = refund::Entity::find()
            .filter(refund::Column::OrderId.eq(order.id))
            .all(&txn)
            .await?
            .iter()
            .map(|r| r.amount_minor)
            .sum();
        let left = order.total_minor - std::cmp::max(asked, order.refunded_minor);
        let amount = match item {
            Some(item) => {
                let item = order_item::Entity::find_by_id(item)
                    .filter(order_item::Column::OrderId.eq(order.id))
                    .one(&txn)
                    .await?
                    .ok_or(OrderError::NotFound)?;
                if item.refunded_at.is_some() {
                    return Err(OrderError::Refund(format!(
                        "{} is refunded already.",
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
        let asked = refund::ActiveModel {
            order_id: Set(order.id),
            order_item_id: Set(item),
            amount_minor: Set(amount),
            provider_refund_id: Set(None),
            requested_by: Set(Some(admin)),
            created_at: Set(self.clock.now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        let metadata = BTreeMap::from([
            ("order_number".to_owned(), order.number.clone()),
            ("refund".to_owned(), asked.id.to_string()),
        ]);
        match self
            .payments
            .refund(
                &intent,
                Some(amount),
                &metadata,
                &format!("refund-{}-{}", order.pid, asked.id),
            )
            .await
        {
            Ok(done) => {
                let mut saved: refund::ActiveModel = asked.into();
                saved.provider_refund_id = Set(Some(done.id));
                Ok(saved.update(&self.db).await?)
            }
            Err(err) => {
                tracing::error!(order = %order.pid, error = %err, "refund refused");
                refund::Entity::delete_by_id(asked.id)
                    .exec(&self.db)
                    .await?;
                Err(match err {
                    PaymentsError::Refused { message, .. } => OrderError::Refund(format!(
                        "The payment provider refused the refund: {message}"
                    )),
                    PaymentsError::Unavailable(_) => OrderError::PaymentUnavailable,
                })
            }
        }
    }
}
