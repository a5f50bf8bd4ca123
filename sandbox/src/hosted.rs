//! The hosted checkout page a buyer is sent to (`session.url`): the items and
//! total, a card form that works without JavaScript, Stripe's test cards, and
//! a clear "test mode" mark. Paying redirects to the session's `success_url`
//! at once; a refused card shows why and keeps the session open.

use crate::cards::{self, Card, Refusal, chrono_free::YearMonth};
use crate::charges::{self, Payer};
use crate::error::ApiError;
use crate::{State, checkout};
use axum::extract::{Path, State as Ext};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use http::{HeaderValue, StatusCode, header};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .route("/checkout/{id}", get(page).post(pay))
        .with_state(state)
}

async fn page(Ext(state): Ext<Arc<State>>, Path(id): Path<String>) -> Response {
    match checkout::find(&state.db, &id).await {
        Ok(session) => render(&session, None, &HashMap::new(), StatusCode::OK),
        Err(err) => not_found(&err),
    }
}

async fn pay(
    Ext(state): Ext<Arc<State>>,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let _write = state.write.lock().await;
    match attempt(&state, &id, &form).await {
        Ok(Attempt::Paid(to)) => Redirect::to(&to).into_response(),
        Ok(Attempt::Refused(session, problem)) => render(
            &session,
            Some(&problem),
            &form,
            StatusCode::PAYMENT_REQUIRED,
        ),
        Ok(Attempt::NotOpen(session)) => render(&session, None, &form, StatusCode::CONFLICT),
        Err(err) if err.status() == StatusCode::NOT_FOUND => not_found(&err),
        Err(err) => (err.status(), "The payment sandbox failed; try again.").into_response(),
    }
}

enum Attempt {
    /// Where to send the buyer.
    Paid(String),
    Refused(Value, String),
    NotOpen(Value),
}

async fn attempt(
    state: &State,
    id: &str,
    form: &HashMap<String, String>,
) -> Result<Attempt, ApiError> {
    let field = |name: &str| form.get(name).map_or("", |v| v.trim());
    let mut tx = state.begin_write().await?;
    let session = checkout::find(&mut *tx, id).await?;
    let now = state.now();
    if session["status"] == "open" && session["expires_at"].as_i64().is_some_and(|at| at <= now) {
        // Overdue, and the expiry job has not come round yet.
        let session = checkout::expire(&mut tx, now, session).await?;
        tx.commit().await?;
        state.wake.notify_one();
        return Ok(Attempt::NotOpen(session));
    }
    if session["status"] != "open" {
        return Ok(Attempt::NotOpen(session));
    }
    let email = session["customer_email"]
        .as_str()
        .map_or_else(|| field("email").to_owned(), str::to_owned);
    if !email.contains('@') || email.len() > 254 {
        return Ok(Attempt::Refused(
            session,
            "Enter the email address for your receipt.".into(),
        ));
    }
    let card = Card {
        number: field("number"),
        expiry: field("expiry"),
        cvc: field("cvc"),
    };
    match cards::charge(&card, YearMonth::of_unix(now)) {
        Ok(outcome) => {
            let digits: String = card.number.chars().filter(char::is_ascii_digit).collect();
            let expiry = card.expiry.split_once('/').map_or((0, 0), |(m, y)| {
                let year: i32 = y.trim().parse().unwrap_or_default();
                (
                    m.trim().parse().unwrap_or_default(),
                    if year < 100 { 2000 + year } else { year },
                )
            });
            let payer = Payer {
                email: &email,
                name: field("name"),
                last4: &digits[digits.len().saturating_sub(4)..],
                brand: brand(&digits),
                expiry,
            };
            let session = charges::succeed(&mut tx, now, session, &payer, outcome).await?;
            tx.commit().await?;
            state.wake.notify_one();
            let to = session["success_url"]
                .as_str()
                .unwrap_or_default()
                .replace("{CHECKOUT_SESSION_ID}", id);
            Ok(Attempt::Paid(to))
        }
        Err(Refusal {
            code,
            decline_code,
            message,
        }) => {
            // Typing mistakes never reach the card network: no attempt recorded.
            if code == "card_declined" || decline_code.is_some() {
                charges::refuse(
                    &mut tx,
                    now,
                    session.clone(),
                    &Refusal {
                        code,
                        decline_code,
                        message,
                    },
                )
                .await?;
                tx.commit().await?;
                state.wake.notify_one();
            }
            Ok(Attempt::Refused(session, message.to_owned()))
        }
    }
}

fn brand(digits: &str) -> &'static str {
    match digits.as_bytes().first() {
        Some(b'4') => "visa",
        Some(b'5' | b'2') => "mastercard",
        Some(b'3') => "amex",
        Some(b'6') => "discover",
        _ => "unknown",
    }
}

fn not_found(err: &ApiError) -> Response {
    let mut response = (
        StatusCode::NOT_FOUND,
        Html(frame(
            "Checkout not found",
            &format!(
                "<h1>Checkout not found</h1><p>{}</p>",
                escape(&err.to_string())
            ),
        )),
    )
        .into_response();
    secure(&mut response, None);
    response
}

fn render(
    session: &Value,
    problem: Option<&str>,
    form: &HashMap<String, String>,
    status: StatusCode,
) -> Response {
    let currency = session["currency"].as_str().unwrap_or("usd");
    let total = money(
        session["amount_total"].as_i64().unwrap_or_default(),
        currency,
    );
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"badge\">TEST MODE — no real money moves</p><h1>Pay {total}</h1><table>"
    );
    for item in session["line_items"]["data"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let _ = write!(
            body,
            "<tr><td>{}{}</td><td class=\"num\">{}</td></tr>",
            escape(item["description"].as_str().unwrap_or_default()),
            match item["quantity"].as_i64() {
                Some(q) if q > 1 => format!(" × {q}"),
                _ => String::new(),
            },
            money(item["amount_total"].as_i64().unwrap_or_default(), currency)
        );
    }
    let _ = write!(
        body,
        "<tr class=\"total\"><th>Total</th><td class=\"num\">{total}</td></tr></table>"
    );
    let cancel = session["cancel_url"].as_str();
    match session["status"].as_str() {
        Some("complete") => {
            let back = session["success_url"].as_str().unwrap_or_default().replace(
                "{CHECKOUT_SESSION_ID}",
                session["id"].as_str().unwrap_or_default(),
            );
            let _ = write!(
                body,
                "<p role=\"status\">This payment is complete.</p><p><a href=\"{}\">Return to the store</a></p>",
                escape(&back)
            );
        }
        Some("expired") => {
            let _ = write!(body, "<p role=\"alert\">This checkout has expired.</p>");
            if let Some(cancel) = cancel {
                let _ = write!(
                    body,
                    "<p><a href=\"{}\">Return to the store</a></p>",
                    escape(cancel)
                );
            }
        }
        _ => card_form(&mut body, session, problem, form, &total),
    }
    let mut response = (status, Html(frame(&format!("Pay {total}"), &body))).into_response();
    let success_origin = session["success_url"].as_str().and_then(origin);
    secure(&mut response, success_origin);
    response
}

fn card_form(
    body: &mut String,
    session: &Value,
    problem: Option<&str>,
    form: &HashMap<String, String>,
    total: &str,
) {
    let kept = |name: &str| escape(form.get(name).map_or("", String::as_str));
    if let Some(problem) = problem {
        let _ = write!(
            body,
            "<p class=\"problem\" role=\"alert\">{}</p>",
            escape(problem)
        );
    }
    let _ = write!(body, "<form method=\"post\">");
    match session["customer_email"].as_str() {
        Some(email) => {
            let _ = write!(body, "<p>Receipt to <strong>{}</strong></p>", escape(email));
        }
        None => {
            let _ = write!(
                body,
                "<label>Email<input name=\"email\" type=\"email\" autocomplete=\"email\" required value=\"{}\"></label>",
                kept("email")
            );
        }
    }
    let _ = write!(
        body,
        "<label>Card number<input name=\"number\" inputmode=\"numeric\" autocomplete=\"cc-number\" \
         placeholder=\"4242 4242 4242 4242\" required value=\"{}\"></label>\
         <div class=\"row\"><label>Expiry<input name=\"expiry\" autocomplete=\"cc-exp\" \
         placeholder=\"MM / YY\" required value=\"{}\"></label>\
         <label>CVC<input name=\"cvc\" inputmode=\"numeric\" autocomplete=\"cc-csc\" \
         placeholder=\"123\" required></label></div>\
         <label>Name on card<input name=\"name\" autocomplete=\"cc-name\" value=\"{}\"></label>\
         <button type=\"submit\">Pay {total}</button></form>",
        kept("number"),
        kept("expiry"),
        kept("name"),
    );
    if let Some(cancel) = session["cancel_url"].as_str() {
        let _ = write!(
            body,
            "<p><a href=\"{}\">Cancel and return to the store</a></p>",
            escape(cancel)
        );
    }
    let _ = write!(
        body,
        "<details><summary>Test cards</summary><ul>\
         <li><code>4242 4242 4242 4242</code> succeeds</li>\
         <li><code>4000 0000 0000 0002</code> is declined</li>\
         <li><code>4000 0000 0000 9995</code> has insufficient funds</li>\
         <li><code>4000 0000 0000 0341</code> succeeds now, fails on later charges</li>\
         </ul><p>Any future expiry and any three digits as CVC.</p></details>"
    );
}

fn frame(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{} · Payment sandbox</title>\
         <style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1a1f36}\
main{max-width:26rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}\
h1{font-size:1.5rem;margin:.5rem 0 1rem}.badge{display:inline-block;background:#ffde92;color:#5c3b00;\
font-weight:600;font-size:.8rem;padding:.15rem .5rem;border-radius:4px;margin:0}\
table{width:100%;border-collapse:collapse;margin-bottom:1rem}td,th{padding:.3rem 0;text-align:left}\
.num{text-align:right}.total{border-top:1px solid #ddd}label{display:block;margin:.6rem 0;font-size:.9rem}\
input{display:block;width:100%;box-sizing:border-box;padding:.55rem;font:inherit;border:1px solid #c0c8d2;border-radius:6px}\
.row{display:flex;gap:.8rem}.row label{flex:1}button{width:100%;margin-top:.8rem;padding:.7rem;font:inherit;\
font-weight:600;color:#fff;background:#635bff;border:0;border-radius:6px;cursor:pointer}\
.problem{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:6px}details{margin-top:1rem;font-size:.9rem}";

/// The hosted page's own policy: its inline style, forms to itself and then
/// (by redirect) to the store.
fn secure(response: &mut Response, success_origin: Option<String>) {
    let form_action = match success_origin {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".into(),
    };
    let policy = format!(
        "default-src 'none'; style-src 'unsafe-inline'; form-action {form_action}; \
         base-uri 'none'; frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}"))
}

/// An amount in minor units as a buyer reads it (`$12.50`, `¥500`).
fn money(minor: i64, currency: &str) -> String {
    let code = currency.to_ascii_uppercase();
    let zero_decimal = matches!(
        code.as_str(),
        "BIF"
            | "CLP"
            | "DJF"
            | "GNF"
            | "JPY"
            | "KMF"
            | "KRW"
            | "MGA"
            | "PYG"
            | "RWF"
            | "UGX"
            | "VND"
            | "VUV"
            | "XAF"
            | "XOF"
            | "XPF"
    );
    let symbol = match code.as_str() {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        _ => "",
    };
    let sign = if minor < 0 { "-" } else { "" };
    let amount = if zero_decimal {
        minor.unsigned_abs().to_string()
    } else {
        format!(
            "{}.{:02}",
            minor.unsigned_abs() / 100,
            minor.unsigned_abs() % 100
        )
    };
    if symbol.is_empty() {
        format!("{sign}{amount} {code}")
    } else {
        format!("{sign}{symbol}{amount}")
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_buyers_read_them() {
        assert_eq!(money(1250, "usd"), "$12.50");
        assert_eq!(money(500, "jpy"), "¥500");
        assert_eq!(money(99, "chf"), "0.99 CHF");
    }

    #[test]
    fn the_policy_lets_the_form_redirect_to_the_store_only() {
        assert_eq!(
            origin("https://shop.example:8443/checkout/done?session={CHECKOUT_SESSION_ID}"),
            Some("https://shop.example:8443".into())
        );
        assert_eq!(escape("<a href=\"x\">"), "&lt;a href=&quot;x&quot;&gt;");
    }
}
