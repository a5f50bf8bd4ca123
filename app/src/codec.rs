//! How server functions' answers and pages' data travel: JSON, written by
//! `serde_json` on the server and read in the browser by the store's own
//! reader ([`json`]), much smaller in the bundles. Answers and page data are
//! both read from text with it, so every view's deserializer is compiled into
//! a bundle once.
//!
//! And how a catalog page's data travels inside the page ([`CatalogPageData`]).

pub mod json;

use leptos::prelude::Resource;
use leptos::server::codee::{Decoder, Encoder};
use leptos::server_fn::codec::Post;
use leptos::server_fn::{ContentType, Decodes, Encodes, Format, FormatType};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::views::CatalogPageView;

/// JSON, decoded from text: server functions' answers ([`Answer`]) and
/// resources' data in a page ([`resource`]).
pub struct JsonText;

/// Server functions answer with [`JsonText`] in a POST's response.
pub type Answer = Post<JsonText>;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<leptos::server_fn::Bytes, Self::Error> {
        serde_json::to_vec(output).map(Into::into)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = json::Error;

    fn decode(bytes: leptos::server_fn::Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        json::from_str(text)
    }
}

impl<T: Serialize> Encoder<T> for JsonText {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for JsonText {
    type Error = json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, Self::Error> {
        json::from_str(text)
    }
}

/// A resource whose value travels in the page as [`JsonText`].
pub type Data<T> = Resource<T, JsonText>;

/// `Resource::new`, its value travelling in the page as [`JsonText`].
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Data<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// A catalog page's data as the server writes it into the page for the
/// browser to hydrate with: without its cards. The grid is markup the server
/// wrote into the document (`<ul inner_html>`), which hydration keeps as it
/// stands, so the cards' data would only be the same cards a second time —
/// nearly half of a rendered catalog page, their presigned cover links above
/// all. What the page's own views show (the count, pages and tags) travels as
/// usual. A catalog page reached in the browser gets its cards from
/// `list_products` and writes the grid itself.
pub struct CatalogPageData;

type CatalogResult = Result<CatalogPageView, AppError>;

impl Encoder<CatalogResult> for CatalogPageData {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &CatalogResult) -> Result<String, Self::Error> {
        // Every field named, so a field added to the view is a choice here.
        let value = value.as_ref().map(|page| CatalogPageView {
            products: Vec::new(),
            total: page.total,
            page: page.page,
            pages: page.pages,
            tags: page.tags.clone(),
        });
        serde_json::to_string(&value)
    }
}

impl Decoder<CatalogResult> for CatalogPageData {
    type Error = json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<CatalogResult, Self::Error> {
        json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::{Currency, PriceView, ProductCardView, ProductKind};

    fn page() -> CatalogPageView {
        CatalogPageView {
            products: vec![ProductCardView {
                slug: "night-rain".into(),
                title: "Night Rain".into(),
                summary: "Rain on a tin roof.".into(),
                kind: ProductKind::Download,
                price: PriceView {
                    minor: 400,
                    currency: Currency::EUR,
                    label: "€4.00".into(),
                    minimum: None,
                    period: None,
                },
                cover: None,
                tags: vec!["audio".into()],
            }],
            total: 13,
            page: 2,
            pages: 2,
            tags: vec!["audio".into(), "e-book".into()],
        }
    }

    #[test]
    fn the_page_data_leaves_the_cards_out_and_keeps_what_the_page_shows() {
        let text = CatalogPageData::encode(&Ok(page())).unwrap();
        assert!(!text.contains("night-rain"), "{text}");
        let read = CatalogPageData::decode(&text).unwrap().unwrap();
        assert_eq!(
            read,
            CatalogPageView {
                products: vec![],
                ..page()
            }
        );
    }

    #[test]
    fn a_refusal_travels_whole() {
        let error = AppError::Internal {
            request_id: "req-1".into(),
        };
        let text = CatalogPageData::encode(&Err(error.clone())).unwrap();
        assert_eq!(CatalogPageData::decode(&text).unwrap(), Err(error));
    }
}
