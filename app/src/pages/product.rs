//! A product's own page: gallery, description, included files and price.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::api::{AddToCart, get_product};
use crate::components::error_notice::ErrorNotice;
use crate::components::gallery::Gallery;
use crate::components::pay_what_you_want::PayWhatYouWant;
use crate::views::ProductPageView;
use leptos::server_fn::ServerFn;

/// `/products/:slug`.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let product = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_product,
    );
    view! {
        <div class="container">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match product.await {
                        Ok(product) => view! { <ProductDetails product/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn ProductDetails(product: ProductPageView) -> impl IntoView {
    let add_path = <AddToCart as ServerFn>::PATH;
    let refused = crate::forms::refused(add_path);
    let ProductPageView {
        card,
        description_html,
        images,
        files,
        terms,
    } = product;
    let og_image = images.first().map(|image| image.url.clone());
    let price = card.price.clone();
    let slug = card.slug.clone();
    let membership = card.kind == crate::views::ProductKind::Membership;
    let buy_box = match (price.minimum.clone(), price.period.clone()) {
        (Some(minimum), _) => view! {
            <PayWhatYouWant price=price minimum_minor=minimum.minor minimum_label=minimum.label/>
        }
        .into_any(),
        (None, Some(period)) => view! {
            <p class="price">{price.label} " " <span class="price__period">{period}</span></p>
        }
        .into_any(),
        (None, None) => view! { <p class="price">{price.label}</p> }.into_any(),
    };
    view! {
        <Title text=card.title.clone()/>
        <Meta name="description" content=card.summary.clone()/>
        <Meta property="og:title" content=card.title.clone()/>
        <Meta property="og:description" content=card.summary.clone()/>
        <Meta property="og:type" content="product"/>
        {og_image.map(|url| view! { <Meta property="og:image" content=url/> })}
        <article class="product">
            <Gallery images/>
            <div class="product__info">
                <h1 class="product__title">{card.title}</h1>
                <p class="product__summary">{card.summary}</p>
                <form class="buy-box" method="post" action=add_path>
                    <input type="hidden" name="product" value=slug/>
                    {buy_box}
                    {refused.map(|error| view! { <p class="form__error" role="alert">{error}</p> })}
                    <button class="button buy-box__button" type="submit" disabled=membership>
                        {if membership { "Subscriptions open soon" } else { "Add to cart" }}
                    </button>
                    <ul class="terms">
                        {terms.into_iter().map(|term| view! { <li>{term}</li> }).collect_view()}
                    </ul>
                </form>
                {(!description_html.trim().is_empty()).then(|| view! {
                    <section class="product__description" aria-labelledby="about">
                        <h2 id="about">"About"</h2>
                        <div class="product__prose" inner_html=description_html></div>
                    </section>
                })}
                {(!files.is_empty()).then(|| view! {
                    <section class="files" aria-labelledby="included">
                        <h2 id="included">"What's included"</h2>
                        <table class="files__table">
                            <thead>
                                <tr><th scope="col">"File"</th><th scope="col">"Format"</th><th scope="col">"Size"</th></tr>
                            </thead>
                            <tbody>
                                {files.into_iter().map(|file| view! {
                                    <tr><td>{file.name}</td><td>{file.format}</td><td>{file.size}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })}
                <ul class="tags" aria-label="Tags">
                    {card.tags.into_iter().map(|tag| view! { <li class="tag">{tag}</li> }).collect_view()}
                </ul>
            </div>
        </article>
    }
}
