//! Domain results turned into the views pages receive: catalog cards and
//! product pages, the product form, accounts and the outbox.

use domain::catalog::{Details, Image, IncludedFile, Listing, SearchResults};
use domain::entities::product::{self, ProductKind};
use domain::entities::user::{self, Role};
use domain::money::Money;

use crate::views::{
    AdminProductView, CatalogPageView, FileView, ImageView, OutboxMailView, PriceMinimum,
    PriceView, ProductCardView, ProductFields, ProductFormView, ProductPageView, UserView,
    format_name, human_size,
};

impl From<&product::Model> for ProductFormView {
    fn from(product: &product::Model) -> Self {
        let amount = |money: Money| money.amount();
        let text = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            product: product.pid.to_string(),
            title: product.title.clone(),
            slug: product.slug.clone(),
            summary: product.summary.clone(),
            description: product.description.clone(),
            kind: product.kind,
            price: amount(product.price()),
            currency: product.currency,
            pay_what_you_want_minimum: product.minimum_price().map(amount).unwrap_or_default(),
            download_limit: text(product.download_limit),
            access_days: text(product.access_days),
            tags: product.tags.replace(',', ", "),
            license_keys: product.license_keys,
            license_activations: text(product.license_activations),
        }
    }
}

/// The domain's product input, borrowed from the posted form.
pub fn product_input(fields: &ProductFields) -> domain::products::ProductInput<'_> {
    domain::products::ProductInput {
        title: &fields.title,
        slug: &fields.slug,
        summary: &fields.summary,
        description: &fields.description,
        kind: &fields.kind,
        price: &fields.price,
        currency: &fields.currency,
        pay_what_you_want_minimum: &fields.pay_what_you_want_minimum,
        download_limit: &fields.download_limit,
        access_days: &fields.access_days,
        tags: &fields.tags,
        license_keys: &fields.license_keys,
        license_activations: &fields.license_activations,
    }
}

impl From<&product::Model> for AdminProductView {
    fn from(product: &product::Model) -> Self {
        Self {
            product: product.pid.to_string(),
            slug: product.slug.clone(),
            title: product.title.clone(),
            status: product.status,
            price: product.price().to_string(),
        }
    }
}

impl From<domain::admin::Overview> for crate::views::AdminOverviewView {
    fn from(overview: domain::admin::Overview) -> Self {
        Self {
            published_products: overview.published_products,
            customers: overview.customers,
            admins: overview.admins,
        }
    }
}

impl From<&user::Model> for UserView {
    fn from(user: &user::Model) -> Self {
        Self {
            email: user.email.clone(),
            is_admin: user.role == Role::Admin,
            has_password: user.password_hash.is_some(),
            verified: user.is_verified(),
        }
    }
}

impl From<&domain::entities::mail::Model> for OutboxMailView {
    fn from(mail: &domain::entities::mail::Model) -> Self {
        Self {
            to: mail.to_address.clone(),
            subject: mail.subject.clone(),
            status: mail.status,
            attempts: mail.attempts,
            created_at: super::when(mail.created_at),
            text: mail.text_body.clone(),
        }
    }
}

impl From<&Image> for ImageView {
    fn from(image: &Image) -> Self {
        Self {
            url: image.url.clone(),
            srcset: image.srcset.clone(),
            alt: image.alt.clone(),
            width: image.width,
            height: image.height,
        }
    }
}

impl From<&IncludedFile> for FileView {
    fn from(file: &IncludedFile) -> Self {
        Self {
            format: format_name(&file.content_type, &file.filename),
            size: human_size(file.size_bytes),
            name: file.filename.clone(),
        }
    }
}

/// How often a membership renews, as a price suffix: `/ month`, `/ year`,
/// `/ 90 days`. Downloads and lifetime memberships have none.
pub fn renewal_period(kind: ProductKind, access_days: Option<i32>) -> Option<String> {
    let days = access_days.filter(|_| kind == ProductKind::Membership)?;
    Some(match days {
        1 => "/ day".to_owned(),
        7 => "/ week".to_owned(),
        14 => "/ 2 weeks".to_owned(),
        28..=31 => "/ month".to_owned(),
        90..=92 => "/ quarter".to_owned(),
        365 | 366 => "/ year".to_owned(),
        days => format!("/ {days} days"),
    })
}

fn price_view(product: &product::Model) -> PriceView {
    let price = product.price();
    PriceView {
        minor: price.minor,
        currency: price.currency,
        label: price.to_string(),
        minimum: product.minimum_price().map(|minimum| PriceMinimum {
            minor: minimum.minor,
            label: minimum.to_string(),
        }),
        period: renewal_period(product.kind, product.access_days),
    }
}

/// A card for `product`, read from what the catalog keeps (shared by every
/// visitor): only what the card shows is copied.
fn card(product: &product::Model, cover: Option<&Image>) -> ProductCardView {
    ProductCardView {
        price: price_view(product),
        kind: product.kind,
        tags: product
            .tags
            .split(',')
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .map(str::to_owned)
            .collect(),
        cover: cover.map(Into::into),
        slug: product.slug.clone(),
        title: product.title.clone(),
        summary: product.summary.clone(),
    }
}

impl From<&Listing> for ProductCardView {
    fn from(listing: &Listing) -> Self {
        card(&listing.product, listing.cover.as_ref())
    }
}

impl From<&SearchResults> for CatalogPageView {
    fn from(results: &SearchResults) -> Self {
        Self {
            products: results.listings.iter().map(Into::into).collect(),
            total: results.total,
            page: results.page,
            pages: results.pages,
            tags: results.tags.clone(),
        }
    }
}

/// What a buyer gets, in short sentences: downloads, access, license keys.
fn terms(product: &product::Model) -> Vec<String> {
    let mut terms = Vec::new();
    match product.download_limit {
        Some(limit) => terms.push(format!("{limit} downloads per file")),
        None if product.kind == ProductKind::Download => {
            terms.push("Unlimited downloads".to_owned());
        }
        None => {}
    }
    match (product.access_days, product.kind) {
        (Some(days), ProductKind::Membership) => {
            terms.push(format!("Renews every {days} days; cancel any time"));
        }
        (Some(days), _) => terms.push(format!("Access for {days} days after purchase")),
        (None, _) => terms.push("Yours to keep".to_owned()),
    }
    match (product.license_keys, product.license_activations) {
        (true, Some(1)) => terms.push("A license key for 1 device".to_owned()),
        (true, Some(n)) => terms.push(format!("A license key for {n} devices")),
        (true, None) => terms.push("A license key for any number of devices".to_owned()),
        (false, _) => {}
    }
    terms
}

impl From<&Details> for ProductPageView {
    fn from(details: &Details) -> Self {
        Self {
            card: card(&details.product, None),
            description_html: details.description_html.clone(),
            files: details.files.iter().map(Into::into).collect(),
            terms: terms(&details.product),
            images: details.images.iter().map(Into::into).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memberships_show_their_own_period() {
        use ProductKind::{Download, Membership};
        assert_eq!(
            renewal_period(Membership, Some(30)).as_deref(),
            Some("/ month")
        );
        assert_eq!(
            renewal_period(Membership, Some(365)).as_deref(),
            Some("/ year")
        );
        assert_eq!(
            renewal_period(Membership, Some(7)).as_deref(),
            Some("/ week")
        );
        assert_eq!(
            renewal_period(Membership, Some(45)).as_deref(),
            Some("/ 45 days")
        );
        assert_eq!(renewal_period(Membership, None), None, "lifetime access");
        assert_eq!(
            renewal_period(Download, Some(30)),
            None,
            "downloads do not renew"
        );
    }
}
