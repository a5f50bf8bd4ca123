//! `/healthz` (the process is alive) and `/readyz` (it can serve: the database
//! and object storage answer).

use axum::Json;
use axum::extract::State;
use http::StatusCode;
use serde::Serialize;

use crate::startup::AppState;

/// Liveness: answering at all is the check.
pub async fn healthz() -> &'static str {
    "ok"
}

/// What `/readyz` reports.
#[derive(Serialize)]
pub struct Readiness {
    status: &'static str,
    database: &'static str,
    storage: &'static str,
}

/// Readiness: 200 when the database and S3 both answer, else 503 naming the
/// part that does not (details go to the log, not the response).
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let (db, storage) = tokio::join!(domain::db::ping(&state.db), state.storage.ping());
    let verdict = |ok: bool| if ok { "ok" } else { "unavailable" };
    if let Err(err) = &db {
        tracing::warn!(error = %err, "readiness: database unavailable");
    }
    if let Err(err) = &storage {
        tracing::warn!(error = %err, "readiness: storage unavailable");
    }
    let ready = db.is_ok() && storage.is_ok();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Readiness {
            status: if ready { "ready" } else { "unavailable" },
            database: verdict(db.is_ok()),
            storage: verdict(storage.is_ok()),
        }),
    )
}
