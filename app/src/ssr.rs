//! Server-side plumbing for pages and server functions: the shared context,
//! request ids, domain errors turned into [`AppError`], and domain results turned
//! into views.

use domain::accounts::{AccountError, Accounts};
use domain::catalog::{CatalogError, Details, Image, IncludedFile, Listing};
use domain::entities::product::{self, ProductKind};
use domain::entities::user::{self, Role};
use domain::money::Money;
use leptos::prelude::*;

pub mod media;
pub mod session;

use crate::error::AppError;
use crate::views::{
    FileView, ImageView, KindView, PriceMinimum, PriceView, ProductCardView, ProductPageView,
    UserView, format_name, human_size,
};

/// What server functions need from the server, provided once per request.
#[derive(Clone, Debug)]
pub struct AppContext {
    pub catalog: domain::catalog::Catalog,
    pub accounts: Accounts,
    pub limiter: domain::rate_limit::RateLimiter,
    pub uploads: domain::uploads::Uploads,
    pub products: domain::products::Products,
    pub gallery: domain::gallery::Gallery,
    pub files: domain::product_files::ProductFiles,
    /// For read-only reports (the admin dashboard).
    pub db: sea_orm::DatabaseConnection,
}

/// The request's [`AppContext`].
pub fn ctx() -> Result<AppContext, AppError> {
    use_context::<AppContext>().ok_or_else(|| internal("AppContext was not provided"))
}

/// The id the server gave this request (`x-request-id`), for logs and error pages.
pub fn request_id() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get("x-request-id")?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Logs `cause` with the request id and returns the error a client may see.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    let request_id = request_id();
    tracing::error!(%request_id, error = %cause, "internal error");
    AppError::Internal { request_id }
}

/// Sets the HTTP status of the page or server-function response.
pub fn set_status(status: u16) {
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
}

/// `error`, with the response status set to match — except for a plain HTML
/// form post (no JavaScript), which must stay a redirect back to its page so the
/// browser follows it and the page can show the error.
pub fn answered(error: AppError) -> AppError {
    if !is_form_post() {
        set_status(error.status());
    }
    if let (AppError::TooManyRequests { retry_after_secs }, Some(response)) =
        (&error, use_context::<leptos_axum::ResponseOptions>())
    {
        response.insert_header(
            http::header::RETRY_AFTER,
            http::HeaderValue::from(*retry_after_secs),
        );
    }
    error
}

/// Counts an attempt at `what` against the client's IP address and, when given,
/// the account's email; refuses it with 429 past the limits.
pub async fn rate_limit(
    what: domain::rate_limit::Guarded,
    email: Option<&str>,
) -> Result<(), AppError> {
    let ip = leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|_| "unknown".to_owned());
    ctx()?.limiter.check(what, &ip, email).map_err(|wait| {
        let retry_after_secs = u64::try_from(wait.num_seconds()).unwrap_or(1).max(1);
        answered(AppError::TooManyRequests { retry_after_secs })
    })
}

fn is_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    })
}

impl From<sea_orm::DbErr> for AppError {
    /// A database failure is internal: logged with the request id, never sent.
    fn from(err: sea_orm::DbErr) -> Self {
        answered(internal(err))
    }
}

impl From<CatalogError> for AppError {
    fn from(err: CatalogError) -> Self {
        answered(match err {
            CatalogError::NotFound => Self::NotFound,
            other => internal(other),
        })
    }
}

impl From<domain::products::EditorError> for AppError {
    fn from(err: domain::products::EditorError) -> Self {
        use domain::products::EditorError as E;
        answered(match err {
            E::NotFound => Self::NotFound,
            E::Invalid(errors) => Self::InvalidFields(
                errors
                    .into_iter()
                    .map(|e| crate::views::FieldErrorView {
                        field: e.field.to_owned(),
                        message: e.message,
                    })
                    .collect(),
            ),
            E::Database(err) => internal(err),
        })
    }
}

impl From<&product::Model> for crate::views::ProductFormView {
    fn from(product: &product::Model) -> Self {
        let currency =
            types::money::Currency::parse(&product.currency).unwrap_or(types::money::Currency::USD);
        let amount = |minor: i64| Money::new(minor, currency).amount();
        let text = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            product: product.pid.to_string(),
            title: product.title.clone(),
            slug: product.slug.clone(),
            summary: product.summary.clone(),
            description: product.description.clone(),
            kind: match product.kind {
                ProductKind::Download => "download".into(),
                ProductKind::Membership => "membership".into(),
            },
            price: amount(product.price_minor),
            currency: currency.code().to_owned(),
            pay_what_you_want_minimum: product.pwyw_min_minor.map(amount).unwrap_or_default(),
            download_limit: text(product.download_limit),
            access_days: text(product.access_days),
            tags: product.tags.replace(',', ", "),
            license_keys: product.license_keys,
            license_activations: text(product.license_activations),
        }
    }
}

impl From<&product::Model> for crate::views::AdminProductView {
    fn from(product: &product::Model) -> Self {
        Self {
            product: product.pid.to_string(),
            slug: product.slug.clone(),
            title: product.title.clone(),
            status: format!("{:?}", product.status).to_lowercase(),
            price: domain::catalog::price_of(product)
                .map(|price| price.to_string())
                .unwrap_or_default(),
        }
    }
}

/// A public id from a request, or 404.
pub fn parse_id(value: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(value.trim()).map_err(|_| answered(AppError::NotFound))
}

impl From<AccountError> for AppError {
    fn from(err: AccountError) -> Self {
        answered(match err {
            AccountError::InvalidEmail(_)
            | AccountError::PasswordTooShort
            | AccountError::PasswordTooLong
            | AccountError::InvalidCredentials
            | AccountError::WrongCurrentPassword
            | AccountError::InvalidLink => Self::Validation(err.to_string()),
            AccountError::EmailTaken => Self::Conflict(err.to_string()),
            AccountError::NoSuchAccount => Self::Unauthorized,
            AccountError::Database(_) | AccountError::Hash(_) => internal(err),
        })
    }
}

impl From<&user::Model> for UserView {
    fn from(user: &user::Model) -> Self {
        Self {
            email: user.email.clone(),
            is_admin: user.role == Role::Admin,
            has_password: user.password_hash.is_some(),
        }
    }
}

impl From<&domain::entities::mail::Model> for crate::views::OutboxMailView {
    fn from(mail: &domain::entities::mail::Model) -> Self {
        Self {
            to: mail.to_address.clone(),
            subject: mail.subject.clone(),
            status: format!("{:?}", mail.status).to_lowercase(),
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

fn price_view(product: &product::Model, price: Money) -> PriceView {
    PriceView {
        minor: price.minor,
        currency: price.currency.code().to_owned(),
        label: price.to_string(),
        minimum: product.pwyw_min_minor.map(|minor| PriceMinimum {
            minor,
            label: Money::new(minor, price.currency).to_string(),
        }),
    }
}

fn card(product: product::Model, price: Money, cover: Option<Image>) -> ProductCardView {
    ProductCardView {
        price: price_view(&product, price),
        kind: match product.kind {
            ProductKind::Download => KindView::Download,
            ProductKind::Membership => KindView::Membership,
        },
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
        card(listing.product, listing.price, listing.cover)
    }
}

impl From<domain::catalog::SearchResults> for crate::views::CatalogPageView {
    fn from(results: domain::catalog::SearchResults) -> Self {
        Self {
            products: results.listings.into_iter().map(Into::into).collect(),
            total: results.total,
            page: results.page,
            pages: results.pages,
            tags: results.tags,
        }
    }
}

impl From<Details> for ProductPageView {
    fn from(details: Details) -> Self {
        let product = &details.product;
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
        let description_html = domain::markdown::to_safe_html(&product.description);
        let images: Vec<ImageView> = details.images.into_iter().map(Into::into).collect();
        Self {
            card: card(details.product, details.price, None),
            description_html,
            files: details.files.into_iter().map(Into::into).collect(),
            terms,
            images,
        }
    }
}
