//! The site header: the store's name and its main navigation.

use leptos::prelude::*;
use leptos_router::components::A;

/// The bar at the top of every page.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="container site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true">"↓"</span>
                    "Downlink"
                </A>
                <nav aria-label="Main">
                    <ul class="nav">
                        <li><A href="/">"Catalog"</A></li>
                    </ul>
                </nav>
            </div>
        </header>
    }
}
