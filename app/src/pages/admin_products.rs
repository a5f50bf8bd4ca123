//! `/admin/products`: every product with its status and the buttons to publish,
//! unpublish or archive it; `/admin/products/new` and `/admin/products/:id` edit one.

use crate::components::head::Title;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{SetProductStatus, admin_product, admin_products};
use crate::components::error_notice::ErrorNotice;
use crate::components::media_panel::MediaPanel;
use crate::components::product_form::ProductForm;
use crate::views::{AdminProductView, ProductStatus};

/// The product list. Admins only.
#[component]
pub fn AdminProductsPage() -> impl IntoView {
    let change = ServerAction::<SetProductStatus>::new();
    let products = crate::codec::resource(move || change.version().get(), |_| admin_products());
    view! {
        <Title text="Products"/>
        <div class="container">
            <h1 class="page-title">"Products"</h1>
            <p><A href="/admin/products/new" attr:class="button">"New product"</A></p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match products.await {
                        Ok(products) => view! {
                            <div class="table-scroll">
                                <table class="files__table admin-products">
                                    <thead>
                                        <tr><th scope="col">"Product"</th><th scope="col">"Price"</th><th scope="col">"Status"</th><th scope="col">"Actions"</th></tr>
                                    </thead>
                                    <tbody>
                                        {products.into_iter().map(|product| view! { <ProductRow product change/> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn ProductRow(product: AdminProductView, change: ServerAction<SetProductStatus>) -> impl IntoView {
    use ProductStatus::{Archived, Draft, Published};
    let actions: &[(ProductStatus, &str)] = match product.status {
        Published => &[(Draft, "Unpublish"), (Archived, "Archive")],
        Archived => &[(Draft, "Restore as draft")],
        Draft => &[(Published, "Publish"), (Archived, "Archive")],
    };
    let id = product.product.clone();
    view! {
        <tr>
            <td>
                <A href=format!("/admin/products/{}", product.product)>{product.title}</A>
                <br/><small>"/products/" {product.slug}</small>
            </td>
            <td>{product.price}</td>
            <td><span class=format!("status status--{}", product.status.as_str())>{product.status.label()}</span></td>
            <td><div class="admin-products__actions">
                {actions.iter().map(|(status, label)| {
                    let id = id.clone();
                    view! {
                    <ActionForm action=change>
                        <input type="hidden" name="product" value=id/>
                        <input type="hidden" name="status" value=status.as_str()/>
                        <button class="button button--secondary" type="submit">{*label}</button>
                    </ActionForm>
                    }
                }).collect_view()}
            </div></td>
        </tr>
    }
}

/// A new product (admins only, like every page here: the blank form comes
/// from the server).
#[component]
pub fn NewProductPage() -> impl IntoView {
    let blank = crate::codec::resource(|| (), |()| admin_product(String::new()));
    view! {
        <Title text="New product"/>
        <div class="container">
            <h1 class="page-title">"New product"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match blank.await {
                        Ok(initial) => view! { <ProductForm initial/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Editing one product: its form, then its images and files.
#[component]
pub fn EditProductPage() -> impl IntoView {
    let params = use_params_map();
    let created = move || use_query_map().read().get("created").is_some();
    let product = crate::codec::resource(
        move || params.read().get("id").unwrap_or_default(),
        admin_product,
    );
    view! {
        <Title text="Edit product"/>
        <div class="container">
            <h1 class="page-title">"Edit product"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match product.await {
                        Ok(initial) => {
                            let product = initial.product.clone();
                            view! {
                                <Show when=created>
                                    <p class="form__ok" role="status">"Draft created. Add images and files, then publish it from the product list."</p>
                                </Show>
                                <ProductForm initial/>
                                <MediaPanel product/>
                            }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
