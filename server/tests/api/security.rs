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

async fn a_cross_site_post_with_the_stores_own_host_as_origin_is_refused(app: TestApp) {
    let host = app.address.trim_start_matches("http://").to_owned();
    let same_host_but_cross_site = post_list_products(
        &app,
        &[
            ("origin", &app.address),
            ("host", &host),
            ("sec-fetch-site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(same_host_but_cross_site, 403);
    let wrong_scheme = post_list_products(
        &app,
        &[("origin", &format!("https://{host}")), ("host", &host)],
    )
    .await;
    assert_eq!(wrong_scheme, 403, "the store is served over http here");
}

async fn pages_carry_a_csp_whose_nonce_is_on_every_inline_script(app: TestApp) {
    let response = app.get("/").await;
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src");
    assert!(nonce.len() >= 16);
    assert!(policy.contains("object-src 'none'") && policy.contains("frame-ancestors 'none'"));
    let s3 = app.s3_endpoint.clone().unwrap();
    assert!(policy.contains(&format!("img-src 'self' {s3}")), "{policy}");
    let scripts: Vec<&str> = html.split("<script").skip(1).collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        assert!(
            script.starts_with(&format!(" nonce=\"{nonce}\""))
                || script.contains(&format!("nonce=\"{nonce}\"")),
            "a script without the nonce: <script{}",
            &script[..script.len().min(80)]
        );
    }
    let again = app.get("/").await;
    assert!(
        !again.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains(nonce),
        "a fresh nonce per page"
    );
}

async fn private_answers_are_never_stored_and_no_page_shares_its_window(app: TestApp) {
    for path in ["/account", "/account/sign-in", "/admin"] {
        let response = app.get(path).await;
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        assert_eq!(
            response.headers()["cross-origin-opener-policy"],
            "same-origin"
        );
    }
    let api = app.call("current_user", &[], None).await;
    assert_eq!(api.headers()["cache-control"], "no-store");
    let catalog = app.get("/").await;
    assert_ne!(
        catalog
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
    assert!(
        catalog.headers().get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
}

async fn the_store_makes_its_own_request_ids(app: TestApp) {
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "chosen-by-the-client")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(id, "chosen-by-the-client");
    assert!(uuid::Uuid::parse_str(id).is_ok());
}

async fn an_uploaded_page_or_script_is_stored_as_plain_bytes_under_its_own_name(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("mono-icons").await;
    let name = "naïve \"résumé\".html";
    let body = b"<script>alert(document.cookie)</script>".to_vec();
    let started = crate::uploads::start_for(
        &app,
        &cookie,
        &product,
        "file",
        name,
        "text/html",
        body.len(),
    )
    .await;
    let url = crate::uploads::part_urls(&started).remove(0);
    assert_eq!(
        app.client
            .put(url)
            .body(body)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let upload = started["upload"].as_str().unwrap();
    let done: serde_json::Value = app
        .call_json("complete_upload", &[("upload", upload)], Some(&cookie))
        .await;
    assert_eq!(done["kind"], "file");
    let row = {
        use domain::entities::product_file;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        product_file::Entity::find()
            .filter(product_file::Column::Filename.eq(name))
            .one(&app.db().await)
            .await
            .unwrap()
            .unwrap()
    };
    assert_eq!(row.content_type, "application/octet-stream");
    let object = app.storage().get_bytes(&row.s3_key, 1024).await.unwrap();
    assert!(object.starts_with(b"<script>"));
    let head = app
        .client
        .get(app.storage().image_url(&row.s3_key, chrono::Utc::now()))
        .send()
        .await
        .unwrap();
    assert_eq!(head.headers()["content-type"], "application/octet-stream");
    assert_eq!(
        head.headers()["content-disposition"],
        "attachment; filename=\"na_ve _r_sum__.html\"; filename*=UTF-8''na%C3%AFve%20%22r%C3%A9sum%C3%A9%22.html"
    );
}

on_both_databases!(
    a_cross_site_post_with_the_stores_own_host_as_origin_is_refused,
    pages_carry_a_csp_whose_nonce_is_on_every_inline_script,
    private_answers_are_never_stored_and_no_page_shares_its_window,
    the_store_makes_its_own_request_ids,
    an_uploaded_page_or_script_is_stored_as_plain_bytes_under_its_own_name,
);

#[tokio::test]
async fn behind_https_pages_ask_for_https_from_then_on() {
    let extra = [("DOWNLINK_PUBLIC_URL", "https://shop.example.com")];
    let app = crate::helpers::spawn_app_with(crate::helpers::Backend::Sqlite, &extra).await;
    let response = app.get("/").await;
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
}
