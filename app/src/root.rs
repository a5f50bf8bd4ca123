//! The document shell the server renders and the root component with its routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

#[cfg(feature = "ssr")]
use crate::assets::{AssetTags, Assets};
use crate::auth::provide_auth;
use crate::components::footer::Footer;
use crate::components::header::Header;
use crate::forms::provide_refused_form;
use crate::pages::catalog::CatalogPage;
use crate::pages::not_found::NotFound;
use crate::pages::product::ProductPage;

/// The HTML document around [`App`]: head (the stylesheet, icon and the
/// bundle for this page, named as the server found them and provided as an
/// `Arc<Assets>`), body. Rendered on the server only.
#[cfg(feature = "ssr")]
pub fn shell() -> impl IntoView {
    let assets = use_context::<std::sync::Arc<Assets>>()
        .unwrap_or_else(|| std::sync::Arc::new(Assets::unhashed()));
    let area =
        with_context::<http::request::Parts, _>(|parts| crate::assets::Area::of(parts.uri.path()))
            .unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AssetTags assets area/>
                <leptos_meta::MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The store: header, the routed page, footer.
#[component]
pub fn App() -> impl IntoView {
    // The head's tags are written by the server (`components::head`), with
    // the store's name after every page's title.
    #[cfg(feature = "ssr")]
    {
        use leptos_meta::{Title, TitleProps};
        leptos_meta::provide_meta_context();
        let formatter = |title: String| crate::components::head::page_title(&title);
        let _registered = Title(TitleProps::builder().formatter(formatter).build());
    }
    // Effects run only in the browser, so this marks the document once the
    // bundle has hydrated it (end-to-end tests wait for it).
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Router>
            <Frame/>
        </Router>
    }
}

/// The pages that load no bundle (cart, checkout's return, receipts, the
/// library): rendered by the server only, never hydrated.
#[cfg(feature = "ssr")]
#[component(transparent)]
fn PlainRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use crate::pages::cart::CartPage;
    use crate::pages::orders::{CheckoutDonePage, LibraryPage, ReceiptPage};
    use leptos_router::components::{Outlet, ParentRoute};
    view! {
        <ParentRoute path=path!("") view=Outlet>
            <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async/>
            <Route path=path!("/checkout/done") view=CheckoutDonePage ssr=SsrMode::Async/>
            <Route path=path!("/orders/:id") view=ReceiptPage ssr=SsrMode::Async/>
            <Route path=path!("/library") view=LibraryPage ssr=SsrMode::Async/>
        </ParentRoute>
    }
    .into_inner()
}

/// No plain pages in the browser bundles.
#[cfg(not(feature = "ssr"))]
#[component(transparent)]
fn PlainRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    leptos_router::any_nested_route::IntoAnyNestedRoute::into_any_nested_route(())
}

/// The account pages' routes, in the server and the account and admin
/// bundles; the shopper's bundle never hydrates them (links there load the
/// page).
#[cfg(feature = "account")]
#[component(transparent)]
fn AccountRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use crate::pages::account::AccountPage;
    use crate::pages::mailed_links::{
        ConfirmEmailPage, ForgotPasswordPage, MagicLinkPage, ResetPasswordPage, UseMagicLinkPage,
    };
    use crate::pages::register::RegisterPage;
    use crate::pages::sign_in::SignInPage;
    use leptos_router::components::{Outlet, ParentRoute};
    view! {
        <ParentRoute path=path!("/account") view=Outlet>
            <Route path=path!("") view=AccountPage ssr=SsrMode::Async/>
            <Route path=path!("sign-in") view=SignInPage ssr=SsrMode::Async/>
            <Route path=path!("register") view=RegisterPage ssr=SsrMode::Async/>
            <Route path=path!("magic-link") view=MagicLinkPage ssr=SsrMode::Async/>
            <Route path=path!("magic") view=UseMagicLinkPage ssr=SsrMode::Async/>
            <Route path=path!("forgot") view=ForgotPasswordPage ssr=SsrMode::Async/>
            <Route path=path!("reset") view=ResetPasswordPage ssr=SsrMode::Async/>
            <Route path=path!("confirm") view=ConfirmEmailPage ssr=SsrMode::Async/>
        </ParentRoute>
    }
    .into_inner()
}

/// No account routes in the shopper's bundle.
#[cfg(not(feature = "account"))]
#[component(transparent)]
fn AccountRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    leptos_router::any_nested_route::IntoAnyNestedRoute::into_any_nested_route(())
}

/// The admin area's routes, in the server and the admin bundle only; the
/// shopper's bundle never hydrates an admin page (links there load the page).
#[cfg(feature = "admin")]
#[component(transparent)]
fn AdminRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use crate::pages::admin::AdminPage;
    use crate::pages::admin_analytics::{AdminAnalyticsPage, AdminProductAnalyticsPage};
    use crate::pages::admin_audit::AdminAuditPage;
    use crate::pages::admin_customers::{AdminCustomerPage, AdminCustomersPage};
    use crate::pages::admin_outbox::AdminOutboxPage;
    use crate::pages::admin_products::{AdminProductsPage, EditProductPage, NewProductPage};
    use crate::pages::admin_sales::{
        AdminDiscountsPage, AdminDownloadsPage, AdminOrderPage, AdminOrdersPage, AdminWebhooksPage,
    };
    use leptos_router::components::{Outlet, ParentRoute};
    view! {
        <ParentRoute path=path!("/admin") view=Outlet>
            <Route path=path!("") view=AdminPage ssr=SsrMode::Async/>
            <Route path=path!("outbox") view=AdminOutboxPage ssr=SsrMode::Async/>
            <Route path=path!("products") view=AdminProductsPage ssr=SsrMode::Async/>
            <Route path=path!("products/new") view=NewProductPage ssr=SsrMode::Async/>
            <Route path=path!("products/:id") view=EditProductPage ssr=SsrMode::Async/>
            <Route path=path!("orders") view=AdminOrdersPage ssr=SsrMode::Async/>
            <Route path=path!("orders/:id") view=AdminOrderPage ssr=SsrMode::Async/>
            <Route path=path!("discounts") view=AdminDiscountsPage ssr=SsrMode::Async/>
            <Route path=path!("webhooks") view=AdminWebhooksPage ssr=SsrMode::Async/>
            <Route path=path!("downloads") view=AdminDownloadsPage ssr=SsrMode::Async/>
            <Route path=path!("audit") view=AdminAuditPage ssr=SsrMode::Async/>
            <Route path=path!("analytics") view=AdminAnalyticsPage ssr=SsrMode::Async/>
            <Route path=path!("analytics/:slug") view=AdminProductAnalyticsPage ssr=SsrMode::Async/>
            <Route path=path!("customers") view=AdminCustomersPage ssr=SsrMode::Async/>
            <Route path=path!("customers/:id") view=AdminCustomerPage ssr=SsrMode::Async/>
        </ParentRoute>
    }
    .into_inner()
}

/// No admin routes in the shopper's bundle.
#[cfg(not(feature = "admin"))]
#[component(transparent)]
fn AdminRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    leptos_router::any_nested_route::IntoAnyNestedRoute::into_any_nested_route(())
}

/// Everything inside the router: a refused form's error and values, the shared
/// sign-in state, header, the routed page and footer.
#[component]
fn Frame() -> impl IntoView {
    provide_refused_form();
    provide_auth();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Header/>
        <main id="main">
            <Routes fallback=NotFound>
                <Route path=path!("/") view=CatalogPage ssr=SsrMode::Async/>
                <Route path=path!("/products/:slug") view=ProductPage ssr=SsrMode::Async/>
                <AccountRoutes/>
                <AdminRoutes/>
                // Last: routes only the server has must come after every
                // route a bundle hydrates, or the bundles' routes would not
                // line up with the server's.
                <PlainRoutes/>
            </Routes>
        </main>
        <Footer/>
    }
}
