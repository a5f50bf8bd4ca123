use crate::helpers::{TestApp, on_both_databases};

async fn post_list_products(app: &TestApp, headers: &[(&str, &str)]) -> reqwest::StatusCode {
    let mut request = app
        .client
        .post(format!("{}/api/list_products", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap().status()
}

async fn a_post_from_another_site_is_refused(app: TestApp) {
    let forged = post_list_products(&app, &[("origin", "https://evil.example")]).await;
    assert_eq!(forged, 403);
    let cross = post_list_products(&app, &[("sec-fetch-site", "cross-site")]).await;
    assert_eq!(cross, 403);
}

async fn a_post_from_the_stores_own_pages_is_served(app: TestApp) {
    let own = post_list_products(
        &app,
        &[("origin", &app.address), ("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(own, 200);
    assert_eq!(
        post_list_products(&app, &[]).await,
        200,
        "scripts without Origin"
    );
}

on_both_databases!(
    a_post_from_another_site_is_refused,
    a_post_from_the_stores_own_pages_is_served,
);
