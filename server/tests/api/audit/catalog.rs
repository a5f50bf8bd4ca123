//! The catalog's admin actions in the audit log: product edits and status,
//! uploads completed and cancelled, gallery images described, moved and
//! removed, file versions purged and files removed.

use super::{Entry, audited, json};
use crate::helpers::{TestApp, on_both_databases};
use crate::media::png;
use crate::uploads::{start_for, uploaded};
use serde_json::Value;

fn product_form<'a>(product: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("product", product),
        ("title", title),
        ("slug", "coastal-sounds"),
        ("summary", "Field recordings from the coast."),
        ("description", "Waves and gulls."),
        ("kind", "download"),
        ("price", "7.50"),
        ("currency", "EUR"),
    ]
}

async fn form_of(app: &TestApp, admin: &str, product: &str) -> Value {
    app.call_json("admin_product", &[("product", product)], Some(admin))
        .await
}

on_both_databases!(each_catalog_change_writes_one_entry_with_its_subject_and_states);

async fn each_catalog_change_writes_one_entry_with_its_subject_and_states(app: TestApp) {
    let admin = app.admin().await;

    // A product made, edited, published: the form's values before and after.
    let (saved, made) = audited(
        &app,
        &admin,
        "save_product",
        &product_form("", "Coastal Sounds"),
    )
    .await;
    let product = saved["product"].as_str().unwrap().to_owned();
    let first = form_of(&app, &admin, &product).await;
    assert_eq!(
        (made.action.as_str(), made.subject.as_str(), &made.before),
        ("product.save", "product coastal-sounds", &None)
    );
    assert_eq!(json(made.after.as_ref()), first);
    let (_, edited) = audited(
        &app,
        &admin,
        "save_product",
        &product_form(&product, "Coastal Sounds II"),
    )
    .await;
    assert_eq!(edited.subject, "product coastal-sounds");
    assert_eq!(json(edited.before.as_ref()), first);
    let second = form_of(&app, &admin, &product).await;
    assert_eq!(second["title"], "Coastal Sounds II");
    assert_eq!(json(edited.after.as_ref()), second);
    let (_, published) = audited(
        &app,
        &admin,
        "set_product_status",
        &[("product", &product), ("status", "published")],
    )
    .await;
    assert_eq!(
        published,
        Entry::new(
            "product.status",
            "product coastal-sounds",
            Some("\"draft\""),
            Some("\"published\"")
        )
    );

    // Two images: completed (what they became), described, moved, removed.
    let mut images = Vec::new();
    for (width, name) in [(800, "wave.png"), (640, "gull.png")] {
        let upload = uploaded(
            &app,
            &admin,
            &product,
            ("image", name, "image/png"),
            png(width, 600),
        )
        .await;
        let (image, done) = audited(&app, &admin, "complete_upload", &[("upload", &upload)]).await;
        assert_eq!(image["width"], width);
        assert_eq!(
            (done.action.as_str(), done.subject, &done.before),
            ("upload.complete", format!("upload {upload}"), &None)
        );
        assert_eq!(json(done.after.as_ref()), image);
        images.push(image["image"].as_str().unwrap().to_owned());
    }
    let (wave, gull) = (&images[0], &images[1]);
    let (_, described) = audited(
        &app,
        &admin,
        "describe_image",
        &[("image", wave), ("alt", "A wave breaking")],
    )
    .await;
    let subject = format!("image {wave}");
    assert_eq!(
        described,
        Entry::new("image.describe", &subject, None, Some("A wave breaking"))
    );
    let (_, moved) = audited(
        &app,
        &admin,
        "move_image",
        &[("image", gull), ("position", "0")],
    )
    .await;
    let subject = format!("image {gull}");
    assert_eq!(
        moved,
        Entry::new("image.move", &subject, None, Some("position 0"))
    );
    let (_, removed) = audited(&app, &admin, "remove_image", &[("image", wave)]).await;
    let subject = format!("image {wave}");
    assert_eq!(removed, Entry::new("image.remove", &subject, None, None));

    // Two versions of a file: the old one purged, then the file removed.
    for edition in ["%PDF-1.7 first edition", "%PDF-1.7 second edition"] {
        let upload = uploaded(
            &app,
            &admin,
            &product,
            ("file", "sounds.pdf", "application/pdf"),
            edition.as_bytes().to_vec(),
        )
        .await;
        let (file, done) = audited(&app, &admin, "complete_upload", &[("upload", &upload)]).await;
        assert_eq!(file["name"], "sounds.pdf");
        assert_eq!(done.subject, format!("upload {upload}"));
        assert_eq!(json(done.after.as_ref()), file);
    }
    let (purged, purge) =
        audited(&app, &admin, "purge_old_versions", &[("product", &product)]).await;
    assert_eq!(purged, 1);
    let subject = format!("product {product}");
    assert_eq!(
        purge,
        Entry::new("file.purge", &subject, None, Some("1 old version deleted"))
    );
    let media: Value = app
        .call_json("admin_media", &[("product", &product)], Some(&admin))
        .await;
    let file = media["files"][0]["file"].as_str().unwrap().to_owned();
    let (_, removed) = audited(&app, &admin, "remove_file", &[("file", &file)]).await;
    let subject = format!("file {file}");
    assert_eq!(removed, Entry::new("file.remove", &subject, None, None));

    // An upload started and cancelled.
    let started = start_for(
        &app,
        &admin,
        &product,
        "file",
        "later.zip",
        "application/zip",
        10,
    )
    .await;
    let upload = started["upload"].as_str().unwrap();
    let (_, cancelled) = audited(&app, &admin, "cancel_upload", &[("upload", upload)]).await;
    let subject = format!("upload {upload}");
    assert_eq!(cancelled, Entry::new("upload.cancel", &subject, None, None));
}
