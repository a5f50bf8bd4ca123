//! A product's images: the chosen one large, the others as thumbnails beside
//! it. Thumbnails are links (`?image=N`), so choosing works without JavaScript
//! and, once hydrated, without reloading the page.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::views::ImageView;

/// Sizes of the large image in the page layout, for `srcset` selection.
const MAIN_SIZES: &str = "(max-width: 50rem) 100vw, 36rem";

/// The gallery; the cover is shown first.
#[component]
pub fn Gallery(images: Vec<ImageView>) -> impl IntoView {
    let query = use_query_map();
    let count = images.len();
    let chosen = move || {
        query
            .read()
            .get("image")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| (1..=count).contains(n))
            .unwrap_or(1)
    };
    let main_images = images.clone();
    let main = move || {
        main_images.get(chosen() - 1).cloned().map(|image| {
            view! {
                <img
                    class="product__image"
                    src=image.url
                    srcset=image.srcset
                    sizes=MAIN_SIZES
                    alt=image.alt
                    width=image.width
                    height=image.height
                    decoding="async"
                />
            }
        })
    };
    view! {
        <div class="product__gallery">
            {main}
            {(count > 1).then(|| view! {
                <ul class="gallery__thumbs" aria-label="Images">
                    {images.into_iter().enumerate().map(|(index, image)| {
                        let number = index + 1;
                        view! {
                            <li>
                                <A href=format!("?image={number}") attr:class="gallery__thumb" attr:aria-current=move || (chosen() == number).then_some("true")>
                                    <img src=image.url srcset=image.srcset sizes="6rem" alt=format!("Image {number}: {}", image.alt) width=image.width height=image.height loading="lazy"/>
                                </A>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}
