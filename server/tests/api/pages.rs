use crate::helpers::{TestApp, image_sources, on_both_databases};

async fn a_product_page_shows_price_files_and_sharing_metadata(app: TestApp) {
    let (status, html) = app
        .get_text("/products/field-guide-to-quiet-software")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("<title>The Field Guide to Quiet Software · Downlink</title>"));
    assert!(html.contains("$12.00"));
    assert!(html.contains("field-guide-to-quiet-software.pdf"));
    assert!(html.contains(">PDF<"), "the format is named");
    assert!(html.contains("1.3 kB"), "the size is readable");
    assert!(html.contains("5 downloads per file"));
    assert!(html.contains(r#"property="og:image""#));
    assert!(html.contains(r#"property="og:title" content="The Field Guide to Quiet Software""#));
    assert!(
        !html.contains("/files/"),
        "file object keys never reach a page"
    );
    assert_eq!(image_sources(&html).len(), 1);
}

async fn software_says_it_comes_with_a_license_key(app: TestApp) {
    let (_, html) = app.get_text("/products/pixel-sorter").await;
    assert!(html.contains("A license key for 3 devices"), "{html}");
    let (_, html) = app.get_text("/products/night-rain").await;
    assert!(!html.contains("license key"), "only where keys are issued");
}

async fn a_pay_what_you_want_product_offers_an_amount_field(app: TestApp) {
    let (status, html) = app.get_text("/products/night-rain").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"id="pwyw-amount""#));
    assert!(html.contains("Minimum $2.00"));
    assert!(
        html.contains("You pay $4.00"),
        "the suggested price is prefilled"
    );
}

async fn an_unknown_url_gets_the_404_page(app: TestApp) {
    let (status, html) = app.get_text("/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
    assert!(html.contains(r#"href="/""#), "with a way back");
}

async fn the_bundle_is_revalidated_on_every_load(app: TestApp) {
    let response = app.get("/pkg/frontend.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let last_modified = response.headers()["last-modified"].clone();
    let revalidated = app
        .client
        .get(format!("{}/pkg/frontend.js", app.address))
        .header("if-modified-since", last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304, "unchanged files cost a 304");
    assert_eq!(app.get("/pkg/missing.wasm").await.status(), 404);
}

on_both_databases!(
    software_says_it_comes_with_a_license_key,
    a_product_page_shows_price_files_and_sharing_metadata,
    a_pay_what_you_want_product_offers_an_amount_field,
    an_unknown_url_gets_the_404_page,
    the_bundle_is_revalidated_on_every_load,
);

async fn a_description_is_markdown_and_no_script_survives(app: TestApp) {
    use domain::entities::product;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let db = app.db().await;
    let found = product::Entity::find()
        .filter(product::Column::Slug.eq("mono-icons"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut edited: product::ActiveModel = found.into();
    edited.description = Set("Crisp **icons**.\n\n<script>alert(1)</script>\n\n\
        [docs](https://example.com/docs) [evil](javascript:alert(1)) \
        <img src=x onerror=alert(1)>"
        .to_owned());
    edited.update(&db).await.unwrap();

    let (status, html) = app.get_text("/products/mono-icons").await;
    assert_eq!(status, 200);
    assert!(html.contains("Crisp <strong>icons</strong>."), "{html}");
    assert!(html.contains(r#"<a href="https://example.com/docs">docs</a>"#));
    assert!(html.contains(r##"<a href="#">evil</a>"##));
    assert!(!html.contains("<script>alert"), "raw script is escaped");
    assert!(!html.contains("javascript:alert"));
    assert!(!html.contains("<img src=x"));
}

on_both_databases!(a_description_is_markdown_and_no_script_survives);

async fn a_membership_shows_the_period_it_renews_for(app: TestApp) {
    use domain::entities::product;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let (_, catalog) = app.get_text("/").await;
    assert!(catalog.contains("$5.00 / month"), "30 days read as a month");
    let db = app.db().await;
    let insider = product::Entity::find()
        .filter(product::Column::Slug.eq("downlink-insider"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut yearly: product::ActiveModel = insider.into();
    yearly.access_days = Set(Some(365));
    yearly.update(&db).await.unwrap();
    let (_, catalog) = app.get_text("/").await;
    assert!(
        catalog.contains("$5.00 / year"),
        "a card says what it renews for"
    );
    assert!(!catalog.contains("/ month"));
    let (_, page) = app.get_text("/products/downlink-insider").await;
    assert!(page.contains("/ year"));
    assert!(!page.contains("/ month"));
}

on_both_databases!(a_membership_shows_the_period_it_renews_for);
