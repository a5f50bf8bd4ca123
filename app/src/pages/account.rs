//! `/account`: who is signed in, confirming the address, changing the password,
//! the devices signed in, signing out (here or everywhere).

use crate::components::head::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{ChangePassword, ResendConfirmation, SignOutEverywhere, devices};
use crate::auth::{use_account_actions, use_auth};
use crate::components::error_notice::ErrorNotice;
use crate::components::form_error::FormError;
use crate::views::UserView;

/// The signed-in user's page; anyone else is asked to sign in.
#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Title text="Your account"/>
        <div class="container">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match auth.user.await {
                        Ok(Some(user)) => view! { <AccountDetails user/> }.into_any(),
                        Ok(None) => view! {
                            <section class="panel">
                                <h1>"Your account"</h1>
                                <p>"You're not signed in."</p>
                                <p><A href="/account/sign-in">"Sign in"</A> " or " <A href="/account/register">"create an account"</A></p>
                            </section>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// A line of news from the address bar after a form without JavaScript
/// redirected here (`?password=changed`, `?confirmed=1`,
/// `?confirmation=sent`).
fn news() -> Option<&'static str> {
    let query = use_query_map();
    let has =
        |name: &str, value: &str| query.with_untracked(|q| q.get(name).as_deref() == Some(value));
    if has("password", "changed") {
        Some("Your password was changed. Every other device was signed out.")
    } else if has("confirmed", "1") {
        Some("Your address is confirmed.")
    } else if has("confirmation", "sent") {
        Some("A new confirmation link is on its way.")
    } else {
        None
    }
}

#[component]
fn AccountDetails(user: UserView) -> impl IntoView {
    let sign_out = use_account_actions().sign_out;
    let change = ServerAction::<ChangePassword>::new();
    let resend = ServerAction::<ResendConfirmation>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let resend_error = Signal::derive(move || resend.value().get().and_then(Result::err));
    let changed = move || matches!(change.value().get(), Some(Ok(())));
    let resent = move || matches!(resend.value().get(), Some(Ok(())));
    view! {
        {news().map(|news| view! { <p class="notice notice--ok" role="status">{news}</p> })}
        <section class="panel">
            <h1>"Your account"</h1>
            <p>"Signed in as " <strong class="account__email">{user.email.clone()}</strong></p>
            {user.is_admin.then(|| view! { <p><a href="/admin" rel="external">"Go to the admin area"</a></p> })}
            <ActionForm action=sign_out>
                <button class="button button--secondary" type="submit">"Sign out"</button>
            </ActionForm>
        </section>
        {(!user.verified).then(|| view! {
            <section class="panel panel--attention" aria-labelledby="confirm-heading">
                <h2 id="confirm-heading">"Confirm your address"</h2>
                <p>"We mailed a link to " <strong>{user.email.clone()}</strong> ". Follow it to buy and download with this account."</p>
                <ActionForm action=resend attr:class="form">
                    <FormError error=resend_error/>
                    {move || resent().then(|| view! { <p class="form__ok" role="status">"A new confirmation link is on its way."</p> })}
                    <button class="button button--secondary" type="submit">"Send the link again"</button>
                </ActionForm>
            </section>
        })}
        <section class="panel">
            <h2>{if user.has_password { "Change password" } else { "Set a password" }}</h2>
            {(!user.has_password).then(|| view! {
                <p>"You signed in by email. Set a password to sign in with it next time."</p>
            })}
            <ActionForm action=change attr:class="form">
                // For password managers: whose password this is (not sent).
                <input type="email" autocomplete="username" value=user.email.clone() readonly hidden/>
                {if user.has_password {
                    view! {
                        <label for="current">"Current password"</label>
                        <input id="current" name="current_password" type="password" autocomplete="current-password" required/>
                    }.into_any()
                } else {
                    view! { <input type="hidden" name="current_password" value=""/> }.into_any()
                }}
                <label for="new">"New password"</label>
                <input id="new" name="new_password" type="password" autocomplete="new-password" minlength="10" required/>
                <p class="form__hint">"Changing it signs out every other device."</p>
                <FormError error/>
                {move || changed().then(|| view! { <p class="form__ok" role="status">"Your password was changed. Every other device was signed out."</p> })}
                <button class="button" type="submit">"Save password"</button>
            </ActionForm>
        </section>
        <Devices/>
    }
}

/// The devices signed in to the account, with "sign out everywhere".
#[component]
fn Devices() -> impl IntoView {
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let devices = crate::codec::resource(|| (), |()| devices());
    view! {
        <section class="panel" aria-labelledby="devices-heading">
            <h2 id="devices-heading">"Signed-in devices"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match devices.await {
                        Ok(devices) => view! {
                            <ul class="devices">
                                {devices.into_iter().map(|device| view! {
                                    <li class="devices__item">
                                        <strong>{device.device}</strong>
                                        {device.current.then(|| view! { <span class="devices__current">" (this device)"</span> })}
                                        <br/>
                                        <small>"Signed in " {device.signed_in} " from " {device.ip}</small>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <p class="form__error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <ActionForm action=everywhere>
                <button class="button button--secondary" type="submit">"Sign out everywhere"</button>
            </ActionForm>
        </section>
    }
}
