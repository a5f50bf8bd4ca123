//! The page for any URL the store does not have.

use crate::components::head::Title;
use leptos::prelude::*;

/// "Not found", with HTTP status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_page_status(404);
    view! {
        <Title text="Page not found"/>
        <section class="notice">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p><a href="/">"Browse the catalog"</a></p>
        </section>
    }
}
