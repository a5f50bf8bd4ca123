use domain::accounts::Accounts;
use domain::clock::Clock;
use server::session_store::DbSessionStore;
use std::collections::HashMap;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::SessionStore;

use crate::helpers::{TestApp, on_both_databases};

/// A server-function call as a script makes it: form body, JSON answer.
pub async fn call(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/api/{endpoint}", app.address))
        .header("accept", "application/json")
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("downlink_session={cookie}"));
    }
    request.send().await.unwrap()
}

/// Calls a server function that must succeed and reads its JSON answer.
pub async fn call_json<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> T {
    let response = call(app, endpoint, form, cookie).await;
    assert_eq!(response.status(), 200, "{endpoint}");
    response.json().await.unwrap()
}

/// The session id a response sets, if it sets one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("downlink_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .filter(|v| !v.is_empty())
}

/// `POST /api/sign_in` with an email and password, no cookie.
pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    call(
        app,
        "sign_in",
        &[("email", email), ("password", password)],
        None,
    )
    .await
}

pub async fn who_is_signed_in(app: &TestApp, cookie: &str) -> serde_json::Value {
    call(app, "current_user", &[], Some(cookie))
        .await
        .json()
        .await
        .unwrap()
}

pub async fn register(app: &TestApp, email: &str, password: &str) -> String {
    let response = call(
        app,
        "register",
        &[("email", email), ("password", password)],
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    session_cookie(&response).expect("registering signs in")
}

async fn signing_up_signs_in_with_a_safe_cookie(app: TestApp) {
    let response = call(
        &app,
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
        serde_json::json!({"email": "new.buyer@example.com", "is_admin": false, "has_password": true})
    );
    assert_eq!(
        who_is_signed_in(&app, &cookie).await["email"],
        "new.buyer@example.com"
    );
}

async fn an_email_can_only_register_once(app: TestApp) {
    register(&app, "twice@example.com", "a long passphrase").await;
    let again = call(
        &app,
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
    register(&app, "known@example.com", "the right passphrase").await;
    let wrong = sign_in(&app, "known@example.com", "the wrong passphrase").await;
    let unknown = sign_in(&app, "nobody@example.com", "the right passphrase").await;
    assert_eq!(wrong.status(), 400);
    assert_eq!(unknown.status(), 400);
    assert!(session_cookie(&wrong).is_none() && session_cookie(&unknown).is_none());
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());

    let right = sign_in(&app, "Known@Example.com", "the right passphrase").await;
    assert_eq!(right.status(), 200);
}

async fn signing_out_ends_the_session(app: TestApp) {
    let cookie = register(&app, "leaving@example.com", "a long passphrase").await;
    let out = call(&app, "sign_out", &[], Some(&cookie)).await;
    assert_eq!(out.status(), 200);
    assert_eq!(
        who_is_signed_in(&app, &cookie).await,
        serde_json::Value::Null
    );
}

async fn a_session_id_planted_before_sign_in_is_worthless_after(app: TestApp) {
    register(&app, "victim@example.com", "a long passphrase").await;
    let store = DbSessionStore::new(app.db().await);
    let mut planted = Record {
        id: Id::default(),
        data: HashMap::from([("visited".to_owned(), serde_json::json!(true))]),
        expiry_date: OffsetDateTime::now_utc() + Duration::hours(1),
    };
    store.create(&mut planted).await.unwrap();
    let planted_cookie = planted.id.to_string();

    let signed_in = call(
        &app,
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
        who_is_signed_in(&app, &planted_cookie).await,
        serde_json::Value::Null
    );
    assert_eq!(
        who_is_signed_in(&app, &fresh).await["email"],
        "victim@example.com"
    );
}

async fn admin_functions_answer_admins_only(app: TestApp) {
    let anonymous = call(&app, "admin_overview", &[], None).await;
    assert_eq!(anonymous.status(), 401);

    let customer = register(&app, "customer@example.com", "a long passphrase").await;
    let refused = call(&app, "admin_overview", &[], Some(&customer)).await;
    assert_eq!(refused.status(), 403);

    Accounts::new(app.db().await, Clock::System, app.address.clone())
        .create_admin("owner@example.com", "the owner's passphrase")
        .await
        .unwrap();
    let admin = sign_in(&app, "owner@example.com", "the owner's passphrase").await;
    let admin = session_cookie(&admin).unwrap();
    let figures: serde_json::Value = call(&app, "admin_overview", &[], Some(&admin))
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
    assert!(!html.contains("Customers"));
}

async fn a_password_change_needs_the_current_password(app: TestApp) {
    let cookie = register(&app, "changer@example.com", "the first passphrase").await;
    let wrong = call(
        &app,
        "change_password",
        &[
            ("current", "not the passphrase"),
            ("new", "the second passphrase"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(wrong.status(), 400);
    let right = call(
        &app,
        "change_password",
        &[
            ("current", "the first passphrase"),
            ("new", "the second passphrase"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(right.status(), 200);
    let old = sign_in(&app, "changer@example.com", "the first passphrase").await;
    assert_eq!(old.status(), 400);
    let new = sign_in(&app, "changer@example.com", "the second passphrase").await;
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
    let response = call(
        &app,
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
