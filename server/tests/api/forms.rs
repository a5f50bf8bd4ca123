//! Plain HTML forms without JavaScript: a refused post goes back to its page
//! with the error and what was typed (never the password), once; an error
//! planted in the address bar is never shown.

use crate::helpers::{TestApp, on_both_databases, session_cookie};

/// Posts `form` to server function `endpoint` as a browser without JavaScript
/// does from `page`.
async fn post_form(
    app: &TestApp,
    endpoint: &str,
    page: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/api/{endpoint}", app.address))
        .header("accept", "text/html,application/xhtml+xml")
        .header("referer", format!("{}{page}", app.address))
        .header("origin", &app.address)
        .form(form);
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("downlink_session={cookie}"));
    }
    request.send().await.unwrap()
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    app.client
        .get(format!("{}{path}", app.address))
        .header("accept", "text/html")
        .header("cookie", format!("downlink_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn a_refused_sign_in_keeps_the_email_and_never_the_password(app: TestApp) {
    app.register("ada@example.com", "a long enough password")
        .await;
    let form = [
        ("email", "ada@example.com"),
        ("password", "not her password 1"),
    ];
    let refused = post_form(&app, "sign_in", "/account/sign-in", &form, None).await;
    assert_eq!(refused.status(), 303);
    let location = refused.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location, "/account/sign-in",
        "nothing of the error in the URL"
    );
    let cookie = session_cookie(&refused).expect("the flash lives in a session");

    let html = page(&app, &location, &cookie).await;
    assert!(
        html.contains("That email and password don&#x27;t match an account.")
            || html.contains("That email and password don't match an account."),
        "the error is shown"
    );
    assert!(
        html.contains(r#"value="ada@example.com""#),
        "the email is kept"
    );
    assert!(!html.contains("not her password 1"), "the password is not");

    let again = page(&app, &location, &cookie).await;
    assert!(!again.contains("match an account"), "shown once");
    assert!(!again.contains(r#"value="ada@example.com""#));
}

async fn an_error_planted_in_the_address_bar_is_not_shown(app: TestApp) {
    // base64url of {"Validation":"Your account is locked. Call +1 555 0100"}
    let planted = "eyJWYWxpZGF0aW9uIjoiWW91ciBhY2NvdW50IGlzIGxvY2tlZC4gQ2FsbCArMSA1NTUgMDEwMCJ9";
    let (status, html) = app
        .get_text(&format!(
            "/account/sign-in?__path=/api/sign_in&__err={planted}"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(
        !html.contains("555 0100"),
        "only the server's own errors are shown"
    );
    assert!(!html.contains("account is locked"));
}

async fn a_refused_product_form_keeps_what_the_admin_typed(app: TestApp) {
    let cookie = app.admin().await;
    let form = [
        ("product", ""),
        ("title", "Tide Tables"),
        ("slug", ""),
        ("summary", "Printable tide tables."),
        ("description", "For **sailors**."),
        ("kind", "download"),
        ("price", "twelve"),
        ("currency", "EUR"),
        ("tags", "print, tides"),
        ("license_keys", "on"),
    ];
    let refused = post_form(
        &app,
        "save_product",
        "/admin/products/new",
        &form,
        Some(&cookie),
    )
    .await;
    assert_eq!(refused.status(), 303);
    assert_eq!(refused.headers()["location"], "/admin/products/new");

    let html = page(&app, "/admin/products/new", &cookie).await;
    assert!(html.contains(r#"value="Tide Tables""#), "title kept");
    assert!(
        html.contains(r#"value="twelve""#),
        "the wrong price is kept to fix"
    );
    assert!(html.contains(r#"value="print, tides""#), "tags kept");
    assert!(html.contains("For **sailors**."), "description kept");
    assert!(
        html.contains("Enter an amount, such as 5 or 5.50."),
        "the field's error"
    );
    assert!(
        html.contains(r#"<option value="EUR" selected"#),
        "currency kept"
    );
    assert!(
        html.contains(r#"name="license_keys" checked"#),
        "box kept ticked"
    );
}

on_both_databases!(
    a_refused_sign_in_keeps_the_email_and_never_the_password,
    an_error_planted_in_the_address_bar_is_not_shown,
    a_refused_product_form_keeps_what_the_admin_typed,
);
