//! `/admin`: the store's dashboard. The server checks the admin role on every
//! call; a customer gets 403 and nothing else.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::admin_overview;
use crate::components::error_notice::ErrorNotice;

/// The admin dashboard.
#[component]
pub fn AdminPage() -> impl IntoView {
    let overview = Resource::new(|| (), |()| admin_overview());
    view! {
        <Title text="Admin"/>
        <div class="container">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(figures) => view! {
                            <h1 class="page-title">"Admin"</h1>
                            <dl class="figures">
                                <div><dt>"Products on sale"</dt><dd>{figures.published_products}</dd></div>
                                <div><dt>"Customers"</dt><dd>{figures.customers}</dd></div>
                                <div><dt>"Admins"</dt><dd>{figures.admins}</dd></div>
                            </dl>
                            <p>
                                <a href="/admin/orders">"Orders"</a> " · "
                                <a href="/admin/products">"Products"</a> " · "
                                <a href="/admin/discounts">"Discount codes"</a> " · "
                                <a href="/admin/webhooks">"Webhooks"</a> " · "
                                <a href="/admin/downloads">"Downloads"</a> " · "
                                <a href="/admin/outbox">"Mail outbox"</a>
                            </p>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
