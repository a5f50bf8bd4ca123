//! The demo catalog: six products of different kinds with real small files and
//! cover images, shipped in `domain/demo/` and stored through the storage port.
//! Seeded on first start when the database is empty, and by `server seed-demo`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::product::{self, Currency, ProductKind, ProductStatus};
use crate::entities::product_file;
use crate::gallery::{Gallery, GalleryError, append};
use crate::storage::{Storage, StorageError};

/// A file shipped with a demo product.
struct DemoFile {
    filename: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// A demo product and its shipped assets.
struct DemoProduct {
    slug: &'static str,
    title: &'static str,
    summary: &'static str,
    description: &'static str,
    kind: ProductKind,
    price_minor: i64,
    currency: Currency,
    pwyw_min_minor: Option<i64>,
    download_limit: Option<i32>,
    access_days: Option<i32>,
    tags: &'static str,
    /// Some: each purchase issues a license key for this many devices.
    license_devices: Option<i32>,
    cover: &'static [u8],
    cover_alt: &'static str,
    files: &'static [DemoFile],
}

macro_rules! asset {
    ($name:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/demo/", $name))
    };
}

const PRODUCTS: &[DemoProduct] = &[
    DemoProduct {
        slug: "field-guide-to-quiet-software",
        title: "The Field Guide to Quiet Software",
        summary: "A short e-book on building software that stays out of the way.",
        description: "Quiet software does one thing, says little and never loses your work.\n\n\
            Two chapters on defaults, failure and restraint, as a DRM-free PDF.",
        kind: ProductKind::Download,
        price_minor: 1200,
        currency: Currency::USD,
        pwyw_min_minor: None,
        download_limit: Some(5),
        access_days: None,
        tags: "ebook,software",
        license_devices: None,
        cover: asset!("cover-field-guide.png"),
        cover_alt: "Cover of The Field Guide to Quiet Software",
        files: &[DemoFile {
            filename: "field-guide-to-quiet-software.pdf",
            content_type: "application/pdf",
            bytes: asset!("field-guide-to-quiet-software.pdf"),
        }],
    },
    DemoProduct {
        slug: "night-rain",
        title: "Night Rain",
        summary: "A seamless ambient rain loop for focus and sleep. Pay what you want.",
        description: "Soft rain over a low drone, mastered to loop without a seam.\n\n\
            16-bit WAV. Name your price: anything from the minimum up.",
        kind: ProductKind::Download,
        price_minor: 400,
        currency: Currency::USD,
        pwyw_min_minor: Some(200),
        download_limit: None,
        access_days: None,
        tags: "audio,ambient",
        license_devices: None,
        cover: asset!("cover-night-rain.png"),
        cover_alt: "Cover of Night Rain: a blue circle on a night sky",
        files: &[DemoFile {
            filename: "night-rain.wav",
            content_type: "audio/wav",
            bytes: asset!("night-rain.wav"),
        }],
    },
    DemoProduct {
        slug: "harbour-at-dusk",
        title: "Harbour at Dusk",
        summary: "A short timelapse clip of evening light, royalty-free.",
        description: "Three seconds of evening colour for intros and backgrounds.\n\n\
            WebM (VP9), 320×180. Royalty-free for personal and commercial work.",
        kind: ProductKind::Download,
        price_minor: 800,
        currency: Currency::EUR,
        pwyw_min_minor: None,
        download_limit: Some(3),
        access_days: Some(365),
        tags: "video,stock",
        license_devices: None,
        cover: asset!("cover-harbour.png"),
        cover_alt: "Cover of Harbour at Dusk in orange and plum",
        files: &[DemoFile {
            filename: "harbour-at-dusk.webm",
            content_type: "video/webm",
            bytes: asset!("harbour-at-dusk.webm"),
        }],
    },
    DemoProduct {
        slug: "pixel-sorter",
        title: "Pixel Sorter 2.1",
        summary: "A tiny command-line tool that sorts image rows by brightness.",
        description: "Turn any photo into glitch art in one command.\n\n\
            Python 3, no dependencies. Includes a license for your own machines.",
        kind: ProductKind::Download,
        price_minor: 1900,
        currency: Currency::USD,
        pwyw_min_minor: None,
        download_limit: Some(10),
        access_days: None,
        tags: "software,tools",
        license_devices: Some(3),
        cover: asset!("cover-pixel-sorter.png"),
        cover_alt: "Cover of Pixel Sorter 2.1 in green",
        files: &[DemoFile {
            filename: "pixel-sorter-2.1.zip",
            content_type: "application/zip",
            bytes: asset!("pixel-sorter-2.1.zip"),
        }],
    },
    DemoProduct {
        slug: "mono-icons",
        title: "Mono Icons",
        summary: "Stroke icons on a 24 px grid, as clean SVG.",
        description: "Crisp one-colour icons that inherit your text colour.\n\n\
            SVG files in a ZIP, free to use in any project you make.",
        kind: ProductKind::Download,
        price_minor: 600,
        currency: Currency::USD,
        pwyw_min_minor: None,
        download_limit: None,
        access_days: None,
        tags: "design,icons",
        license_devices: None,
        cover: asset!("cover-mono-icons.png"),
        cover_alt: "Cover of Mono Icons: a yellow circle on white",
        files: &[DemoFile {
            filename: "mono-icons.zip",
            content_type: "application/zip",
            bytes: asset!("mono-icons.zip"),
        }],
    },
    DemoProduct {
        slug: "downlink-insider",
        title: "Downlink Insider",
        summary: "Monthly membership: every new release and the members-only archive.",
        description: "Members get every new product on release day and the full archive \
            of past releases while the membership lasts.",
        kind: ProductKind::Membership,
        price_minor: 500,
        currency: Currency::USD,
        pwyw_min_minor: None,
        download_limit: None,
        access_days: Some(30),
        tags: "membership",
        license_devices: None,
        cover: asset!("cover-insider.png"),
        cover_alt: "Cover of Downlink Insider: a red circle on slate",
        files: &[],
    },
];

/// Why seeding failed. Nothing is half-written: objects are stored first, then
/// each product's rows are inserted in one transaction.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Gallery(#[from] GalleryError),
}

/// Seeds the demo catalog when there are no products at all. Returns how many
/// products were added.
pub async fn seed_if_empty(
    db: &DatabaseConnection,
    storage: &Storage,
    clock: &Clock,
) -> Result<usize, SeedError> {
    if product::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    seed(db, storage, clock).await
}

/// Adds every demo product whose slug is not taken yet. Returns how many were
/// added; running it twice adds nothing the second time.
pub async fn seed(
    db: &DatabaseConnection,
    storage: &Storage,
    clock: &Clock,
) -> Result<usize, SeedError> {
    let now = clock.now();
    let gallery = Gallery::new(db.clone(), storage.clone(), clock.clone());
    let mut added = 0;
    for (age, demo) in PRODUCTS.iter().enumerate() {
        let exists = product::Entity::find()
            .filter(product::Column::Slug.eq(demo.slug))
            .count(db)
            .await?
            > 0;
        if exists {
            continue;
        }
        // Stagger creation times so "newest first" has a stable, meaningful order.
        let created_at = now - Duration::minutes(i64::try_from(age).unwrap_or_default());
        insert(db, storage, &gallery, demo, None, created_at).await?;
        added += 1;
    }
    Ok(added)
}

/// Adds numbered copies of the demo products ("Night Rain No. 2", slug
/// `night-rain-2`, …) until the catalog has `total` products, for benchmarks
/// that need a fuller catalog. Returns how many were added.
pub async fn fill_to(
    db: &DatabaseConnection,
    storage: &Storage,
    clock: &Clock,
    total: u64,
) -> Result<u64, SeedError> {
    let gallery = Gallery::new(db.clone(), storage.clone(), clock.clone());
    let existing = product::Entity::find().count(db).await?;
    let now = clock.now();
    let mut added = 0;
    for n in existing..total {
        let demo = &PRODUCTS[usize::try_from(n).unwrap_or_default() % PRODUCTS.len()];
        let copy = n / PRODUCTS.len() as u64 + 1;
        let name = Name {
            slug: format!("{}-{copy}-{n}", demo.slug),
            title: format!("{} No. {copy}", demo.title),
        };
        let created_at = now - Duration::minutes(i64::try_from(n).unwrap_or_default());
        insert(db, storage, &gallery, demo, Some(name), created_at).await?;
        added += 1;
    }
    Ok(added)
}

/// A copy's own slug and title.
struct Name {
    slug: String,
    title: String,
}

async fn insert(
    db: &DatabaseConnection,
    storage: &Storage,
    gallery: &Gallery,
    demo: &DemoProduct,
    name: Option<Name>,
    created_at: DateTime<Utc>,
) -> Result<(), SeedError> {
    let name = name.unwrap_or_else(|| Name {
        slug: demo.slug.to_owned(),
        title: demo.title.to_owned(),
    });
    let product_pid = Uuid::now_v7();
    let cover_key = format!("products/{product_pid}/images/{}", Uuid::now_v7());
    storage
        .put_bytes(&cover_key, demo.cover.to_vec(), "image/png")
        .await?;
    let cover = gallery
        .store_thumbnails(&cover_key, demo.cover.to_vec())
        .await?;
    let mut files = Vec::with_capacity(demo.files.len());
    for file in demo.files {
        let pid = Uuid::now_v7();
        let key = format!("products/{product_pid}/files/{pid}");
        storage
            .put_bytes(&key, file.bytes.to_vec(), file.content_type)
            .await?;
        files.push((pid, key, file));
    }

    let txn = begin_write(db).await?;
    let product = product::ActiveModel {
        pid: Set(product_pid),
        slug: Set(name.slug),
        title: Set(name.title),
        summary: Set(demo.summary.into()),
        description: Set(demo.description.into()),
        kind: Set(demo.kind),
        status: Set(ProductStatus::Published),
        price_minor: Set(demo.price_minor),
        currency: Set(demo.currency),
        pwyw_min_minor: Set(demo.pwyw_min_minor),
        download_limit: Set(demo.download_limit),
        access_days: Set(demo.access_days),
        tags: Set(demo.tags.into()),
        license_keys: Set(demo.license_devices.is_some()),
        license_activations: Set(demo.license_devices),
        created_at: Set(created_at),
        updated_at: Set(created_at),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    append(
        &txn,
        product.id,
        "image/png",
        &cover,
        demo.cover_alt,
        created_at,
    )
    .await?;
    for (pid, key, file) in files {
        product_file::ActiveModel {
            pid: Set(pid),
            product_id: Set(product.id),
            s3_key: Set(key),
            filename: Set(file.filename.into()),
            content_type: Set(file.content_type.into()),
            size_bytes: Set(i64::try_from(file.bytes.len()).unwrap_or(i64::MAX)),
            sha256: Set(hex::encode(Sha256::digest(file.bytes))),
            version: Set(1),
            created_at: Set(created_at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_catalog_covers_every_kind_of_good() {
        assert!(PRODUCTS.len() >= 6);
        let types: Vec<&str> = PRODUCTS
            .iter()
            .flat_map(|p| p.files.iter().map(|f| f.content_type))
            .collect();
        for wanted in [
            "application/pdf",
            "audio/wav",
            "video/webm",
            "application/zip",
        ] {
            assert!(types.contains(&wanted), "no demo file of type {wanted}");
        }
        assert!(PRODUCTS.iter().any(|p| p.kind == ProductKind::Membership));
        assert!(PRODUCTS.iter().any(|p| p.pwyw_min_minor.is_some()));
    }

    #[test]
    fn demo_covers_are_png_images() {
        for product in PRODUCTS {
            assert!(
                product.cover.starts_with(b"\x89PNG\r\n\x1a\n"),
                "{}",
                product.slug
            );
        }
    }
}
