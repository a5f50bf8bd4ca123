//! Gallery images with thumbnails, file versions and their purge, stale
//! uploads (who may touch any of it: `admin_only`).

use domain::clock::Clock;
use domain::entities::{product_file, product_image};
use domain::uploads::Uploads;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::io::Cursor;

use crate::helpers::{TestApp, image_sources, on_both_databases};
use crate::uploads::{start_for, uploaded};

/// A photo-like PNG of `width` x `height` pixels.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let photo = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let mut bytes = Vec::new();
    DynamicImage::from(photo)
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .unwrap();
    bytes
}

/// Uploads `bytes` in one part as `purpose` and answers the completion response.
async fn upload(
    app: &TestApp,
    cookie: &str,
    product: &str,
    purpose: &str,
    (name, content_type): (&str, &str),
    bytes: Vec<u8>,
) -> reqwest::Response {
    let upload = uploaded(app, cookie, product, (purpose, name, content_type), bytes).await;
    app.call("complete_upload", &[("upload", &upload)], Some(cookie))
        .await
}

async fn media(app: &TestApp, cookie: &str, product: &str) -> serde_json::Value {
    let response = app
        .call("admin_media", &[("product", product)], Some(cookie))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn decoded(app: &TestApp, url: &str) -> DynamicImage {
    let response = app.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    image::load_from_memory(&response.bytes().await.unwrap()).unwrap()
}

/// The URL and width of every `srcset` candidate of the first `<img>` with one.
fn srcset(html: &str) -> Vec<(String, u32)> {
    let start = html.find(" srcset=\"").unwrap() + 9;
    let end = html[start..].find('"').unwrap() + start;
    html[start..end]
        .replace("&amp;", "&")
        .split(", ")
        .map(|candidate| {
            let (url, width) = candidate.rsplit_once(' ').unwrap();
            (url.to_owned(), width.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

async fn an_uploaded_image_gets_thumbnails_that_decode_and_a_place_in_the_gallery(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("night-rain").await;
    let done = upload(
        &app,
        &cookie,
        &product,
        "image",
        ("Rain_poster.png", "image/png"),
        png(2000, 1500),
    )
    .await;
    assert_eq!(done.status(), 200);
    let image: serde_json::Value = done.json().await.unwrap();
    assert_eq!(
        (image["kind"].as_str(), image["width"].as_i64()),
        (Some("image"), Some(2000))
    );

    let gallery = media(&app, &cookie, &product).await;
    let images = gallery["images"].as_array().unwrap();
    assert_eq!(images.len(), 2, "the demo cover, then the new image");
    assert_eq!(
        images[1]["alt"], "Rain poster",
        "described by its file name at first"
    );
    let thumbnail = decoded(&app, images[1]["url"].as_str().unwrap()).await;
    assert_eq!((thumbnail.width(), thumbnail.height()), (400, 300));

    // Make it the cover: the catalog card and the product page lead with it
    // (at once, though the page was seen before).
    let (_, before) = app.get_text("/products/night-rain").await;
    assert!(!before.contains("alt=\"Rain poster\""));
    let id = images[1]["image"].as_str().unwrap();
    let moved = app
        .call(
            "move_image",
            &[("image", id), ("position", "0")],
            Some(&cookie),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let (_, page) = app.get_text("/products/night-rain").await;
    let candidates = srcset(&page);
    assert_eq!(
        candidates.iter().map(|c| c.1).collect::<Vec<_>>(),
        [400, 1200]
    );
    for (url, width) in &candidates {
        let thumbnail = decoded(&app, url).await;
        assert_eq!(thumbnail.width(), *width, "{url}");
        assert_eq!(thumbnail.height(), width * 3 / 4);
    }
    assert!(page.contains("alt=\"Rain poster\""), "{page}");
    assert!(
        page.contains("?image=2"),
        "the other image is a thumbnail link"
    );
    let og = page
        .split("property=\"og:image\" content=\"")
        .nth(1)
        .unwrap();
    assert!(
        og.starts_with(&candidates[1].0.replace('&', "&amp;")),
        "shared with the large thumbnail"
    );
    let (_, catalog) = app.get_text("/?q=night+rain").await;
    assert_eq!(
        srcset(&catalog),
        candidates,
        "the card uses the same thumbnails"
    );

    let described = app
        .call(
            "describe_image",
            &[("image", id), ("alt", "Rain over the harbour")],
            Some(&cookie),
        )
        .await;
    assert_eq!(described.status(), 200);
    let (_, page) = app.get_text("/products/night-rain").await;
    assert!(page.contains("alt=\"Rain over the harbour\""));

    // Removing it deletes the original and both thumbnails from S3.
    let row = product_image::Entity::find()
        .filter(product_image::Column::Pid.eq(uuid::Uuid::parse_str(id).unwrap()))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    let removed = app
        .call("remove_image", &[("image", id)], Some(&cookie))
        .await;
    assert_eq!(removed.status(), 200);
    let storage = app.storage();
    for key in [Some(row.s3_key), row.small_key, row.large_key]
        .into_iter()
        .flatten()
    {
        assert_eq!(storage.size(&key).await.unwrap(), None, "{key} was deleted");
    }
    let (_, page) = app.get_text("/products/night-rain").await;
    assert!(!page.contains("Rain over the harbour"));
    assert_eq!(image_sources(&page).len(), 1, "the demo cover is left");
}

async fn an_image_upload_must_be_a_readable_picture(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("night-rain").await;
    let not_a_type = start_for_status(&app, &cookie, &product, "image/svg+xml", 1000).await;
    assert_eq!(not_a_type, 400, "only PNG, JPEG, WebP and GIF");
    let too_big = start_for_status(&app, &cookie, &product, "image/png", 26 * 1024 * 1024).await;
    assert_eq!(too_big, 400, "at most 25 MiB");

    let pdf = upload(
        &app,
        &cookie,
        &product,
        "image",
        ("cover.png", "image/png"),
        b"%PDF-1.7 no picture".to_vec(),
    )
    .await;
    assert_eq!(pdf.status(), 409);
    let mut broken = png(50, 50);
    broken.truncate(60);
    let broken = upload(
        &app,
        &cookie,
        &product,
        "image",
        ("cover.png", "image/png"),
        broken,
    )
    .await;
    assert_eq!(broken.status(), 400);
    assert!(broken.text().await.unwrap().contains("could not be read"));
    let gallery = media(&app, &cookie, &product).await;
    assert_eq!(
        gallery["images"].as_array().unwrap().len(),
        1,
        "nothing was added"
    );
}

async fn start_for_status(
    app: &TestApp,
    cookie: &str,
    product: &str,
    content_type: &str,
    size: usize,
) -> u16 {
    let size = size.to_string();
    let args = [
        ("product", product),
        ("purpose", "image"),
        ("filename", "cover"),
        ("content_type", content_type),
        ("size", size.as_str()),
    ];
    app.call("start_upload", &args, Some(cookie))
        .await
        .status()
        .as_u16()
}

async fn old_file_versions_are_kept_until_purged(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("field-guide-to-quiet-software").await;
    for edition in ["%PDF-1.7 first edition", "%PDF-1.7 second, longer edition"] {
        let done = upload(
            &app,
            &cookie,
            &product,
            "file",
            ("guide.pdf", "application/pdf"),
            edition.as_bytes().to_vec(),
        )
        .await;
        assert_eq!(done.status(), 200);
    }
    let files = media(&app, &cookie, &product).await["files"].clone();
    let guide: Vec<(i64, bool)> = files
        .as_array()
        .unwrap()
        .iter()
        .filter(|file| file["name"] == "guide.pdf")
        .map(|file| {
            (
                file["version"].as_i64().unwrap(),
                file["current"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(guide, [(2, true), (1, false)]);
    let rows = product_file::Entity::find()
        .filter(product_file::Column::Filename.eq("guide.pdf"))
        .all(&app.db().await)
        .await
        .unwrap();
    let storage = app.storage();
    for row in &rows {
        assert!(
            storage.size(&row.s3_key).await.unwrap().is_some(),
            "both versions are stored"
        );
    }

    let purged: usize = app
        .call_json(
            "purge_old_versions",
            &[("product", &product)],
            Some(&cookie),
        )
        .await;
    assert_eq!(purged, 1);
    for row in &rows {
        let kept = storage.size(&row.s3_key).await.unwrap().is_some();
        assert_eq!(
            kept,
            row.version == 2,
            "version {} kept: {kept}",
            row.version
        );
    }
    let (_, page) = app
        .get_text("/products/field-guide-to-quiet-software")
        .await;
    assert!(page.contains("guide.pdf"), "buyers still get the newest");

    let newest = rows
        .iter()
        .find(|row| row.version == 2)
        .unwrap()
        .pid
        .to_string();
    let removed = app
        .call("remove_file", &[("file", &newest)], Some(&cookie))
        .await;
    assert_eq!(removed.status(), 200);
    let (_, page) = app
        .get_text("/products/field-guide-to-quiet-software")
        .await;
    assert!(!page.contains("guide.pdf"));
}

async fn uploads_left_pending_for_a_day_are_aborted(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("mono-icons").await;
    let started = start_for(
        &app,
        &cookie,
        &product,
        "file",
        "late.zip",
        "application/zip",
        1000,
    )
    .await;
    let upload = started["upload"].as_str().unwrap();
    let now = Uploads::new(app.db().await, app.storage(), Clock::System);
    assert_eq!(now.abort_stale().await.unwrap(), 0, "a fresh upload stays");
    let later = Clock::manual(chrono::Utc::now() + chrono::Duration::hours(25));
    let tomorrow = Uploads::new(app.db().await, app.storage(), later);
    assert_eq!(tomorrow.abort_stale().await.unwrap(), 1);
    let resumed = app
        .call("resume_upload", &[("upload", upload)], Some(&cookie))
        .await;
    assert_eq!(resumed.status(), 404, "the upload is gone");
}

on_both_databases!(
    an_uploaded_image_gets_thumbnails_that_decode_and_a_place_in_the_gallery,
    an_image_upload_must_be_a_readable_picture,
    old_file_versions_are_kept_until_purged,
    uploads_left_pending_for_a_day_are_aborted,
);
