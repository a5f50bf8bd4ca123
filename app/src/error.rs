//! The one error type that crosses the wire between server functions and the
//! browser. Internal causes are logged on the server with the request id; only
//! the id reaches the client.

use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, in words a shopper can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("We couldn't find that.")]
    NotFound,
    #[error("Please sign in first.")]
    Unauthorized,
    #[error("You don't have access to that.")]
    Forbidden,
    #[error("{0}")]
    Validation(String),
    /// Form fields to fix, each with its message (shown beside the field).
    #[error("Some fields need attention.")]
    InvalidFields(Vec<crate::views::FieldErrorView>),
    #[error("{0}")]
    Conflict(String),
    /// Details are in the server log under `request_id`.
    #[error("Something went wrong on our side (request {request_id}).")]
    Internal { request_id: String },
    /// Too many attempts; the client may try again after this many seconds.
    #[error("Too many attempts. Please wait {} and try again.", wait_words(*retry_after_secs))]
    TooManyRequests { retry_after_secs: u64 },
    /// The request did not reach the server or its answer could not be read.
    #[error("The store could not be reached. Check your connection and try again.")]
    Network,
    /// A service the store depends on (the payment provider) is not answering.
    #[error("{0}")]
    Unavailable(String),
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::Validation(_) | Self::InvalidFields(_) => 400,
            Self::Conflict(_) => 409,
            Self::TooManyRequests { .. } => 429,
            Self::Internal { .. } | Self::Network => 500,
            Self::Unavailable(_) => 503,
        }
    }
}

/// "1 minute", "15 minutes", "30 seconds".
fn wait_words(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} seconds"),
        60..=119 => "1 minute".to_owned(),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

impl FromServerFnError for AppError {
    type Encoder = crate::codec::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) => Self::Validation(message),
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Network,
            other => {
                #[cfg(feature = "ssr")]
                return crate::ssr::internal(other);
                #[cfg(not(feature = "ssr"))]
                {
                    let _ = other;
                    Self::Network
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_errors_say_how_long_to_wait() {
        let error = |secs| {
            AppError::TooManyRequests {
                retry_after_secs: secs,
            }
            .to_string()
        };
        assert_eq!(
            error(30),
            "Too many attempts. Please wait 30 seconds and try again."
        );
        assert_eq!(
            error(61),
            "Too many attempts. Please wait 1 minute and try again."
        );
        assert_eq!(
            error(899),
            "Too many attempts. Please wait 15 minutes and try again."
        );
    }
}
