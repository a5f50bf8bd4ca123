use sea_orm::{ConnectionTrait, Database};

use crate::helpers::{Backend, TestApp, on_both_databases, spawn_app};

async fn liveness_answers_ok(app: TestApp) {
    let (status, body) = app.get_text("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body, "ok");
}

async fn readiness_reports_database_and_storage_ready(app: TestApp) {
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"status": "ready", "database": "ok", "storage": "ok"})
    );
}

async fn every_response_carries_a_request_id(app: TestApp) {
    let first = app.get("/healthz").await;
    let second = app.get("/healthz").await;
    let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id(&first).len(), 36, "a UUID");
    assert_ne!(id(&first), id(&second));
}

async fn pages_carry_baseline_security_headers(app: TestApp) {
    let page = app.get("/").await;
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(
        page.headers()["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert!(
        page.headers().get("set-cookie").is_none(),
        "browsing sets no session cookie"
    );
}

on_both_databases!(
    pages_carry_baseline_security_headers,
    liveness_answers_ok,
    readiness_reports_database_and_storage_ready,
    every_response_carries_a_request_id,
);

#[tokio::test]
async fn when_the_database_goes_away_readiness_is_503_and_pages_hide_the_cause() {
    let app = spawn_app(Backend::Postgres).await;
    let (server, name) = app.postgres.clone().unwrap();
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .unwrap();

    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "unavailable");
    assert_eq!(body["storage"], "ok");

    let page = app.get("/").await;
    assert_eq!(page.status(), 500);
    let request_id = page.headers()["x-request-id"].to_str().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!(
            "Something went wrong on our side (request {request_id})"
        )),
        "the error page names the request id: {html}"
    );
    for leak in ["database", "sqlx", "pool", "connection", name.as_str()] {
        assert!(
            !html.to_lowercase().contains(leak),
            "the page leaks {leak:?}"
        );
    }
}

#[tokio::test]
async fn request_bodies_over_the_limit_are_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app
        .client
        .post(format!("{}/api/list_products", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}
