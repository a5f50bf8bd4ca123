use domain::entities::login_token;
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;
use std::time::Duration;

use crate::helpers::{TestApp, on_both_databases, session_cookie};

async fn a_magic_link_works_once_and_opens_a_guest_account(app: TestApp) {
    let asked = app
        .call(
            "request_magic_link",
            &[("email", "Guest@Example.com")],
            None,
        )
        .await;
    assert_eq!(asked.status(), 200);
    let token = app.token_mailed_to("guest@example.com").await;

    let used = app
        .call("sign_in_with_link", &[("token", &token)], None)
        .await;
    assert_eq!(used.status(), 200);
    let cookie = session_cookie(&used).expect("signed in");
    let me = app.who_is_signed_in(&cookie).await;
    assert_eq!(me["email"], "guest@example.com");
    assert_eq!(me["has_password"], false, "a guest account has no password");

    let again = app
        .call("sign_in_with_link", &[("token", &token)], None)
        .await;
    assert_eq!(again.status(), 400);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("invalid, used or expired")
    );

    // The guest claims the account by setting a password.
    let set = app
        .call(
            "change_password",
            &[
                ("current_password", ""),
                ("new_password", "a guest's new passphrase"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(set.status(), 200);
    let signed_in = app
        .sign_in("guest@example.com", "a guest's new passphrase")
        .await;
    assert_eq!(signed_in.status(), 200);
}

async fn an_expired_magic_link_is_refused(app: TestApp) {
    app.call("request_magic_link", &[("email", "late@example.com")], None)
        .await;
    let token = app.token_mailed_to("late@example.com").await;
    login_token::Entity::update_many()
        .col_expr(
            login_token::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .exec(&app.db().await)
        .await
        .unwrap();
    let used = app
        .call("sign_in_with_link", &[("token", &token)], None)
        .await;
    assert_eq!(used.status(), 400);
    assert!(session_cookie(&used).is_none());
}

async fn a_password_reset_link_sets_a_new_password_once(app: TestApp) {
    app.register("forgetful@example.com", "the old passphrase")
        .await;
    let asked = app
        .call(
            "request_password_reset",
            &[("email", "forgetful@example.com")],
            None,
        )
        .await;
    assert_eq!(asked.status(), 200);
    let token = app.token_mailed_to("forgetful@example.com").await;

    let reset = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "the new passphrase")],
            None,
        )
        .await;
    assert_eq!(reset.status(), 200);
    let again = app
        .call(
            "reset_password",
            &[("token", &token), ("password", "a third passphrase")],
            None,
        )
        .await;
    assert_eq!(again.status(), 400);
    let old = app
        .sign_in("forgetful@example.com", "the old passphrase")
        .await;
    assert_eq!(old.status(), 400);
    let new = app
        .sign_in("forgetful@example.com", "the new passphrase")
        .await;
    assert_eq!(new.status(), 200);
}

async fn a_reset_for_an_unknown_address_answers_alike_and_mails_nothing(app: TestApp) {
    let asked = app
        .call(
            "request_password_reset",
            &[("email", "stranger@example.com")],
            None,
        )
        .await;
    assert_eq!(asked.status(), 200);
    let mails = app.outbox(50).await;
    assert!(mails.iter().all(|m| m.to_address != "stranger@example.com"));
}

async fn too_many_sign_in_attempts_get_429_with_retry_after(app: TestApp) {
    app.register("target@example.com", "the real passphrase")
        .await;
    for attempt in 1..=10 {
        let response = app
            .sign_in("target@example.com", "a guessed passphrase")
            .await;
        assert_eq!(response.status(), 400, "attempt {attempt}");
    }
    let limited = app
        .sign_in("TARGET@example.com", "the real passphrase")
        .await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = limited.json().await.unwrap();
    assert_eq!(
        body["TooManyRequests"]["retry_after_secs"], retry_after,
        "the body says the same wait as the header"
    );

    let others = app
        .sign_in("someone-else@example.com", "whatever it is")
        .await;
    assert_eq!(others.status(), 400, "other accounts are not locked out");
}

async fn too_many_link_requests_for_one_address_get_429(app: TestApp) {
    for _ in 0..3 {
        let ok = app
            .call("request_magic_link", &[("email", "spam@example.com")], None)
            .await;
        assert_eq!(ok.status(), 200);
    }
    let limited = app
        .call("request_magic_link", &[("email", "spam@example.com")], None)
        .await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
}

async fn queued_mail_leaves_the_outbox_in_the_background(app: TestApp) {
    app.call(
        "request_magic_link",
        &[("email", "queued@example.com")],
        None,
    )
    .await;
    let reports = domain::admin::Reports::new(app.db().await);
    for _ in 0..50 {
        let mails = reports.outbox(10).await.unwrap();
        let mail = mails
            .iter()
            .find(|m| m.to_address == "queued@example.com")
            .unwrap();
        if mail.status == domain::entities::mail::MailStatus::Sent {
            assert_eq!(mail.attempts, 1);
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the mail was not delivered within 10 s");
}

on_both_databases!(
    a_magic_link_works_once_and_opens_a_guest_account,
    an_expired_magic_link_is_refused,
    a_password_reset_link_sets_a_new_password_once,
    a_reset_for_an_unknown_address_answers_alike_and_mails_nothing,
    too_many_sign_in_attempts_get_429_with_retry_after,
    too_many_link_requests_for_one_address_get_429,
    queued_mail_leaves_the_outbox_in_the_background,
);
