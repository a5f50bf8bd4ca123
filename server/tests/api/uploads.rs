//! Multipart uploads through presigned URLs against the embedded S3 endpoint.

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{TestApp, on_both_databases};

const MIB: usize = 1024 * 1024;

/// Byte `i` of a test file: varied, reproducible, no memory needed.
fn byte_at(i: usize) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// PUTs bytes `range` of the test file to a presigned URL over a raw
/// connection, streaming them in 64 KiB chunks. With `drop_after`, the
/// connection is closed after that many bytes, like a dropped network. Returns
/// the HTTP status, or None when the connection was dropped.
async fn put_part(
    url: &str,
    range: std::ops::Range<usize>,
    drop_after: Option<usize>,
) -> Option<u16> {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = TcpStream::connect(host).await.unwrap();
    let head = format!(
        "PUT /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        range.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut chunk = Vec::with_capacity(64 * 1024);
    let mut sent = 0;
    for i in range {
        chunk.push(byte_at(i));
        if chunk.len() == chunk.capacity() {
            stream.write_all(&chunk).await.unwrap();
            sent += chunk.len();
            chunk.clear();
            if drop_after.is_some_and(|limit| sent >= limit) {
                drop(stream);
                return None;
            }
        }
    }
    stream.write_all(&chunk).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let status = String::from_utf8_lossy(&response[..12.min(response.len())]).to_string();
    status.split(' ').nth(1).and_then(|code| code.parse().ok())
}

fn sha256_of(len: usize) -> String {
    let mut hasher = Sha256::new();
    let mut chunk = Vec::with_capacity(MIB);
    for i in 0..len {
        chunk.push(byte_at(i));
        if chunk.len() == MIB {
            hasher.update(&chunk);
            chunk.clear();
        }
    }
    hasher.update(&chunk);
    hex::encode(hasher.finalize())
}

/// Starts an upload of `size` bytes of `name`, declared as generic binary data.
async fn start(
    app: &TestApp,
    cookie: &str,
    product: &str,
    name: &str,
    size: usize,
) -> serde_json::Value {
    start_typed(app, cookie, product, name, "application/octet-stream", size).await
}

async fn start_typed(
    app: &TestApp,
    cookie: &str,
    product: &str,
    name: &str,
    content_type: &str,
    size: usize,
) -> serde_json::Value {
    start_for(app, cookie, product, "file", name, content_type, size).await
}

/// Starts an upload of a `file` or an `image` and answers the plan.
pub async fn start_for(
    app: &TestApp,
    cookie: &str,
    product: &str,
    purpose: &str,
    name: &str,
    content_type: &str,
    size: usize,
) -> serde_json::Value {
    let response = app
        .call(
            "start_upload",
            &[
                ("product", product),
                ("purpose", purpose),
                ("filename", name),
                ("content_type", content_type),
                ("size", &size.to_string()),
            ],
            Some(cookie),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Starts an upload of `bytes` and puts them in one part; answers its id.
pub async fn uploaded(
    app: &TestApp,
    cookie: &str,
    product: &str,
    (purpose, name, content_type): (&str, &str, &str),
    bytes: Vec<u8>,
) -> String {
    let started = start_for(
        app,
        cookie,
        product,
        purpose,
        name,
        content_type,
        bytes.len(),
    )
    .await;
    let url = part_urls(&started).remove(0);
    let put = app.client.put(url).body(bytes).send().await.unwrap();
    assert_eq!(put.status(), 200);
    started["upload"].as_str().unwrap().to_owned()
}

pub fn part_urls(started: &serde_json::Value) -> Vec<String> {
    started["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| part["url"].as_str().unwrap().to_owned())
        .collect()
}

async fn an_upload_resumes_after_a_dropped_part_and_records_a_new_version(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("pixel-sorter").await;
    let size = 20 * MIB;
    let started = start(&app, &cookie, &product, "pixel-sorter-2.2.zip", size).await;
    let upload = started["upload"].as_str().unwrap().to_owned();
    assert_eq!(started["part_size"], 8 * MIB);
    let urls = part_urls(&started);
    assert_eq!(urls.len(), 3);
    assert!(
        urls[0].starts_with("http://127.0.0.1:"),
        "parts go straight to S3"
    );
    assert!(
        urls[0].contains(&format!("/products/{product}/files/")),
        "the server chose the key"
    );

    assert_eq!(put_part(&urls[0], 0..8 * MIB, None).await, Some(200));
    assert_eq!(
        put_part(&urls[1], 8 * MIB..16 * MIB, Some(MIB)).await,
        None,
        "dropped"
    );

    let resumed: serde_json::Value = app
        .call_json("resume_upload", &[("upload", &upload)], Some(&cookie))
        .await;
    assert_eq!(
        resumed["received"],
        serde_json::json!([1]),
        "the dropped part did not count"
    );
    let missing: Vec<i64> = resumed["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| part["number"].as_i64().unwrap())
        .collect();
    assert_eq!(missing, [2, 3], "fresh URLs for the parts still to send");
    let urls = [
        urls[0].clone(),
        part_urls(&resumed).remove(0),
        part_urls(&resumed).remove(1),
    ];
    let early = app
        .call("complete_upload", &[("upload", &upload)], Some(&cookie))
        .await;
    assert_eq!(early.status(), 409, "parts are missing");

    // Resume: send only what S3 does not have.
    assert_eq!(put_part(&urls[1], 8 * MIB..16 * MIB, None).await, Some(200));
    assert_eq!(put_part(&urls[2], 16 * MIB..size, None).await, Some(200));
    let done = app
        .call("complete_upload", &[("upload", &upload)], Some(&cookie))
        .await;
    assert_eq!(done.status(), 200);
    let file: serde_json::Value = done.json().await.unwrap();
    assert_eq!(file["kind"], "file");
    assert_eq!(file["name"], "pixel-sorter-2.2.zip");
    assert_eq!(file["version"], 1);
    assert_eq!(file["size_bytes"], size);
    assert_eq!(file["sha256"], sha256_of(size));

    let (_, html) = app.get_text("/products/pixel-sorter").await;
    assert!(
        html.contains("pixel-sorter-2.2.zip") && html.contains("21 MB"),
        "{html}"
    );

    // A new upload under the same name is version 2; buyers see the newest.
    let again = start(&app, &cookie, &product, "pixel-sorter-2.2.zip", 3 * MIB).await;
    let url = part_urls(&again).remove(0);
    assert_eq!(put_part(&url, 0..3 * MIB, None).await, Some(200));
    let upload = again["upload"].as_str().unwrap();
    let second: serde_json::Value = app
        .call_json("complete_upload", &[("upload", upload)], Some(&cookie))
        .await;
    assert_eq!(second["version"], 2);
    let (_, html) = app.get_text("/products/pixel-sorter").await;
    assert!(
        html.contains("3.1 MB") && !html.contains("21 MB"),
        "only the newest version is listed"
    );
}

async fn a_cancelled_upload_is_gone(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("mono-icons").await;
    let started = start(&app, &cookie, &product, "extra.zip", MIB).await;
    let upload = started["upload"].as_str().unwrap();
    assert_eq!(
        put_part(&part_urls(&started)[0], 0..MIB, None).await,
        Some(200)
    );
    let cancelled = app
        .call("cancel_upload", &[("upload", upload)], Some(&cookie))
        .await;
    assert_eq!(cancelled.status(), 200);
    let after = app
        .call("complete_upload", &[("upload", upload)], Some(&cookie))
        .await;
    assert_eq!(after.status(), 404);
}

async fn uploads_are_for_admins_and_check_their_input(app: TestApp) {
    let product = app.product_pid("mono-icons").await;
    let customer = app
        .register("shopper@example.com", "a shopper passphrase")
        .await;
    let args = [
        ("product", product.as_str()),
        ("purpose", "file"),
        ("filename", "x.zip"),
        ("content_type", "application/zip"),
        ("size", "10"),
    ];
    assert_eq!(
        app.call("start_upload", &args, Some(&customer))
            .await
            .status(),
        403
    );
    assert_eq!(app.call("start_upload", &args, None).await.status(), 401);

    let admin = app.admin().await;
    for (name, value, status) in [
        ("filename", "../../etc/passwd", 400),
        ("content_type", "not a type", 400),
        ("size", "0", 400),
        ("purpose", "poster", 400),
        ("product", "01a22222-0000-7000-8000-000000000000", 404),
    ] {
        let args: Vec<(&str, &str)> = args
            .iter()
            .map(|(k, v)| if *k == name { (*k, value) } else { (*k, *v) })
            .collect();
        let response = app.call("start_upload", &args, Some(&admin)).await;
        assert_eq!(response.status(), status, "{name}={value}");
    }
}

async fn a_file_that_is_not_what_it_claims_is_refused(app: TestApp) {
    let cookie = app.admin().await;
    let product = app.product_pid("field-guide-to-quiet-software").await;
    let started = start_typed(&app, &cookie, &product, "book.pdf", "application/pdf", MIB).await;
    let url = part_urls(&started).remove(0);
    assert_eq!(put_part(&url, 0..MIB, None).await, Some(200));
    let upload = started["upload"].as_str().unwrap();
    let refused = app
        .call("complete_upload", &[("upload", upload)], Some(&cookie))
        .await;
    assert_eq!(refused.status(), 409);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("not application/pdf")
    );
    let (_, html) = app
        .get_text("/products/field-guide-to-quiet-software")
        .await;
    assert!(!html.contains("book.pdf"), "nothing was recorded");
}

on_both_databases!(
    a_file_that_is_not_what_it_claims_is_refused,
    an_upload_resumes_after_a_dropped_part_and_records_a_new_version,
    a_cancelled_upload_is_gone,
    uploads_are_for_admins_and_check_their_input,
);
