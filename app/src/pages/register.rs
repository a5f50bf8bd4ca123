//! `/account/register`.

use crate::components::head::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

use crate::auth::use_account_actions;
use crate::components::form_error::FormError;
use crate::forms::typed;

/// Opens a customer account and signs it in.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = use_account_actions().register;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <Title text="Create an account"/>
        <div class="container">
            <section class="panel">
                <h1>"Create an account"</h1>
                <ActionForm action=action attr:class="form">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required value=typed(<crate::api::Register as ServerFn>::PATH, "email")/>
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="new-password"
                        minlength="10"
                        aria-describedby="password-hint"
                        required
                    />
                    <p id="password-hint" class="form__hint">"At least 10 characters."</p>
                    <FormError error/>
                    <button class="button" type="submit">"Create account"</button>
                </ActionForm>
                <p>"Already have an account? " <A href="/account/sign-in">"Sign in"</A></p>
            </section>
        </div>
    }
}
