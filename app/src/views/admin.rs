//! The admin area's views: the dashboard, the outbox, the product list and
//! editor form, uploads and the media panel.

use serde::{Deserialize, Serialize};

use super::{Currency, MailStatus, ProductKind, ProductStatus};

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

/// An entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    /// When, on the store's clock.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What an admin changes on one purchase from its order page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PurchaseChange {
    /// More downloads (by the form's amount).
    Downloads,
    /// More days of access (by the form's amount).
    Days,
    Revoke,
    Restore,
}

impl PurchaseChange {
    /// The form value and wire name: `downloads`, `days`, `revoke`, `restore`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Downloads => "downloads",
            Self::Days => "days",
            Self::Revoke => "revoke",
            Self::Restore => "restore",
        }
    }
}

/// Blocking a customer, or lifting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockChange {
    Block,
    Unblock,
}

impl BlockChange {
    /// The form value and wire name: `block`, `unblock`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Block => "block",
            Self::Unblock => "unblock",
        }
    }

    /// Whether the customer ends up blocked.
    pub fn blocks(self) -> bool {
        self == Self::Block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_changes_travel_under_their_form_values() {
        use PurchaseChange::*;
        for change in [Downloads, Days, Revoke, Restore] {
            let json = serde_json::to_string(&change).unwrap();
            assert_eq!(json, format!("\"{}\"", change.as_str()));
            assert_eq!(
                crate::codec::json::from_str::<PurchaseChange>(&json).unwrap(),
                change
            );
        }
        for change in [BlockChange::Block, BlockChange::Unblock] {
            let json = serde_json::to_string(&change).unwrap();
            assert_eq!(json, format!("\"{}\"", change.as_str()));
            assert_eq!(
                crate::codec::json::from_str::<BlockChange>(&json).unwrap(),
                change
            );
        }
        assert!(crate::codec::json::from_str::<PurchaseChange>("\"delete\"").is_err());
    }
}
