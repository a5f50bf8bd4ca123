use chrono::Utc;
use domain::clock::Clock;
use domain::entities::session;
use sea_orm::{ActiveModelTrait, EntityTrait, PaginatorTrait};
use server::session_store::DbSessionStore;
use std::collections::HashMap;
use tower_sessions::cookie::time::{Duration, OffsetDateTime};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};

use crate::helpers::{TestApp, on_both_databases};

fn record(expires_in: Duration) -> Record {
    Record {
        id: Id::default(),
        data: HashMap::from([("user".to_owned(), serde_json::json!({"pid": "u-1"}))]),
        expiry_date: OffsetDateTime::now_utc() + expires_in,
    }
}

async fn a_saved_session_loads_back_and_can_be_deleted(app: TestApp) {
    let store = DbSessionStore::new(app.db().await, Clock::System);
    let mut saved = record(Duration::hours(1));
    store.create(&mut saved).await.unwrap();
    let loaded = store
        .load(&saved.id)
        .await
        .unwrap()
        .expect("the session loads");
    assert_eq!(loaded.data, saved.data);
    assert_eq!(
        loaded.expiry_date.unix_timestamp(),
        saved.expiry_date.unix_timestamp()
    );

    saved
        .data
        .insert("cart".to_owned(), serde_json::json!([1, 2]));
    store.save(&saved).await.unwrap();
    let updated = store.load(&saved.id).await.unwrap().unwrap();
    assert_eq!(updated.data["cart"], serde_json::json!([1, 2]));

    store.delete(&saved.id).await.unwrap();
    assert!(store.load(&saved.id).await.unwrap().is_none());
}

async fn the_cookie_value_is_never_stored(app: TestApp) {
    let db = app.db().await;
    let store = DbSessionStore::new(db.clone(), Clock::System);
    let mut saved = record(Duration::hours(1));
    store.create(&mut saved).await.unwrap();
    let rows = session::Entity::find().all(&db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].id_hash, saved.id.to_string());
    assert_eq!(rows[0].id_hash.len(), 64, "a SHA-256 in hex");
    assert!(!rows[0].data.contains(&saved.id.to_string()));
}

async fn expired_sessions_do_not_load_and_are_deleted(app: TestApp) {
    let db = app.db().await;
    let clock = Clock::manual(Utc::now());
    let store = DbSessionStore::new(db.clone(), clock.clone());
    let mut live = record(Duration::hours(1));
    let mut expired = record(Duration::seconds(-1));
    store.create(&mut live).await.unwrap();
    store.create(&mut expired).await.unwrap();
    assert!(store.load(&expired.id).await.unwrap().is_none());

    store.delete_expired().await.unwrap();
    assert_eq!(session::Entity::find().count(&db).await.unwrap(), 1);
    assert!(store.load(&live.id).await.unwrap().is_some());

    // The store reads its clock, not the machine's: two hours on, the live
    // session has expired too.
    clock.advance(chrono::Duration::hours(2));
    assert!(store.load(&live.id).await.unwrap().is_none());
    store.delete_expired().await.unwrap();
    assert_eq!(session::Entity::find().count(&db).await.unwrap(), 0);
}

on_both_databases!(
    a_saved_session_loads_back_and_can_be_deleted,
    the_cookie_value_is_never_stored,
    expired_sessions_do_not_load_and_are_deleted,
);

async fn a_session_ends_thirty_days_after_it_started_however_active(app: TestApp) {
    let db = app.db().await;
    let clock = Clock::manual(Utc::now());
    let store = DbSessionStore::new(db.clone(), clock.clone());
    let mut active = record(Duration::days(60));
    store.create(&mut active).await.unwrap();
    clock.advance(chrono::Duration::days(29));
    store.save(&active).await.unwrap();
    assert!(
        store.load(&active.id).await.unwrap().is_some(),
        "day 29: still in"
    );
    clock.advance(chrono::Duration::days(2));
    assert!(
        store.load(&active.id).await.unwrap().is_none(),
        "day 31: over"
    );
    store.delete_expired().await.unwrap();
    assert_eq!(session::Entity::find().count(&db).await.unwrap(), 0);
}

on_both_databases!(a_session_ends_thirty_days_after_it_started_however_active);

async fn a_session_ended_while_a_request_holds_it_stays_ended(app: TestApp) {
    let db = app.db().await;
    let store = DbSessionStore::new(db.clone(), Clock::System);
    let user = uuid::Uuid::now_v7();
    let mut signed_in = record(Duration::hours(1));
    signed_in
        .data
        .insert("user".to_owned(), serde_json::json!(user));
    store.create(&mut signed_in).await.unwrap();
    // A request has loaded the session; meanwhile the account's sessions end
    // (a password change elsewhere, the owner proving the address).
    let in_flight = store.load(&signed_in.id).await.unwrap().unwrap();
    assert_eq!(
        domain::sessions::end_for_user(&db, user, None)
            .await
            .unwrap(),
        1
    );
    // The request then saves what it holds: the session must not come back.
    store.save(&in_flight).await.unwrap();
    assert!(store.load(&signed_in.id).await.unwrap().is_none());
    assert_eq!(session::Entity::find().count(&db).await.unwrap(), 0);
}

on_both_databases!(a_session_ended_while_a_request_holds_it_stays_ended);

async fn a_session_in_use_is_renewed_once_a_day(app: TestApp) {
    let cookie = app
        .register("daily@example.com", "a daily passphrase")
        .await;
    let db = app.db().await;
    let only_row = || async {
        let rows = session::Entity::find().all(&db).await.unwrap();
        assert_eq!(rows.len(), 1);
        rows.into_iter().next().unwrap()
    };
    // As if the last request had been thirteen days ago: one day left.
    let mut row = only_row().await;
    row.expires_at = Utc::now() + chrono::Duration::days(1);
    let active: session::ActiveModel = row.into();
    active.reset_all().update(&db).await.unwrap();

    // The next request saves it for another 14 days and renews the cookie…
    let first = app.call("current_user", &[], Some(&cookie)).await;
    assert!(
        crate::helpers::session_cookie(&first).is_some(),
        "a fresh cookie"
    );
    let renewed = only_row().await.expires_at;
    assert!(renewed > Utc::now() + chrono::Duration::days(13));
    // …and the requests after it, that day, write nothing.
    let later = app.call("current_user", &[], Some(&cookie)).await;
    assert!(crate::helpers::session_cookie(&later).is_none());
    let user: serde_json::Value = later.json().await.unwrap();
    assert_eq!(user["email"], "daily@example.com");
    assert_eq!(only_row().await.expires_at, renewed);
}

on_both_databases!(a_session_in_use_is_renewed_once_a_day);
