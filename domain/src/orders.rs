//! Orders: checkout turns a priced cart into a pending order and a Checkout
//! Session at the payment provider; one idempotent fulfilment (called by the
//! webhook and by the success page alike) turns a paid order's items into
//! entitlements and license keys and mails the receipt; refunds revoke them.

mod fulfilment;
mod queries;
mod receipt;
mod refunds;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use std::collections::BTreeMap;
use types::email::Email;
use types::order::OrderStatus;
use uuid::Uuid;

use crate::carts::{CartError, Carts, Owner};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::discounts::{self, DiscountError};
use crate::entities::{order, order_item, user};
use crate::payments::{LineItem, NewCheckout, Payments, PaymentsError};

pub use fulfilment::{Applied, apply_event, settle_waiting};

/// Fulfils an order with nothing to pay (a gift an admin grants), in the
/// caller's transaction.
pub async fn fulfil_free(
    conn: &impl sea_orm::ConnectionTrait,
    order: &order::Model,
    now: DateTime<Utc>,
    public_url: &str,
) -> Result<bool, DbErr> {
    fulfilment::fulfil(conn, order, None, now, public_url).await
}
pub use queries::{Detail, LibraryEntry, OrderFilter, Receipt, ReceiptLine};

/// Why an order could not be placed, confirmed or refunded.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("Your cart is empty.")]
    EmptyCart,
    #[error("{0}")]
    Cart(String),
    #[error(transparent)]
    Discount(#[from] DiscountError),
    #[error("Enter a valid email address for your receipt.")]
    Email,
    #[error("The payment service is not answering; nothing was charged. Try again in a moment.")]
    PaymentUnavailable,
    #[error("There is no such order.")]
    NotFound,
    #[error(
        "This address can't place orders here. Write to the store if you think this is a mistake."
    )]
    Blocked,
    #[error("Order {0} was never paid: there is no receipt to send.")]
    NotPaid(String),
    #[error("{0}")]
    Refund(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<CartError> for OrderError {
    fn from(err: CartError) -> Self {
        match err {
            CartError::Db(err) => Self::Db(err),
            CartError::Discount(err) => Self::Discount(err),
            other => Self::Cart(other.to_string()),
        }
    }
}

/// Who is buying.
#[derive(Clone, Debug)]
pub enum Buyer {
    /// A signed-in account.
    Account(user::Model),
    /// A guest, by the address typed at checkout.
    Guest(String),
}

/// Where checkout sends the buyer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Started {
    /// To the provider's payment page.
    Pay { url: String, order: Uuid },
    /// Nothing to pay (a 100 % code, a free price): fulfilled already.
    Fulfilled { order: Uuid },
}

/// The orders service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Orders {
    db: DatabaseConnection,
    clock: Clock,
    payments: Payments,
    /// For links in mails and the provider's return URLs.
    public_url: String,
}

impl Orders {
    pub fn new(
        db: DatabaseConnection,
        clock: Clock,
        payments: Payments,
        public_url: impl Into<String>,
    ) -> Self {
        Self {
            db,
            clock,
            payments,
            public_url: public_url.into(),
        }
    }

    /// Places an order for the cart and starts its payment. The discount code
    /// is held (exactly, under concurrency) before the provider is asked; if
    /// the provider cannot be reached the order fails and gives the code back.
    pub async fn checkout(&self, owner: Owner, buyer: Buyer) -> Result<Started, OrderError> {
        let carts = Carts::new(self.db.clone(), self.clock.clone());
        if let Some(cart) = carts.id_of(owner).await? {
            self.expire_unpaid_of(cart).await?;
        }
        let priced = carts.priced(owner).await?;
        if priced.is_empty() {
            return Err(OrderError::EmptyCart);
        }
        if let Some(problem) = priced.problems.first() {
            return Err(OrderError::Cart(problem.clone()));
        }
        if let Some(problem) = priced.code_problem.clone() {
            return Err(problem.into());
        }
        let currency = priced.currency.ok_or(OrderError::EmptyCart)?;
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let user = match buyer {
            Buyer::Account(user) => user,
            Buyer::Guest(email) => {
                let email = Email::parse(&email).map_err(|_| OrderError::Email)?;
                crate::accounts::guest_account(&txn, &email, now).await?
            }
        };
        if user.is_blocked() {
            return Err(OrderError::Blocked);
        }
        if let Some(code) = &priced.code
            && !discounts::hold(&txn, code.id, now).await?
        {
            return Err(DiscountError::UsedUp(code.code.clone()).into());
        }
        let order = order::ActiveModel {
            pid: Set(Uuid::now_v7()),
            number: Set(format!("DL-{}", crate::licenses::random_chars(8))),
            user_id: Set(user.id),
            email: Set(user.email.clone()),
            status: Set(OrderStatus::Pending),
            currency: Set(currency),
            subtotal_minor: Set(priced.subtotal_minor),
            discount_minor: Set(priced.discount_minor),
            total_minor: Set(priced.total_minor),
            refunded_minor: Set(0),
            discount_code_id: Set(priced.code.as_ref().map(|c| c.id)),
            cart_id: Set(priced.cart.as_ref().map(|c| c.id)),
            checkout_session_id: Set(None),
            payment_intent_id: Set(None),
            paid_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut lines = Vec::with_capacity(priced.lines.len());
        for line in &priced.lines {
            order_item::ActiveModel {
                order_id: Set(order.id),
                product_id: Set(line.product.id),
                title: Set(line.product.title.clone()),
                unit_amount_minor: Set(line.unit.minor),
                quantity: Set(line.quantity),
                discount_minor: Set(line.discount_minor),
                total_minor: Set(line.total_minor),
                refunded_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            lines.push(line_item(
                line,
                priced.code.as_ref().map(|c| c.code.as_str()),
            ));
        }
        if order.total_minor == 0 {
            fulfilment::fulfil(&txn, &order, None, now, &self.public_url).await?;
            txn.commit().await?;
            return Ok(Started::Fulfilled { order: order.pid });
        }
        txn.commit().await?;
        self.start_payment(order, lines, now).await
    }

    /// Ends the cart's earlier orders still waiting for payment (a buyer who
    /// went back and checks out again): each session is expired at the
    /// provider first, so a payment already made there is never lost, and
    /// the order's discount redemption comes back.
    async fn expire_unpaid_of(&self, cart: i64) -> Result<(), OrderError> {
        let waiting = order::Entity::find()
            .filter(order::Column::CartId.eq(cart))
            .filter(order::Column::Status.eq(OrderStatus::Pending))
            .all(&self.db)
            .await?;
        for order in waiting {
            let Some(session) = order.checkout_session_id.as_deref() else {
                continue;
            };
            let expired = match self.payments.expire_checkout_session(session).await {
                Ok(session) => session.status.as_deref() == Some("expired"),
                Err(PaymentsError::Refused { .. }) => self
                    .payments
                    .checkout_session(session)
                    .await
                    .is_ok_and(|s| s.status.as_deref() == Some("expired")),
                Err(PaymentsError::Unavailable(_)) => return Err(OrderError::PaymentUnavailable),
            };
            if expired {
                let txn = begin_write(&self.db).await?;
                fulfilment::end_unpaid(&txn, &order, OrderStatus::Expired, self.clock.now())
                    .await?;
                txn.commit().await?;
            }
        }
        Ok(())
    }

    async fn start_payment(
        &self,
        order: order::Model,
        lines: Vec<LineItem>,
        now: DateTime<Utc>,
    ) -> Result<Started, OrderError> {
        let new = NewCheckout {
            reference: order.pid.to_string(),
            currency: order.currency.code().to_owned(),
            items: lines,
            customer_email: Some(order.email.clone()),
            success_url: format!(
                "{}/checkout/done?session={{CHECKOUT_SESSION_ID}}",
                self.public_url
            ),
            cancel_url: format!("{}/cart", self.public_url),
            expires_at: None,
            metadata: BTreeMap::from([("order_number".to_owned(), order.number.clone())]),
        };
        match self
            .payments
            .create_checkout_session(&new, &format!("checkout-{}", order.pid))
            .await
        {
            Ok(session) => {
                order::Entity::update_many()
                    .col_expr(
                        order::Column::CheckoutSessionId,
                        Expr::value(session.id.clone()),
                    )
                    .filter(order::Column::Id.eq(order.id))
                    .exec(&self.db)
                    .await?;
                let url = session.url.ok_or(OrderError::PaymentUnavailable)?;
                Ok(Started::Pay {
                    url,
                    order: order.pid,
                })
            }
            Err(err) => {
                tracing::error!(order = %order.pid, error = %err, "could not start a payment");
                let txn = begin_write(&self.db).await?;
                if fulfilment::end_unpaid(&txn, &order, OrderStatus::Failed, now).await? {
                    txn.commit().await?;
                }
                Err(match err {
                    PaymentsError::Refused { message, code, .. } => {
                        // The provider's own words stay in the log.
                        tracing::error!(%message, ?code, "the payment provider refused a checkout");
                        OrderError::Cart(
                            "The payment provider refused this order; nothing was charged. \
                             Try again, or write to the shop."
                                .into(),
                        )
                    }
                    PaymentsError::Unavailable(_) => OrderError::PaymentUnavailable,
                })
            }
        }
    }

    /// The success page's check: asks the provider how the session stands
    /// (with its line items) and fulfils the order if it is paid, exactly as
    /// the webhook would. Answers the order as it now is.
    pub async fn confirm(&self, session_id: &str) -> Result<order::Model, OrderError> {
        let session = self
            .payments
            .checkout_session(session_id)
            .await
            .map_err(|err| {
                tracing::warn!(error = %err, "could not confirm a checkout session");
                match err {
                    PaymentsError::Refused { status: 404, .. } => OrderError::NotFound,
                    _ => OrderError::PaymentUnavailable,
                }
            })?;
        let object = serde_json::json!({
            "id": session.id,
            "object": "checkout.session",
            "client_reference_id": session.client_reference_id,
            "payment_status": session.payment_status,
            "payment_intent": session.payment_intent,
            "amount_total": session.amount_total,
            "currency": session.currency,
        });
        if session.payment_status == "paid" {
            let txn = begin_write(&self.db).await?;
            fulfilment::paid_session(&txn, &object, self.clock.now(), &self.public_url).await?;
            txn.commit().await?;
        }
        let reference = session
            .client_reference_id
            .as_deref()
            .and_then(|r| Uuid::parse_str(r).ok())
            .ok_or(OrderError::NotFound)?;
        order::Entity::find()
            .filter(order::Column::Pid.eq(reference))
            .filter(order::Column::CheckoutSessionId.eq(session_id))
            .one(&self.db)
            .await?
            .ok_or(OrderError::NotFound)
    }
}

/// An order line as the provider shows it: the discounted total as one
/// price, so the provider's total is the order's to the cent.
fn line_item(line: &crate::carts::Line, code: Option<&str>) -> LineItem {
    let mut name = line.product.title.clone();
    if line.quantity > 1 {
        name.push_str(&format!(" × {}", line.quantity));
    }
    if let (true, Some(code)) = (line.discount_minor > 0, code) {
        name.push_str(&format!(" (code {code})"));
    }
    LineItem {
        name,
        unit_amount: line.total_minor,
        quantity: 1,
    }
}
