//! Accounts cannot be squatted: an address is proven by a mailed link, proving
//! it from another browser clears a password someone else chose and ends their
//! sessions, and changing or resetting a password ends every other session.

use crate::helpers::{TestApp, on_both_databases, session_cookie};

const SQUATTER_PASSWORD: &str = "the squatter's password";

/// Whether `cookie` is still signed in.
async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    !app.who_is_signed_in(cookie).await.is_null()
}

/// Spends the newest mailed link to `to` through `endpoint` (`sign_in_with_link`,
/// `confirm_email`) with `cookie`; answers the new session.
async fn follow_link(app: &TestApp, endpoint: &str, to: &str, cookie: Option<&str>) -> String {
    let token = app.token_mailed_to(to).await;
    let response = app.call(endpoint, &[("token", &token)], cookie).await;
    assert_eq!(response.status(), 200, "{endpoint}");
    session_cookie(&response).expect("signed in")
}

async fn a_squatter_loses_the_account_when_the_owner_signs_in_by_mail(app: TestApp) {
    let squatter = app.register("victim@example.com", SQUATTER_PASSWORD).await;
    let user = app.who_is_signed_in(&squatter).await;
    assert_eq!(user["verified"], false, "a password proves nothing");

    let asked = app
        .call(
            "request_magic_link",
            &[("email", "victim@example.com")],
            None,
        )
        .await;
    assert_eq!(asked.status(), 200);
    let owner = follow_link(&app, "sign_in_with_link", "victim@example.com", None).await;

    assert!(
        !signed_in(&app, &squatter).await,
        "the squatter is signed out"
    );
    let again = app.sign_in("victim@example.com", SQUATTER_PASSWORD).await;
    assert_eq!(again.status(), 400, "the squatter's password is gone");
    let user = app.who_is_signed_in(&owner).await;
    assert_eq!(user["email"], "victim@example.com");
    assert_eq!(user["verified"], true);
    assert_eq!(user["has_password"], false, "the owner chooses a password");
}

async fn a_confirmation_link_from_another_browser_takes_the_account_over(app: TestApp) {
    let squatter = app.register("victim@example.com", SQUATTER_PASSWORD).await;
    // The confirmation mail went to the real owner, who follows it.
    let owner = follow_link(&app, "confirm_email", "victim@example.com", None).await;
    assert!(!signed_in(&app, &squatter).await);
    assert_eq!(
        app.sign_in("victim@example.com", SQUATTER_PASSWORD)
            .await
            .status(),
        400
    );
    let user = app.who_is_signed_in(&owner).await;
    assert_eq!(
        (user["verified"].clone(), user["has_password"].clone()),
        (true.into(), false.into())
    );
}

async fn confirming_in_the_browser_that_registered_keeps_the_password(app: TestApp) {
    let mine = app.register("ada@example.com", "my own password 1").await;
    let after = follow_link(&app, "confirm_email", "ada@example.com", Some(&mine)).await;
    let user = app.who_is_signed_in(&after).await;
    assert_eq!(
        (user["verified"].clone(), user["has_password"].clone()),
        (true.into(), true.into())
    );
    assert_eq!(
        app.sign_in("ada@example.com", "my own password 1")
            .await
            .status(),
        200
    );
    // A link works once.
    let token = app.token_mailed_to("ada@example.com").await;
    let reused = app.call("confirm_email", &[("token", &token)], None).await;
    assert_eq!(reused.status(), 400);
}

async fn changing_the_password_signs_out_every_other_device(app: TestApp) {
    app.register("ada@example.com", "my own password 1").await;
    let laptop =
        session_cookie(&app.sign_in("ada@example.com", "my own password 1").await).unwrap();
    let phone = session_cookie(&app.sign_in("ada@example.com", "my own password 1").await).unwrap();
    let changed = app
        .call(
            "change_password",
            &[
                ("current_password", "my own password 1"),
                ("new_password", "my new password 2"),
            ],
            Some(&laptop),
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert!(
        signed_in(&app, &laptop).await,
        "the device that changed it stays in"
    );
    assert!(!signed_in(&app, &phone).await, "every other device is out");
}

async fn a_password_reset_signs_out_every_device(app: TestApp) {
    app.register("ada@example.com", "my own password 1").await;
    let old = session_cookie(&app.sign_in("ada@example.com", "my own password 1").await).unwrap();
    let asked = app
        .call(
            "request_password_reset",
            &[("email", "ada@example.com")],
            None,
        )
        .await;
    assert_eq!(asked.status(), 200);
    let token = app.token_mailed_to("ada@example.com").await;
    let reset = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "a brand new password")],
            None,
        )
        .await;
    assert_eq!(reset.status(), 200);
    assert!(!signed_in(&app, &old).await);
    let new = session_cookie(&reset).unwrap();
    assert_eq!(
        app.who_is_signed_in(&new).await["verified"],
        true,
        "a reset proves the address"
    );
}

async fn the_account_lists_its_devices_and_signs_out_everywhere(app: TestApp) {
    app.register("ada@example.com", "my own password 1").await;
    let firefox = app
        .client
        .post(format!("{}/api/sign_in", app.address))
        .header("accept", "application/json")
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
        )
        .form(&[
            ("email", "ada@example.com"),
            ("password", "my own password 1"),
        ])
        .send()
        .await
        .unwrap();
    let firefox = session_cookie(&firefox).unwrap();
    let other = session_cookie(&app.sign_in("ada@example.com", "my own password 1").await).unwrap();

    let devices: Vec<serde_json::Value> = app.call_json("devices", &[], Some(&firefox)).await;
    assert_eq!(devices.len(), 3, "registration, Firefox and the other one");
    let current: Vec<&serde_json::Value> =
        devices.iter().filter(|d| d["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Firefox on Linux");
    assert_eq!(current[0]["ip"], "127.0.0.1");

    let ended = app.call("sign_out_everywhere", &[], Some(&other)).await;
    assert_eq!(ended.status(), 200);
    assert!(!signed_in(&app, &firefox).await);
    assert!(!signed_in(&app, &other).await);
}

on_both_databases!(
    a_squatter_loses_the_account_when_the_owner_signs_in_by_mail,
    a_confirmation_link_from_another_browser_takes_the_account_over,
    confirming_in_the_browser_that_registered_keeps_the_password,
    changing_the_password_signs_out_every_other_device,
    a_password_reset_signs_out_every_device,
    the_account_lists_its_devices_and_signs_out_everywhere,
);
