use crate::helpers::{TestApp, on_both_databases};

fn form<'a>(title: &'a str, slug: &'a str, price: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("slug", slug),
        ("summary", "Field recordings from the coast."),
        ("description", "Waves and **gulls**."),
        ("kind", "download"),
        ("price", price),
        ("currency", "EUR"),
        ("tags", "Audio, field-recording"),
    ]
}

/// `POST /api/save_product`: the status and the JSON answer.
async fn save(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> (u16, serde_json::Value) {
    let response = app.call("save_product", fields, Some(cookie)).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn set_status(app: &TestApp, cookie: &str, product: &str, status: &str) -> u16 {
    app.call(
        "set_product_status",
        &[("product", product), ("status", status)],
        Some(cookie),
    )
    .await
    .status()
    .as_u16()
}

async fn an_admin_creates_a_draft_publishes_and_archives_it(app: TestApp) {
    let cookie = app.admin().await;
    let (status, saved) = save(&app, &cookie, &form("Coastal Sounds", "", "7.50")).await;
    assert_eq!(status, 200);
    let product = saved["product"].as_str().unwrap().to_owned();
    assert_eq!(saved["slug"], "coastal-sounds");
    assert_eq!(saved["status"], "draft");
    assert_eq!(saved["price"], "€7.50");
    assert_eq!(
        app.get("/products/coastal-sounds").await.status(),
        404,
        "drafts are hidden"
    );

    assert_eq!(set_status(&app, &cookie, &product, "published").await, 200);
    let (status, html) = app.get_text("/products/coastal-sounds").await;
    assert_eq!(status, 200);
    assert!(html.contains("Waves and <strong>gulls</strong>."));
    let (_, catalog) = app.get_text("/?tag=field-recording").await;
    assert!(catalog.contains("Coastal Sounds"));

    let mut edited = form("Coastal Sounds II", "coastal-sounds", "9");
    edited.push(("product", &product));
    edited.push(("license_keys", "on"));
    edited.push(("license_activations", "3"));
    let (_, saved) = save(&app, &cookie, &edited).await;
    assert_eq!(saved["price"], "€9.00");
    let form: serde_json::Value = app
        .call_json("admin_product", &[("product", &product)], Some(&cookie))
        .await;
    assert_eq!(
        (form["price"].as_str(), form["currency"].as_str()),
        (Some("9.00"), Some("EUR"))
    );
    assert_eq!(form["tags"], "audio, field-recording");
    assert_eq!(
        (
            form["license_keys"].as_bool(),
            form["license_activations"].as_str()
        ),
        (Some(true), Some("3"))
    );
    let (_, page) = app.get_text("/products/coastal-sounds").await;
    assert!(page.contains("Coastal Sounds II"));
    assert!(page.contains("A license key for 3 devices"), "{page}");
    assert_eq!(
        set_status(&app, &cookie, &product, "sold-out").await,
        400,
        "an unknown status is refused"
    );

    assert_eq!(set_status(&app, &cookie, &product, "archived").await, 200);
    assert_eq!(app.get("/products/coastal-sounds").await.status(), 404);
    let listed: Vec<serde_json::Value> = app.call_json("admin_products", &[], Some(&cookie)).await;
    assert_eq!(listed.len(), 7, "archived products stay in the admin list");
    assert_eq!(listed[0]["status"], "archived");
}

async fn problems_come_back_beside_their_fields(app: TestApp) {
    let cookie = app.admin().await;
    let (status, saved) = save(&app, &cookie, &form("", "Bad Slug!", "12,50")).await;
    assert_eq!(status, 400);
    let fields: Vec<&str> = saved["InvalidFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "slug", "price"]);

    let (status, taken) = save(&app, &cookie, &form("Another rain", "night-rain", "3")).await;
    assert_eq!(status, 400);
    assert_eq!(
        taken["InvalidFields"],
        serde_json::json!([{"field": "slug", "message": "Another product already uses this slug."}])
    );
}

on_both_databases!(
    an_admin_creates_a_draft_publishes_and_archives_it,
    problems_come_back_beside_their_fields,
);
