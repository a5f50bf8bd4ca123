//! Pages for links sent by mail: ask for a sign-in link, use it; ask for a
//! password reset, use it. Opening a mailed link only shows a button: the token
//! is spent by the POST it sends, so link previews and mail scanners cannot use it.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{RequestMagicLink, RequestPasswordReset};
use crate::auth::use_auth;
use crate::components::form_error::FormError;
use crate::forms::typed;

fn query(name: &'static str) -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get(name))
}

/// `/account/magic-link`: mails a one-time sign-in link.
#[component]
pub fn MagicLinkPage() -> impl IntoView {
    let action = ServerAction::<RequestMagicLink>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = query("sent");
    view! {
        <Title text="Sign in by email"/>
        <div class="container">
            <section class="panel">
                <h1>"Sign in by email"</h1>
                <Show
                    when=move || sent.get().is_some()
                    fallback=move || view! {
                        <p>"We'll mail you a link that signs you in once. Bought as a guest? Use the address from your receipt."</p>
                        <ActionForm action=action attr:class="form">
                            <label for="email">"Email"</label>
                            <input id="email" name="email" type="email" autocomplete="email" required value=typed(<RequestMagicLink as ServerFn>::PATH, "email")/>
                            <FormError error/>
                            <button class="button" type="submit">"Email me a link"</button>
                        </ActionForm>
                    }
                >
                    <p role="status">"Check your inbox: if the address is right, a sign-in link is on its way. It works once, for 15 minutes."</p>
                </Show>
                <p><A href="/account/sign-in">"Sign in with a password"</A></p>
            </section>
        </div>
    }
}

/// `/account/magic?token=…`: spends a sign-in link.
#[component]
pub fn UseMagicLinkPage() -> impl IntoView {
    let action = use_auth().sign_in_with_link;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let token = query("token");
    view! {
        <Title text="Sign in"/>
        <div class="container">
            <section class="panel">
                <h1>"Sign in to Downlink"</h1>
                <ActionForm action=action attr:class="form">
                    <input type="hidden" name="token" value=move || token.get().unwrap_or_default()/>
                    <FormError error/>
                    <button class="button" type="submit">"Sign in"</button>
                </ActionForm>
                <p><A href="/account/magic-link">"Ask for a new link"</A></p>
            </section>
        </div>
    }
}

/// `/account/forgot`: mails a password-reset link.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = query("sent");
    view! {
        <Title text="Reset your password"/>
        <div class="container">
            <section class="panel">
                <h1>"Reset your password"</h1>
                <Show
                    when=move || sent.get().is_some()
                    fallback=move || view! {
                        <ActionForm action=action attr:class="form">
                            <label for="email">"Email"</label>
                            <input id="email" name="email" type="email" autocomplete="email" required value=typed(<RequestPasswordReset as ServerFn>::PATH, "email")/>
                            <FormError error/>
                            <button class="button" type="submit">"Email me a reset link"</button>
                        </ActionForm>
                    }
                >
                    <p role="status">"Check your inbox: if an account uses that address, a reset link is on its way. It works once, for 1 hour."</p>
                </Show>
            </section>
        </div>
    }
}

/// `/account/reset?token=…`: sets a new password with a reset link.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let action = use_auth().reset_password;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let token = query("token");
    view! {
        <Title text="Choose a new password"/>
        <div class="container">
            <section class="panel">
                <h1>"Choose a new password"</h1>
                <ActionForm action=action attr:class="form">
                    <input type="hidden" name="token" value=move || token.get().unwrap_or_default()/>
                    <label for="password">"New password"</label>
                    <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required/>
                    <FormError error/>
                    <button class="button" type="submit">"Save password and sign in"</button>
                </ActionForm>
            </section>
        </div>
    }
}
