//! Pages for links sent by mail: ask for a sign-in link, use it; ask for a
//! password reset, use it; confirm an address. Opening a mailed link only
//! shows whose account it is for and a button: the token is spent by the POST
//! it sends, so link previews and mail scanners cannot use it, and nobody is
//! signed in to an account without seeing which.

use crate::components::head::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{RequestMagicLink, RequestPasswordReset, link_for};
use crate::auth::use_account_actions;
use crate::components::form_error::FormError;
use crate::error::AppError;
use crate::forms::typed;
use crate::views::MailedLink;

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

/// Whose account the link in the address bar is for, as a resource.
fn link_owner(link: MailedLink) -> crate::codec::Data<Result<String, AppError>> {
    let token = query("token");
    crate::codec::resource(
        move || token.get().unwrap_or_default(),
        move |token| link_for(token, link),
    )
}

/// The link's account ("a…@example.com") and `body`, or why the link no longer
/// works with a way to ask for another.
#[component]
fn ForLinkOwner(
    owner: crate::codec::Data<Result<String, AppError>>,
    again: &'static str,
    body: fn(String) -> AnyView,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Checking the link…"</p> }>
            {move || Suspend::new(async move {
                match owner.await {
                    Ok(email) => body(email),
                    Err(error) => view! {
                        <p class="form__error" role="alert">{error.to_string()}</p>
                        <p><A href=again>"Ask for a new link"</A></p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/account/magic?token=…`: says whose account the link signs in to, then
/// spends it.
#[component]
pub fn UseMagicLinkPage() -> impl IntoView {
    let owner = link_owner(MailedLink::SignIn);
    view! {
        <Title text="Sign in"/>
        <div class="container">
            <section class="panel">
                <h1>"Sign in to Downlink"</h1>
                <ForLinkOwner owner again="/account/magic-link" body=|email| view! { <UseMagicLink email/> }.into_any()/>
            </section>
        </div>
    }
}

#[component]
fn UseMagicLink(email: String) -> impl IntoView {
    let action = use_account_actions().sign_in_with_link;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let token = query("token");
    view! {
        <p>"This link signs you in as " <strong>{email.clone()}</strong> "."</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=move || token.get().unwrap_or_default()/>
            <FormError error/>
            <button class="button" type="submit">"Continue as " {email}</button>
        </ActionForm>
        <p>"Not you? Close this page; nothing happens."</p>
    }
}

/// `/account/confirm?token=…`: confirms an account's address.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let owner = link_owner(MailedLink::Confirm);
    view! {
        <Title text="Confirm your address"/>
        <div class="container">
            <section class="panel">
                <h1>"Confirm your address"</h1>
                <ForLinkOwner owner again="/account" body=|email| view! { <ConfirmEmail email/> }.into_any()/>
            </section>
        </div>
    }
}

#[component]
fn ConfirmEmail(email: String) -> impl IntoView {
    let action = use_account_actions().confirm_email;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let token = query("token");
    view! {
        <p>"Confirm that " <strong>{email.clone()}</strong> " is your address to buy and download with it."</p>
        <p class="form__hint">"If you did not open this account yourself, confirming it here makes it yours: any password someone else set is removed and their sessions end."</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=move || token.get().unwrap_or_default()/>
            <FormError error/>
            <button class="button" type="submit">"Confirm " {email}</button>
        </ActionForm>
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
    let owner = link_owner(MailedLink::Reset);
    view! {
        <Title text="Choose a new password"/>
        <div class="container">
            <section class="panel">
                <h1>"Choose a new password"</h1>
                <ForLinkOwner owner again="/account/forgot" body=|email| view! { <ResetPassword email/> }.into_any()/>
            </section>
        </div>
    }
}

#[component]
fn ResetPassword(email: String) -> impl IntoView {
    let action = use_account_actions().reset_password;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let token = query("token");
    view! {
        <p>"For " <strong>{email}</strong> ". Every device signed in to the account is signed out."</p>
        <ActionForm action=action attr:class="form">
            <input type="hidden" name="token" value=move || token.get().unwrap_or_default()/>
            <label for="password">"New password"</label>
            <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required/>
            <FormError error/>
            <button class="button" type="submit">"Save password and sign in"</button>
        </ActionForm>
    }
}
