//! Stripe's error object: `{"error":{"type","code","message","param"}}` with
//! the HTTP status Stripe gives each kind.

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::{Value, json};

/// A refusal in Stripe's shape.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    code: Option<&'static str>,
    decline_code: Option<&'static str>,
    message: String,
    param: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            code: None,
            decline_code: None,
            message: message.into(),
            param: None,
        }
    }

    /// A parameter Stripe would not accept.
    pub fn invalid(param: &str, message: impl Into<String>) -> Self {
        Self::invalid_code(param, "parameter_invalid", message)
    }

    pub fn invalid_code(param: &str, code: &'static str, message: impl Into<String>) -> Self {
        let mut err = Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message);
        err.code = Some(code);
        err.param = Some(param.to_owned());
        err
    }

    /// A request that is well formed but not allowed in the object's state.
    pub fn state(code: &'static str, message: impl Into<String>) -> Self {
        let mut err = Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message);
        err.code = Some(code);
        err
    }

    pub fn missing(param: &str) -> Self {
        Self::invalid_code(
            param,
            "parameter_missing",
            format!("Missing required param: {param}."),
        )
    }

    /// `No such checkout.session: 'cs_…'`.
    pub fn no_such(object: &str, id: &str) -> Self {
        let mut err = Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            format!("No such {object}: '{id}'"),
        );
        err.code = Some("resource_missing");
        err.param = Some("id".into());
        err
    }

    pub fn unrecognized_url(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            format!(
                "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs \
                 or we can help at https://support.stripe.com/."
            ),
        )
    }

    pub fn no_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            "You did not provide an API key. You need to provide your API key in the \
             Authorization header, using Bearer auth (e.g. 'Authorization: Bearer \
             YOUR_SECRET_KEY').",
        )
    }

    /// A wrong key; like Stripe, only its last four characters are shown.
    pub fn wrong_key(given: &str) -> Self {
        let tail: String = given
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let mut err = Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_request_error",
            format!("Invalid API Key provided: sk_test_****{tail}"),
        );
        err.code = Some("api_key_invalid");
        err
    }

    pub fn idempotency_mismatch(key: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "idempotency_error",
            format!(
                "Keys for idempotent requests can only be used with the same parameters they \
                 were first used with. Try using a key other than '{key}' if you meant to \
                 execute a different request."
            ),
        )
    }

    /// A card the sandbox declines.
    pub fn card(code: &'static str, decline_code: Option<&'static str>, message: &str) -> Self {
        let mut err = Self::new(StatusCode::PAYMENT_REQUIRED, "card_error", message);
        err.code = Some(code);
        err.decline_code = decline_code;
        err
    }

    /// Something broke inside the sandbox; the detail goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "payment sandbox failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "An unknown error occurred in the payment sandbox.",
        )
    }

    pub fn code(&self) -> Option<&'static str> {
        self.code
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn body(&self) -> Value {
        let mut error = json!({"type": self.kind, "message": self.message});
        for (name, value) in [
            ("code", self.code),
            ("decline_code", self.decline_code),
            ("param", self.param.as_deref()),
        ] {
            if let Some(value) = value {
                error[name] = Value::from(value);
            }
        }
        json!({ "error": error })
    }
}

impl From<sea_orm::sqlx::Error> for ApiError {
    fn from(err: sea_orm::sqlx::Error) -> Self {
        Self::internal(err)
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        Self::internal(err)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}
