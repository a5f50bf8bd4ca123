//! The catalog: every published product as a grid of cards.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::api::list_products;
use crate::components::error_notice::ErrorNotice;
use crate::components::product_card::ProductCard;

/// The store's front page.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let products = Resource::new(|| (), |()| list_products());
    view! {
        <Title text="Catalog"/>
        <Meta name="description" content="E-books, audio, video, software and memberships, delivered instantly."/>
        <div class="container">
            <Suspense fallback=|| view! { <p class="loading">"Loading the catalog…"</p> }>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(products) if products.is_empty() => view! {
                            <section class="notice">
                                <h1>"Catalog"</h1>
                                <p>"Nothing is on sale yet. Check back soon."</p>
                            </section>
                        }.into_any(),
                        Ok(products) => view! {
                            <h1 class="page-title">"Catalog"</h1>
                            <p class="page-lead">
                                {products.len()} " products — downloads and memberships, delivered the moment you buy."
                            </p>
                            <ul class="grid" aria-label="Products">
                                {products.into_iter().map(|product| view! { <ProductCard product/> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
