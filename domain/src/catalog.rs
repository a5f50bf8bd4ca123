//! The storefront's reads: published products — searched, filtered, sorted and
//! paged — with their images (as presigned URLs) and the list of files each one
//! includes.

mod cache;
mod search;

pub use cache::{CatalogCache, TAGS_TTL};
pub use search::{PAGE_SIZE, SearchQuery, Sort};

use sea_orm::sea_query::{Asterisk, Expr, ExprTrait, Func, IntoCondition, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait,
};

use std::sync::Arc;

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
    /// The description rendered from Markdown, safe to insert as HTML
    /// ([`crate::markdown`]); rendered once, when the product is read.
    pub description_html: String,
    pub images: Vec<Image>,
    pub files: Vec<IncludedFile>,
}

/// Catalog reads. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Catalog {
    db: DatabaseConnection,
    storage: Storage,
    clock: Clock,
    cache: CatalogCache,
}

impl Catalog {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        Self {
            db,
            storage,
            clock,
            cache: CatalogCache::default(),
        }
    }

    /// The same catalog, keeping what it caches in `cache` (which the services
    /// that change products, images and files invalidate).
    pub fn with_cache(self, cache: CatalogCache) -> Self {
        Self { cache, ..self }
    }

    /// The cache this catalog keeps (its generation dates pages made from it).
    pub fn cache(&self) -> &CatalogCache {
        &self.cache
    }

    /// Published products matching `query`, one page of them, with their cover
    /// images; and every tag in use, for filters.
    /// Kept (until a product changes, or [`TAGS_TTL`]) and shared by every
    /// visitor who asks the same.
    pub async fn search(&self, query: &SearchQuery) -> Result<Arc<SearchResults>, CatalogError> {
        let now = self.clock.now();
        self.cache
            .search(query, now, self.search_now(query, now))
            .await
    }

    async fn search_now(
        &self,
        query: &SearchQuery,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<SearchResults, CatalogError> {
        let (mut rows, mut total) = self.page_of(query, query.page).await?;
        let mut page = query.page;
        if rows.is_empty() && page > 1 {
            // Past the last page, where the count is not known either: count,
            // then show the last page.
            total = product::Entity::find()
                .filter(search::condition(query))
                .count(&self.db)
                .await?;
            page = Ord::max(total.div_ceil(PAGE_SIZE), 1);
            (rows, total) = self.page_of(query, page).await?;
        }
        let pages = Ord::max(total.div_ceil(PAGE_SIZE), 1);
        let mut listings = Vec::with_capacity(rows.len());
        for (product, cover) in rows.drain(..) {
            let cover = match cover {
                Some(image) => Some(self.image(&image, now).await?),
                None => None,
            };
            listings.push(Listing {
                price: product.price(),
                cover,
                product,
            });
        }
        Ok(SearchResults {
            listings,
            total,
            page: Ord::min(page, pages),
            pages,
            tags: self.tags().await?,
        })
    }

    /// Page `page` of the products matching `query`, each with its cover, and
    /// how many match in all — one query: the page is read through the
    /// `(status, created_at)` index, so only its rows are visited, and the count
    /// is a subquery SQLite and PostgreSQL evaluate once.
    async fn page_of(
        &self,
        query: &SearchQuery,
        page: u64,
    ) -> Result<(Vec<(product::Model, Option<product_image::Model>)>, u64), CatalogError> {
        let cover = product::Relation::Images.def().on_condition(|_, images| {
            Expr::col((images, product_image::Column::Position))
                .eq(0)
                .into_condition()
        });
        let total = Query::select()
            .expr(Func::count(Expr::col(Asterisk)))
            .from(product::Entity)
            .cond_where(search::condition(query))
            .take();
        let select = product::Entity::find()
            .filter(search::condition(query))
            .select_also(product_image::Entity)
            .join(JoinType::LeftJoin, cover)
            .expr_as(Expr::SubQuery(None, Box::new(total.into())), "total");
        let select = match query.sort {
            Sort::Newest => select.order_by_desc(product::Column::CreatedAt),
            Sort::PriceLowHigh => select.order_by_asc(product::Column::PriceMinor),
            Sort::PriceHighLow => select.order_by_desc(product::Column::PriceMinor),
        }
        .order_by_asc(product::Column::Id)
        .limit(PAGE_SIZE)
        .offset(page.saturating_sub(1) * PAGE_SIZE);
        let statement = self.db.get_database_backend().build(&select.into_query());
        let mut total = 0;
        let mut rows = Vec::with_capacity(usize::try_from(PAGE_SIZE).unwrap_or_default());
        for row in self.db.query_all_raw(statement).await? {
            total = u64::try_from(row.try_get::<i64>("", "total")?).unwrap_or_default();
            rows.push((
                product::Model::from_query_result(&row, "A_")?,
                product_image::Model::from_query_result_optional(&row, "B_")?,
            ));
        }
        Ok((rows, total))
    }

    /// Every tag on a published product, sorted (cached).
    async fn tags(&self) -> Result<Vec<String>, CatalogError> {
        let now = self.clock.now();
        let generation = match self.cache.tags(now) {
            Ok(tags) => return Ok(tags),
            Err(generation) => generation,
        };
        let tags = self.tags_in_use().await?;
        self.cache.keep_tags(generation, now, &tags);
        Ok(tags)
    }

    async fn tags_in_use(&self) -> Result<Vec<String>, CatalogError> {
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

    /// The published product with `slug`, its gallery and its files. Kept
    /// like search results.
    pub async fn published_by_slug(&self, slug: &str) -> Result<Arc<Details>, CatalogError> {
        let now = self.clock.now();
        self.cache
            .product(slug, now, self.published_now(slug, now))
            .await
    }

    async fn published_now(
        &self,
        slug: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Details, CatalogError> {
        // The product and its gallery in one query, then its files.
        let (product, image_rows) = product::Entity::find()
            .filter(product::Column::Slug.eq(slug))
            .filter(product::Column::Status.eq(ProductStatus::Published))
            .find_with_related(product_image::Entity)
            .order_by_asc(product_image::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .next()
            .ok_or(CatalogError::NotFound)?;
        let files = crate::product_files::newest_versions(&self.db, product.id)
            .await?
            .into_iter()
            .map(|file| IncludedFile {
                filename: file.filename,
                content_type: file.content_type,
                size_bytes: file.size_bytes,
            })
            .collect();
        let mut images = Vec::with_capacity(image_rows.len());
        for image in &image_rows {
            images.push(self.image(image, now).await?);
        }
        Ok(Details {
            price: product.price(),
            description_html: crate::markdown::to_safe_html(&product.description),
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
                candidates.push((self.storage.image_url(key, now), width));
            }
        }
        let url = match candidates.last() {
            Some((url, _)) => url.clone(),
            None => self.storage.image_url(&image.s3_key, now),
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
