//! The audit log: each admin action writes one entry (who, what, the state
//! before and after); entries are never changed or removed; admins only.

mod catalog;
mod sales;

use crate::checkout::bought;
use crate::helpers::{TestApp, on_both_databases};
use sea_orm::ConnectionTrait;
use serde_json::Value;

async fn entries(app: &TestApp, admin: &str, query: &[(&str, &str)]) -> Vec<Value> {
    let listed: Value = app.call_json("admin_audit", query, Some(admin)).await;
    listed.as_array().unwrap().clone()
}

/// An audit entry as the log shows it, less who and when.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    action: String,
    subject: String,
    before: Option<String>,
    after: Option<String>,
}

impl Entry {
    fn new(action: &str, subject: &str, before: Option<&str>, after: Option<&str>) -> Self {
        Self {
            action: action.to_owned(),
            subject: subject.to_owned(),
            before: before.map(str::to_owned),
            after: after.map(str::to_owned),
        }
    }
}

/// A state the log keeps as JSON, read back.
fn json(state: Option<&String>) -> Value {
    serde_json::from_str(state.expect("a state")).unwrap()
}

/// Does `function` once as the admin (`admin@example.com`) and checks that it
/// wrote exactly one entry, naming that admin, and left the others as they
/// were; answers the function's answer and the entry.
async fn audited(
    app: &TestApp,
    admin: &str,
    function: &str,
    form: &[(&str, &str)],
) -> (Value, Entry) {
    let before = entries(app, admin, &[]).await;
    let done = app.call(function, form, Some(admin)).await;
    let status = done.status();
    let answer = done.text().await.unwrap();
    assert_eq!(status, 200, "{function}: {answer}");
    let after = entries(app, admin, &[]).await;
    assert_eq!(after.len(), before.len() + 1, "{function} wrote one entry");
    assert_eq!(after[1..], before[..], "{function} changed no other entry");
    let entry = &after[0];
    assert_eq!(entry["actor"], "admin@example.com", "{function}");
    let text = |field: &str| entry[field].as_str().map(str::to_owned);
    let entry = Entry {
        action: text("action").unwrap(),
        subject: text("subject").unwrap(),
        before: text("before"),
        after: text("after"),
    };
    (serde_json::from_str(&answer).unwrap_or(Value::Null), entry)
}

/// A server function, its form, and the action it records.
type Done = (&'static str, Vec<(&'static str, String)>, &'static str);

on_both_databases!(every_admin_action_writes_one_entry_and_none_is_ever_changed);

async fn every_admin_action_writes_one_entry_and_none_is_ever_changed(app: TestApp) {
    let (order, buyer) = bought(&app, "pixel-sorter", "audited@example.com").await;
    let order = order.pid.to_string();
    let admin = app.admin().await;
    let receipt: Value = app
        .call_json("admin_order", &[("order", &order)], Some(&admin))
        .await;
    let entitlement = receipt["receipt"]["lines"][0]["entitlement"]
        .as_str()
        .unwrap()
        .to_owned();
    let product = app.product_pid("mono-icons").await;

    let actions: Vec<Done> = vec![
        (
            "set_product_status",
            vec![("product", product.clone()), ("status", "draft".into())],
            "product.status",
        ),
        (
            "create_discount",
            vec![
                ("code", "AUDIT10".into()),
                ("kind", "percent".into()),
                ("value", "10".into()),
            ],
            "discount.create",
        ),
        (
            "adjust_entitlement",
            vec![
                ("order", order.clone()),
                ("entitlement", entitlement.clone()),
                ("action", "revoke".into()),
            ],
            "purchase.adjust",
        ),
        (
            "reset_activations",
            vec![
                ("order", order.clone()),
                ("entitlement", entitlement.clone()),
            ],
            "license.reset",
        ),
        (
            "grant_product",
            vec![
                ("email", "gift@example.com".into()),
                ("product", "night-rain".into()),
            ],
            "product.grant",
        ),
        (
            "refund_order",
            vec![("order", order.clone())],
            "order.refund",
        ),
    ];
    for (n, (function, form, action)) in actions.iter().enumerate() {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let done = app.call(function, &form, Some(&admin)).await;
        assert_eq!(
            done.status(),
            200,
            "{function}: {}",
            done.text().await.unwrap()
        );
        let log = entries(&app, &admin, &[]).await;
        assert_eq!(log.len(), n + 1, "{function} wrote one entry");
        assert_eq!(log[0]["action"], *action);
        assert_eq!(log[0]["actor"], "admin@example.com");
    }
    let log = entries(&app, &admin, &[("action", "product.status")]).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0]["before"].as_str(), log[0]["after"].as_str()),
        (Some("\"published\""), Some("\"draft\""))
    );
    assert_eq!(log[0]["subject"], "product mono-icons");
    let log = entries(&app, &admin, &[("subject", &order)]).await;
    assert_eq!(log[0]["action"], "order.refund");
    assert_eq!(log[0]["after"], "refund of the whole order asked");

    // A refused action records nothing.
    let refused = app
        .call(
            "adjust_entitlement",
            &[
                ("order", &order),
                ("entitlement", &entitlement),
                ("action", "nonsense"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(refused.status(), 400);
    assert_eq!(entries(&app, &admin, &[]).await.len(), actions.len());

    // The database itself refuses to change or remove an entry.
    let db = app.db().await;
    for statement in [
        "UPDATE audit_log SET actor_email = 'someone@else.example'",
        "DELETE FROM audit_log",
    ] {
        let error = db.execute_unprepared(statement).await.unwrap_err();
        assert!(error.to_string().contains("append-only"), "{error}");
    }
    assert_eq!(entries(&app, &admin, &[]).await.len(), actions.len());

    // Admins only.
    assert_eq!(
        app.call("admin_audit", &[], Some(&buyer)).await.status(),
        403
    );
    assert_eq!(app.call("admin_audit", &[], None).await.status(), 401);
}
