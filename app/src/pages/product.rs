//! A product's own page: gallery, description, included files and price.

use crate::components::head::{Meta, Title};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{AddToCart, get_product};
use crate::components::error_notice::ErrorNotice;
use crate::components::gallery::Gallery;
use crate::components::pay_what_you_want::PayWhatYouWant;
use crate::html::push_text;
use crate::views::{FileView, ProductPageView};
use leptos::server_fn::ServerFn;

/// `/products/:slug`.
#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let product = crate::codec::resource(
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
                    <ul class="terms" inner_html=list_items(&terms, "")></ul>
                </form>
                {(!description_html.trim().is_empty()).then(|| view! {
                    <section class="product__description" aria-labelledby="about">
                        <h2 id="about">"About"</h2>
                        <div class="product__prose" inner_html=description_html></div>
                    </section>
                })}
                {(!files.is_empty()).then(|| view! {
                    <section class="files" aria-labelledby="included" inner_html=files_table(&files)></section>
                })}
                <ul class="tags" aria-label="Tags" inner_html=list_items(&card.tags, "tag")></ul>
            </div>
        </article>
    }
}

// The page's static lists are written as escaped markup, as the catalog's
// cards are (`components::product_card`): nothing in them is reactive.

/// An `<li>` for each item (of class `class` unless it is empty).
fn list_items(items: &[String], class: &str) -> String {
    let open = if class.is_empty() {
        "<li>".to_owned()
    } else {
        format!(r#"<li class="{class}">"#)
    };
    let mut html = String::new();
    for item in items {
        html.push_str(&open);
        push_text(&mut html, item);
        html.push_str("</li>");
    }
    html
}

/// The "What's included" heading and table of files.
fn files_table(files: &[FileView]) -> String {
    let mut html = String::from(concat!(
        r#"<h2 id="included">What's included</h2><table class="files__table"><thead>"#,
        r#"<tr><th scope="col">File</th><th scope="col">Format</th><th scope="col">Size</th></tr>"#,
        "</thead><tbody>",
    ));
    for file in files {
        html.push_str("<tr>");
        for cell in [&file.name, &file.format, &file.size] {
            html.push_str("<td>");
            push_text(&mut html, cell);
            html.push_str("</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_the_files_table_are_escaped_markup() {
        assert_eq!(
            list_items(&["audio".into(), "<b>&</b>".into()], "tag"),
            r#"<li class="tag">audio</li><li class="tag">&lt;b&gt;&amp;&lt;/b&gt;</li>"#
        );
        assert_eq!(
            list_items(&["5 downloads".into()], ""),
            "<li>5 downloads</li>"
        );
        assert_eq!(list_items(&[], "tag"), "");
        let table = files_table(&[FileView {
            name: "Notes – \"été\" <2026>.pdf".into(),
            format: "PDF".into(),
            size: "1.3 kB".into(),
        }]);
        assert!(
            table.starts_with(
                r#"<h2 id="included">What's included</h2><table class="files__table">"#
            )
        );
        assert!(table.ends_with(
            r#"<tbody><tr><td>Notes – "été" &lt;2026&gt;.pdf</td><td>PDF</td><td>1.3 kB</td></tr></tbody></table>"#
        ));
    }
}
