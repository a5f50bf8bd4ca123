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
    a_product_page_shows_price_files_and_sharing_metadata,
    a_pay_what_you_want_product_offers_an_amount_field,
    an_unknown_url_gets_the_404_page,
    the_bundle_is_revalidated_on_every_load,
);
