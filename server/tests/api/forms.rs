//! Plain HTML forms without JavaScript: a refused post goes back to its page
//! with the error and what was typed (never the password), once; an error
//! planted in the address bar is never shown.

use crate::helpers::{TestApp, on_both_databases};

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

/// GETs page `path` with `cookies` (a `Cookie` header value): its HTML, and
/// whether the answer cleared the flash cookie.
async fn page_with(app: &TestApp, path: &str, cookies: &str) -> (String, bool) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .header("accept", "text/html")
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    let cleared = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("downlink_flash=; "));
    (response.text().await.unwrap(), cleared)
}

async fn page_html(app: &TestApp, path: &str, cookies: &str) -> String {
    page_with(app, path, cookies).await.0
}

/// The flash cookie a refused post set, as a `Cookie` header pair.
fn flash_of(response: &reqwest::Response) -> String {
    let set = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("downlink_flash="))
        .expect("a flash cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Max-Age=300")
    );
    set.split(';').next().unwrap().to_owned()
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
    let flash = flash_of(&refused);
    assert!(!flash.contains("not her password"));

    let (html, cleared) = page_with(&app, &location, &flash).await;
    assert!(cleared, "the page takes the flash once");
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

    let again = page_html(&app, &location, "").await;
    assert!(!again.contains("match an account"), "shown once");
    assert!(!again.contains(r#"value="ada@example.com""#));
    // A flash this store did not sign shows nothing.
    let forged = flash.replace(".", "x.");
    let html = page_html(&app, &location, &forged).await;
    assert!(!html.contains("match an account"));
}

async fn an_error_planted_in_the_address_bar_is_not_shown(app: TestApp) {
    // base64url of {"Validation":"Your account is locked. Call +1 555 0100"}
    let planted = "eyJWYWxpZGF0aW9uIjoiWW91ciBhY2NvdW50IGlzIGxvY2tlZC4gQ2FsbCArMSA1NTUgMDEwMCJ9";
    let admin = format!("downlink_session={}", app.admin().await);
    for (page, endpoint) in [
        ("/account/sign-in", "sign_in"),
        ("/account/register", "register"),
        ("/account/magic-link", "request_magic_link"),
        ("/account/forgot", "request_password_reset"),
        ("/account/reset?token=x", "reset_password"),
        ("/account", "change_password"),
        ("/admin/products/new", "save_product"),
        ("/admin/products", "set_product_status"),
    ] {
        let separator = if page.contains('?') { '&' } else { '?' };
        let crafted = format!("{page}{separator}__path=/api/{endpoint}&__err={planted}&keep=1");
        let response = app
            .client
            .get(format!("{}{crafted}", app.address))
            .header("cookie", &admin)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{page}");
        let clean = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            !clean.contains("__err") && !clean.contains("__path"),
            "{clean}"
        );
        assert!(clean.ends_with("keep=1"), "other parameters stay: {clean}");
        let html = page_html(&app, &clean, &admin).await;
        assert!(
            !html.contains("555 0100"),
            "{page} shows only the server's own errors"
        );
    }
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

    let cookies = format!("downlink_session={cookie}; {}", flash_of(&refused));
    let html = page_html(&app, "/admin/products/new", &cookies).await;
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
