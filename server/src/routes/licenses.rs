//! The public license API for the apps buyers run: `POST /api/v1/licenses/
//! activate`, `validate` and `deactivate`, JSON in and out, rate limited per
//! address, open to other sites' apps (CORS; no cookies are read), described
//! by an OpenAPI 3.1 document derived from these types at
//! `/api/v1/openapi.json`. Errors are `{"error":{"code","message"}}`.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::licenses::LicenseError;
use http::{Method, StatusCode, header};
use serde::{Deserialize, Serialize};
use tower_http::cors::{Any, CorsLayer};
use utoipa::{OpenApi, ToSchema};

use crate::startup::AppState;

/// The routes, with CORS for any origin.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/licenses/activate", post(activate))
        .route("/api/v1/licenses/validate", post(validate))
        .route("/api/v1/licenses/deactivate", post(deactivate))
        .route("/api/v1/openapi.json", get(openapi))
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE]),
        )
}

/// Activates a key on an app instance.
#[derive(Deserialize, ToSchema)]
pub struct ActivateRequest {
    /// The license key as the buyer typed it (any case; dashes optional).
    key: String,
    /// A name for the instance (a machine name). Activating the same name
    /// again answers the same instance.
    instance_name: String,
    /// The product's slug, to check the key is for this app.
    #[serde(default)]
    product: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ActivateResponse {
    /// Keep it: validating and deactivating name it.
    instance_id: String,
    activations_used: u64,
    /// None when unlimited.
    activations_limit: Option<i32>,
}

/// Checks a key, and with `instance_id` that it is activated there.
#[derive(Deserialize, ToSchema)]
pub struct ValidateRequest {
    key: String,
    #[serde(default)]
    instance_id: Option<String>,
    #[serde(default)]
    product: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ValidateResponse {
    valid: bool,
    /// The product's slug.
    product: String,
    /// RFC 3339; none when the license does not expire.
    expires: Option<String>,
    activations_used: u64,
    activations_limit: Option<i32>,
}

/// Frees an instance's activation.
#[derive(Deserialize, ToSchema)]
pub struct DeactivateRequest {
    key: String,
    instance_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeactivateResponse {
    deactivated: bool,
    activations_used: u64,
}

/// Every error: `code` is one of `invalid`, `revoked`, `expired`,
/// `limit_reached`, `product_mismatch`, `not_activated`, `rate_limited`,
/// `bad_request`, `internal`.
#[derive(Serialize, ToSchema)]
pub struct ErrorResponse {
    error: ErrorBody,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    code: String,
    message: String,
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = ErrorResponse {
        error: ErrorBody {
            code: code.to_owned(),
            message: message.to_owned(),
        },
    };
    (status, Json(body)).into_response()
}

fn refused(err: &LicenseError) -> Response {
    let status = match err {
        LicenseError::Invalid | LicenseError::NoInstanceName => StatusCode::BAD_REQUEST,
        LicenseError::Revoked | LicenseError::Expired(_) => StatusCode::FORBIDDEN,
        LicenseError::LimitReached(_) => StatusCode::CONFLICT,
        LicenseError::ProductMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        LicenseError::NotActivated => StatusCode::NOT_FOUND,
        LicenseError::Db(cause) => {
            tracing::error!(error = %cause, "license API");
            return refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side; try again.",
            );
        }
    };
    refusal(status, err.code(), &err.to_string())
}

/// The client's address (from the client layer).
type Client = Option<axum::Extension<app::ssr::ClientIp>>;

/// The body, or the API's error for a malformed one; and the rate limit.
fn admit<T>(
    state: &AppState,
    client: Client,
    body: Result<Json<T>, JsonRejection>,
) -> Result<T, Box<Response>> {
    let ip = client.map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |c| {
        c.0.0
    });
    if let Err(wait) = state
        .app
        .limiter
        .check(domain::rate_limit::Guarded::LicenseApi, ip, None)
    {
        let mut response = refusal(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests from this address; wait and try again.",
        );
        if let Ok(value) = http::HeaderValue::from_str(&wait.num_seconds().max(1).to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return Err(Box::new(response));
    }
    body.map(|Json(body)| body).map_err(|rejection| {
        Box::new(refusal(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &rejection.body_text(),
        ))
    })
}

#[utoipa::path(post, path = "/api/v1/licenses/activate", request_body = ActivateRequest,
    responses(
        (status = 200, body = ActivateResponse, description = "Activated (or activated already under this name)"),
        (status = 400, body = ErrorResponse, description = "invalid, bad_request"),
        (status = 403, body = ErrorResponse, description = "revoked, expired"),
        (status = 409, body = ErrorResponse, description = "limit_reached"),
        (status = 422, body = ErrorResponse, description = "product_mismatch"),
        (status = 429, body = ErrorResponse, description = "rate_limited"),
    ))]
async fn activate(
    State(state): State<AppState>,
    client: Client,
    body: Result<Json<ActivateRequest>, JsonRejection>,
) -> Response {
    let body = match admit(&state, client, body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let done = state
        .licenses
        .activate(&body.key, &body.instance_name, body.product.as_deref())
        .await;
    respond(done.map(|done| ActivateResponse {
        instance_id: done.instance,
        activations_used: done.used,
        activations_limit: done.limit,
    }))
}

#[utoipa::path(post, path = "/api/v1/licenses/validate", request_body = ValidateRequest,
    responses(
        (status = 200, body = ValidateResponse, description = "The key is good"),
        (status = 400, body = ErrorResponse, description = "invalid, bad_request"),
        (status = 403, body = ErrorResponse, description = "revoked, expired"),
        (status = 404, body = ErrorResponse, description = "not_activated"),
        (status = 422, body = ErrorResponse, description = "product_mismatch"),
        (status = 429, body = ErrorResponse, description = "rate_limited"),
    ))]
async fn validate(
    State(state): State<AppState>,
    client: Client,
    body: Result<Json<ValidateRequest>, JsonRejection>,
) -> Response {
    let body = match admit(&state, client, body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let (instance, product) = (body.instance_id.as_deref(), body.product.as_deref());
    let valid = state.licenses.validate(&body.key, instance, product).await;
    respond(valid.map(|valid| ValidateResponse {
        valid: true,
        product: valid.product,
        expires: valid.expires.map(|at| at.to_rfc3339()),
        activations_used: valid.used,
        activations_limit: valid.limit,
    }))
}

#[utoipa::path(post, path = "/api/v1/licenses/deactivate", request_body = DeactivateRequest,
    responses(
        (status = 200, body = DeactivateResponse, description = "Deactivated"),
        (status = 400, body = ErrorResponse, description = "invalid, bad_request"),
        (status = 404, body = ErrorResponse, description = "not_activated"),
        (status = 429, body = ErrorResponse, description = "rate_limited"),
    ))]
async fn deactivate(
    State(state): State<AppState>,
    client: Client,
    body: Result<Json<DeactivateRequest>, JsonRejection>,
) -> Response {
    let body = match admit(&state, client, body) {
        Ok(body) => body,
        Err(response) => return *response,
    };
    let used = state
        .licenses
        .deactivate(&body.key, &body.instance_id)
        .await;
    respond(used.map(|used| DeactivateResponse {
        deactivated: true,
        activations_used: used,
    }))
}

/// The answer, or the error in the API's shape.
fn respond<T: Serialize>(result: Result<T, LicenseError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(err) => refused(&err),
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Downlink license API",
        version = "1",
        description = "Activate, validate and deactivate the license keys buyers get with software."
    ),
    paths(activate, validate, deactivate),
    components(schemas(
        ActivateRequest,
        ActivateResponse,
        ValidateRequest,
        ValidateResponse,
        DeactivateRequest,
        DeactivateResponse,
        ErrorResponse,
        ErrorBody
    ))
)]
struct LicenseApi;

/// `GET /api/v1/openapi.json`.
async fn openapi() -> Response {
    match LicenseApi::openapi().to_pretty_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "OpenAPI document");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
