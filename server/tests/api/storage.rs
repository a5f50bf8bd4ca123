use crate::helpers::{Backend, image_sources, spawn_app};

#[tokio::test]
async fn the_embedded_s3_refuses_unsigned_and_tampered_requests() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, html) = app.get_text("/").await;
    let signed = image_sources(&html).remove(0);
    assert_eq!(app.client.get(&signed).send().await.unwrap().status(), 200);

    let unsigned = signed.split('?').next().unwrap();
    assert_eq!(app.client.get(unsigned).send().await.unwrap().status(), 403);

    let (rest, signature) = signed.split_once("X-Amz-Signature=").unwrap();
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    let tampered = format!("{rest}X-Amz-Signature={flipped}{}", &signature[1..]);
    let status = app.client.get(&tampered).send().await.unwrap().status();
    assert_eq!(status, 403, "a wrong signature is refused");
}

#[tokio::test]
async fn the_embedded_s3_allows_the_store_origin_and_no_other() {
    let app = spawn_app(Backend::Sqlite).await;
    let (_, html) = app.get_text("/").await;
    let signed = image_sources(&html).remove(0);
    let preflight = |origin: &str| {
        app.client
            .request(reqwest::Method::OPTIONS, &signed)
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .send()
    };
    let ours = preflight(&app.address).await.unwrap();
    assert_eq!(
        ours.headers()["access-control-allow-origin"],
        app.address.as_str()
    );
    let theirs = preflight("https://evil.example").await.unwrap();
    assert!(
        theirs
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
