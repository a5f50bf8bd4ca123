//! How a failed load looks on a page.

use leptos::prelude::*;

use crate::error::AppError;

/// A friendly message for `error`, with the request id when the server had one.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(match &error {
        AppError::NotFound => http::StatusCode::NOT_FOUND,
        AppError::Unauthorized => http::StatusCode::UNAUTHORIZED,
        AppError::Forbidden => http::StatusCode::FORBIDDEN,
        AppError::Validation(_) => http::StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => http::StatusCode::CONFLICT,
        AppError::Internal { .. } | AppError::Network => http::StatusCode::INTERNAL_SERVER_ERROR,
    });
    view! {
        <section class="notice notice--error" role="alert">
            <h1>"Sorry, that didn't work"</h1>
            <p>{error.to_string()}</p>
            <p><a href="/">"Back to the catalog"</a></p>
        </section>
    }
}
