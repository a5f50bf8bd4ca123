//! The products in the catalog grid.
//!
//! A card has nothing reactive in it (a cover, title, summary and price inside
//! a plain link, which the router still follows in the page), so the grid is
//! written out as markup in one pass instead of as a view per element: on the
//! server that is a fraction of the time a view tree of twelve cards takes to
//! build and render, and the browser bundle carries one small writer instead
//! of the code that builds, hydrates and updates each element and attribute.
//! Hydration leaves the server's markup as it is; a page reached in the
//! browser gets the same markup from the same writer.

use leptos::prelude::*;
use std::fmt::Write as _;

use crate::html::{push_attr, push_text};
use crate::views::{ProductCardView, ProductKind};

/// The grid of cards, in order.
#[component]
pub fn ProductGrid(products: Vec<ProductCardView>) -> impl IntoView {
    let mut html = String::with_capacity(products.len() * 1024);
    for product in &products {
        card(&mut html, product);
    }
    view! { <ul class="grid" aria-label="Products" inner_html=html></ul> }
}

/// One card: a cover, title, summary and price, linking to the product page.
fn card(html: &mut String, product: &ProductCardView) {
    let kind = match product.kind {
        ProductKind::Download => "Download",
        ProductKind::Membership => "Membership",
    };
    html.push_str(r#"<li class="card"><a class="card__link" href="/products/"#);
    push_attr(html, &product.slug);
    html.push_str(r#"">"#);
    if let Some(cover) = &product.cover {
        html.push_str(r#"<img class="card__cover" src=""#);
        push_attr(html, &cover.url);
        if !cover.srcset.is_empty() {
            html.push_str(r#"" srcset=""#);
            push_attr(html, &cover.srcset);
        }
        html.push_str(r#"" sizes="(max-width: 40rem) 100vw, 20rem" alt=""#);
        push_attr(html, &cover.alt);
        // Writing to a String cannot fail.
        let _ = write!(
            html,
            r#"" width="{}" height="{}" loading="lazy" decoding="async">"#,
            cover.width, cover.height
        );
    }
    html.push_str(r#"<div class="card__body"><span class="card__kind">"#);
    html.push_str(kind);
    html.push_str(r#"</span><h2 class="card__title">"#);
    push_text(html, &product.title);
    html.push_str(r#"</h2><p class="card__summary">"#);
    push_text(html, &product.summary);
    html.push_str(r#"</p><p class="card__price">"#);
    match (&product.price.minimum, &product.price.period) {
        (Some(min), _) => {
            push_text(html, &min.label);
            html.push_str(" or more");
        }
        (None, Some(period)) => {
            push_text(html, &product.price.label);
            html.push(' ');
            push_text(html, period);
        }
        (None, None) => push_text(html, &product.price.label),
    }
    html.push_str("</p></div></a></li>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::{ImageView, PriceMinimum, PriceView};

    fn product() -> ProductCardView {
        ProductCardView {
            slug: "night-rain".into(),
            title: "Night <Rain> & \"Thunder\"".into(),
            summary: "</p><script>alert(1)</script>".into(),
            kind: ProductKind::Download,
            price: PriceView {
                minor: 400,
                currency: crate::views::Currency::EUR,
                label: "€4.00".into(),
                minimum: None,
                period: None,
            },
            cover: Some(ImageView {
                url: "https://s3.example/c.jpg?X-Amz-Signature=a&b=\"c\"".into(),
                srcset: "https://s3.example/s.webp?a=1&b=2 320w".into(),
                alt: "a \"quoted\" <cover>".into(),
                width: 640,
                height: 427,
            }),
            tags: vec![],
        }
    }

    #[test]
    fn a_card_is_escaped_markup_linking_to_its_product() {
        let mut html = String::new();
        card(&mut html, &product());
        assert_eq!(
            html,
            concat!(
                r#"<li class="card"><a class="card__link" href="/products/night-rain">"#,
                r#"<img class="card__cover" src="https://s3.example/c.jpg?X-Amz-Signature=a&amp;b=&quot;c&quot;" "#,
                r#"srcset="https://s3.example/s.webp?a=1&amp;b=2 320w" sizes="(max-width: 40rem) 100vw, 20rem" "#,
                r#"alt="a &quot;quoted&quot; &lt;cover&gt;" width="640" height="427" loading="lazy" decoding="async">"#,
                r#"<div class="card__body"><span class="card__kind">Download</span>"#,
                r#"<h2 class="card__title">Night &lt;Rain&gt; &amp; "Thunder"</h2>"#,
                r#"<p class="card__summary">&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>"#,
                r#"<p class="card__price">€4.00</p></div></a></li>"#,
            )
        );
    }

    #[test]
    fn prices_read_as_on_the_product_page() {
        let mut pwyw = product();
        pwyw.price.minimum = Some(PriceMinimum {
            minor: 200,
            label: "€2.00".into(),
        });
        let mut html = String::new();
        card(&mut html, &pwyw);
        assert!(html.contains(r#"<p class="card__price">€2.00 or more</p>"#));

        let mut membership = product();
        membership.kind = ProductKind::Membership;
        membership.price.period = Some("/ month".into());
        membership.cover = None;
        let mut html = String::new();
        card(&mut html, &membership);
        assert!(html.contains(r#"<span class="card__kind">Membership</span>"#));
        assert!(html.contains(r#"<p class="card__price">€4.00 / month</p>"#));
        assert!(!html.contains("<img"));
    }
}
