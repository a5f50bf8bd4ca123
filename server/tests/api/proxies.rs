//! Client addresses behind a reverse proxy: only a trusted proxy's
//! `X-Forwarded-For` is believed, so each client behind it has its own rate
//! limits and nobody else can pick theirs; and a flood of registrations leaves
//! the store answering.

use crate::helpers::{Backend, TestApp, spawn_app_with};

/// Asks for a magic link for `email` as client `forwarded_for`.
async fn ask_link(app: &TestApp, email: &str, forwarded_for: &str) -> u16 {
    app.client
        .post(format!("{}/api/request_magic_link", app.address))
        .header("accept", "application/json")
        .header("x-forwarded-for", forwarded_for)
        .form(&[("email", email)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn ten_links_then(app: &TestApp, first: &str, second: &str) -> (u16, u16) {
    for n in 0..10 {
        let email = format!("shopper{n}@example.com");
        assert_eq!(ask_link(app, &email, first).await, 200, "request {n}");
    }
    (
        ask_link(app, "late@example.com", first).await,
        ask_link(app, "other@example.com", second).await,
    )
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limits() {
    let trusted = [("DOWNLINK_TRUSTED_PROXIES", "127.0.0.1/32")];
    let app = spawn_app_with(Backend::Sqlite, &trusted).await;
    let (same, other) = ten_links_then(&app, "203.0.113.1", "203.0.113.2").await;
    assert_eq!(same, 429, "the first client reached its limit");
    assert_eq!(other, 200, "the second client has its own");
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarded_address_is_ignored() {
    let app = spawn_app_with(Backend::Sqlite, &[]).await;
    let (same, other) = ten_links_then(&app, "203.0.113.1", "203.0.113.2").await;
    assert_eq!(same, 429);
    assert_eq!(other, 429, "a client cannot pick a fresh address");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_registrations_leaves_the_store_answering() {
    let trusted = [("DOWNLINK_TRUSTED_PROXIES", "127.0.0.1/32")];
    let app = spawn_app_with(Backend::Sqlite, &trusted).await;
    let registrations = (0..64).map(|n| {
        let (client, address) = (app.client.clone(), app.address.clone());
        tokio::spawn(async move {
            client
                .post(format!("{address}/api/register"))
                .header("accept", "application/json")
                .header("x-forwarded-for", format!("198.51.100.{n}"))
                .form(&[
                    ("email", format!("flood{n}@example.com")),
                    ("password", "a long enough password".into()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    });
    let registrations: Vec<_> = registrations.collect();
    let mut probes = 0;
    while registrations.iter().any(|r| !r.is_finished()) {
        assert_eq!(app.get("/healthz").await.status(), 200);
        probes += 1;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(probes > 0);
    for registration in registrations {
        let status = registration.await.unwrap();
        assert!(
            status == 200 || status == 429,
            "a registration answered {status}"
        );
    }
}
