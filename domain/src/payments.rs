//! The payments port: Stripe's API, spoken over HTTP to Stripe itself or to
//! the embedded sandbox (only the base URL and keys differ), and Stripe's
//! webhook signatures checked. A small typed client over the handful of calls
//! the store makes, in Stripe's wire format: form-encoded requests with nested
//! keys, JSON answers, bearer auth, `Idempotency-Key` on every POST.

mod form;
mod inbox;
pub mod webhook;

use crate::secret::Secret;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

pub use form::FormBody;
pub use inbox::{Inbox, Received};
pub use webhook::{Event, SignatureError};

/// A Stripe call may take this long before it counts as failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the API is and the keys to it.
#[derive(Clone, Debug)]
pub struct PaymentsConfig {
    /// `https://api.stripe.com`, or the sandbox's `http://…/sandbox`.
    pub api_base: String,
    pub secret_key: Secret,
    /// Checks the `Stripe-Signature` of webhook events.
    pub webhook_secret: Secret,
}

/// The client. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Payments {
    http: reqwest::Client,
    config: PaymentsConfig,
}

/// A call that did not give the object asked for.
#[derive(Debug, thiserror::Error)]
pub enum PaymentsError {
    /// Stripe answered with its error object.
    #[error("payment provider refused ({status}): {message}")]
    Refused {
        status: u16,
        kind: String,
        code: Option<String>,
        message: String,
    },
    /// The provider could not be reached or answered something unreadable.
    #[error("payment provider unavailable: {0}")]
    Unavailable(String),
}

impl PaymentsError {
    /// Stripe's error `code`, when it gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Refused { code, .. } => code.as_deref(),
            Self::Unavailable(_) => None,
        }
    }
}

/// The smallest card payment the provider takes in `currency`, in minor
/// units (Stripe's minimums: 50 cents, 30 pence, ¥50, …).
pub fn minimum_charge(currency: types::money::Currency) -> i64 {
    match currency.code() {
        "GBP" => 30,
        "HKD" => 400,
        "MXN" => 1000,
        "SEK" | "NOK" | "DKK" => 300,
        "CZK" => 1500,
        "HUF" => 17500,
        "PLN" => 200,
        "THB" => 1000,
        "BGN" => 100,
        "RON" => 200,
        "INR" | "SGD" | "BRL" | "AED" | "MYR" => 50,
        _ => 50,
    }
}

/// A line of a new Checkout Session.
#[derive(Clone, Debug)]
pub struct LineItem {
    pub name: String,
    /// Minor units of `NewCheckout::currency`.
    pub unit_amount: i64,
    pub quantity: u32,
}

/// What the store asks for when a buyer checks out.
#[derive(Clone, Debug)]
pub struct NewCheckout {
    /// The order's public id (`client_reference_id`).
    pub reference: String,
    /// ISO 4217, lower case on the wire.
    pub currency: String,
    pub items: Vec<LineItem>,
    pub customer_email: Option<String>,
    /// `{CHECKOUT_SESSION_ID}` in it is replaced by the session's id.
    pub success_url: String,
    pub cancel_url: String,
    /// Unix seconds; the provider's default (24 h) when `None`.
    pub expires_at: Option<i64>,
    pub metadata: BTreeMap<String, String>,
}

/// A Checkout Session as the store reads it.
#[derive(Clone, Debug, Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    /// Where to send the buyer (absent once paid or expired).
    pub url: Option<String>,
    /// `open`, `complete` or `expired`.
    pub status: Option<String>,
    /// `paid`, `unpaid` or `no_payment_required`.
    pub payment_status: String,
    pub client_reference_id: Option<String>,
    pub amount_total: Option<i64>,
    pub currency: Option<String>,
    pub payment_intent: Option<String>,
    pub customer_email: Option<String>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Present when asked for (`expand[]=line_items`).
    pub line_items: Option<List<SessionLineItem>>,
}

/// A page of a list.
#[derive(Clone, Debug, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
    pub has_more: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SessionLineItem {
    pub description: Option<String>,
    pub quantity: Option<i64>,
    pub amount_total: i64,
    pub currency: String,
}

/// A refund as the store reads it.
#[derive(Clone, Debug, Deserialize)]
pub struct Refund {
    pub id: String,
    pub amount: i64,
    pub status: Option<String>,
    pub payment_intent: Option<String>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// A webhook delivery as the sandbox reports it (test mode only).
#[derive(Clone, Debug, Deserialize)]
pub struct Delivery {
    pub id: String,
    pub event: String,
    pub event_type: Option<String>,
    pub url: Option<String>,
    pub attempts: i64,
    pub delivered_at: Option<i64>,
    pub next_attempt_at: Option<i64>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
}

/// Stripe's error body.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorObject,
}

#[derive(Deserialize)]
struct ErrorObject {
    #[serde(rename = "type")]
    kind: String,
    code: Option<String>,
    message: Option<String>,
}

impl Payments {
    pub fn new(config: PaymentsConfig) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(REQUEST_TIMEOUT)
                .user_agent(concat!("Downlink/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_default(),
            config,
        }
    }

    /// The secret webhook events are signed with.
    pub fn webhook_secret(&self) -> &Secret {
        &self.config.webhook_secret
    }

    /// `POST /v1/checkout/sessions` in `payment` mode. The same `idempotency_key`
    /// gives the same session however often it is sent.
    pub async fn create_checkout_session(
        &self,
        new: &NewCheckout,
        idempotency_key: &str,
    ) -> Result<CheckoutSession, PaymentsError> {
        let mut form = FormBody::default();
        form.push("mode", "payment")
            .push("client_reference_id", &new.reference)
            .push("success_url", &new.success_url)
            .push("cancel_url", &new.cancel_url);
        if let Some(email) = &new.customer_email {
            form.push("customer_email", email);
        }
        if let Some(at) = new.expires_at {
            form.push("expires_at", &at.to_string());
        }
        for (i, item) in new.items.iter().enumerate() {
            let at = format!("line_items[{i}]");
            form.push(&format!("{at}[quantity]"), &item.quantity.to_string())
                .push(
                    &format!("{at}[price_data][currency]"),
                    &new.currency.to_ascii_lowercase(),
                )
                .push(
                    &format!("{at}[price_data][unit_amount]"),
                    &item.unit_amount.to_string(),
                )
                .push(&format!("{at}[price_data][product_data][name]"), &item.name);
        }
        for (key, value) in &new.metadata {
            form.push(&format!("metadata[{key}]"), value);
        }
        self.post("/v1/checkout/sessions", form, idempotency_key)
            .await
    }

    /// `GET /v1/checkout/sessions/:id` with its line items.
    pub async fn checkout_session(&self, id: &str) -> Result<CheckoutSession, PaymentsError> {
        self.get(&format!(
            "/v1/checkout/sessions/{}?expand[]=line_items",
            path_segment(id)
        ))
        .await
    }

    /// `POST /v1/checkout/sessions/:id/expire`.
    pub async fn expire_checkout_session(
        &self,
        id: &str,
    ) -> Result<CheckoutSession, PaymentsError> {
        let path = format!("/v1/checkout/sessions/{}/expire", path_segment(id));
        self.post(&path, FormBody::default(), &format!("expire-{id}"))
            .await
    }

    /// `POST /v1/refunds`: `amount` of a payment back (all that is left when
    /// `None`).
    pub async fn refund(
        &self,
        payment_intent: &str,
        amount: Option<i64>,
        metadata: &BTreeMap<String, String>,
        idempotency_key: &str,
    ) -> Result<Refund, PaymentsError> {
        let mut form = FormBody::default();
        form.push("payment_intent", payment_intent);
        if let Some(amount) = amount {
            form.push("amount", &amount.to_string());
        }
        for (key, value) in metadata {
            form.push(&format!("metadata[{key}]"), value);
        }
        self.post("/v1/refunds", form, idempotency_key).await
    }

    /// The sandbox's webhook deliveries, newest first; `None` where there are
    /// none to list (Stripe shows them in its dashboard, not its API).
    pub async fn deliveries(&self) -> Result<Option<Vec<Delivery>>, PaymentsError> {
        match self
            .get::<List<Delivery>>("/v1/test_helpers/webhook_deliveries?limit=50")
            .await
        {
            Ok(list) => Ok(Some(list.data)),
            Err(PaymentsError::Refused { status: 404, .. }) => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Asks the sandbox to send a delivery's event again.
    pub async fn resend_delivery(&self, id: &str) -> Result<(), PaymentsError> {
        let path = format!(
            "/v1/test_helpers/webhook_deliveries/{}/resend",
            path_segment(id)
        );
        self.post::<serde_json::Value>(
            &path,
            FormBody::default(),
            &format!("resend-{id}-{}", uuid::Uuid::new_v4().simple()),
        )
        .await
        .map(drop)
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, PaymentsError> {
        let request = self
            .http
            .get(format!("{}{path}", self.config.api_base))
            .bearer_auth(self.config.secret_key.expose());
        read(request.send().await).await
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        form: FormBody,
        idempotency_key: &str,
    ) -> Result<T, PaymentsError> {
        let request = self
            .http
            .post(format!("{}{path}", self.config.api_base))
            .bearer_auth(self.config.secret_key.expose())
            .header("idempotency-key", idempotency_key)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.finish());
        read(request.send().await).await
    }
}

async fn read<T: serde::de::DeserializeOwned>(
    sent: Result<reqwest::Response, reqwest::Error>,
) -> Result<T, PaymentsError> {
    let response = sent.map_err(|err| PaymentsError::Unavailable(describe(&err)))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|err| PaymentsError::Unavailable(describe(&err)))?;
    if status.is_success() {
        return serde_json::from_slice(&body)
            .map_err(|err| PaymentsError::Unavailable(format!("unreadable answer: {err}")));
    }
    match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(ErrorBody { error }) => Err(PaymentsError::Refused {
            status: status.as_u16(),
            kind: error.kind,
            code: error.code,
            message: error.message.unwrap_or_default(),
        }),
        Err(_) => Err(PaymentsError::Unavailable(format!("answered {status}"))),
    }
}

/// What went wrong with a call, without its URL (which may name ids).
fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "timed out".into()
    } else if err.is_connect() {
        "could not connect".into()
    } else {
        "request failed".into()
    }
}

/// An id as one path segment: anything but letters, digits and `_` refused by
/// encoding it, so an id can never change the path.
fn path_segment(id: &str) -> String {
    form::encode(id)
}
