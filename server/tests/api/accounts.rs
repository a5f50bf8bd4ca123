use domain::accounts::Accounts;
use domain::clock::Clock;
use server::session_store::DbSessionStore;
use std::collections::HashMap;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

use crate::helpers::{TestApp, on_both_databases, session_cookie};

async fn signing_up_signs_in_with_a_safe_cookie(app: TestApp) {
    let response = app
        .call(
            "register",
            &[
                ("email", " New.Buyer@Example.com "),
                ("password", "a long passphrase"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(
        !set_cookie.contains("Secure"),
        "plain-http store: no Secure flag"
    );
    let cookie = session_cookie(&response).unwrap();
    let user: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        user,
        serde_json::json!({"email": "new.buyer@example.com", "is_admin": false, "has_password": true, "verified": false})
    );
    assert_eq!(
        app.who_is_signed_in(&cookie).await["email"],
        "new.buyer@example.com"
    );
}

async fn an_email_can_only_register_once(app: TestApp) {
    app.register("twice@example.com", "a long passphrase").await;
    let again = app
        .call(
            "register",
            &[
                ("email", "TWICE@example.com"),
                ("password", "another passphrase"),
            ],
            None,
        )
        .await;
    assert_eq!(again.status(), 409);
    let body = again.text().await.unwrap();
    assert!(body.contains("already exists"), "{body}");
}

async fn a_wrong_password_or_unknown_email_is_refused_alike(app: TestApp) {
    app.register("known@example.com", "the right passphrase")
        .await;
    let wrong = app
        .sign_in("known@example.com", "the wrong passphrase")
        .await;
    let unknown = app
        .sign_in("nobody@example.com", "the right passphrase")
        .await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(unknown.status(), 400);
    assert!(session_cookie(&wrong).is_none() && session_cookie(&unknown).is_none());
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());

    let right = app
        .sign_in("Known@Example.com", "the right passphrase")
        .await;
    assert_eq!(right.status(), 200);
}

async fn signing_out_ends_the_session(app: TestApp) {
    let cookie = app
        .register("leaving@example.com", "a long passphrase")
        .await;
    let out = app.call("sign_out", &[], Some(&cookie)).await;
    assert_eq!(out.status(), 200);
    assert_eq!(app.who_is_signed_in(&cookie).await, serde_json::Value::Null);
}

async fn a_session_id_planted_before_sign_in_is_worthless_after(app: TestApp) {
    app.register("victim@example.com", "a long passphrase")
        .await;
    let store = DbSessionStore::new(app.db().await, domain::clock::Clock::System);
    let mut planted = Record {
        id: Id::default(),
        data: HashMap::from([("visited".to_owned(), serde_json::json!(true))]),
        expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
    };
    store.create(&mut planted).await.unwrap();
    let planted_cookie = planted.id.to_string();

    let signed_in = app
        .call(
            "sign_in",
            &[
                ("email", "victim@example.com"),
                ("password", "a long passphrase"),
            ],
            Some(&planted_cookie),
        )
        .await;
    assert_eq!(signed_in.status(), 200);
    let fresh = session_cookie(&signed_in).expect("a new session id");
    assert_ne!(fresh, planted_cookie);
    assert!(store.load(&planted.id).await.unwrap().is_none());
    assert_eq!(
        app.who_is_signed_in(&planted_cookie).await,
        serde_json::Value::Null
    );
    assert_eq!(
        app.who_is_signed_in(&fresh).await["email"],
        "victim@example.com"
    );
}

async fn admin_functions_answer_admins_only(app: TestApp) {
    let anonymous = app.call("admin_overview", &[], None).await;
    assert_eq!(anonymous.status(), 401);

    let customer = app
        .register("customer@example.com", "a long passphrase")
        .await;
    let refused = app.call("admin_overview", &[], Some(&customer)).await;
    assert_eq!(refused.status(), 403);

    Accounts::new(app.db().await, Clock::System, app.address.clone())
        .create_admin("owner@example.com", "the owner's passphrase")
        .await
        .unwrap();
    let admin = app
        .sign_in("owner@example.com", "the owner's passphrase")
        .await;
    let admin = session_cookie(&admin).unwrap();
    let figures: serde_json::Value = app
        .call("admin_overview", &[], Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        figures,
        serde_json::json!({"published_products": 6, "customers": 1, "admins": 1})
    );
    let (status, html) = {
        let page = app
            .client
            .get(format!("{}/admin", app.address))
            .header("cookie", format!("downlink_session={customer}"))
            .send()
            .await
            .unwrap();
        (page.status(), page.text().await.unwrap())
    };
    assert_eq!(status, 403, "the admin page itself refuses a customer");
    assert!(
        !html.contains("products on sale"),
        "no figure reaches a customer"
    );
}

async fn a_password_change_needs_the_current_password(app: TestApp) {
    let cookie = app
        .register("changer@example.com", "the first passphrase")
        .await;
    let wrong = app
        .call(
            "change_password",
            &[
                ("current_password", "not the passphrase"),
                ("new_password", "the second passphrase"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(wrong.status(), 400);
    let right = app
        .call(
            "change_password",
            &[
                ("current_password", "the first passphrase"),
                ("new_password", "the second passphrase"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(right.status(), 200);
    let old = app
        .sign_in("changer@example.com", "the first passphrase")
        .await;
    assert_eq!(old.status(), 400);
    let new = app
        .sign_in("changer@example.com", "the second passphrase")
        .await;
    assert_eq!(new.status(), 200);
}

on_both_databases!(
    signing_up_signs_in_with_a_safe_cookie,
    an_email_can_only_register_once,
    a_wrong_password_or_unknown_email_is_refused_alike,
    signing_out_ends_the_session,
    a_session_id_planted_before_sign_in_is_worthless_after,
    admin_functions_answer_admins_only,
    a_password_change_needs_the_current_password,
);

#[tokio::test]
async fn behind_https_the_session_cookie_is_secure() {
    let app = crate::helpers::spawn_app_in(
        tempfile::tempdir().unwrap(),
        None,
        &[("DOWNLINK_PUBLIC_URL", "https://shop.example.com")],
    )
    .await;
    let response = app
        .call(
            "register",
            &[
                ("email", "secure@example.com"),
                ("password", "a long passphrase"),
            ],
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
}
