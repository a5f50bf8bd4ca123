//! Money moving: a session paid (or refused) on the hosted page becomes a
//! PaymentIntent and a Charge; refunds give part or all of a charge back.

use crate::cards::{Outcome, Refusal};
use crate::checkout::{self, KIND as SESSION};
use crate::error::ApiError;
use crate::form::Params;
use crate::{State, new_id, store, webhooks};
use sea_orm::sqlx::SqliteConnection;
use serde_json::{Value, json};

const INTENT: &str = "payment_intent";
const CHARGE: &str = "charge";
const REFUND: &str = "refund";

/// Who paid, as typed on the hosted page.
pub struct Payer<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub last4: &'a str,
    pub brand: &'static str,
    pub expiry: (u32, i32),
}

/// The session's payment intent, made on the first attempt.
async fn intent_of(
    db: &mut SqliteConnection,
    now: i64,
    session: &mut Value,
) -> Result<Value, ApiError> {
    if let Some(id) = session["payment_intent"].as_str()
        && let Some(intent) = store::get(&mut *db, INTENT, id).await?
    {
        return Ok(intent);
    }
    let intent = json!({
        "id": new_id("pi"),
        "object": INTENT,
        "amount": session["amount_total"],
        "amount_received": 0,
        "currency": session["currency"],
        "created": now,
        "latest_charge": null,
        "last_payment_error": null,
        "livemode": false,
        "metadata": session["payment_intent_data"]["metadata"].clone(),
        "payment_method_types": ["card"],
        "status": "requires_payment_method",
    });
    session["payment_intent"] = intent["id"].clone();
    Ok(intent)
}

/// A successful payment of an open session: intent, charge, the session
/// complete, and their events.
pub async fn succeed(
    db: &mut SqliteConnection,
    now: i64,
    mut session: Value,
    payer: &Payer<'_>,
    outcome: Outcome,
) -> Result<Value, ApiError> {
    let mut intent = intent_of(db, now, &mut session).await?;
    let charge = json!({
        "id": new_id("ch"),
        "object": CHARGE,
        "amount": session["amount_total"],
        "amount_captured": session["amount_total"],
        "amount_refunded": 0,
        "billing_details": {"email": payer.email, "name": payer.name},
        "captured": true,
        "created": now,
        "currency": session["currency"],
        "livemode": false,
        "metadata": {},
        "paid": true,
        "payment_intent": intent["id"],
        "payment_method_details": {"type": "card", "card": {
            "brand": payer.brand,
            "last4": payer.last4,
            "exp_month": payer.expiry.0,
            "exp_year": payer.expiry.1,
            "fails_later": outcome == Outcome::SucceedsThenFailsLater,
        }},
        "refunded": false,
        "status": "succeeded",
    });
    intent["status"] = "succeeded".into();
    intent["amount_received"] = session["amount_total"].clone();
    intent["latest_charge"] = charge["id"].clone();
    intent["last_payment_error"] = Value::Null;
    session["status"] = "complete".into();
    session["payment_status"] = "paid".into();
    session["url"] = Value::Null;
    session["customer_email"] = session["customer_email"]
        .as_str()
        .map_or_else(|| Value::from(payer.email), Value::from);
    session["customer_details"] = json!({"email": payer.email, "name": payer.name});
    store::put(&mut *db, CHARGE, &charge).await?;
    store::put(&mut *db, INTENT, &intent).await?;
    store::put(&mut *db, SESSION, &session).await?;
    webhooks::emit(db, now, "charge.succeeded", &charge).await?;
    webhooks::emit(db, now, "payment_intent.succeeded", &intent).await?;
    webhooks::emit(
        db,
        now,
        "checkout.session.completed",
        &checkout::view(session.clone(), &[]),
    )
    .await?;
    Ok(session)
}

/// A refused attempt: the session stays open, its intent records the error.
pub async fn refuse(
    db: &mut SqliteConnection,
    now: i64,
    mut session: Value,
    refusal: &Refusal,
) -> Result<(), ApiError> {
    let mut intent = intent_of(db, now, &mut session).await?;
    intent["last_payment_error"] =
        ApiError::card(refusal.code, refusal.decline_code, refusal.message).body()["error"].clone();
    intent["status"] = "requires_payment_method".into();
    store::put(&mut *db, INTENT, &intent).await?;
    store::put(&mut *db, SESSION, &session).await?;
    webhooks::emit(db, now, "payment_intent.payment_failed", &intent).await?;
    Ok(())
}

/// `GET /v1/payment_intents/:id`, `/v1/charges/:id`, `/v1/refunds/:id`, `/v1/events/:id`.
pub async fn retrieve(state: &State, kind: &'static str, id: &str) -> Result<Value, ApiError> {
    store::get(&state.db, kind, id)
        .await?
        .ok_or_else(|| ApiError::no_such(kind, id))
}

/// `POST /v1/refunds`: all or part of what is left of a charge.
pub async fn refund(state: &State, params: Params) -> Result<Value, ApiError> {
    params.refuse_unknown(&[
        "payment_intent",
        "charge",
        "amount",
        "reason",
        "metadata",
        "expand",
    ])?;
    let mut tx = state.begin_write().await?;
    let charge_id = match (params.str("charge")?, params.str("payment_intent")?) {
        (Some(charge), _) => charge.to_owned(),
        (None, Some(intent_id)) => {
            let intent = store::get(&mut *tx, INTENT, intent_id)
                .await?
                .ok_or_else(|| ApiError::no_such(INTENT, intent_id))?;
            intent["latest_charge"]
                .as_str()
                .filter(|_| intent["status"] == "succeeded")
                .ok_or_else(|| {
                    ApiError::state(
                        "charge_not_refundable",
                        format!(
                            "PaymentIntent {intent_id} does not have a successful charge to refund."
                        ),
                    )
                })?
                .to_owned()
        }
        (None, None) => {
            return Err(ApiError::invalid_code(
                "payment_intent",
                "parameter_missing",
                "One of the following params should be provided for this request: \
                 payment_intent or charge.",
            ));
        }
    };
    let mut charge = store::get(&mut *tx, CHARGE, &charge_id)
        .await?
        .ok_or_else(|| ApiError::no_such(CHARGE, &charge_id))?;
    let captured = charge["amount"].as_i64().unwrap_or_default();
    let refunded = charge["amount_refunded"].as_i64().unwrap_or_default();
    let left = captured - refunded;
    if left <= 0 {
        return Err(ApiError::state(
            "charge_already_refunded",
            format!("Charge {charge_id} has already been refunded."),
        ));
    }
    let amount = params.int("amount", "amount")?.unwrap_or(left);
    if amount <= 0 {
        return Err(ApiError::invalid(
            "amount",
            "Refund amount must be positive.",
        ));
    }
    if amount > left {
        return Err(ApiError::invalid_code(
            "amount",
            "amount_too_large",
            format!(
                "Refund amount ({amount}) is greater than unrefunded amount on charge ({left})"
            ),
        ));
    }
    let reason = match params.str("reason")? {
        None => None,
        Some(reason @ ("duplicate" | "fraudulent" | "requested_by_customer")) => Some(reason),
        Some(other) => {
            return Err(ApiError::invalid(
                "reason",
                format!(
                    "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer (got {other})"
                ),
            ));
        }
    };
    let now = state.now();
    let refund = json!({
        "id": new_id("re"),
        "object": REFUND,
        "amount": amount,
        "charge": charge_id,
        "created": now,
        "currency": charge["currency"],
        "metadata": params.metadata("metadata")?,
        "payment_intent": charge["payment_intent"],
        "reason": reason,
        "status": "succeeded",
    });
    charge["amount_refunded"] = (refunded + amount).into();
    charge["refunded"] = (refunded + amount == captured).into();
    store::put(&mut *tx, REFUND, &refund).await?;
    store::put(&mut *tx, CHARGE, &charge).await?;
    webhooks::emit(&mut tx, now, "refund.created", &refund).await?;
    webhooks::emit(&mut tx, now, "charge.refunded", &charge).await?;
    tx.commit().await?;
    state.wake.notify_one();
    Ok(refund)
}
