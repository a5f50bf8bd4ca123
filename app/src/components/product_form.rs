//! The product editor's form. Each problem the server finds is shown beside its
//! field, with or without JavaScript.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::SaveProduct;
use crate::error::AppError;
use crate::views::{Currency, ProductFormView, ProductKind};

/// Title, slug, text, price and terms of a product. A form refused without
/// JavaScript comes back with what was typed, not the stored values.
#[component]
pub fn ProductForm(initial: ProductFormView) -> impl IntoView {
    let typed = crate::forms::typed_in(<SaveProduct as ServerFn>::PATH);
    let initial = match typed {
        Some(fields) => initial.with_typed(|name| {
            fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value.clone())
        }),
        None => initial,
    };
    let action = ServerAction::<SaveProduct>::new();
    let problems = move || match action.value().get() {
        Some(Err(AppError::InvalidFields(fields))) => fields,
        _ => Vec::new(),
    };
    let other_error = move || match action.value().get() {
        Some(Err(AppError::InvalidFields(_))) | Some(Ok(_)) | None => None,
        Some(Err(error)) => Some(error.to_string()),
    };
    let message = move |field: &'static str| {
        move || {
            problems()
                .into_iter()
                .find(|problem| problem.field == field)
                .map(|problem| view! { <p class="form__error" id=format!("{field}-error")>{problem.message}</p> })
        }
    };
    let invalid = move |field: &'static str| {
        move || {
            problems()
                .iter()
                .any(|p| p.field == field)
                .then_some("true")
        }
    };
    let text = move |name: &'static str, label: &'static str, value: String, hint: &'static str| {
        view! {
            <label for=name>{label}</label>
            {(!hint.is_empty()).then(|| view! { <p class="form__hint">{hint}</p> })}
            <input id=name name=name type="text" value=value aria-invalid=invalid(name) aria-describedby=format!("{name}-error")/>
            {message(name)}
        }
    };
    view! {
        <ActionForm action=action attr:class="form panel product-form">
            <input type="hidden" name="product" value=initial.product/>
            {text("title", "Title", initial.title, "")}
            {text("slug", "Slug", initial.slug, "The address: /products/<slug>. Leave empty to make it from the title.")}
            {text("summary", "Summary", initial.summary, "One line for cards and link previews.")}
            <label for="description">"Description"</label>
            <p class="form__hint">"Markdown: **bold**, lists, [links](https://…)."</p>
            <textarea id="description" name="description" rows="8">{initial.description}</textarea>
            <label for="kind">"Kind"</label>
            <select id="kind" name="kind" aria-invalid=invalid("kind")>
                <option value=ProductKind::Download.as_str() selected=initial.kind == ProductKind::Download>"Download"</option>
                <option value=ProductKind::Membership.as_str() selected=initial.kind == ProductKind::Membership>"Membership"</option>
            </select>
            {message("kind")}
            {text("price", "Price", initial.price, "In the currency below, e.g. 12.50.")}
            <label for="currency">"Currency"</label>
            <select id="currency" name="currency" aria-invalid=invalid("currency")>
                {Currency::all().map(|currency| view! {
                    <option value=currency.code() selected=currency == initial.currency>{currency.code()}</option>
                }).collect_view()}
            </select>
            {message("currency")}
            {text("pay_what_you_want_minimum", "Pay what you want: minimum", initial.pay_what_you_want_minimum, "Leave empty for a fixed price.")}
            {text("download_limit", "Downloads per file", initial.download_limit, "Leave empty for unlimited.")}
            {text("access_days", "Access days", initial.access_days, "Leave empty for lifetime access.")}
            {text("tags", "Tags", initial.tags, "Separated by commas, e.g. audio, ambient.")}
            <fieldset class="form__group">
                <legend>"License keys"</legend>
                <label class="form__check">
                    <input type="checkbox" name="license_keys" checked=initial.license_keys/>
                    " Issue a license key with each purchase"
                </label>
                {text("license_activations", "Activations per key", initial.license_activations, "How many devices one key may be activated on. Leave empty for unlimited.")}
            </fieldset>
            {move || other_error().map(|error| view! { <p class="form__error" role="alert">{error}</p> })}
            {move || (!problems().is_empty()).then(|| view! { <p class="form__error" role="alert">"Some fields need attention."</p> })}
            <button class="button" type="submit">"Save"</button>
        </ActionForm>
    }
}
