//! Checkout Sessions in `payment` mode: created by the store with its line
//! items, paid on the hosted page, expired by the store or after their
//! `expires_at`.

use crate::error::ApiError;
use crate::form::Params;
use crate::{State, new_id, store, webhooks};
use sea_orm::sqlx::{self, Row, SqliteConnection};
use serde_json::{Value, json};

pub const KIND: &str = "checkout.session";

/// A session may be given 30 minutes to 24 hours; 24 hours when unsaid.
const MIN_LIFETIME: i64 = 30 * 60;
const MAX_LIFETIME: i64 = 24 * 3600;

/// `POST /v1/checkout/sessions`.
pub async fn create(state: &State, params: Params) -> Result<Value, ApiError> {
    params.refuse_unknown(&[
        "mode",
        "line_items",
        "success_url",
        "cancel_url",
        "client_reference_id",
        "customer_email",
        "metadata",
        "expires_at",
        "payment_method_types",
        "payment_intent_data",
        "locale",
        "submit_type",
        "expand",
    ])?;
    match params.required_str("mode", "mode")? {
        "payment" => {}
        "setup" | "subscription" => {
            return Err(ApiError::invalid(
                "mode",
                "The payment sandbox does not support this mode yet.",
            ));
        }
        other => {
            return Err(ApiError::invalid(
                "mode",
                format!(
                    "Invalid mode: must be one of payment, setup, or subscription (got {other})"
                ),
            ));
        }
    }
    let success_url =
        url_param(&params, "success_url")?.ok_or_else(|| ApiError::missing("success_url"))?;
    let cancel_url = url_param(&params, "cancel_url")?;
    let now = state.now();
    let expires_at = match params.int("expires_at", "expires_at")? {
        None => now + MAX_LIFETIME,
        Some(at) if (now + MIN_LIFETIME..=now + MAX_LIFETIME).contains(&at) => at,
        Some(_) => {
            return Err(ApiError::invalid(
                "expires_at",
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from \
                 Checkout Session creation.",
            ));
        }
    };
    let (items, currency) = line_items(&params)?;
    let total = items
        .iter()
        .try_fold(0_i64, |sum, item| {
            sum.checked_add(item["amount_total"].as_i64()?)
        })
        .filter(|total| *total <= 99_999_999)
        .ok_or_else(|| {
            ApiError::invalid_code(
                "line_items",
                "amount_too_large",
                "Amount must be no more than 99,999,999.",
            )
        })?;
    let minimum = minimum_charge(&currency);
    if total < minimum {
        return Err(ApiError::invalid_code(
            "line_items",
            "amount_too_small",
            format!(
                "The Checkout Session's total amount due must add up to at least {minimum} \
                 ({currency} in its smallest unit)."
            ),
        ));
    }
    let intent_metadata = match params.get("payment_intent_data") {
        Some(data) => Params::group(data)
            .map(|data| {
                data.refuse_unknown(&["metadata", "description"])?;
                data.metadata("metadata")
            })
            .transpose()?,
        None => None,
    };
    let id = new_id("cs");
    let session = json!({
        "id": id,
        "object": KIND,
        "livemode": false,
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "amount_subtotal": total,
        "amount_total": total,
        "currency": currency,
        "client_reference_id": params.str("client_reference_id")?,
        "customer": null,
        "customer_email": params.str("customer_email")?,
        "customer_details": null,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "url": format!("{}/checkout/{id}", state.config.public_url),
        "expires_at": expires_at,
        "created": now,
        "metadata": params.metadata("metadata")?,
        "payment_intent": null,
        "payment_method_types": ["card"],
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "line_items": {
            "object": "list",
            "data": items,
            "has_more": false,
            "url": format!("/v1/checkout/sessions/{id}/line_items"),
        },
        "payment_intent_data": {"metadata": intent_metadata.unwrap_or_else(|| json!({}))},
    });
    store::put(&state.db, KIND, &session).await?;
    Ok(view(session, &params.expand()))
}

/// Stripe's smallest charge per currency, in minor units.
fn minimum_charge(currency: &str) -> i64 {
    match currency {
        "gbp" => 30,
        "hkd" => 400,
        "mxn" | "thb" => 1000,
        "sek" | "nok" | "dkk" => 300,
        "czk" => 1500,
        "huf" => 17500,
        "pln" | "ron" => 200,
        "bgn" => 100,
        _ => 50,
    }
}

fn url_param<'a>(params: &'a Params, name: &str) -> Result<Option<&'a str>, ApiError> {
    match params.str(name)? {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => Ok(Some(url)),
        Some(_) => Err(ApiError::invalid_code(
            name,
            "url_invalid",
            format!("Not a valid URL: {name}"),
        )),
        None => Ok(None),
    }
}

/// The line items, each with its price, and the one currency they share.
fn line_items(params: &Params) -> Result<(Vec<Value>, String), ApiError> {
    let Some(Value::Array(given)) = params.get("line_items") else {
        return Err(ApiError::missing("line_items"));
    };
    let mut currency: Option<String> = None;
    let mut items = Vec::with_capacity(given.len());
    for (i, item) in given.iter().enumerate() {
        let name = |field: &str| format!("line_items[{i}][{field}]");
        let item =
            Params::group(item).ok_or_else(|| ApiError::invalid(&name(""), "Invalid line item"))?;
        item.refuse_unknown(&["price_data", "quantity", "price"])?;
        if item.get("price").is_some() {
            return Err(ApiError::invalid(
                &name("price"),
                "The payment sandbox takes prices as price_data.",
            ));
        }
        let quantity = item.int("quantity", &name("quantity"))?.unwrap_or(1);
        if !(1..=999_999).contains(&quantity) {
            return Err(ApiError::invalid(
                &name("quantity"),
                "Quantity must be at least 1.",
            ));
        }
        let price = item
            .get("price_data")
            .and_then(Params::group)
            .ok_or_else(|| ApiError::missing(&name("price_data")))?;
        price.refuse_unknown(&[
            "currency",
            "unit_amount",
            "product_data",
            "product",
            "tax_behavior",
        ])?;
        let price_name = |field: &str| format!("line_items[{i}][price_data][{field}]");
        let item_currency = price
            .required_str("currency", &price_name("currency"))?
            .to_ascii_lowercase();
        if item_currency.len() != 3 || !item_currency.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(ApiError::invalid(
                &price_name("currency"),
                format!("Invalid currency: {item_currency}"),
            ));
        }
        match &currency {
            Some(first) if *first != item_currency => {
                return Err(ApiError::invalid(
                    &price_name("currency"),
                    "All line items must use the same currency.",
                ));
            }
            _ => currency = Some(item_currency.clone()),
        }
        let unit_amount = price
            .int("unit_amount", &price_name("unit_amount"))?
            .ok_or_else(|| ApiError::missing(&price_name("unit_amount")))?;
        if unit_amount < 0 {
            return Err(ApiError::invalid(
                &price_name("unit_amount"),
                "This value must be greater than or equal to 0.",
            ));
        }
        let product = price
            .get("product_data")
            .and_then(Params::group)
            .ok_or_else(|| ApiError::missing(&price_name("product_data")))?;
        product.refuse_unknown(&["name", "description", "metadata", "images"])?;
        let product_name = product.required_str("name", &price_name("product_data][name"))?;
        let amount = unit_amount
            .checked_mul(quantity)
            .ok_or_else(|| ApiError::invalid(&name("quantity"), "The amount is too large."))?;
        items.push(json!({
            "id": new_id("li"),
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": amount,
            "amount_tax": 0,
            "amount_total": amount,
            "currency": item_currency,
            "description": product_name,
            "quantity": quantity,
            "price": {
                "id": new_id("price"),
                "object": "price",
                "active": false,
                "currency": item_currency,
                "product": new_id("prod"),
                "type": "one_time",
                "unit_amount": unit_amount,
                "metadata": product.metadata("metadata")?,
            },
        }));
    }
    let currency = currency.ok_or_else(|| ApiError::missing("line_items"))?;
    Ok((items, currency))
}

/// A session as the API shows it: line items only when expanded, the payment
/// intent's extra data never.
pub fn view(mut session: Value, expand: &[String]) -> Value {
    if let Some(map) = session.as_object_mut() {
        map.remove("payment_intent_data");
        if !expand.iter().any(|e| e == "line_items") {
            map.remove("line_items");
        }
    }
    session
}

/// `GET /v1/checkout/sessions/:id`.
pub async fn retrieve(state: &State, id: &str, params: &Params) -> Result<Value, ApiError> {
    let session = find(&state.db, id).await?;
    Ok(view(session, &params.expand()))
}

/// `GET /v1/checkout/sessions/:id/line_items`.
pub async fn line_items_of(state: &State, id: &str) -> Result<Value, ApiError> {
    let session = find(&state.db, id).await?;
    Ok(session["line_items"].clone())
}

pub async fn find(db: impl sqlx::SqliteExecutor<'_>, id: &str) -> Result<Value, ApiError> {
    store::get(db, KIND, id)
        .await?
        .ok_or_else(|| ApiError::no_such(KIND, id))
}

/// `POST /v1/checkout/sessions/:id/expire`: only an open session.
pub async fn expire_now(state: &State, id: &str) -> Result<Value, ApiError> {
    let mut tx = state.begin_write().await?;
    let session = find(&mut *tx, id).await?;
    if session["status"] != "open" {
        return Err(ApiError::state(
            "checkout_session_not_open",
            format!(
                "Only Checkout Sessions with a status in [\"open\"] can be expired. This \
                 Checkout Session has a status of {}.",
                session["status"]
            ),
        ));
    }
    let session = expire(&mut tx, state.now(), session).await?;
    tx.commit().await?;
    state.wake.notify_one();
    Ok(view(session, &[]))
}

pub async fn expire(
    db: &mut SqliteConnection,
    now: i64,
    mut session: Value,
) -> Result<Value, ApiError> {
    session["status"] = "expired".into();
    session["url"] = Value::Null;
    store::put(&mut *db, KIND, &session).await?;
    webhooks::emit(
        db,
        now,
        "checkout.session.expired",
        &view(session.clone(), &[]),
    )
    .await?;
    Ok(session)
}

/// Expires every open session whose `expires_at` has passed.
pub async fn expire_due(state: &State) -> Result<usize, ApiError> {
    let _write = state.write.lock().await;
    let now = state.now();
    let due = sqlx::query(
        "SELECT body FROM objects WHERE kind = ?
           AND json_extract(body, '$.status') = 'open'
           AND json_extract(body, '$.expires_at') <= ?",
    )
    .bind(KIND)
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    for row in &due {
        let session: Value = serde_json::from_str(&row.get::<String, _>(0))?;
        let mut tx = state.begin_write().await?;
        expire(&mut tx, now, session).await?;
        tx.commit().await?;
    }
    if !due.is_empty() {
        state.wake.notify_one();
    }
    Ok(due.len())
}
