//! What payment events do to orders, each in the caller's transaction (the one
//! that records the event), each idempotent and monotonic: a conditional
//! update decides who acts, so a replay, a duplicate or an older event changes
//! nothing. Fulfilment turns items into entitlements and license keys and
//! queues the receipt; an expired session ends the order and gives its
//! discount back; a refunded charge revokes what it paid for. A refund event
//! that arrives before the payment it refunds waits, and is applied when the
//! payment is.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};
use serde_json::Value;
use types::order::OrderStatus;
use uuid::Uuid;

use crate::entities::{
    entitlement, license_key, order, order_item, payment_event, product, refund,
};
use crate::payments::Event;

/// What applying an event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Its effects are in the transaction.
    Processed,
    /// It is about a payment the store has not seen yet; applied when it is.
    Waiting,
    /// A type the store does not act on.
    Ignored,
}

/// Applies a checked event.
pub async fn apply_event(
    conn: &impl ConnectionTrait,
    event: &Event,
    now: DateTime<Utc>,
    public_url: &str,
) -> Result<Applied, DbErr> {
    let object = &event.data.object;
    match event.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            paid_session(conn, object, now, public_url).await
        }
        "checkout.session.expired" => expired_session(conn, object, now).await,
        "charge.refunded" => refunded_charge(conn, object, now).await,
        "refund.created" | "refund.updated" => refund_done(conn, object, now).await,
        _ => Ok(Applied::Ignored),
    }
}

/// The order a Checkout Session is for (its `client_reference_id`).
async fn order_of_session(
    conn: &impl ConnectionTrait,
    session: &Value,
) -> Result<Option<order::Model>, DbErr> {
    let Some(reference) = session["client_reference_id"]
        .as_str()
        .and_then(|r| Uuid::parse_str(r).ok())
    else {
        return Ok(None);
    };
    let order = order::Entity::find()
        .filter(order::Column::Pid.eq(reference))
        .one(conn)
        .await?;
    Ok(order.filter(|order| {
        order
            .checkout_session_id
            .as_deref()
            .is_none_or(|id| Some(id) == session["id"].as_str())
    }))
}

/// A session reported paid: fulfils its order when the amount is the order's.
pub(super) async fn paid_session(
    conn: &impl ConnectionTrait,
    session: &Value,
    now: DateTime<Utc>,
    public_url: &str,
) -> Result<Applied, DbErr> {
    if session["payment_status"] != "paid" {
        return Ok(Applied::Ignored);
    }
    let Some(order) = order_of_session(conn, session).await? else {
        tracing::warn!(session = ?session["id"], "a paid session names no order of this store");
        return Ok(Applied::Ignored);
    };
    let amount = session["amount_total"].as_i64();
    let currency = session["currency"].as_str().map(str::to_ascii_uppercase);
    if amount != Some(order.total_minor) || currency.as_deref() != Some(order.currency.code()) {
        tracing::error!(order = %order.pid, ?amount, ?currency, "a paid session's amount is not its order's; not fulfilled");
        return Ok(Applied::Ignored);
    }
    if let Some(id) = session["id"].as_str() {
        order::Entity::update_many()
            .col_expr(order::Column::CheckoutSessionId, Expr::value(id))
            .filter(order::Column::Id.eq(order.id))
            .filter(order::Column::CheckoutSessionId.is_null())
            .exec(conn)
            .await?;
    }
    let intent = session["payment_intent"].as_str();
    fulfil(conn, &order, intent, now, public_url).await?;
    if let Some(intent) = intent {
        apply_waiting(conn, intent, now).await?;
    }
    Ok(Applied::Processed)
}

/// Marks a pending order paid and delivers it: one entitlement per item
/// (limits and access window copied from the product), license keys for
/// products that issue them, the products taken out of the cart, the receipt
/// queued. `false` when the order was not pending (fulfilled already).
pub(super) async fn fulfil(
    conn: &impl ConnectionTrait,
    order: &order::Model,
    payment_intent: Option<&str>,
    now: DateTime<Utc>,
    public_url: &str,
) -> Result<bool, DbErr> {
    let won = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(OrderStatus::Paid))
        .col_expr(order::Column::PaidAt, Expr::value(now))
        .col_expr(
            order::Column::PaymentIntentId,
            Expr::value(payment_intent.map(str::to_owned)),
        )
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(order.id))
        .filter(order::Column::Status.eq(OrderStatus::Pending))
        .exec(conn)
        .await?;
    if won.rows_affected != 1 {
        return Ok(false);
    }
    let items = order_item::Entity::find()
        .filter(order_item::Column::OrderId.eq(order.id))
        .order_by_asc(order_item::Column::Id)
        .all(conn)
        .await?;
    let products = product::Entity::find()
        .filter(product::Column::Id.is_in(items.iter().map(|i| i.product_id)))
        .all(conn)
        .await?;
    let mut keys = Vec::new();
    for item in &items {
        let Some(product) = products.iter().find(|p| p.id == item.product_id) else {
            continue;
        };
        let granted = entitlement::ActiveModel {
            pid: Set(Uuid::now_v7()),
            user_id: Set(order.user_id),
            product_id: Set(product.id),
            order_id: Set(order.id),
            order_item_id: Set(item.id),
            download_limit: Set(product
                .download_limit
                .map(|limit| limit.saturating_mul(item.quantity))),
            downloads_used: Set(0),
            access_until: Set(product
                .access_days
                .map(|days| now + Duration::days(i64::from(days)))),
            revoked_at: Set(None),
            revoked_reason: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await?;
        if product.license_keys {
            let key = license_key::ActiveModel {
                entitlement_id: Set(granted.id),
                key: Set(crate::licenses::issue()),
                activation_limit: Set(product.license_activations),
                revoked_at: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            keys.push((item.title.clone(), key.key));
        }
    }
    if let Some(cart) = order.cart_id {
        let bought: Vec<i64> = items.iter().map(|i| i.product_id).collect();
        crate::carts::remove_bought(conn, cart, &bought).await?;
    }
    let mail = super::receipt::mail(order, &items, &keys, public_url)?;
    crate::mail::enqueue(conn, &crate::clock::Clock::manual(now), &mail).await?;
    tracing::info!(order = %order.pid, items = items.len(), "order fulfilled");
    Ok(true)
}

/// Ends a pending order unpaid (failed or expired) and gives back the
/// discount redemption it held. `false` when it was not pending.
pub(super) async fn end_unpaid(
    conn: &impl ConnectionTrait,
    order: &order::Model,
    status: OrderStatus,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let ended = order::Entity::update_many()
        .col_expr(order::Column::Status, Expr::value(status))
        .col_expr(order::Column::UpdatedAt, Expr::value(now))
        .filter(order::Column::Id.eq(order.id))
        .filter(order::Column::Status.eq(OrderStatus::Pending))
        .exec(conn)
        .await?;
    if ended.rows_affected != 1 {
        return Ok(false);
    }
    if let Some(code) = order.discount_code_id {
        crate::discounts::release(conn, code).await?;
    }
    Ok(true)
}

async fn expired_session(
    conn: &impl ConnectionTrait,
    session: &Value,
    now: DateTime<Utc>,
) -> Result<Applied, DbErr> {
    if let Some(order) = order_of_session(conn, session).await? {
        end_unpaid(conn, &order, OrderStatus::Expired, now).await?;
    }
    Ok(Applied::Processed)
}

/// A charge with `amount_refunded` given back: the order's refunded amount
/// rises to it (never falls) and its status follows; once everything is
/// back, every item loses its entitlements and license keys at once. Which
/// items a partial refund covered is told by the refund's own event.
async fn refunded_charge(
    conn: &impl ConnectionTrait,
    charge: &Value,
    now: DateTime<Utc>,
) -> Result<Applied, DbErr> {
    let Some(intent) = charge["payment_intent"].as_str() else {
        return Ok(Applied::Ignored);
    };
    let Some(order) = paid_order_of(conn, intent).await? else {
        return Ok(Applied::Waiting);
    };
    // Only ever up: an older event cannot lower it.
    let refunded = std::cmp::max(
        charge["amount_refunded"].as_i64().unwrap_or_default(),
        order.refunded_minor,
    );
    let everything = refunded >= order.total_minor;
    if refunded > order.refunded_minor {
        let status = if everything {
            OrderStatus::Refunded
        } else {
            OrderStatus::PartiallyRefunded
        };
        order::Entity::update_many()
            .col_expr(order::Column::RefundedMinor, Expr::value(refunded))
            .col_expr(order::Column::Status, Expr::value(status))
            .col_expr(order::Column::UpdatedAt, Expr::value(now))
            .filter(order::Column::Id.eq(order.id))
            .filter(order::Column::RefundedMinor.lt(refunded))
            .exec(conn)
            .await?;
    }
    if everything {
        revoke_order(conn, order.id, None, now).await?;
    }
    Ok(Applied::Processed)
}

/// The order paid with payment intent `intent`.
async fn paid_order_of(
    conn: &impl ConnectionTrait,
    intent: &str,
) -> Result<Option<order::Model>, DbErr> {
    order::Entity::find()
        .filter(order::Column::PaymentIntentId.eq(intent))
        .one(conn)
        .await
}

/// A refund the provider reports succeeded: when it is one the store asked
/// for (its metadata names the request), exactly what it covered — one item,
/// or every item not yet refunded — loses its access at once.
async fn refund_done(
    conn: &impl ConnectionTrait,
    refund_object: &Value,
    now: DateTime<Utc>,
) -> Result<Applied, DbErr> {
    if refund_object["status"] != "succeeded" {
        return Ok(Applied::Ignored);
    }
    let Some(intent) = refund_object["payment_intent"].as_str() else {
        return Ok(Applied::Ignored);
    };
    let Some(order) = paid_order_of(conn, intent).await? else {
        return Ok(Applied::Waiting);
    };
    let request = refund_object["metadata"]["refund"]
        .as_str()
        .and_then(|id| id.parse::<i64>().ok());
    let Some(request) = request else {
        // Made elsewhere (the provider's dashboard): `charge.refunded` keeps
        // the amounts; which item it was for is not known here.
        return Ok(Applied::Processed);
    };
    let Some(asked) = refund::Entity::find_by_id(request)
        .filter(refund::Column::OrderId.eq(order.id))
        .one(conn)
        .await?
    else {
        return Ok(Applied::Ignored);
    };
    refund::Entity::update_many()
        .col_expr(refund::Column::CompletedAt, Expr::value(now))
        .col_expr(
            refund::Column::ProviderRefundId,
            Expr::value(refund_object["id"].as_str().map(str::to_owned)),
        )
        .filter(refund::Column::Id.eq(asked.id))
        .filter(refund::Column::CompletedAt.is_null())
        .exec(conn)
        .await?;
    revoke_order(conn, order.id, asked.order_item_id, now).await?;
    Ok(Applied::Processed)
}

/// Revokes one item of an order, or all of its items not yet refunded.
async fn revoke_order(
    conn: &impl ConnectionTrait,
    order: i64,
    item: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let items: Vec<i64> = order_item::Entity::find()
        .filter(order_item::Column::OrderId.eq(order))
        .filter(order_item::Column::RefundedAt.is_null())
        .all(conn)
        .await?
        .into_iter()
        .filter(|i| item.is_none_or(|only| only == i.id))
        .map(|i| i.id)
        .collect();
    if items.is_empty() {
        return Ok(());
    }
    revoke(conn, &items, now).await
}

/// Revokes the entitlements and license keys of order items, at once.
async fn revoke(
    conn: &impl ConnectionTrait,
    items: &[i64],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    order_item::Entity::update_many()
        .col_expr(order_item::Column::RefundedAt, Expr::value(now))
        .filter(order_item::Column::Id.is_in(items.iter().copied()))
        .filter(order_item::Column::RefundedAt.is_null())
        .exec(conn)
        .await?;
    entitlement::Entity::update_many()
        .col_expr(entitlement::Column::RevokedAt, Expr::value(now))
        .filter(entitlement::Column::OrderItemId.is_in(items.iter().copied()))
        .filter(entitlement::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    // Refunded whatever else revoked it before: a refund is never restored.
    entitlement::Entity::update_many()
        .col_expr(entitlement::Column::RevokedReason, Expr::value("refunded"))
        .filter(entitlement::Column::OrderItemId.is_in(items.iter().copied()))
        .exec(conn)
        .await?;
    let entitlements = entitlement::Entity::find()
        .filter(entitlement::Column::OrderItemId.is_in(items.iter().copied()))
        .all(conn)
        .await?;
    license_key::Entity::update_many()
        .col_expr(license_key::Column::RevokedAt, Expr::value(now))
        .filter(license_key::Column::EntitlementId.is_in(entitlements.iter().map(|e| e.id)))
        .filter(license_key::Column::RevokedAt.is_null())
        .exec(conn)
        .await?;
    Ok(())
}

/// Applies every waiting event whose payment the store now knows: run after
/// each event is received and now and then, so a refund event recorded while
/// the payment it refunds was being fulfilled (two transactions at once on
/// PostgreSQL) is still applied.
pub async fn settle_waiting(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let waiting: Vec<String> = payment_event::Entity::find()
        .filter(payment_event::Column::ProcessedAt.is_null())
        .filter(payment_event::Column::Kind.is_in([
            "charge.refunded",
            "refund.created",
            "refund.updated",
        ]))
        .filter(payment_event::Column::PaymentIntent.is_not_null())
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|event| event.payment_intent)
        .collect();
    let mut settled = 0;
    for intent in waiting {
        if paid_order_of(conn, &intent).await?.is_some() {
            apply_waiting(conn, &intent, now).await?;
            settled += 1;
        }
    }
    Ok(settled)
}

/// Applies the events that waited for the payment intent `intent` (a refund
/// that arrived before the payment it refunds).
async fn apply_waiting(
    conn: &impl ConnectionTrait,
    intent: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let waiting = payment_event::Entity::find()
        .filter(payment_event::Column::PaymentIntent.eq(intent))
        .filter(payment_event::Column::ProcessedAt.is_null())
        .filter(payment_event::Column::Kind.is_in([
            "charge.refunded",
            "refund.created",
            "refund.updated",
        ]))
        .order_by_asc(payment_event::Column::Id)
        .all(conn)
        .await?;
    for event in waiting {
        let Ok(parsed) = serde_json::from_str::<Event>(&event.payload) else {
            continue;
        };
        let applied = match parsed.kind.as_str() {
            "charge.refunded" => refunded_charge(conn, &parsed.data.object, now).await?,
            _ => refund_done(conn, &parsed.data.object, now).await?,
        };
        if applied == Applied::Processed {
            payment_event::Entity::update_many()
                .col_expr(payment_event::Column::ProcessedAt, Expr::value(now))
                .filter(payment_event::Column::Id.eq(event.id))
                .exec(conn)
                .await?;
        }
    }
    Ok(())
}
