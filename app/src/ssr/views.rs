//! Domain results turned into the views pages receive: catalog cards and
//! product pages, the product form, accounts and the outbox.

use domain::catalog::{Details, Image, IncludedFile, Listing, SearchResults};
use domain::entities::product::{self, ProductKind};
use domain::entities::user::{self, Role};
use domain::money::Money;

use crate::views::{
    AdminProductView, CatalogPageView, DeviceView, FileView, ImageView, MailedLink, OutboxMailView,
    PriceMinimum, PriceView, ProductCardView, ProductFields, ProductFormView, ProductPageView,
    UserView, format_name, human_size,
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
            created_at: mail.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            text: mail.text_body.clone(),
        }
    }
}

impl From<Image> for ImageView {
    fn from(image: Image) -> Self {
        Self {
            url: image.url,
            srcset: image.srcset,
            alt: image.alt,
            width: image.width,
            height: image.height,
        }
    }
}

impl From<IncludedFile> for FileView {
    fn from(file: IncludedFile) -> Self {
        Self {
            format: format_name(&file.content_type, &file.filename),
            size: human_size(file.size_bytes),
            name: file.filename,
        }
    }
}

/// The devices signed in to an account, the one whose session id hashes to
/// `current` marked.
pub fn device_views(
    sessions: Vec<domain::entities::session::Model>,
    current: Option<&str>,
) -> Vec<DeviceView> {
    sessions
        .into_iter()
        .map(|session| DeviceView {
            device: browser_name(session.user_agent.as_deref().unwrap_or_default()),
            ip: session.ip.unwrap_or_else(|| "unknown".to_owned()),
            signed_in: session.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            current: current == Some(session.id_hash.as_str()),
        })
        .collect()
}

/// A user agent as people name their browser: `Firefox on Linux`.
pub fn browser_name(agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .into_iter()
    .find(|(mark, _)| agent.contains(mark))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| agent.contains(mark))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) => "An unknown browser".to_owned(),
    }
}

/// The domain's token purpose for a kind of mailed link.
pub fn token_purpose(link: MailedLink) -> domain::entities::login_token::TokenPurpose {
    use domain::entities::login_token::TokenPurpose;
    match link {
        MailedLink::SignIn => TokenPurpose::MagicLink,
        MailedLink::Reset => TokenPurpose::PasswordReset,
        MailedLink::Confirm => TokenPurpose::VerifyEmail,
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

fn card(product: product::Model, cover: Option<Image>) -> ProductCardView {
    ProductCardView {
        price: price_view(&product),
        kind: product.kind,
        tags: product
            .tags
            .split(',')
            .map(str::trim)
            .filter(|tag| !tag.is_empty())
            .map(str::to_owned)
            .collect(),
        cover: cover.map(Into::into),
        slug: product.slug,
        title: product.title,
        summary: product.summary,
    }
}

impl From<Listing> for ProductCardView {
    fn from(listing: Listing) -> Self {
        card(listing.product, listing.cover)
    }
}

impl From<SearchResults> for CatalogPageView {
    fn from(results: SearchResults) -> Self {
        Self {
            products: results.listings.into_iter().map(Into::into).collect(),
            total: results.total,
            page: results.page,
            pages: results.pages,
            tags: results.tags,
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

impl From<Details> for ProductPageView {
    fn from(details: Details) -> Self {
        let terms = terms(&details.product);
        let description_html = domain::markdown::to_safe_html(&details.product.description);
        Self {
            card: card(details.product, None),
            description_html,
            files: details.files.into_iter().map(Into::into).collect(),
            terms,
            images: details.images.into_iter().map(Into::into).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_as_people_name_them() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
        assert_eq!(browser_name(firefox), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
            (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        assert_eq!(browser_name(chrome), "Chrome on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 \
            (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
        assert_eq!(browser_name(safari), "Safari on iOS");
        assert_eq!(browser_name(""), "An unknown browser");
    }

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
