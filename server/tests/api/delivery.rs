//! Secure delivery over HTTP: minted download links that fetch exactly the
//! file bought, under its own name, as often as the shop allows, by the buyer
//! and nobody else; streams that play and never count.

use crate::checkout::{bought, entitlements};
use crate::helpers::{Backend, TestApp, on_both_databases, spawn_app_with};
use domain::entities::{delivery, entitlement, product_file, user};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::Value;
use sha2::Digest;

/// The buyer's library: (entitlement, file) of the first file of `title`.
async fn first_file(app: &TestApp, cookie: &str, title: &str) -> (String, String) {
    let library: Value = app.call_json("library", &[], Some(cookie)).await;
    let item = library["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == title)
        .unwrap_or_else(|| panic!("{title} in {library}"));
    (
        item["entitlement"].as_str().unwrap().to_owned(),
        item["files"][0]["file"].as_str().unwrap().to_owned(),
    )
}

async fn download(app: &TestApp, cookie: &str, entitlement: &str, file: &str) -> reqwest::Response {
    app.call(
        "download",
        &[("entitlement", entitlement), ("file", file)],
        Some(cookie),
    )
    .await
}

on_both_databases!(a_buyer_downloads_exactly_the_file_bought_and_nobody_else_does);

async fn a_buyer_downloads_exactly_the_file_bought_and_nobody_else_does(app: TestApp) {
    let (order, buyer) = bought(&app, "field-guide-to-quiet-software", "reader@example.com").await;
    // A name with spaces, quotes and letters beyond ASCII.
    let name = "Notes – \"été\" 2026.pdf";
    let file = product_file::Entity::find()
        .filter(product_file::Column::Filename.eq("field-guide-to-quiet-software.pdf"))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    let mut renamed: product_file::ActiveModel = file.clone().into();
    renamed.filename = Set(name.to_owned());
    renamed.update(&app.db().await).await.unwrap();

    let (entitlement, file_id) =
        first_file(&app, &buyer, "The Field Guide to Quiet Software").await;
    let minted = download(&app, &buyer, &entitlement, &file_id).await;
    assert_eq!(minted.status(), 200);
    let minted: Value = minted.json().await.unwrap();
    assert_eq!(minted["downloads_left"], 4);
    let url = minted["url"].as_str().unwrap().to_owned();

    let fetched = app.client.get(&url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(
        fetched.headers()["content-disposition"],
        "attachment; filename=\"Notes _ __t__ 2026.pdf\"; \
         filename*=UTF-8''Notes%20%E2%80%93%20%22%C3%A9t%C3%A9%22%202026.pdf"
    );
    let bytes = fetched.bytes().await.unwrap();
    assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), file.sha256);

    // A range (a resumed download, a seek) goes straight to the store and
    // counts nothing; minting again at once is the same delivery.
    let ranged = app
        .client
        .get(&url)
        .header("range", "bytes=0-99")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.bytes().await.unwrap().len(), 100);
    let again: Value = download(&app, &buyer, &entitlement, &file_id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["downloads_left"], 4);
    let used = &entitlements(&app, order.id).await[0];
    assert_eq!(used.downloads_used, 1);
    let log = delivery::Entity::find().all(&app.db().await).await.unwrap();
    assert_eq!(log.len(), 2, "both mints are logged");
    assert_eq!(log.iter().filter(|d| d.counted).count(), 1);
    assert_eq!(log[0].product_file_id, file.id);

    // Asked by an older version's id, the newest version is delivered (the
    // same delivery: within the window, same name); a file of another
    // product is no file of this purchase.
    let newer = product_file::ActiveModel {
        pid: Set(uuid::Uuid::now_v7()),
        product_id: Set(file.product_id),
        // Not fetched here: the link's name is what is checked.
        s3_key: Set(format!("{}.v2", file.s3_key)),
        filename: Set(name.to_owned()),
        content_type: Set(file.content_type.clone()),
        size_bytes: Set(file.size_bytes),
        sha256: Set(file.sha256.clone()),
        version: Set(file.version + 1),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(&app.db().await)
    .await
    .unwrap();
    let minted: Value = app
        .call_json(
            "download",
            &[("entitlement", &entitlement), ("file", &file_id)],
            Some(&buyer),
        )
        .await;
    assert!(
        minted["url"].as_str().unwrap().contains(".v2?"),
        "the newest version's object: {minted}"
    );
    let newest_logged = delivery::Entity::find()
        .order_by_desc(delivery::Column::Id)
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(newest_logged.product_file_id, newer.id);
    let elsewhere = product_file::Entity::find()
        .filter(product_file::Column::ProductId.ne(file.product_id))
        .one(&app.db().await)
        .await
        .unwrap()
        .unwrap();
    let refused = download(&app, &buyer, &entitlement, &elsewhere.pid.to_string()).await;
    assert_eq!(refused.status(), 404);

    // A tampered link is refused by the store's S3.
    let signature_at = url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let mut tampered = url.clone();
    let flipped = if &url[signature_at..=signature_at] == "0" {
        "1"
    } else {
        "0"
    };
    tampered.replace_range(signature_at..=signature_at, flipped);
    assert_eq!(
        app.client.get(&tampered).send().await.unwrap().status(),
        403
    );

    // Someone else, signed in: 403; nobody signed in: 401.
    let (_, other) = bought(&app, "mono-icons", "someone@example.com").await;
    assert_eq!(
        download(&app, &other, &entitlement, &file_id)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(
            "download",
            &[("entitlement", &entitlement), ("file", &file_id)],
            None
        )
        .await
        .status(),
        401
    );

    // Refunded: the files are refused, saying why.
    let admin = app.admin().await;
    app.call(
        "refund_order",
        &[("order", &order.pid.to_string())],
        Some(&admin),
    )
    .await;
    app.await_payment_events("charge.refunded", 1).await;
    let refused = download(&app, &buyer, &entitlement, &file_id).await;
    assert_eq!(refused.status(), 409);
    let refused: Value = refused.json().await.unwrap();
    assert!(refused.to_string().contains("refunded"), "{refused}");
}

async fn parallel_mints_count_exactly_the_downloads_left(backend: Backend) {
    // Every mint a delivery of its own (no window), to count requests.
    let app = spawn_app_with(backend, &[("DOWNLINK_REDELIVERY_WINDOW_SECS", "0")]).await;
    let (order, buyer) = bought(&app, "field-guide-to-quiet-software", "many@example.com").await;
    let (entitlement, file) = first_file(&app, &buyer, "The Field Guide to Quiet Software").await;
    let mints = (0..200)
        .map(|_| {
            let (app, buyer, entitlement, file) = (&app, &buyer, &entitlement, &file);
            async move {
                download(app, buyer, entitlement, file)
                    .await
                    .status()
                    .as_u16()
            }
        })
        .collect();
    let statuses = crate::helpers::all_at_once(mints).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 195);
    let used = &entitlements(&app, order.id).await[0];
    assert_eq!(used.downloads_used, 5);
    let refused: Value = download(&app, &buyer, &entitlement, &file)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        refused
            .to_string()
            .contains("No downloads left: all 5 were used."),
        "{refused}"
    );
}

#[tokio::test]
async fn parallel_mints_count_exactly_on_sqlite() {
    parallel_mints_count_exactly_the_downloads_left(Backend::Sqlite).await;
}

#[tokio::test]
async fn parallel_mints_count_exactly_on_postgres() {
    parallel_mints_count_exactly_the_downloads_left(Backend::Postgres).await;
}

/// PostgreSQL restarted (every connection of the store's dropped, as a
/// restart or a failover does): the next mint is answered, not refused with
/// a 500, and counts as it would have.
#[tokio::test]
async fn a_mint_after_the_database_dropped_its_connections_is_answered() {
    let app = spawn_app_with(Backend::Postgres, &[]).await;
    let (order, buyer) = bought(&app, "field-guide-to-quiet-software", "restart@example.com").await;
    let (entitlement, file) = first_file(&app, &buyer, "The Field Guide to Quiet Software").await;
    let (server, name) = app.postgres.clone().unwrap();
    let admin = sea_orm::Database::connect(format!("{server}/postgres"))
        .await
        .unwrap();
    let dropped = admin
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
            [name.into()],
        ))
        .await
        .unwrap();
    assert!(!dropped.is_empty(), "the store had connections to drop");

    let minted = download(&app, &buyer, &entitlement, &file).await;
    assert_eq!(minted.status(), 200);
    let minted: Value = minted.json().await.unwrap();
    assert_eq!(minted["downloads_left"], 4);
    let used = &entitlements(&app, order.id).await[0];
    assert_eq!(used.downloads_used, 1);
}

#[tokio::test]
async fn minting_again_counts_only_after_the_window() {
    let app = spawn_app_with(Backend::Sqlite, &[("DOWNLINK_REDELIVERY_WINDOW_SECS", "1")]).await;
    let (_, buyer) = bought(&app, "field-guide-to-quiet-software", "window@example.com").await;
    let (entitlement, file) = first_file(&app, &buyer, "The Field Guide to Quiet Software").await;
    let left = |v: Value| v["downloads_left"].as_i64().unwrap();
    let mint = || async {
        left(
            download(&app, &buyer, &entitlement, &file)
                .await
                .json()
                .await
                .unwrap(),
        )
    };
    let wait = || tokio::time::sleep(std::time::Duration::from_millis(600));
    // At 0 s it counts; at 0.6 s it is the same delivery; at 1.2 s the
    // delivery that counted is over a second old, whatever came between.
    let first = mint().await;
    wait().await;
    let inside = mint().await;
    wait().await;
    let after = mint().await;
    assert_eq!((first, inside, after), (4, 4, 3));
}

#[tokio::test]
async fn an_unproven_address_gets_no_file_until_it_is_proven() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let (order, buyer) = bought(&app, "field-guide-to-quiet-software", "later@example.com").await;
    let (entitlement, file) = first_file(&app, &buyer, "The Field Guide to Quiet Software").await;
    // As if the account had been opened with a password and never confirmed.
    let db = app.db().await;
    let owner = user::Entity::find_by_id(order.user_id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let proven_at = owner.email_verified_at;
    let mut unproven: user::ActiveModel = owner.into();
    unproven.email_verified_at = Set(None);
    let unproven = unproven.update(&db).await.unwrap();

    let refused = download(&app, &buyer, &entitlement, &file).await;
    assert_eq!(refused.status(), 409);
    let refused: Value = refused.json().await.unwrap();
    assert!(
        refused.to_string().contains("Confirm your email address"),
        "{refused}"
    );
    assert!(delivery::Entity::find().all(&db).await.unwrap().is_empty());

    // Once the address is proven the same request gets its link.
    let mut proven: user::ActiveModel = unproven.into();
    proven.email_verified_at = Set(proven_at);
    proven.update(&db).await.unwrap();
    assert_eq!(
        download(&app, &buyer, &entitlement, &file).await.status(),
        200
    );
}

#[tokio::test]
async fn an_audio_file_streams_with_ranges_and_never_counts() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let (order, buyer) = bought(&app, "night-rain", "listener@example.com").await;
    let (entitlement, file) = first_file(&app, &buyer, "Night Rain").await;
    let library: Value = app
        .call_json(
            "library",
            &[("play", &format!("{entitlement}.{file}"))],
            Some(&buyer),
        )
        .await;
    let player = &library["player"];
    assert_eq!(player["kind"], "audio");
    let url = player["url"].as_str().unwrap();
    let ranged = app
        .client
        .get(url)
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), 206);
    assert_eq!(ranged.headers()["content-type"], "audio/wav");
    assert!(
        ranged.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    let used = &entitlements(&app, order.id).await[0];
    assert_eq!(used.downloads_used, 0, "playing is not downloading");
    // A file that is no audio or video does not play.
    let (_, pdf_buyer) = bought(&app, "field-guide-to-quiet-software", "pdf@example.com").await;
    let (entitlement, pdf) =
        first_file(&app, &pdf_buyer, "The Field Guide to Quiet Software").await;
    let shown: Value = app
        .call_json(
            "library",
            &[("play", &format!("{entitlement}.{pdf}"))],
            Some(&pdf_buyer),
        )
        .await;
    assert_eq!(shown["player"], Value::Null);
    assert_eq!(
        shown["player_error"],
        "Only audio and video play in the page."
    );
    assert_eq!(
        shown["items"].as_array().unwrap().len(),
        1,
        "the library still shows"
    );
}

#[tokio::test]
async fn the_admin_adjusts_access_grants_a_product_and_reads_the_delivery_log() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let (order, buyer) = bought(&app, "field-guide-to-quiet-software", "support@example.com").await;
    let (entitlement, file) = first_file(&app, &buyer, "The Field Guide to Quiet Software").await;
    assert_eq!(
        download(&app, &buyer, &entitlement, &file).await.status(),
        200
    );
    let admin = app.admin().await;
    let adjust = |action: &'static str, amount: Option<&'static str>| {
        let mut form = vec![
            ("order", order.pid.to_string()),
            ("entitlement", entitlement.clone()),
            ("action", action.to_owned()),
        ];
        if let Some(amount) = amount {
            form.push(("amount", amount.to_owned()));
        }
        let (app, admin) = (&app, admin.clone());
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("adjust_entitlement", &form, Some(&admin))
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(adjust("downloads", Some("5")).await, 200);
    let library: Value = app.call_json("library", &[], Some(&buyer)).await;
    assert_eq!(library["items"][0]["downloads"], "9 of 10 downloads left");
    assert_eq!(adjust("days", Some("30")).await, 400, "access does not end");
    assert_eq!(adjust("revoke", None).await, 200);
    let refused = download(&app, &buyer, &entitlement, &file).await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("withdrawn"));
    assert_eq!(adjust("restore", None).await, 200);
    assert_eq!(
        download(&app, &buyer, &entitlement, &file).await.status(),
        200
    );
    // Customers cannot.
    let customer = app
        .call(
            "adjust_entitlement",
            &[
                ("order", &order.pid.to_string()),
                ("entitlement", &entitlement),
                ("action", "downloads"),
                ("amount", "9"),
            ],
            Some(&buyer),
        )
        .await;
    assert_eq!(customer.status(), 403);

    // A gift: a free order, the usual receipt, the product in the library.
    let granted = app
        .call(
            "grant_product",
            &[("email", "friend@example.com"), ("product", "mono-icons")],
            Some(&admin),
        )
        .await;
    assert_eq!(granted.status(), 200);
    let gifts = app.outbox(100).await;
    assert!(
        gifts
            .iter()
            .any(|m| m.to_address == "friend@example.com" && m.subject.starts_with("Your receipt"))
    );

    // The log, filtered, and as CSV.
    let rows: Value = app
        .call_json(
            "admin_downloads",
            &[
                ("buyer", "support@"),
                ("product", "field-guide-to-quiet-software"),
            ],
            Some(&admin),
        )
        .await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "the refused mint is not a delivery");
    assert!(
        rows.iter().all(|r| r["buyer"] == "support@example.com"
            && r["file"] == "field-guide-to-quiet-software.pdf")
    );
    let csv = app
        .client
        .get(format!(
            "{}/admin/downloads.csv?buyer=support%40",
            app.address
        ))
        .header("cookie", format!("downlink_session={admin}"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("time,buyer,product,file,version,kind,counted,ip,user_agent\r\n"));
    assert_eq!(csv.lines().count(), 3);
    let as_customer = app
        .client
        .get(format!("{}/admin/downloads.csv", app.address))
        .header("cookie", format!("downlink_session={buyer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(as_customer.status(), 403);
    assert_eq!(app.get("/admin/downloads.csv").await.status(), 401);
}

/// Order `order`'s purchase gives access until `until` (set behind the
/// services' back).
async fn access_ends(app: &TestApp, order: i64, until: chrono::DateTime<chrono::Utc>) {
    let db = app.db().await;
    let granted = entitlement::Entity::find()
        .filter(entitlement::Column::OrderId.eq(order))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut ending: entitlement::ActiveModel = granted.into();
    ending.access_until = Set(Some(until));
    ending.update(&db).await.unwrap();
}

#[tokio::test]
async fn links_end_with_access_and_then_minting_says_when_it_ended() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let (order, buyer) = bought(&app, "field-guide-to-quiet-software", "brief@example.com").await;
    let (entitlement, file) = first_file(&app, &buyer, "The Field Guide to Quiet Software").await;
    // Access ends in three seconds: the link lives no longer than that.
    let until = chrono::Utc::now() + chrono::Duration::seconds(3);
    access_ends(&app, order.id, until).await;

    let minted: Value = download(&app, &buyer, &entitlement, &file)
        .await
        .json()
        .await
        .unwrap();
    let url = minted["url"].as_str().unwrap().to_owned();
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 200);
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(
        app.client.get(&url).send().await.unwrap().status(),
        403,
        "the store's S3 refuses an expired link"
    );
    let refused = download(&app, &buyer, &entitlement, &file).await;
    assert_eq!(refused.status(), 409);
    let said = refused.text().await.unwrap();
    assert!(
        said.contains(&format!(
            "Access to this purchase ended on {}.",
            until.format("%Y-%m-%d")
        )),
        "{said}"
    );
}

#[tokio::test]
async fn the_end_of_access_is_told_on_the_stores_calendar() {
    // UTC+14: noon UTC is already two in the morning of the next day there.
    let app = spawn_app_with(
        Backend::Sqlite,
        &[("DOWNLINK_TIME_ZONE", "Pacific/Kiritimati")],
    )
    .await;
    let (order, buyer) = bought(
        &app,
        "field-guide-to-quiet-software",
        "kiritimati@example.com",
    )
    .await;
    let (entitlement, file) = first_file(&app, &buyer, "The Field Guide to Quiet Software").await;
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    let until = yesterday.and_hms_opt(12, 0, 0).unwrap().and_utc();
    access_ends(&app, order.id, until).await;

    let refused = download(&app, &buyer, &entitlement, &file).await;
    assert_eq!(refused.status(), 409);
    let said = refused.text().await.unwrap();
    let stores_day = yesterday + chrono::Days::new(1);
    assert!(
        said.contains(&format!(
            "Access to this purchase ended on {}.",
            stores_day.format("%Y-%m-%d")
        )),
        "{said}"
    );
}
