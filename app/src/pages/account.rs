//! `/account`: who is signed in, change password, sign out.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::ChangePassword;
use crate::auth::use_auth;
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

#[component]
fn AccountDetails(user: UserView) -> impl IntoView {
    let sign_out = use_auth().sign_out;
    let change = ServerAction::<ChangePassword>::new();
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let changed = move || matches!(change.value().get(), Some(Ok(())));
    view! {
        <section class="panel">
            <h1>"Your account"</h1>
            <p>"Signed in as " <strong class="account__email">{user.email}</strong></p>
            {user.is_admin.then(|| view! { <p><A href="/admin">"Go to the admin area"</A></p> })}
            <ActionForm action=sign_out>
                <button class="button button--secondary" type="submit">"Sign out"</button>
            </ActionForm>
        </section>
        <section class="panel">
            <h2>{if user.has_password { "Change password" } else { "Set a password" }}</h2>
            {(!user.has_password).then(|| view! {
                <p>"You signed in by email. Set a password to sign in with it next time."</p>
            })}
            <ActionForm action=change attr:class="form">
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
                <FormError error/>
                {move || changed().then(|| view! { <p class="form__ok" role="status">"Your password was changed."</p> })}
                <button class="button" type="submit">"Save password"</button>
            </ActionForm>
        </section>
    }
}
