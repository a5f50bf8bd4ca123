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

/// The `'nonce-…'` of a page's policy.
fn policy_nonce(response: &reqwest::Response) -> String {
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    let start = policy.find("'nonce-").unwrap() + 7;
    policy[start..].split('\'').next().unwrap().to_owned()
}

async fn first_visits_share_a_page_with_a_fresh_nonce_each(app: TestApp) {
    let mut pages = Vec::new();
    for _ in 0..2 {
        let response = app.get("/products/night-rain").await;
        assert_eq!(response.status(), 200);
        let nonce = policy_nonce(&response);
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "{html}");
        pages.push((nonce, html));
    }
    let [(first_nonce, first), (second_nonce, second)] = &pages[..] else {
        unreachable!()
    };
    assert_ne!(first_nonce, second_nonce, "every answer gets its own nonce");
    assert!(!second.contains(first_nonce.as_str()));
    assert_eq!(
        first.replace(first_nonce.as_str(), "N"),
        second.replace(second_nonce.as_str(), "N"),
        "the same page otherwise"
    );

    // A change shows at once; a visitor with a cookie gets a page of their own.
    let (_, catalog) = app.get_text("/").await;
    assert!(catalog.contains("Night Rain"));
    let cookie = app.admin().await;
    let product = app.product_pid("night-rain").await;
    let archived = app
        .call(
            "set_product_status",
            &[("product", product.as_str()), ("status", "archived")],
            Some(&cookie),
        )
        .await;
    assert_eq!(archived.status(), 200);
    assert_eq!(app.get("/products/night-rain").await.status(), 404);
    let (_, catalog) = app.get_text("/").await;
    assert!(!catalog.contains("Night Rain"), "{catalog}");
    let signed_in = app
        .client
        .get(format!("{}/", app.address))
        .header("cookie", format!("downlink_session={cookie}"))
        .send()
        .await
        .unwrap();
    let html = signed_in.text().await.unwrap();
    assert!(html.contains("href=\"/admin\""), "the admin's own header");
    let (_, anonymous) = app.get_text("/").await;
    assert!(!anonymous.contains("href=\"/admin\""), "not shared");
}

on_both_databases!(
    first_visits_share_a_page_with_a_fresh_nonce_each,
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
    db.close().await.unwrap();
    // Changed behind the services' back, which keep what they read for up
    // to 30 seconds: the store started again reads it afresh.
    let (data_dir, postgres) = app.stop().await;
    let app = crate::helpers::spawn_app_in(data_dir, postgres, &[]).await;
    let (_, catalog) = app.get_text_rendered("/").await;
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
