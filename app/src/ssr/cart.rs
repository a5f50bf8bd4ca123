//! The shopper's cart and checkout: whose cart a request works on (the
//! account's, or the session's), the orders this browser placed (their
//! receipts show here), and carts and receipts as their pages show them.

use domain::carts::{Owner, Priced};
use domain::entities::user;
use domain::money::Money;
use domain::orders::Receipt;

use super::library::{access_words, activation_view};
use super::session::session;
use super::{AppContext, internal, when};
use crate::error::AppError;
use crate::views::{CartLineView, CartView, ConfirmView, ReceiptLineView, ReceiptView};

/// The session key of an anonymous shopper's cart.
const CART: &str = "cart";
/// The session key of the orders this browser placed (their receipts show).
const ORDERS: &str = "orders";

/// Whose cart this request works on: the signed-in account's, or the
/// session's (made when `make` and there is none yet).
pub async fn cart_owner(user: Option<&user::Model>, make: bool) -> Result<Option<Owner>, AppError> {
    if let Some(user) = user {
        return Ok(Some(Owner::User(user.id)));
    }
    let session = session()?;
    match session.get::<uuid::Uuid>(CART).await.map_err(internal)? {
        Some(pid) => Ok(Some(Owner::Anonymous(pid))),
        None if make => {
            let pid = uuid::Uuid::now_v7();
            session.insert(CART, pid).await.map_err(internal)?;
            Ok(Some(Owner::Anonymous(pid)))
        }
        None => Ok(None),
    }
}

/// Moves the session's cart into `user`'s at sign-in.
pub async fn merge_cart_into(user: &user::Model) -> Result<(), AppError> {
    let session = session()?;
    if let Some(pid) = session.remove::<uuid::Uuid>(CART).await.map_err(internal)? {
        super::public()?.carts.merge(pid, user.id).await?;
    }
    Ok(())
}

/// Sends the buyer where checkout says: the provider's payment page, or the
/// receipt of an order with nothing to pay. Answers the URL.
pub async fn go_pay(started: domain::orders::Started) -> Result<String, AppError> {
    use domain::orders::Started;
    let (order, url) = match started {
        Started::Pay { url, order } => (order, url),
        Started::Fulfilled { order } => (order, format!("/orders/{order}")),
    };
    remember_order(order).await?;
    leptos_axum::redirect(&url);
    Ok(url)
}

/// The success page's check of a returning buyer's payment: where the order
/// stands and, once paid, its receipt. This browser may see the receipt from
/// now on.
pub async fn confirm(ctx: &AppContext, session: &str) -> Result<ConfirmView, AppError> {
    let order = ctx.orders.confirm(session).await?;
    remember_order(order.pid).await?;
    let receipt = match order.status.was_paid() {
        true => Some(receipt_view(&ctx.orders.receipt(order.pid).await?)),
        false => None,
    };
    Ok(ConfirmView {
        status: order.status,
        receipt,
    })
}

/// The receipt of `order`, for whoever [may see](may_see) it: 404 for
/// anyone else.
pub async fn receipt(
    ctx: &AppContext,
    user: Option<&user::Model>,
    order: uuid::Uuid,
) -> Result<Receipt, AppError> {
    let receipt = ctx.orders.receipt(order).await?;
    may_see(&receipt.order, user).await?;
    Ok(receipt)
}

/// Whether the receipt of `order` may be shown: to the browser that placed
/// it, to its owner once the address is proven, to admins. Anyone else gets
/// a 404, as if there were no such order.
async fn may_see(
    order: &domain::entities::order::Model,
    user: Option<&user::Model>,
) -> Result<(), AppError> {
    let owner = user.is_some_and(|u| {
        u.role == user::Role::Admin || (u.id == order.user_id && u.email_verified_at.is_some())
    });
    if owner || placed_here(order.pid).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Notes that this browser placed `order`, so its receipt shows here.
async fn remember_order(order: uuid::Uuid) -> Result<(), AppError> {
    let session = session()?;
    let mut placed: Vec<uuid::Uuid> = session
        .get(ORDERS)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    placed.push(order);
    let keep = placed.len().saturating_sub(20);
    session
        .insert(ORDERS, &placed[keep..])
        .await
        .map_err(internal)
}

/// Whether this browser placed `order`.
async fn placed_here(order: uuid::Uuid) -> Result<bool, AppError> {
    let placed: Vec<uuid::Uuid> = session()?
        .get(ORDERS)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    Ok(placed.contains(&order))
}

fn money(minor: i64, priced: &Priced) -> String {
    priced
        .currency
        .map(|currency| Money::new(minor, currency).to_string())
        .unwrap_or_default()
}

/// The cart as its page shows it, amounts formatted.
pub fn cart_view(priced: &Priced, signed_in: bool) -> CartView {
    CartView {
        lines: priced
            .lines
            .iter()
            .map(|line| CartLineView {
                slug: line.product.slug.clone(),
                title: line.product.title.clone(),
                unit: line.unit.to_string(),
                quantity: line.quantity,
                one_only: line.product.license_keys,
                total: Money::new(line.subtotal_minor, line.product.currency).to_string(),
                problem: line.problem.clone(),
            })
            .collect(),
        subtotal: money(priced.subtotal_minor, priced),
        discount: (priced.discount_minor > 0)
            .then(|| format!("-{}", money(priced.discount_minor, priced))),
        total: money(priced.total_minor, priced),
        code: priced.code.as_ref().map(|c| c.code.clone()),
        code_problem: priced.code_problem.as_ref().map(ToString::to_string),
        problems: priced.problems.clone(),
        signed_in,
    }
}

/// An order's receipt as its buyer (and the admin) reads it.
pub fn receipt_view(receipt: &Receipt) -> ReceiptView {
    let order = &receipt.order;
    let money = |minor: i64| Money::new(minor, order.currency).to_string();
    ReceiptView {
        order: order.pid.to_string(),
        number: order.number.clone(),
        email: order.email.clone(),
        status: order.status,
        placed: when(order.created_at),
        lines: receipt
            .lines
            .iter()
            .map(|line| ReceiptLineView {
                item: line.item.id,
                title: line.item.title.clone(),
                slug: line.slug.clone(),
                quantity: line.item.quantity,
                total: money(line.item.total_minor),
                refunded: line.item.refunded_at.is_some(),
                keys: line.keys.iter().map(|k| k.key.clone()).collect(),
                access: line.entitlement.as_ref().map(access_words),
                entitlement: line.entitlement.as_ref().map(|e| e.pid.to_string()),
                revoked: line
                    .entitlement
                    .as_ref()
                    .is_some_and(|e| e.revoked_at.is_some()),
                activations: line.activations.iter().map(activation_view).collect(),
            })
            .collect(),
        subtotal: money(order.subtotal_minor),
        discount: (order.discount_minor > 0).then(|| format!("-{}", money(order.discount_minor))),
        total: money(order.total_minor),
        refunded: (order.refunded_minor > 0).then(|| money(order.refunded_minor)),
    }
}
