//! A product's image gallery: adding an image (its thumbnails are made and
//! stored in S3 beside the original), describing it for screen readers,
//! ordering it (the first image is the cover) and removing it.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::catalog::CatalogCache;
use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::product_image;
use crate::images::{self, ImageError};
use crate::storage::{Storage, StorageError};

/// The longest description of an image.
const MAX_ALT_CHARS: usize = 300;

/// Why a gallery change failed.
#[derive(Debug, thiserror::Error)]
pub enum GalleryError {
    #[error("No such product.")]
    NoSuchProduct,
    #[error("No such image.")]
    NoSuchImage,
    #[error("Describe the image in at most 300 characters.")]
    InvalidAlt,
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The gallery service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Gallery {
    db: DatabaseConnection,
    storage: Storage,
    clock: Clock,
    /// Invalidated on every change (covers and galleries show in the catalog).
    catalog: CatalogCache,
}

/// The thumbnail keys stored beside an original.
fn thumbnail_keys(key: &str) -> (String, String) {
    (
        format!("{key}-{}", images::SMALL_WIDTH),
        format!("{key}-{}", images::LARGE_WIDTH),
    )
}

impl Gallery {
    pub fn new(db: DatabaseConnection, storage: Storage, clock: Clock) -> Self {
        Self {
            db,
            storage,
            clock,
            catalog: CatalogCache::default(),
        }
    }

    /// The same gallery, invalidating `catalog` on each change.
    pub fn with_catalog_cache(self, catalog: CatalogCache) -> Self {
        Self { catalog, ..self }
    }

    /// The cache this gallery invalidates.
    pub(crate) fn catalog_cache(&self) -> &CatalogCache {
        &self.catalog
    }

    /// Makes the thumbnails of `bytes` (the original, stored under `key`) and
    /// stores them beside it; [`append`] then records the image.
    pub async fn store_thumbnails(
        &self,
        key: &str,
        bytes: Vec<u8>,
    ) -> Result<StoredImage, GalleryError> {
        let made = tokio::task::spawn_blocking(move || images::thumbnails(&bytes))
            .await
            .map_err(|err| ImageError::Unreadable(format!("thumbnail task: {err}")))??;
        let (small_key, large_key) = thumbnail_keys(key);
        for (thumb_key, thumb) in [(&small_key, &made.small), (&large_key, &made.large)] {
            self.storage
                .put_bytes(thumb_key, thumb.bytes.clone(), thumb.content_type)
                .await?;
        }
        Ok(StoredImage {
            key: key.to_owned(),
            width: made.width,
            height: made.height,
            small: (small_key, made.small.width),
            large: (large_key, made.large.width),
        })
    }

    /// The images of the product with public id `product`, cover first, each
    /// with a presigned URL of its small thumbnail (of the original when it has
    /// none).
    pub async fn of_product(&self, product: Uuid) -> Result<Vec<GalleryImage>, GalleryError> {
        let product = crate::products::by_pid(&self.db, product)
            .await?
            .ok_or(GalleryError::NoSuchProduct)?;
        let now = self.clock.now();
        let mut images = Vec::new();
        for image in ordered(&self.db, product.id).await? {
            let key = image.small_key.as_deref().unwrap_or(&image.s3_key);
            let thumbnail_url = self.storage.image_url(key, now);
            images.push(GalleryImage {
                image,
                thumbnail_url,
            });
        }
        Ok(images)
    }

    /// Sets the text screen readers say for the image.
    pub async fn describe(&self, image: Uuid, alt: &str) -> Result<(), GalleryError> {
        let alt = valid_alt(alt)?;
        let txn = begin_write(&self.db).await?;
        let mut row = find(&txn, image).await?.into_active_model();
        row.alt = Set(alt);
        row.update(&txn).await?;
        txn.commit().await?;
        self.catalog.invalidate();
        Ok(())
    }

    /// Moves the image to `position` in its gallery (0 makes it the cover;
    /// positions past the end move it last).
    pub async fn move_to(&self, image: Uuid, position: usize) -> Result<(), GalleryError> {
        let txn = begin_write(&self.db).await?;
        let moved = find(&txn, image).await?;
        let mut order = ordered(&txn, moved.product_id).await?;
        order.retain(|row| row.id != moved.id);
        order.insert(position.min(order.len()), moved);
        renumber(&txn, order).await?;
        txn.commit().await?;
        self.catalog.invalidate();
        Ok(())
    }

    /// Removes the image from its gallery and deletes its objects from S3.
    pub async fn remove(&self, image: Uuid) -> Result<(), GalleryError> {
        let txn = begin_write(&self.db).await?;
        let removed = find(&txn, image).await?;
        product_image::Entity::delete_by_id(removed.id)
            .exec(&txn)
            .await?;
        let rest = ordered(&txn, removed.product_id).await?;
        renumber(&txn, rest).await?;
        txn.commit().await?;
        self.catalog.invalidate();
        let keys = [Some(removed.s3_key), removed.small_key, removed.large_key];
        for key in keys.into_iter().flatten() {
            self.storage.delete(&key).await?;
        }
        Ok(())
    }
}

/// An image of a gallery and where to show its small thumbnail from.
#[derive(Clone, Debug)]
pub struct GalleryImage {
    pub image: product_image::Model,
    pub thumbnail_url: String,
}

/// An original and its thumbnails, stored in S3 but not yet in a gallery.
#[derive(Clone, Debug)]
pub struct StoredImage {
    key: String,
    width: u32,
    height: u32,
    small: (String, u32),
    large: (String, u32),
}

/// Appends a stored image to the end of product `product_id`'s gallery, in the
/// caller's transaction.
pub async fn append(
    txn: &impl ConnectionTrait,
    product_id: i64,
    content_type: &str,
    stored: &StoredImage,
    alt: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<product_image::Model, DbErr> {
    let size = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let position = product_image::Entity::find()
        .filter(product_image::Column::ProductId.eq(product_id))
        .count(txn)
        .await?;
    product_image::ActiveModel {
        pid: Set(Uuid::now_v7()),
        product_id: Set(product_id),
        s3_key: Set(stored.key.clone()),
        content_type: Set(content_type.to_owned()),
        width: Set(size(stored.width)),
        height: Set(size(stored.height)),
        alt: Set(alt.to_owned()),
        position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
        small_key: Set(Some(stored.small.0.clone())),
        small_width: Set(Some(size(stored.small.1))),
        large_key: Set(Some(stored.large.0.clone())),
        large_width: Set(Some(size(stored.large.1))),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
}

fn valid_alt(alt: &str) -> Result<String, GalleryError> {
    let alt = alt.trim();
    if alt.chars().count() > MAX_ALT_CHARS || alt.chars().any(char::is_control) {
        return Err(GalleryError::InvalidAlt);
    }
    Ok(alt.to_owned())
}

async fn find(
    db: &impl ConnectionTrait,
    image: Uuid,
) -> Result<product_image::Model, GalleryError> {
    product_image::Entity::find()
        .filter(product_image::Column::Pid.eq(image))
        .one(db)
        .await?
        .ok_or(GalleryError::NoSuchImage)
}

async fn ordered(
    db: &impl ConnectionTrait,
    product_id: i64,
) -> Result<Vec<product_image::Model>, DbErr> {
    product_image::Entity::find()
        .filter(product_image::Column::ProductId.eq(product_id))
        .order_by_asc(product_image::Column::Position)
        .order_by_asc(product_image::Column::Id)
        .all(db)
        .await
}

/// Writes positions 0, 1, 2… in the given order.
async fn renumber(
    db: &impl ConnectionTrait,
    order: Vec<product_image::Model>,
) -> Result<(), DbErr> {
    for (position, row) in order.into_iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        if row.position != position {
            let mut row = row.into_active_model();
            row.position = Set(position);
            row.update(db).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_live_beside_their_original() {
        let (small, large) = thumbnail_keys("products/p/images/i");
        assert_eq!(small, "products/p/images/i-400");
        assert_eq!(large, "products/p/images/i-1200");
    }

    #[test]
    fn descriptions_are_trimmed_and_bounded() {
        assert_eq!(valid_alt("  A red cover ").unwrap(), "A red cover");
        assert!(valid_alt(&"x".repeat(301)).is_err());
        assert!(valid_alt("two\nlines").is_err());
    }
}
