//! The one place every server function's answer passes on its way out. A
//! refused call leaves Leptos as a 500 carrying the serialized `AppError`;
//! here it gets the status that error stands for (401, 403, 404, 409, 429 with
//! `Retry-After`…). A refused plain HTML form post (no JavaScript) goes back to
//! its page with a 303, and the error and what was typed (never passwords or
//! tokens) ride along in a short-lived cookie signed with the store's own key
//! (`FormFlash`), read once by that page — never in the URL, where a link
//! could forge them, and never in the database, which strangers could fill.

mod flash;

use app::error::AppError;
use app::forms::FormFlash;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, Method, StatusCode, header};

pub use flash::FlashKey;

use super::client::Https;
use flash::{COOKIE, FLASH_LIFETIME_SECS, MAX_FLASH_LEN, cookie_value, flash_cookie};

/// Where server functions live.
const PREFIX: &str = "/api/";
/// Set by Leptos on the answer of a server function that returned an error.
const ERROR_HEADER: &str = "serverfnerror";

/// Middleware: server-function calls get their refusals answered
/// ([`answer_refusals`]), pages their flash ([`hand_flash_to_page`]); other
/// requests pass untouched.
pub async fn refusals_and_flashes(
    State(key): State<FlashKey>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with(PREFIX) {
        answer_refusals(&key, request, next).await
    } else if request.method() == Method::GET {
        hand_flash_to_page(&key, request, next).await
    } else {
        next.run(request).await
    }
}

/// A server-function call: answered with its refusal's status when refused,
/// and a refused form post with a one-time flash.
async fn answer_refusals(key: &FlashKey, request: Request, next: Next) -> Response {
    let form_post = request.method() == Method::POST && accepts_html(request.headers());
    let (request, typed) = if form_post {
        let (parts, body) = request.into_parts();
        // Bodies are bounded by the body-limit layer outside this one.
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let typed = kept_fields(&bytes);
        (Request::from_parts(parts, Body::from(bytes)), typed)
    } else {
        (request, Vec::new())
    };
    let https = request.extensions().get::<Https>().is_some_and(|h| h.0);
    let response = next.run(request).await;
    if !response.headers().contains_key(ERROR_HEADER) {
        return response;
    }
    if form_post {
        back_to_form(key, https, response, typed)
    } else {
        with_error_status(response).await
    }
}

fn accepts_html(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// The posted fields worth giving back: not passwords or tokens.
fn kept_fields(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .filter(|(name, _)| !FormFlash::is_secret(name))
        .filter(|(_, value)| value.len() <= MAX_FLASH_LEN)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// A JSON error answer with the status its `AppError` stands for.
async fn with_error_status(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(parts.status);
        if let AppError::TooManyRequests { retry_after_secs } = error {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The form's page again (303), its error and typed fields in the flash
/// cookie. Leptos puts the error in the redirect's query (`__path`, `__err`);
/// it is moved from there into the flash, and the query is cleaned.
fn back_to_form(
    key: &FlashKey,
    https: bool,
    response: Response,
    fields: Vec<(String, String)>,
) -> Response {
    let (mut parts, _) = response.into_parts();
    // The Location is the form's page (the Referer), or "/" without one.
    let base = url::Url::parse("http://store.invalid/").expect("a valid base URL");
    let location = parts
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| base.join(v).ok())
        .unwrap_or(base);
    let (mut path, mut error) = (None, None);
    let query: Vec<(String, String)> = location
        .query_pairs()
        .filter_map(|(name, value)| match name.as_ref() {
            "__path" => {
                path = Some(value.into_owned());
                None
            }
            "__err" => {
                error = Some(value.into_owned());
                None
            }
            _ => Some((name.into_owned(), value.into_owned())),
        })
        .collect();
    if let (Some(path), Some(error)) = (path, error) {
        let flash = FormFlash {
            path,
            error,
            fields,
            message: String::new(),
        };
        let sealed = key.seal(flash, chrono::Utc::now().timestamp());
        if let Some(cookie) =
            sealed.and_then(|value| flash_cookie(&value, FLASH_LIFETIME_SECS, https))
        {
            parts.headers.append(header::SET_COOKIE, cookie);
        }
    }
    parts.status = StatusCode::SEE_OTHER;
    // Same site only: the path and query of the page the form was on.
    if let Ok(value) = HeaderValue::from_str(&path_and_query(location.path(), &query)) {
        parts.headers.insert(header::LOCATION, value);
    }
    parts.headers.remove(ERROR_HEADER);
    Response::from_parts(parts, Body::empty())
}

fn path_and_query(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    format!("{path}?{query}")
}

/// A page (a GET outside `/api/`): a refused form's flash cookie is checked
/// and handed to that page's render (`app::forms`) once, then cleared. A page
/// address carrying Leptos's own error parameters (`__err`, `__path`: only a
/// crafted link has them now) is sent to the same page without them, so
/// nothing in an address is ever shown as the store's message.
async fn hand_flash_to_page(key: &FlashKey, mut request: Request, next: Next) -> Response {
    let query: Vec<(String, String)> = request
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    if query
        .iter()
        .any(|(name, _)| name == "__err" || name == "__path")
    {
        let clean: Vec<(String, String)> = query
            .into_iter()
            .filter(|(name, _)| name != "__err" && name != "__path")
            .collect();
        let target = path_and_query(request.uri().path(), &clean);
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SEE_OTHER;
        if let Ok(value) = HeaderValue::from_str(&target) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        return response;
    }
    let sealed = cookie_value(request.headers(), COOKIE).map(str::to_owned);
    let https = request.extensions().get::<Https>().is_some_and(|h| h.0);
    if let Some(flash) = sealed
        .as_deref()
        .and_then(|value| key.open(value, chrono::Utc::now().timestamp()))
    {
        request.extensions_mut().insert(flash);
    }
    let mut response = next.run(request).await;
    if sealed.is_some()
        && let Some(clear) = flash_cookie("", 0, https)
    {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens_are_never_kept() {
        let body = Bytes::from_static(
            b"email=ada%40example.com&password=hunter2hunter2&token=abc&current_password=x&title=Tides",
        );
        assert_eq!(
            kept_fields(&body),
            [
                ("email".to_owned(), "ada@example.com".to_owned()),
                ("title".to_owned(), "Tides".to_owned())
            ]
        );
    }
}
