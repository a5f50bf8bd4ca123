//! The admin side of the catalog: creating and editing products from what an
//! admin typed, with every problem reported against its field, and moving a
//! product between draft, published and archived.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, SqlErr,
};
use types::money::{Currency, Money};
use types::slug::Slug;
use uuid::Uuid;

use crate::catalog::CatalogCache;
use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::product::{self, ProductKind, ProductStatus};

/// The product form as typed: every field is text.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProductInput<'a> {
    pub title: &'a str,
    /// Empty: made from the title.
    pub slug: &'a str,
    pub summary: &'a str,
    /// Markdown.
    pub description: &'a str,
    /// `download` or `membership`.
    pub kind: &'a str,
    /// In major units, e.g. `12.50`.
    pub price: &'a str,
    pub currency: &'a str,
    /// Empty: a fixed price; else the least a buyer may pay.
    pub pay_what_you_want_minimum: &'a str,
    /// Empty: unlimited.
    pub download_limit: &'a str,
    /// Empty: forever.
    pub access_days: &'a str,
    /// Comma-separated.
    pub tags: &'a str,
    /// A checkbox: `on` (or `true`) when each purchase issues a license key.
    pub license_keys: &'a str,
    /// Empty: a key may be activated on any number of machines.
    pub license_activations: &'a str,
}

/// A field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// Why a product could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("Some fields need attention.")]
    Invalid(Vec<FieldError>),
    #[error("No such product.")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A product form that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Draft {
    title: String,
    slug: Slug,
    summary: String,
    description: String,
    kind: ProductKind,
    price: Money,
    pwyw_min_minor: Option<i64>,
    download_limit: Option<i32>,
    access_days: Option<i32>,
    tags: String,
    license_keys: bool,
    license_activations: Option<i32>,
}

fn positive(value: &str, field: &'static str, errors: &mut Vec<FieldError>) -> Option<i32> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i32>() {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            errors.push(FieldError {
                field,
                message: "Enter a whole number of at least 1, or leave it empty.".into(),
            });
            None
        }
    }
}

fn parse(input: &ProductInput<'_>) -> Result<Draft, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut error =
        |field: &'static str, message: String| errors.push(FieldError { field, message });
    let title = input.title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 200 {
        error(
            "title",
            "Give the product a title of at most 200 characters.".into(),
        );
    }
    let slug = if input.slug.trim().is_empty() {
        Slug::from_title(&title)
    } else {
        Slug::parse(input.slug)
    };
    if let Err(err) = &slug {
        error("slug", err.to_string());
    }
    let summary = input.summary.trim().to_owned();
    if summary.chars().count() > 300 {
        error("summary", "Keep the summary to 300 characters.".into());
    }
    let kind = match input.kind.trim() {
        "download" | "" => Some(ProductKind::Download),
        "membership" => Some(ProductKind::Membership),
        _ => {
            error("kind", "Choose download or membership.".into());
            None
        }
    };
    let currency = Currency::parse(input.currency);
    if let Err(err) = &currency {
        error("currency", err.to_string());
    }
    let currency = currency.unwrap_or(Currency::USD);
    let price = Money::parse(input.price, currency);
    if let Err(err) = &price {
        error("price", err.to_string());
    }
    let minimum = match input.pay_what_you_want_minimum.trim() {
        "" => None,
        typed => match Money::parse(typed, currency) {
            Ok(min) => Some(min.minor),
            Err(err) => {
                error("pay_what_you_want_minimum", err.to_string());
                None
            }
        },
    };
    if let (Some(min), Ok(price)) = (minimum, &price)
        && min > price.minor
    {
        error(
            "pay_what_you_want_minimum",
            "The minimum cannot be above the suggested price.".into(),
        );
    }
    let mut tags: Vec<String> = input
        .tags
        .split(',')
        .map(|tag| tag.trim().to_lowercase())
        .filter(|tag| !tag.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    if tags.iter().any(|tag| Slug::parse(tag).is_err()) {
        error(
            "tags",
            "Tags are words like audio or e-book, separated by commas.".into(),
        );
    }
    let download_limit = positive(input.download_limit, "download_limit", &mut errors);
    let access_days = positive(input.access_days, "access_days", &mut errors);
    let license_keys = matches!(input.license_keys.trim(), "on" | "true");
    let license_activations = positive(
        input.license_activations,
        "license_activations",
        &mut errors,
    );
    if license_activations.is_some() && !license_keys {
        errors.push(FieldError {
            field: "license_activations",
            message: "Activations apply to license keys: tick the box above, or leave this empty."
                .into(),
        });
    }
    match (slug, kind, price) {
        (Ok(slug), Some(kind), Ok(price)) if errors.is_empty() => Ok(Draft {
            title,
            slug,
            summary,
            description: input.description.trim().to_owned(),
            kind,
            price,
            pwyw_min_minor: minimum,
            download_limit,
            access_days,
            tags: tags.join(","),
            license_keys,
            license_activations,
        }),
        _ => Err(errors),
    }
}

/// The product editor. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Products {
    db: DatabaseConnection,
    clock: Clock,
    /// Invalidated on every change, so the catalog never shows stale tags.
    catalog: CatalogCache,
}

impl Products {
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self {
            db,
            clock,
            catalog: CatalogCache::default(),
        }
    }

    /// The same editor, invalidating `cache` (the catalog's) on each change.
    pub fn with_catalog_cache(self, catalog: CatalogCache) -> Self {
        Self { catalog, ..self }
    }

    /// Every product, drafts and archived ones included, newest first.
    pub async fn all(&self) -> Result<Vec<product::Model>, DbErr> {
        product::Entity::find()
            .order_by_desc(product::Column::CreatedAt)
            .order_by_desc(product::Column::Id)
            .all(&self.db)
            .await
    }

    /// The product with public id `pid`.
    pub async fn get(&self, pid: Uuid) -> Result<product::Model, EditorError> {
        by_pid(&self.db, pid).await?.ok_or(EditorError::NotFound)
    }

    /// Creates a draft from `input`.
    pub async fn create(&self, input: &ProductInput<'_>) -> Result<product::Model, EditorError> {
        let draft = parse(input).map_err(EditorError::Invalid)?;
        let now = self.clock.now();
        let mut row = product::ActiveModel {
            pid: Set(Uuid::now_v7()),
            status: Set(ProductStatus::Draft),
            created_at: Set(now),
            ..Default::default()
        };
        apply(&mut row, draft, now);
        self.write(row, true).await
    }

    /// Replaces the editable fields of product `pid` with `input`.
    pub async fn update(
        &self,
        pid: Uuid,
        input: &ProductInput<'_>,
    ) -> Result<product::Model, EditorError> {
        let draft = parse(input).map_err(EditorError::Invalid)?;
        let mut row: product::ActiveModel = self.get(pid).await?.into();
        apply(&mut row, draft, self.clock.now());
        self.write(row, false).await
    }

    /// Creates a draft from `input` (no `existing` product), or replaces the
    /// editable fields of product `existing`.
    pub async fn save(
        &self,
        existing: Option<Uuid>,
        input: &ProductInput<'_>,
    ) -> Result<product::Model, EditorError> {
        match existing {
            None => self.create(input).await,
            Some(pid) => self.update(pid, input).await,
        }
    }

    /// Publishes, unpublishes (back to draft) or archives product `pid`.
    pub async fn set_status(
        &self,
        pid: Uuid,
        status: ProductStatus,
    ) -> Result<product::Model, EditorError> {
        let mut row: product::ActiveModel = self.get(pid).await?.into();
        row.status = Set(status);
        row.updated_at = Set(self.clock.now());
        self.write(row, false).await
    }

    async fn write(
        &self,
        row: product::ActiveModel,
        insert: bool,
    ) -> Result<product::Model, EditorError> {
        let txn = begin_write(&self.db).await?;
        let saved = if insert {
            row.insert(&txn).await
        } else {
            row.update(&txn).await
        };
        let saved = saved.map_err(|err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => EditorError::Invalid(vec![FieldError {
                field: "slug",
                message: "Another product already uses this slug.".into(),
            }]),
            _ => EditorError::Database(err),
        })?;
        txn.commit().await?;
        self.catalog.invalidate();
        Ok(saved)
    }
}

/// The product with public id `pid`, whatever its status.
pub async fn by_pid(
    db: &impl sea_orm::ConnectionTrait,
    pid: Uuid,
) -> Result<Option<product::Model>, DbErr> {
    product::Entity::find()
        .filter(product::Column::Pid.eq(pid))
        .one(db)
        .await
}

fn apply(row: &mut product::ActiveModel, draft: Draft, now: chrono::DateTime<chrono::Utc>) {
    row.title = Set(draft.title);
    row.slug = Set(draft.slug.as_str().to_owned());
    row.summary = Set(draft.summary);
    row.description = Set(draft.description);
    row.kind = Set(draft.kind);
    row.price_minor = Set(draft.price.minor);
    row.currency = Set(draft.price.currency);
    row.pwyw_min_minor = Set(draft.pwyw_min_minor);
    row.download_limit = Set(draft.download_limit);
    row.access_days = Set(draft.access_days);
    row.tags = Set(draft.tags);
    row.license_keys = Set(draft.license_keys);
    row.license_activations = Set(draft.license_activations);
    row.updated_at = Set(now);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProductInput<'static> {
        ProductInput {
            title: "Night Rain (Deluxe)",
            price: "4.50",
            currency: "usd",
            tags: "Audio, ambient,audio",
            ..ProductInput::default()
        }
    }

    #[test]
    fn a_good_form_becomes_a_draft_with_derived_slug_and_clean_tags() {
        let draft = parse(&input()).unwrap();
        assert_eq!(draft.slug.as_str(), "night-rain-deluxe");
        assert_eq!(draft.price, Money::new(450, Currency::USD));
        assert_eq!(draft.tags, "ambient,audio");
        assert_eq!(draft.kind, ProductKind::Download);
    }

    #[test]
    fn every_bad_field_is_reported_against_its_name() {
        let bad = ProductInput {
            title: "",
            slug: "Not A Slug",
            kind: "vinyl",
            price: "12,50",
            currency: "dollars",
            pay_what_you_want_minimum: "x",
            download_limit: "0",
            access_days: "-3",
            tags: "ok, not ok",
            ..ProductInput::default()
        };
        let fields: Vec<&str> = parse(&bad).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "slug",
                "kind",
                "currency",
                "price",
                "pay_what_you_want_minimum",
                "tags",
                "download_limit",
                "access_days"
            ]
        );
    }

    #[test]
    fn license_settings_are_read_from_a_checkbox_and_a_limit() {
        let form = ProductInput {
            license_keys: "on",
            license_activations: "3",
            ..input()
        };
        let draft = parse(&form).unwrap();
        assert!(draft.license_keys);
        assert_eq!(draft.license_activations, Some(3));
        assert!(!parse(&input()).unwrap().license_keys);
        let orphan = ProductInput {
            license_activations: "3",
            ..input()
        };
        assert_eq!(parse(&orphan).unwrap_err()[0].field, "license_activations");
    }

    #[test]
    fn a_minimum_above_the_price_is_refused() {
        let form = ProductInput {
            pay_what_you_want_minimum: "5",
            ..input()
        };
        let errors = parse(&form).unwrap_err();
        assert_eq!(errors[0].field, "pay_what_you_want_minimum");
    }
}
