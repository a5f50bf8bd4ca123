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
