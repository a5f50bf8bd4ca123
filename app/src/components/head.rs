//! A page's title and meta tags. The server writes them into the document's
//! head (leptos_meta, with the store's name after each title). In the browser
//! only the title changes as pages are navigated to, so the bundles carry no
//! head manager: the tags are for the first load, where crawlers and link
//! previews read them, and each page's own view sets `document.title`. So a
//! `Meta` does nothing in a hydrated page (an `http-equiv="refresh"` works
//! only on pages no bundle hydrates), and a page reached in the browser
//! keeps the first page's description and `og:` tags in its head.

use leptos::prelude::*;

/// A page's title as the tab shows it: "Catalog · Downlink".
pub fn page_title(text: &str) -> String {
    if text.is_empty() {
        "Downlink".to_owned()
    } else {
        format!("{text} · Downlink")
    }
}

// Each leaves one placeholder (`<!>`) in the page on both sides, which
// hydration finds: leptos_meta's tags render nothing in the page.

/// The page's title (see [`page_title`]): in the document's head from the
/// server, set on the document in the browser as the page's view is made.
#[component]
pub fn Title(#[prop(into)] text: String) -> impl IntoView {
    // leptos_meta takes the title as the component is called (as `App`'s
    // formatter); its view renders nothing.
    #[cfg(feature = "ssr")]
    let _registered = leptos_meta::Title(leptos_meta::TitleProps::builder().text(text).build());
    #[cfg(not(feature = "ssr"))]
    document().set_title(&page_title(&text));
}

/// A meta tag, written into the document's head by the server only.
#[component]
pub fn Meta(
    #[prop(optional, into)] name: Option<TextProp>,
    #[prop(optional, into)] property: Option<TextProp>,
    #[prop(optional, into)] http_equiv: Option<TextProp>,
    #[prop(optional, into)] content: Option<TextProp>,
) -> impl IntoView {
    // leptos_meta writes the tag into the head as it is rendered.
    #[cfg(feature = "ssr")]
    return (
        leptos_meta::Meta(leptos_meta::MetaProps {
            charset: None,
            name,
            property,
            http_equiv,
            itemprop: None,
            content,
        }),
        (),
    );
    #[cfg(not(feature = "ssr"))]
    let _ = (name, property, http_equiv, content);
}

#[cfg(test)]
mod tests {
    use super::page_title;

    #[test]
    fn titles_end_with_the_store_name() {
        assert_eq!(page_title("Catalog"), "Catalog · Downlink");
        assert_eq!(page_title(""), "Downlink");
    }
}
