//! `/account/sign-in`.

use crate::components::head::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;

use crate::auth::use_account_actions;
use crate::components::form_error::FormError;
use crate::forms::typed;

/// Email and password sign-in. Works without JavaScript: the form posts to
/// `/api/sign_in`, which redirects to the account page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = use_account_actions().sign_in;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let query = leptos_router::hooks::use_query_map();
    let signed_out_everywhere =
        move || query.read().get("signed-out").as_deref() == Some("everywhere");
    view! {
        <Title text="Sign in"/>
        <div class="container">
            <section class="panel">
                <h1>"Sign in"</h1>
                {move || signed_out_everywhere().then(|| view! {
                    <p class="form__ok" role="status">"You were signed out on every device."</p>
                })}
                <ActionForm action=action attr:class="form">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required value=typed(<crate::api::SignIn as ServerFn>::PATH, "email")/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    <FormError error/>
                    <button class="button" type="submit">"Sign in"</button>
                </ActionForm>
                <p>
                    <A href="/account/magic-link">"Email me a sign-in link"</A>
                    " · "
                    <A href="/account/forgot">"Forgot your password?"</A>
                </p>
                <p>"New here? " <A href="/account/register">"Create an account"</A></p>
            </section>
        </div>
    }
}
