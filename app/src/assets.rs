//! The browser bundles' file names, as the server found them in
//! `site/pkg/manifest.json` (each named by its content's hash, so browsers
//! cache them for a year): the shopper's bundle, the account pages', the admin
//! area's, the stylesheet and the icon. Each page loads the bundle of its
//! area: the shopper's has neither account nor admin code.

use leptos::prelude::*;

/// One bundle: its JS glue and its wasm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFiles {
    pub js: String,
    pub wasm: String,
}

/// What `site/pkg/manifest.json` names (read by the server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assets {
    pub shopper: BundleFiles,
    pub account: BundleFiles,
    pub admin: BundleFiles,
    pub stylesheet: String,
    pub icon: String,
}

/// Which part of the store a page belongs to, and so which bundle it loads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Area {
    /// Catalog and product pages.
    #[default]
    Shop,
    /// The cart, the return from checkout, receipts and the library: plain
    /// forms and links that need no script, so these pages load no bundle at
    /// all (links into them from hydrated pages are full page loads).
    Plain,
    /// `/account…`: signing in, registering, mailed links, the account.
    Account,
    /// `/admin…`.
    Admin,
}

impl Area {
    /// The area of the page at `path`.
    pub fn of(path: &str) -> Self {
        let under = |prefix: &str| {
            path.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/admin") {
            Self::Admin
        } else if under("/account") {
            Self::Account
        } else if ["/cart", "/checkout", "/orders", "/library"]
            .iter()
            .any(|prefix| under(prefix))
        {
            Self::Plain
        } else {
            Self::Shop
        }
    }
}

impl Assets {
    /// Unhashed names, for a `site/pkg` without a manifest (tests that do not
    /// build the bundles).
    pub fn unhashed() -> Self {
        let bundle = BundleFiles {
            js: "frontend.js".into(),
            wasm: "frontend_bg.wasm".into(),
        };
        Self {
            shopper: bundle.clone(),
            account: bundle.clone(),
            admin: bundle,
            stylesheet: "main.css".into(),
            icon: "favicon.svg".into(),
        }
    }

    /// The bundle pages of `area` load (none for plain pages).
    pub fn bundle(&self, area: Area) -> Option<&BundleFiles> {
        match area {
            Area::Shop => Some(&self.shopper),
            Area::Plain => None,
            Area::Account => Some(&self.account),
            Area::Admin => Some(&self.admin),
        }
    }
}

/// The stylesheet, the icon, and the script that loads and hydrates the bundle
/// of this page's area. Its inline script carries the page's CSP nonce.
#[component]
pub fn AssetTags(assets: std::sync::Arc<Assets>, area: Area) -> impl IntoView {
    let styles = view! {
        <link rel="stylesheet" href=format!("/pkg/{}", assets.stylesheet)/>
        <link rel="icon" href=format!("/pkg/{}", assets.icon) type="image/svg+xml"/>
    };
    let Some(bundle) = assets.bundle(area) else {
        return styles.into_any();
    };
    let (js, wasm) = (
        format!("/pkg/{}", bundle.js),
        format!("/pkg/{}", bundle.wasm),
    );
    let script = format!(
        "import({js:?}).then(m => m.default({{ module_or_path: {wasm:?} }}).then(() => m.hydrate()));"
    );
    let nonce = leptos::nonce::use_nonce();
    view! {
        {styles}
        <link rel="modulepreload" href=js crossorigin="anonymous"/>
        <link rel="preload" href=wasm r#as="fetch" type="application/wasm" crossorigin="anonymous"/>
        <script type="module" nonce=nonce>{script}</script>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_belongs_to_one_area() {
        assert_eq!(Area::of("/"), Area::Shop);
        assert_eq!(Area::of("/products/night-rain"), Area::Shop);
        assert_eq!(
            Area::of("/accounting-course"),
            Area::Shop,
            "a prefix of a word is not an area"
        );
        assert_eq!(Area::of("/account"), Area::Account);
        assert_eq!(Area::of("/account/sign-in"), Area::Account);
        assert_eq!(Area::of("/admin/products/new"), Area::Admin);
        assert_eq!(Area::of("/cart"), Area::Plain);
        assert_eq!(Area::of("/checkout/done"), Area::Plain);
        assert_eq!(Area::of("/orders/0195"), Area::Plain);
        assert_eq!(Area::of("/library"), Area::Plain);
        assert_eq!(Area::of("/cartography"), Area::Shop);
    }
}
