//! A product in the catalog grid.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::views::{ProductCardView, ProductKind};

/// A cover, title, summary and price, linking to the product page.
#[component]
pub fn ProductCard(product: ProductCardView) -> impl IntoView {
    let href = format!("/products/{}", product.slug);
    let kind = match product.kind {
        ProductKind::Download => "Download",
        ProductKind::Membership => "Membership",
    };
    let price = match (&product.price.minimum, &product.price.period) {
        (Some(min), _) => format!("{} or more", min.label),
        (None, Some(period)) => format!("{} {period}", product.price.label),
        (None, None) => product.price.label.clone(),
    };
    view! {
        <li class="card">
            <A href=href attr:class="card__link">
                {product.cover.map(|cover| view! {
                    <img
                        class="card__cover"
                        src=cover.url
                        srcset=cover.srcset
                        sizes="(max-width: 40rem) 100vw, 20rem"
                        alt=cover.alt
                        width=cover.width
                        height=cover.height
                        loading="lazy"
                        decoding="async"
                    />
                })}
                <div class="card__body">
                    <span class="card__kind">{kind}</span>
                    <h2 class="card__title">{product.title}</h2>
                    <p class="card__summary">{product.summary}</p>
                    <p class="card__price">{price}</p>
                </div>
            </A>
        </li>
    }
}
