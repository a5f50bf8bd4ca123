//! The store on an S3 service it did not start: here a second, standalone
//! endpoint standing in for MinIO or Garage, reached through
//! `DOWNLINK_S3_ENDPOINT` with path-style URLs and fixed credentials.

use domain::secret::Secret;
use server::settings::Settings;
use server::startup::Application;

use crate::helpers::image_sources;

#[tokio::test]
async fn the_store_runs_on_an_external_s3_endpoint() {
    let objects = tempfile::tempdir().unwrap();
    let secret = Secret::new("external-secret-key-0123456789");
    let external = server::embedded_s3::start(
        "127.0.0.1:0".parse().unwrap(),
        objects.path(),
        "EXTERNALKEY",
        &secret,
        "http://127.0.0.1",
    )
    .await
    .unwrap();

    let data = tempfile::tempdir().unwrap();
    let vars = [
        ("DOWNLINK_ADDR", "127.0.0.1:0".to_owned()),
        ("DOWNLINK_DATA_DIR", data.path().display().to_string()),
        ("DOWNLINK_S3_ENDPOINT", external.endpoint.clone()),
        ("DOWNLINK_S3_BUCKET", "shop-files".to_owned()),
        ("DOWNLINK_S3_ACCESS_KEY", "EXTERNALKEY".to_owned()),
        ("DOWNLINK_S3_SECRET_KEY", secret.expose().to_owned()),
        ("DOWNLINK_S3_PATH_STYLE", "true".to_owned()),
    ];
    let settings = Settings::from_env(vars.map(|(k, v)| (k.to_owned(), v))).unwrap();
    let app = Application::build(settings).await.unwrap();
    assert_eq!(
        app.embedded_s3_endpoint(),
        None,
        "no embedded endpoint is started"
    );
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run_until_stopped());

    let html = reqwest::get(format!("{address}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let covers = image_sources(&html);
    assert_eq!(covers.len(), 6);
    for cover in covers {
        assert!(
            cover.starts_with(&format!("{}/shop-files/", external.endpoint)),
            "{cover}"
        );
        let response = reqwest::get(&cover).await.unwrap();
        assert_eq!(response.status(), 200);
    }
    assert!(
        objects.path().join("shop-files").is_dir(),
        "the bucket was created on the external service"
    );
    let ready = reqwest::get(format!("{address}/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
}
