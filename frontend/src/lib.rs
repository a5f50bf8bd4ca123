//! The browser entry point: hydrates the page the server rendered. Nothing else
//! belongs here; the store itself lives in `app`.

#![recursion_limit = "256"]

/// Called by Leptos's hydration script once the bundle has loaded.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
