//! How a failed load looks on a page.

use leptos::prelude::*;

use crate::error::AppError;

/// A friendly message for `error`, with the request id when the server had one.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_page_status(error.status());
    view! {
        <section class="notice notice--error" role="alert">
            <h1>"Sorry, that didn't work"</h1>
            <p>{error.to_string()}</p>
            <p><a href="/">"Back to the catalog"</a></p>
        </section>
    }
}
