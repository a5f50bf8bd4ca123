//! A product in the catalog grid.

use leptos::prelude::*;

use crate::views::{ProductCardView, ProductKind};

/// A cover, title, summary and price, linking to the product page (a plain
/// link: the router still follows it in the page, and a grid of cards builds
/// no reactive state per card).
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
            <a href=href class="card__link">
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
            </a>
        </li>
    }
}
