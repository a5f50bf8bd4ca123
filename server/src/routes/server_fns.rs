//! The one place every server function's answer passes on its way out. A
//! refused call leaves Leptos as a 500 carrying the serialized `AppError`;
//! here it gets the status that error stands for (401, 403, 404, 409, 429 with
//! `Retry-After`…). A refused plain HTML form post (no JavaScript) goes back to
//! its page with a 303, and the error and what was typed (never passwords or
//! tokens) wait in the session for that page (`FormFlash`) instead of riding in
//! the URL, where a link could forge them.

use app::error::AppError;
use app::forms::FormFlash;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, Method, StatusCode, header};
use tower_sessions::Session;

/// Where server functions live.
const PREFIX: &str = "/api/";
/// Set by Leptos on the answer of a server function that returned an error.
const ERROR_HEADER: &str = "serverfnerror";
/// The most a form flash keeps of one field's value.
const MAX_FIELD_LEN: usize = 10_000;
/// The most fields a form flash keeps.
const MAX_FIELDS: usize = 64;

/// Middleware: answers refused server-function calls with their status, and
/// refused form posts with a one-time flash. Other requests pass untouched.
pub async fn answer_refusals(session: Session, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(PREFIX) {
        return next.run(request).await;
    }
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
    let response = next.run(request).await;
    if !response.headers().contains_key(ERROR_HEADER) {
        return response;
    }
    if form_post {
        back_to_form(session, response, typed).await
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

/// The posted fields worth giving back: not passwords or tokens, and bounded.
fn kept_fields(body: &Bytes) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .filter(|(name, _)| !FormFlash::is_secret(name))
        .filter(|(_, value)| value.len() <= MAX_FIELD_LEN)
        .take(MAX_FIELDS)
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

/// The form's page again (303), its error and typed fields in the session.
/// Leptos puts the error in the redirect's query (`__path`, `__err`); it is
/// moved from there into the flash, and the query is cleaned.
async fn back_to_form(
    session: Session,
    response: Response,
    fields: Vec<(String, String)>,
) -> Response {
    let (mut parts, _) = response.into_parts();
    let location = parts
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| url::Url::parse(v).ok());
    let Some(mut location) = location else {
        return Response::from_parts(parts, Body::empty());
    };
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
    location.set_query(None);
    if !query.is_empty() {
        location.query_pairs_mut().extend_pairs(query);
    }
    if let (Some(path), Some(error)) = (path, error) {
        let flash = FormFlash {
            path,
            error,
            fields,
        };
        if let Err(err) = session.insert(FormFlash::SESSION_KEY, flash).await {
            tracing::warn!(error = %err, "could not keep a refused form in the session");
        }
    }
    parts.status = StatusCode::SEE_OTHER;
    // Same site only: the page the form was on.
    let target = format!(
        "{}{}",
        location.path(),
        location
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default()
    );
    if let Ok(value) = HeaderValue::from_str(&target) {
        parts.headers.insert(header::LOCATION, value);
    }
    parts.headers.remove(ERROR_HEADER);
    Response::from_parts(parts, Body::empty())
}

/// Middleware for pages: moves a refused form's flash out of the session into
/// the request, for that page's render (`app::forms`), so it shows once.
pub async fn hand_flash_to_page(session: Session, mut request: Request, next: Next) -> Response {
    if request.method() == Method::GET
        && !request.uri().path().starts_with(PREFIX)
        && accepts_html(request.headers())
    {
        // Read first: removing marks the session changed (a write), which only
        // a page that has a flash should cost.
        match session.get::<FormFlash>(FormFlash::SESSION_KEY).await {
            Ok(Some(flash)) => {
                if let Err(err) = session.remove::<FormFlash>(FormFlash::SESSION_KEY).await {
                    tracing::warn!(error = %err, "could not clear a refused form's flash");
                }
                request.extensions_mut().insert(flash);
            }
            Ok(None) => {}
            Err(err) => tracing::warn!(error = %err, "could not read a refused form's flash"),
        }
    }
    next.run(request).await
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
