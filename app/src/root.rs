//! The document shell the server renders and the root component with its routes.

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::auth::provide_auth;
use crate::components::footer::Footer;
use crate::components::header::Header;
use crate::forms::provide_refused_form;
use crate::pages::account::AccountPage;
use crate::pages::admin::AdminPage;
use crate::pages::admin_outbox::AdminOutboxPage;
use crate::pages::admin_products::{AdminProductsPage, EditProductPage, NewProductPage};
use crate::pages::catalog::CatalogPage;
use crate::pages::mailed_links::{
    ConfirmEmailPage, ForgotPasswordPage, MagicLinkPage, ResetPasswordPage, UseMagicLinkPage,
};
use crate::pages::not_found::NotFound;
use crate::pages::product::ProductPage;
use crate::pages::register::RegisterPage;
use crate::pages::sign_in::SignInPage;

/// The HTML document around [`App`]: head, hydration scripts, body.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrationScripts options/>
                <MetaTags/>
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
    provide_meta_context();
    // Effects run only in the browser, so this marks the document once the
    // bundle has hydrated it (end-to-end tests wait for it).
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="main-css" href="/pkg/main.css"/>
        <Link rel="icon" href="/pkg/favicon.svg" type_="image/svg+xml"/>
        <Title formatter=|title: String| {
            if title.is_empty() { "Downlink".to_owned() } else { format!("{title} · Downlink") }
        }/>
        <Router>
            <Frame/>
        </Router>
    }
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
                <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                <Route path=path!("/account/sign-in") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/account/register") view=RegisterPage ssr=SsrMode::Async/>
                <Route path=path!("/account/magic-link") view=MagicLinkPage ssr=SsrMode::Async/>
                <Route path=path!("/account/magic") view=UseMagicLinkPage ssr=SsrMode::Async/>
                <Route path=path!("/account/forgot") view=ForgotPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/account/reset") view=ResetPasswordPage ssr=SsrMode::Async/>
                <Route path=path!("/account/confirm") view=ConfirmEmailPage ssr=SsrMode::Async/>
                <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/outbox") view=AdminOutboxPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/products") view=AdminProductsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/products/new") view=NewProductPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/products/:id") view=EditProductPage ssr=SsrMode::Async/>
            </Routes>
        </main>
        <Footer/>
    }
}
