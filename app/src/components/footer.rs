//! The site footer.

use leptos::prelude::*;

/// The bar at the bottom of every page.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <div class="container">
                <p>"Downlink — digital goods, delivered instantly. Files are DRM-free."</p>
            </div>
        </footer>
    }
}
