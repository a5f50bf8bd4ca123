//! `GET /admin/downloads.csv`: the delivery log as CSV, for the same filters
//! as `/admin/downloads` (admins only: 401 signed out, 403 for a customer).

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use domain::entities::user::Role;
use http::{StatusCode, header};
use serde::Deserialize;
use tower_sessions::Session;

use crate::startup::AppState;

/// The most rows one export holds.
const MAX_ROWS: u64 = 100_000;

#[derive(Deserialize)]
pub struct Filters {
    product: Option<String>,
    buyer: Option<String>,
    from: Option<String>,
    until: Option<String>,
}

/// Lets admins through: 401 signed out, 403 for a customer.
pub async fn admin_only(
    state: &AppState,
    session: &Session,
) -> Result<(), (StatusCode, &'static str)> {
    let user = match session.get::<uuid::Uuid>(domain::sessions::USER_KEY).await {
        Ok(Some(pid)) => state.app.accounts.by_pid(pid).await.ok().flatten(),
        _ => None,
    };
    match user {
        None => Err((StatusCode::UNAUTHORIZED, "Please sign in first.")),
        Some(user) if user.role != Role::Admin => {
            Err((StatusCode::FORBIDDEN, "You don't have access to that."))
        }
        Some(_) => Ok(()),
    }
}

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Query(filters): Query<Filters>,
) -> Response {
    if let Err(refused) = admin_only(&state, &session).await {
        return refused.into_response();
    }
    let filter = app::ssr::downloads::log_filter(
        state.app.dashboard.zone(),
        filters.product,
        filters.buyer,
        filters.from,
        filters.until,
    );
    match state.app.delivery.log(&filter, MAX_ROWS).await {
        Ok(rows) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"downloads.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            domain::delivery::log_csv(&rows),
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "downloads export");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The export failed; try again.",
            )
                .into_response()
        }
    }
}
