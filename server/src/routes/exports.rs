//! `GET /admin/exports/{orders,customers,deliveries}.csv?from=&until=`: a
//! period's rows as CSV (days in the store's time zone, both included; no
//! day, no bound), streamed from the database as the client reads them.
//! Admins only: 401 signed out, 403 for a customer.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use domain::exports::{Export, export};
use http::{StatusCode, header};
use serde::Deserialize;
use tower_sessions::Session;

use crate::startup::AppState;

#[derive(Deserialize)]
pub struct Days {
    from: Option<String>,
    until: Option<String>,
}

pub async fn csv(
    State(state): State<AppState>,
    session: Session,
    Path(file): Path<String>,
    Query(days): Query<Days>,
) -> Response {
    if let Err(refused) = super::downloads_csv::admin_only(&state, &session).await {
        return refused.into_response();
    }
    let Some(what) = file.strip_suffix(".csv").and_then(Export::named) else {
        return (StatusCode::NOT_FOUND, "There is no such export.").into_response();
    };
    let day = |text: Option<String>| match text.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some(text) => text.parse::<chrono::NaiveDate>().ok().map(Some),
    };
    let (Some(first), Some(last)) = (day(days.from), day(days.until)) else {
        return (StatusCode::BAD_REQUEST, "Give days as YYYY-MM-DD.").into_response();
    };
    let (from, until) = state.app.dashboard.between_days(first, last);
    let mut chunks = export(state.db.clone(), what, from, until);
    // A channel's end answers `None` however often it is asked once it is
    // done, as a body (and the compressor around it) may ask again.
    let body = futures_util::stream::poll_fn(move |cx| {
        chunks
            .poll_recv(cx)
            .map(|chunk| chunk.map(|chunk| chunk.map_err(std::io::Error::other)))
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(body),
    )
        .into_response()
}
