//! Completing uploads: large files are checked by the background job while the
//! uploader follows along; a completion is one transaction, so two at once
//! record one result; the stale sweep aborts every stale upload even when S3
//! has forgotten one.

use domain::clock::Clock;
use domain::entities::{product_image, upload};
use domain::uploads::Uploads;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::time::Duration;

use crate::helpers::{Backend, TestApp, on_both_databases, spawn_app_with};
use crate::media::png;
use crate::uploads::{start_for, uploaded};

/// Asks `upload_outcome` until the background job has answered (at most 30 s).
async fn outcome(app: &TestApp, cookie: &str, upload: &str) -> (u16, serde_json::Value) {
    for _ in 0..60 {
        let response = app
            .call("upload_outcome", &[("upload", upload)], Some(cookie))
            .await;
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap();
        if body["kind"] != "processing" {
            return (status, body);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("the upload was never checked");
}

fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(len, b'x');
    bytes
}

async fn a_large_file_is_checked_in_the_background_and_the_uploader_follows_it(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("field-guide-to-quiet-software").await;
    let file = ("file", "appendix.pdf", "application/pdf");
    let upload = uploaded(&app, &cookie, &product, file, pdf(5000)).await;

    let completed: serde_json::Value = app
        .call_json("complete_upload", &[("upload", &upload)], Some(&cookie))
        .await;
    assert_eq!(
        completed["kind"], "processing",
        "5000 bytes is over the inline limit"
    );
    let (status, done) = outcome(&app, &cookie, &upload).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["kind"], "file");
    assert_eq!(done["name"], "appendix.pdf");
    assert_eq!(done["size_bytes"], 5000);
    assert_eq!(done["sha256"].as_str().unwrap().len(), 64);
    let (_, page) = app
        .get_text("/products/field-guide-to-quiet-software")
        .await;
    assert!(page.contains("appendix.pdf"), "buyers see the checked file");

    // A large file that is not what it claims is refused by the job, with the
    // reason, and deleted.
    let fake = ("file", "fake.pdf", "application/pdf");
    let upload = uploaded(&app, &cookie, &product, fake, vec![b'z'; 5000]).await;
    let completed: serde_json::Value = app
        .call_json("complete_upload", &[("upload", &upload)], Some(&cookie))
        .await;
    assert_eq!(completed["kind"], "processing");
    let (status, refused) = outcome(&app, &cookie, &upload).await;
    assert_eq!(status, 409);
    assert_eq!(
        refused["Conflict"],
        "The file's content is not application/pdf."
    );
    let row = upload::Entity::find()
        .filter(upload::Column::Filename.eq("fake.pdf"))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.storage().size(&row.s3_key).await.unwrap(), None);
    let (_, page) = app
        .get_text("/products/field-guide-to-quiet-software")
        .await;
    assert!(!page.contains("fake.pdf"));
}

#[tokio::test]
async fn large_files_are_checked_in_the_background_sqlite() {
    let extra = [("DOWNLINK_UPLOAD_INLINE_CHECK_BYTES", "1000")];
    let app = spawn_app_with(Backend::Sqlite, &extra).await;
    a_large_file_is_checked_in_the_background_and_the_uploader_follows_it(app).await;
}

#[tokio::test]
async fn large_files_are_checked_in_the_background_postgres() {
    let extra = [("DOWNLINK_UPLOAD_INLINE_CHECK_BYTES", "1000")];
    let app = spawn_app_with(Backend::Postgres, &extra).await;
    a_large_file_is_checked_in_the_background_and_the_uploader_follows_it(app).await;
}

async fn two_completions_of_one_image_make_one_gallery_image(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("night-rain").await;
    let image = ("image", "poster.png", "image/png");
    let upload = uploaded(&app, &cookie, &product, image, png(640, 480)).await;
    let form = [("upload", upload.as_str())];
    let complete = || app.call("complete_upload", &form, Some(&cookie));
    let (first, second) = tokio::join!(complete(), complete());
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [200, 404],
        "one completes, the other finds it finished"
    );
    let db = app.db().await;
    let images = product_image::Entity::find()
        .filter(product_image::Column::Alt.eq("poster"))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(images, 1, "exactly one gallery image");
}

async fn the_stale_sweep_aborts_every_upload_even_one_s3_forgot(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("mono-icons").await;
    for name in ["first.zip", "second.zip", "third.zip"] {
        start_for(
            &app,
            &cookie,
            &product,
            "file",
            name,
            "application/zip",
            1000,
        )
        .await;
    }
    let db = app.db().await;
    let forgotten = upload::Entity::find()
        .filter(upload::Column::Filename.eq("first.zip"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    // S3 no longer knows the first (aborted behind the store's back).
    let storage = app.storage();
    storage
        .abort_multipart(&forgotten.s3_key, &forgotten.s3_upload_id)
        .await
        .unwrap();

    let tomorrow = Clock::manual(chrono::Utc::now() + chrono::Duration::hours(25));
    let uploads = Uploads::new(db.clone(), storage, tomorrow);
    assert_eq!(uploads.abort_stale().await.unwrap(), 3);
    let pending = upload::Entity::find()
        .filter(upload::Column::Status.eq(upload::UploadStatus::Pending))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(pending, 0, "none is left pending");
}

on_both_databases!(
    two_completions_of_one_image_make_one_gallery_image,
    the_stale_sweep_aborts_every_upload_even_one_s3_forgot,
);
