//! The one error type that crosses the wire between server functions and the
//! browser. Internal causes are logged on the server with the request id; only
//! the id reaches the client.

use leptos::server_fn::codec::JsonEncoding;
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
    #[error("{0}")]
    Conflict(String),
    /// Details are in the server log under `request_id`.
    #[error("Something went wrong on our side (request {request_id}).")]
    Internal { request_id: String },
    /// The request did not reach the server or its answer could not be read.
    #[error("The store could not be reached. Check your connection and try again.")]
    Network,
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::Validation(_) => 400,
            Self::Conflict(_) => 409,
            Self::Internal { .. } | Self::Network => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

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
