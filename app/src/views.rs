//! The shapes pages receive from server functions. Entities never cross the
//! wire; these do, built from domain results on the server.

use serde::{Deserialize, Serialize};
pub use types::mail::MailStatus;
pub use types::money::Currency;
pub use types::product::{ProductKind, ProductStatus};
pub use types::upload::UploadPurpose;

mod admin;
mod commerce;
mod customers;
mod dashboard;

pub use admin::*;
pub use commerce::*;
pub use customers::*;
pub use dashboard::*;

/// An image as an `<img>` needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageView {
    /// The large thumbnail: `src`, and the Open Graph image.
    pub url: String,
    /// Every thumbnail with its width, for `srcset`; may be empty.
    pub srcset: String,
    pub alt: String,
    pub width: i32,
    pub height: i32,
}

/// A price as pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceView {
    pub minor: i64,
    pub currency: Currency,
    /// Formatted for reading, e.g. `$12.00`.
    pub label: String,
    /// For pay-what-you-want products: the least a buyer may pay.
    pub minimum: Option<PriceMinimum>,
    /// For memberships that renew: `/ month`, `/ year`, `/ 90 days`.
    pub period: Option<String>,
}

/// The floor of a pay-what-you-want price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceMinimum {
    pub minor: i64,
    pub label: String,
}

/// A product in the catalog grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCardView {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub kind: ProductKind,
    pub price: PriceView,
    pub cover: Option<ImageView>,
    pub tags: Vec<String>,
}

/// One page of catalog results, with what was asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogPageView {
    pub products: Vec<ProductCardView>,
    /// Matches on all pages.
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// Every tag in use, for the filter.
    pub tags: Vec<String>,
}

/// A file listed on a product page: what it is, never where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileView {
    pub name: String,
    pub format: String,
    pub size: String,
}

/// A product's own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPageView {
    pub card: ProductCardView,
    /// The description rendered from Markdown on the server; safe to insert as
    /// HTML (`domain::markdown`).
    pub description_html: String,
    pub images: Vec<ImageView>,
    pub files: Vec<FileView>,
    /// e.g. "5 downloads per file", "Access for 365 days".
    pub terms: Vec<String>,
}

/// The signed-in person, as the header and account pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub email: String,
    pub is_admin: bool,
    /// False for a guest who signed in by mail and has not set a password.
    pub has_password: bool,
    /// Whether the address is proven (a mailed link was followed).
    pub verified: bool,
}

/// A device signed in to the account, as the account page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    /// The browser, as its user agent names it (`Firefox on Linux`).
    pub device: String,
    /// The address it signed in from.
    pub ip: String,
    /// When it signed in, on the store's clock.
    pub signed_in: String,
    /// The device asking.
    pub current: bool,
}

/// What a mailed link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailedLink {
    /// A one-time sign-in link.
    SignIn,
    /// A password reset.
    Reset,
    /// An address confirmation.
    Confirm,
}

/// A field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrorView {
    pub field: String,
    pub message: String,
}

/// A byte count as people read it: `812 B`, `1.3 kB`, `94 MB`, `2.1 GB`.
/// In integer arithmetic, exact at every size.
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let bytes = u128::from(bytes.max(0).unsigned_abs());
    let (mut unit, mut divisor) = (0, 1u128);
    while bytes >= divisor * 1000 && unit < UNITS.len() - 1 {
        divisor *= 1000;
        unit += 1;
    }
    // Whole units from 10 up, else tenths; rounded to nearest, halves up.
    if unit == 0 || bytes >= divisor * 10 {
        format!("{} {}", (bytes + divisor / 2) / divisor, UNITS[unit])
    } else {
        let tenths = (bytes * 10 + divisor / 2) / divisor;
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

/// A content type as a shopper names the format.
pub fn format_name(content_type: &str, filename: &str) -> String {
    let known = match content_type {
        "application/pdf" => Some("PDF"),
        "application/epub+zip" => Some("EPUB"),
        "application/zip" | "application/x-zip-compressed" => Some("ZIP archive"),
        "audio/wav" | "audio/x-wav" => Some("WAV audio"),
        "audio/mpeg" => Some("MP3 audio"),
        "audio/flac" => Some("FLAC audio"),
        "video/webm" => Some("WebM video"),
        "video/mp4" => Some("MP4 video"),
        _ => None,
    };
    match known {
        Some(name) => name.to_owned(),
        None => filename
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_uppercase())
            .unwrap_or_else(|| "File".to_owned()),
    }
}

/// `n` of something in words: `1 admin`, `3 admins`, `0 admins`.
pub fn count_of<N>(n: N, one: &str, many: &str) -> String
where
    N: Copy + PartialEq + From<u8> + std::fmt::Display,
{
    format!("{n} {}", if n == N::from(1) { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thing_is_singular() {
        assert_eq!(count_of(1, "admin", "admins"), "1 admin");
        assert_eq!(count_of(0, "admin", "admins"), "0 admins");
        assert_eq!(
            count_of(2_usize, "old version", "old versions"),
            "2 old versions"
        );
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(812), "812 B");
        assert_eq!(human_size(1288), "1.3 kB");
        assert_eq!(human_size(96_044), "96 kB");
        assert_eq!(human_size(2_100_000_000), "2.1 GB");
        assert_eq!(human_size(96_460), "96 kB", "rounded once, not twice");
        assert_eq!(human_size(96_500), "97 kB");
        assert_eq!(human_size(9_960), "10.0 kB");
        assert_eq!(human_size(1_050), "1.1 kB");
        assert_eq!(human_size(-5), "0 B");
        assert_eq!(human_size(i64::MAX), "9223372 TB");
    }

    #[test]
    fn formats_are_named_from_the_type_or_the_extension() {
        assert_eq!(format_name("application/pdf", "a.pdf"), "PDF");
        assert_eq!(format_name("video/webm", "clip.webm"), "WebM video");
        assert_eq!(format_name("application/octet-stream", "font.otf"), "OTF");
        assert_eq!(format_name("application/octet-stream", "README"), "File");
    }
}
