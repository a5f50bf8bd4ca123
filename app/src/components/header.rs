//! The site header: the store's name and its main navigation.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::use_auth;

/// The bar at the top of every page.
#[component]
pub fn Header() -> impl IntoView {
    let user = use_auth().user;
    let account_links = move || {
        Suspend::new(async move {
            match user.await {
                Ok(Some(user)) => view! {
                    {user.is_admin.then(|| view! { <li><a href="/admin" rel="external">"Admin"</a></li> })}
                    <li><a href="/library" rel="external">"Library"</a></li>
                    <li><a href="/account" rel="external">"Account"</a></li>
                }
                .into_any(),
                _ => view! { <li><a href="/account/sign-in" rel="external">"Sign in"</a></li> }.into_any(),
            }
        })
    };
    view! {
        <header class="site-header">
            <div class="container site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true">"↓"</span>
                    "Downlink"
                </A>
                <nav aria-label="Main">
                    <ul class="nav">
                        <li><A href="/">"Catalog"</A></li>
                        <li><a href="/cart" rel="external">"Cart"</a></li>
                        <Transition fallback=|| ()>{account_links}</Transition>
                    </ul>
                </nav>
            </div>
        </header>
    }
}
