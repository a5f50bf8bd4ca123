//! The storefront's reads: published products — searched, filtered, sorted and
//! paged — with their images (as presigned URLs) and the list of files each one
//! includes.

mod search;

pub use search::{PAGE_SIZE, SearchQuery, Sort};

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

use crate::clock::Clock;
use crate::entities::product::{self, ProductStatus};
use crate::entities::product_image;
use crate::money::Money;
use crate::storage::{Storage, StorageError};

/// Why a catalog read failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// No published product has that slug.
    #[error("no such product")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// An image ready for an `<img>`: presigned URLs of its thumbnails and the
/// original's size (for the aspect ratio).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// The large thumbnail (the original for images stored before thumbnails).
    pub url: String,
    /// `url 400w, url 1200w` for `srcset`; empty without thumbnails.
    pub srcset: String,
    pub alt: String,
    pub width: i32,
    pub height: i32,
}

/// A product as the catalog grid shows it.
#[derive(Clone, Debug)]
pub struct Listing {
    pub product: product::Model,
    pub price: Money,
    pub cover: Option<Image>,
}

/// A file as the product page lists it: what it is, not where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncludedFile {
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// One page of a catalog search.
#[derive(Clone, Debug)]
pub struct SearchResults {
    pub listings: Vec<Listing>,
    /// Matches on all pages.
    pub total: u64,
    /// This page, 1-based (clamped to the last page).
    pub page: u64,
    /// At least 1.
    pub pages: u64,
    /// Every tag in use on a published product, sorted.
    pub tags: Vec<String>,
}

/// A product as its own page shows it.
#[derive(Clone, Debug)]
pub struct Details {
    pub product: product::Model,
    pub price: Money,
    pub images: Vec<Image>,
    pub files: Vec<IncludedFile>,
}

/// Catalog reads. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Catalog {
    db: DatabaseConnection,
    storage: Storage,
    clock: Clock,
}

impl Catalog {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        Self { db, storage, clock }
    }

    /// Published products matching `query`, one page of them, with their cover
    /// images; and every tag in use, for filters.
    pub async fn search(&self, query: &SearchQuery) -> Result<SearchResults, CatalogError> {
        let select = product::Entity::find().filter(search::condition(query));
        let select = match query.sort {
            Sort::Newest => select.order_by_desc(product::Column::CreatedAt),
            Sort::PriceLowHigh => select.order_by_asc(product::Column::PriceMinor),
            Sort::PriceHighLow => select.order_by_desc(product::Column::PriceMinor),
        }
        .order_by_asc(product::Column::Id);
        let paginator = select.paginate(&self.db, PAGE_SIZE);
        let total = paginator.num_items().await?;
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = query.page.clamp(1, pages);
        let products = paginator.fetch_page(page - 1).await?;
        Ok(SearchResults {
            listings: self.listings(products).await?,
            total,
            page,
            pages,
            tags: self.tags().await?,
        })
    }

    async fn listings(&self, products: Vec<product::Model>) -> Result<Vec<Listing>, CatalogError> {
        let covers: HashMap<i64, product_image::Model> = product_image::Entity::find()
            .filter(product_image::Column::ProductId.is_in(products.iter().map(|p| p.id)))
            .filter(product_image::Column::Position.eq(0))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|image| (image.product_id, image))
            .collect();
        let now = self.clock.now();
        let mut listings = Vec::with_capacity(products.len());
        for product in products {
            let cover = match covers.get(&product.id) {
                Some(image) => Some(self.image(image, now).await?),
                None => None,
            };
            listings.push(Listing {
                price: product.price(),
                cover,
                product,
            });
        }
        Ok(listings)
    }

    /// Every tag on a published product, sorted.
    async fn tags(&self) -> Result<Vec<String>, CatalogError> {
        let rows: Vec<String> = product::Entity::find()
            .select_only()
            .column(product::Column::Tags)
            .filter(product::Column::Status.eq(ProductStatus::Published))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut tags: Vec<String> = rows
            .iter()
            .flat_map(|tags| tags.split(','))
            .map(|tag| tag.trim().to_lowercase())
            .filter(|tag| !tag.is_empty())
            .collect();
        tags.sort();
        tags.dedup();
        Ok(tags)
    }

    /// The published product with `slug`, its gallery and its files.
    pub async fn published_by_slug(&self, slug: &str) -> Result<Details, CatalogError> {
        let product = product::Entity::find()
            .filter(product::Column::Slug.eq(slug))
            .filter(product::Column::Status.eq(ProductStatus::Published))
            .one(&self.db)
            .await?
            .ok_or(CatalogError::NotFound)?;
        let image_rows = product_image::Entity::find()
            .filter(product_image::Column::ProductId.eq(product.id))
            .order_by_asc(product_image::Column::Position)
            .all(&self.db)
            .await?;
        let files = crate::product_files::newest_versions(&self.db, product.id)
            .await?
            .into_iter()
            .map(|file| IncludedFile {
                filename: file.filename,
                content_type: file.content_type,
                size_bytes: file.size_bytes,
            })
            .collect();
        let now = self.clock.now();
        let mut images = Vec::with_capacity(image_rows.len());
        for image in &image_rows {
            images.push(self.image(image, now).await?);
        }
        Ok(Details {
            price: product.price(),
            product,
            images,
            files,
        })
    }

    async fn image(
        &self,
        image: &product_image::Model,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Image, StorageError> {
        let mut candidates = Vec::with_capacity(2);
        for (key, width) in [
            (&image.small_key, image.small_width),
            (&image.large_key, image.large_width),
        ] {
            if let (Some(key), Some(width)) = (key, width) {
                candidates.push((self.storage.image_url(key, now).await?, width));
            }
        }
        let url = match candidates.last() {
            Some((url, _)) => url.clone(),
            None => self.storage.image_url(&image.s3_key, now).await?,
        };
        let srcset = candidates
            .iter()
            .map(|(url, width)| format!("{url} {width}w"))
            .collect::<Vec<_>>()
            .join(", ");
        Ok(Image {
            url,
            srcset,
            alt: image.alt.clone(),
            width: image.width,
            height: image.height,
        })
    }
}
