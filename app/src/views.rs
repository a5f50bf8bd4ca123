//! The shapes pages receive from server functions. Entities never cross the
//! wire; these do, built from domain results on the server.

use serde::{Deserialize, Serialize};
pub use types::mail::MailStatus;
pub use types::money::Currency;
pub use types::product::{ProductKind, ProductStatus};
pub use types::upload::UploadPurpose;

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
    /// When it signed in, UTC.
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

/// A mail as the admin outbox lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMailView {
    pub to: String,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub created_at: String,
    /// The plain-text body.
    pub text: String,
}

/// The admin dashboard's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOverviewView {
    pub published_products: u64,
    pub customers: u64,
    pub admins: u64,
}

/// A started or resumed upload: where to send each part still missing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartedUploadView {
    /// The upload's public id.
    pub upload: String,
    pub part_size: u64,
    pub parts: Vec<PartUrlView>,
    /// Parts S3 already holds (a resumed upload skips them).
    pub received: Vec<i32>,
}

/// One part's presigned PUT URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartUrlView {
    pub number: i32,
    pub url: String,
}

/// What a completed upload became: a file version or a gallery image; or, for
/// a file too large to check within a request, that it is being checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum UploadedView {
    /// Joined and being checked in the background: ask `upload_outcome` again.
    Processing,
    File {
        name: String,
        version: i32,
        size_bytes: i64,
        sha256: String,
    },
    Image {
        /// The image's public id.
        image: String,
        width: i32,
        height: i32,
    },
}

/// A stored version of a product file, as the editor lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminFileView {
    /// The file version's public id.
    pub file: String,
    pub name: String,
    pub format: String,
    pub size: String,
    pub version: i32,
    /// Whether buyers get this version (the newest of its name).
    pub current: bool,
    pub sha256: String,
    pub uploaded_at: String,
}

/// An image of the gallery, as the editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminImageView {
    /// The image's public id.
    pub image: String,
    /// The small thumbnail.
    pub url: String,
    pub alt: String,
    pub width: i32,
    pub height: i32,
}

/// A product's files and images in the editor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminMediaView {
    pub files: Vec<AdminFileView>,
    pub images: Vec<AdminImageView>,
}

/// A product in the admin list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminProductView {
    /// The public id.
    pub product: String,
    pub slug: String,
    pub title: String,
    pub status: ProductStatus,
    pub price: String,
}

/// A product form as posted: every field as typed (`license_keys` is a
/// checkbox: `on` when ticked).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFields {
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub description: String,
    pub kind: String,
    pub price: String,
    pub currency: String,
    #[serde(default)]
    pub pay_what_you_want_minimum: String,
    #[serde(default)]
    pub download_limit: String,
    #[serde(default)]
    pub access_days: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub license_keys: String,
    #[serde(default)]
    pub license_activations: String,
}

/// A field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrorView {
    pub field: String,
    pub message: String,
}

/// The product form's values, for editing: numbers as text, as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductFormView {
    /// The public id; empty for a new product.
    pub product: String,
    pub title: String,
    pub slug: String,
    pub summary: String,
    pub description: String,
    pub kind: ProductKind,
    /// In major units, as typed: `12.50`.
    pub price: String,
    pub currency: Currency,
    pub pay_what_you_want_minimum: String,
    pub download_limit: String,
    pub access_days: String,
    pub tags: String,
    pub license_keys: bool,
    pub license_activations: String,
}

impl ProductFormView {
    /// An empty form for a new product.
    pub fn blank() -> Self {
        Self {
            product: String::new(),
            title: String::new(),
            slug: String::new(),
            summary: String::new(),
            description: String::new(),
            kind: ProductKind::Download,
            price: String::new(),
            currency: Currency::USD,
            pay_what_you_want_minimum: String::new(),
            download_limit: String::new(),
            access_days: String::new(),
            tags: String::new(),
            license_keys: false,
            license_activations: String::new(),
        }
    }

    /// The form with what was typed into it before it was refused, where that
    /// is known (`typed` gives a field's value by name).
    pub fn with_typed(mut self, typed: impl Fn(&str) -> Option<String>) -> Self {
        let text = |field: &mut String, name: &str| {
            if let Some(value) = typed(name) {
                *field = value;
            }
        };
        text(&mut self.title, "title");
        text(&mut self.slug, "slug");
        text(&mut self.summary, "summary");
        text(&mut self.description, "description");
        text(&mut self.price, "price");
        text(
            &mut self.pay_what_you_want_minimum,
            "pay_what_you_want_minimum",
        );
        text(&mut self.download_limit, "download_limit");
        text(&mut self.access_days, "access_days");
        text(&mut self.tags, "tags");
        text(&mut self.license_activations, "license_activations");
        if let Some(kind) = typed("kind") {
            self.kind = if kind == "membership" {
                ProductKind::Membership
            } else {
                ProductKind::Download
            };
        }
        if let Some(currency) = typed("currency").and_then(|code| Currency::parse(&code).ok()) {
            self.currency = currency;
        }
        if typed("title").is_some() {
            self.license_keys = typed("license_keys").is_some();
        }
        self
    }
}

/// A byte count as people read it: `812 B`, `1.3 kB`, `94 MB`, `2.1 GB`.
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = bytes.max(0) as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(812), "812 B");
        assert_eq!(human_size(1288), "1.3 kB");
        assert_eq!(human_size(96_044), "96 kB");
        assert_eq!(human_size(2_100_000_000), "2.1 GB");
    }

    #[test]
    fn formats_are_named_from_the_type_or_the_extension() {
        assert_eq!(format_name("application/pdf", "a.pdf"), "PDF");
        assert_eq!(format_name("video/webm", "clip.webm"), "WebM video");
        assert_eq!(format_name("application/octet-stream", "font.otf"), "OTF");
        assert_eq!(format_name("application/octet-stream", "README"), "File");
    }
}
