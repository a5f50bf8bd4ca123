//! The error line under a form, from its action's last result.

use leptos::prelude::*;

use crate::error::AppError;

/// Shows why the last submission failed, if it did.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|error| {
            view! { <p class="form__error" role="alert">{error.to_string()}</p> }
        })
    }
}
