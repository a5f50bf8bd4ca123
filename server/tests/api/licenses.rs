//! The public license API: activation within the key's limit (exactly, under
//! concurrency), idempotent per instance name, validation, deactivation,
//! Stripe-style JSON errors, CORS for other sites' apps, an OpenAPI document.

use crate::checkout::bought;
use crate::helpers::{TestApp, on_both_databases};
use serde_json::{Value, json};

async fn post(app: &TestApp, what: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/api/v1/licenses/{what}", app.address))
        .header("origin", "https://an-app.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The license key of the buyer's order, from its receipt.
async fn key_of(app: &TestApp, cookie: &str, order: &str) -> String {
    let receipt: Value = app
        .call_json("receipt", &[("order", order)], Some(cookie))
        .await;
    receipt["lines"][0]["keys"][0].as_str().unwrap().to_owned()
}

on_both_databases!(a_key_activates_within_its_limit_validates_and_deactivates);

async fn a_key_activates_within_its_limit_validates_and_deactivates(app: TestApp) {
    let (order, buyer) = bought(&app, "pixel-sorter", "coder@example.com").await;
    let key = key_of(&app, &buyer, &order.pid.to_string()).await;

    let (status, first) = post(
        &app,
        "activate",
        json!({"key": key, "instance_name": "laptop"}),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (
            first["activations_used"].clone(),
            first["activations_limit"].clone()
        ),
        (json!(1), json!(3))
    );
    // The same name again is the same instance; typed in lower case too.
    let (_, again) = post(
        &app,
        "activate",
        json!({"key": key.to_lowercase(), "instance_name": "laptop"}),
    )
    .await;
    assert_eq!(again["instance_id"], first["instance_id"]);
    assert_eq!(again["activations_used"], 1);

    let instance = first["instance_id"].as_str().unwrap();
    let (status, valid) = post(
        &app,
        "validate",
        json!({"key": key, "instance_id": instance, "product": "pixel-sorter"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        valid,
        json!({"valid": true, "product": "pixel-sorter", "expires": null,
                              "activations_used": 1, "activations_limit": 3})
    );
    let (status, wrong) = post(
        &app,
        "validate",
        json!({"key": key, "product": "mono-icons"}),
    )
    .await;
    assert_eq!(
        (status, wrong["error"]["code"].as_str()),
        (422, Some("product_mismatch"))
    );
    let mut typo = key.clone().into_bytes();
    typo[0] = if typo[0] == b'A' { b'B' } else { b'A' };
    let (status, invalid) = post(
        &app,
        "validate",
        json!({"key": String::from_utf8(typo).unwrap()}),
    )
    .await;
    assert_eq!(
        (status, invalid["error"]["code"].as_str()),
        (400, Some("invalid"))
    );
    let (status, bad) = post(&app, "activate", json!({"key": key})).await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("bad_request"))
    );

    let (status, gone) = post(
        &app,
        "deactivate",
        json!({"key": key, "instance_id": instance}),
    )
    .await;
    assert_eq!((status, gone["activations_used"].clone()), (200, json!(0)));
    let (status, twice) = post(
        &app,
        "deactivate",
        json!({"key": key, "instance_id": instance}),
    )
    .await;
    assert_eq!(
        (status, twice["error"]["code"].as_str()),
        (404, Some("not_activated"))
    );

    // Fifty machines at once: exactly the limit gets in.
    let attempts: Vec<_> = (0..50)
        .map(|n| {
            let (app, key) = (&app, key.clone());
            async move {
                post(
                    app,
                    "activate",
                    json!({"key": key, "instance_name": format!("machine-{n}")}),
                )
                .await
            }
        })
        .collect();
    let results = crate::helpers::all_at_once(attempts).await;
    assert_eq!(results.iter().filter(|(s, _)| *s == 200).count(), 3);
    assert!(
        results
            .iter()
            .filter(|(s, _)| *s != 200)
            .all(|(s, b)| *s == 409 && b["error"]["code"] == "limit_reached")
    );

    // The buyer sees the three in the library and frees one there.
    let library: Value = app.call_json("library", &[], Some(&buyer)).await;
    let item = &library["items"][0];
    assert_eq!(item["activation_limit"], "3 of 3 activations");
    let instance = item["activations"][0]["instance"]
        .as_str()
        .unwrap()
        .to_owned();
    let stranger = app
        .register("stranger@example.com", "a long enough password")
        .await;
    let refused = app
        .call(
            "deactivate_instance",
            &[("instance", &instance)],
            Some(&stranger),
        )
        .await;
    assert_eq!(refused.status(), 404, "not theirs");
    let freed = app
        .call(
            "deactivate_instance",
            &[("instance", &instance)],
            Some(&buyer),
        )
        .await;
    assert_eq!(freed.status(), 200);
    let library: Value = app.call_json("library", &[], Some(&buyer)).await;
    assert_eq!(
        library["items"][0]["activation_limit"],
        "2 of 3 activations"
    );
    let (status, _) = post(
        &app,
        "activate",
        json!({"key": key, "instance_name": "new machine"}),
    )
    .await;
    assert_eq!(status, 200, "the freed place is used again");

    // Refunded: the key is revoked.
    let admin = app.admin().await;
    app.call(
        "refund_order",
        &[("order", &order.pid.to_string())],
        Some(&admin),
    )
    .await;
    app.await_payment_events("charge.refunded", 1).await;
    let (status, revoked) = post(&app, "validate", json!({"key": key})).await;
    assert_eq!(
        (status, revoked["error"]["code"].as_str()),
        (403, Some("revoked"))
    );
}

#[tokio::test]
async fn other_sites_apps_may_call_it_and_it_is_described() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/licenses/validate", app.address),
        )
        .header("origin", "https://an-app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let cross_site = app
        .client
        .post(format!("{}/api/v1/licenses/validate", app.address))
        .header("origin", "https://an-app.example")
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"key": "not a key"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        cross_site.status(),
        400,
        "refused as a bad key, not as a cross-site request"
    );

    let (status, doc) = app.get_text("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&doc).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    for path in [
        "/api/v1/licenses/activate",
        "/api/v1/licenses/validate",
        "/api/v1/licenses/deactivate",
    ] {
        assert!(doc["paths"][path]["post"].is_object(), "{path}");
    }
    assert!(doc["components"]["schemas"]["ErrorResponse"].is_object());
}

#[tokio::test]
async fn the_admin_sees_a_purchases_activations_and_frees_them() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let (order, buyer) = bought(&app, "pixel-sorter", "mover@example.com").await;
    let order = order.pid.to_string();
    let key = key_of(&app, &buyer, &order).await;
    for machine in ["old laptop", "office desktop"] {
        let (status, _) = post(
            &app,
            "activate",
            json!({"key": key, "instance_name": machine}),
        )
        .await;
        assert_eq!(status, 200);
    }
    let admin = app.admin().await;
    let shown: Value = app
        .call_json("admin_order", &[("order", &order)], Some(&admin))
        .await;
    let line = &shown["receipt"]["lines"][0];
    let names: Vec<&str> = line["activations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["old laptop", "office desktop"]);
    let entitlement = line["entitlement"].as_str().unwrap().to_owned();
    let first = line["activations"][0]["instance"]
        .as_str()
        .unwrap()
        .to_owned();
    let free = |instance: Option<&'static str>, cookie: Option<String>| {
        let (app, order, entitlement, first) = (&app, &order, &entitlement, &first);
        async move {
            let mut form = vec![("order", order.as_str()), ("entitlement", entitlement)];
            if let Some(which) = instance {
                form.push(("instance", if which == "first" { first } else { which }));
            }
            app.call("reset_activations", &form, cookie.as_deref())
                .await
                .status()
                .as_u16()
        }
    };
    // Customers and strangers cannot; the admin frees one, then all.
    assert_eq!(free(None, Some(buyer.clone())).await, 403);
    assert_eq!(free(None, None).await, 401);
    assert_eq!(free(Some("first"), Some(admin.clone())).await, 200);
    let (_, valid) = post(&app, "validate", json!({"key": key})).await;
    assert_eq!(valid["activations_used"], 1);
    assert_eq!(free(None, Some(admin.clone())).await, 200);
    let (_, valid) = post(&app, "validate", json!({"key": key})).await;
    assert_eq!(valid["activations_used"], 0);
    let shown: Value = app
        .call_json("admin_order", &[("order", &order)], Some(&admin))
        .await;
    assert_eq!(shown["receipt"]["lines"][0]["activations"], json!([]));
}

#[tokio::test]
async fn an_ended_purchase_answers_expired_and_a_flood_answers_rate_limited() {
    use domain::entities::entitlement;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let (order, buyer) = bought(&app, "pixel-sorter", "late@example.com").await;
    let key = key_of(&app, &buyer, &order.pid.to_string()).await;
    let db = app.db().await;
    let granted = entitlement::Entity::find()
        .filter(entitlement::Column::OrderId.eq(order.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut ended: entitlement::ActiveModel = granted.into();
    ended.access_until = Set(Some(chrono::Utc::now() - chrono::Duration::days(1)));
    ended.update(&db).await.unwrap();
    let (status, expired) = post(&app, "validate", json!({"key": key})).await;
    assert_eq!(
        (status, expired["error"]["code"].as_str()),
        (403, Some("expired"))
    );
    let (status, _) = post(
        &app,
        "activate",
        json!({"key": key, "instance_name": "laptop"}),
    )
    .await;
    assert_eq!(status, 403, "an ended license activates nowhere");

    // One address asking without pause is slowed down, with the API's shape.
    let flood: Vec<_> = (0..320)
        .map(|_| {
            let app = &app;
            async move { post(app, "validate", json!({"key": "not a key"})).await }
        })
        .collect();
    let answers = crate::helpers::all_at_once(flood).await;
    let limited: Vec<_> = answers.iter().filter(|(s, _)| *s == 429).collect();
    assert!(
        !limited.is_empty(),
        "some of 320 requests are over the limit"
    );
    assert!(
        limited
            .iter()
            .all(|(_, b)| b["error"]["code"] == "rate_limited")
    );
    assert!(
        answers.iter().all(|(s, _)| *s == 429 || *s == 400),
        "the rest are answered as usual"
    );
}
