//! `spawn_app()`: a running store for one test.

use sea_orm::{ConnectionTrait, Database};
use server::settings::Settings;
use server::startup::Application;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A store running for one test, with the means to reach it.
pub struct TestApp {
    /// `http://127.0.0.1:port`
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: TempDir,
    /// PostgreSQL only: the server URL and this test's own database.
    pub postgres: Option<(String, String)>,
    /// The store's embedded S3 endpoint.
    pub s3_endpoint: Option<String>,
}

impl TestApp {
    /// The URL of this test's database.
    pub fn database_url(&self) -> String {
        match &self.postgres {
            None => format!(
                "sqlite://{}/downlink.sqlite",
                self.data_dir.path().display()
            ),
            Some((server, name)) => format!("{server}/{name}"),
        }
    }

    /// A connection of the test's own to the store's database.
    pub async fn db(&self) -> sea_orm::DatabaseConnection {
        domain::db::connect(&self.database_url())
            .await
            .expect("the test database is reachable")
    }

    /// A storage port of the test's own on the store's embedded S3.
    pub fn storage(&self) -> domain::storage::Storage {
        let (access_key, secret_key) = server::embedded_s3::credentials(self.data_dir.path())
            .expect("the store saved its S3 credentials");
        domain::storage::Storage::new(&domain::storage::StorageConfig {
            endpoint: self.s3_endpoint.clone().expect("an embedded S3 endpoint"),
            public_endpoint: None,
            region: "us-east-1".into(),
            bucket: "downlink".into(),
            access_key,
            secret_key,
            path_style: true,
        })
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request reaches the server")
    }

    pub async fn get_text(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("a text body"))
    }
}

/// The PostgreSQL server tests use; each test gets its own database on it.
pub fn postgres_server_url() -> String {
    std::env::var("DOWNLINK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

async fn fresh_postgres_database() -> (String, String) {
    let server = postgres_server_url();
    let admin = Database::connect(format!("{server}/postgres"))
        .await
        .expect("PostgreSQL is reachable at DOWNLINK_TEST_POSTGRES_URL");
    let name = format!("downlink_test_{}", uuid::Uuid::now_v7().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("a fresh database can be created");
    (server, name)
}

/// A bundle directory with a stand-in `frontend.js`, so `/pkg` can be tested
/// without building the wasm bundle.
fn site_dir(data_dir: &Path) -> PathBuf {
    let site = data_dir.join("site");
    std::fs::create_dir_all(site.join("pkg")).expect("site dir");
    std::fs::write(
        site.join("pkg/frontend.js"),
        "export default function(){}\n",
    )
    .expect("js");
    site
}

/// Starts a store on `backend` and waits until it listens.
pub async fn spawn_app(backend: Backend) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let postgres = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(fresh_postgres_database().await),
    };
    spawn_app_in(data_dir, postgres, &[]).await
}

/// Starts a store over an existing data dir (to test restarts), with `extra`
/// settings on top of the test defaults.
pub async fn spawn_app_in(
    data_dir: TempDir,
    postgres: Option<(String, String)>,
    extra: &[(&str, &str)],
) -> TestApp {
    let database_url = match &postgres {
        None => format!("sqlite://{}/downlink.sqlite", data_dir.path().display()),
        Some((server, name)) => format!("{server}/{name}"),
    };
    let vars = [
        ("DOWNLINK_ADDR", "127.0.0.1:0".to_owned()),
        ("DOWNLINK_EMBEDDED_S3_ADDR", "127.0.0.1:0".to_owned()),
        ("DOWNLINK_DATA_DIR", data_dir.path().display().to_string()),
        ("DOWNLINK_DATABASE_URL", database_url),
        (
            "DOWNLINK_SITE_DIR",
            site_dir(data_dir.path()).display().to_string(),
        ),
    ];
    let vars = vars.map(|(k, v)| (k.to_owned(), v)).into_iter().chain(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let settings = Settings::from_env(vars).expect("settings");
    server::telemetry::init(settings.log_format);
    let app = Application::build(settings)
        .await
        .expect("the store starts");
    let address = format!("http://{}", app.address());
    let s3_endpoint = app.embedded_s3_endpoint().map(str::to_owned);
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        data_dir,
        postgres,
        s3_endpoint,
    }
}

/// Declares `sqlite` and `postgres` tests running the same async test body.
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await).await;
                }

                #[tokio::test]
                async fn postgres() {
                    super::$name($crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await).await;
                }
            }
        )+
    };
}
pub(crate) use on_both_databases;

/// Every `src` of an `<img>` in `html`, unescaped.
pub fn image_sources(html: &str) -> Vec<String> {
    html.split("<img")
        .skip(1)
        .filter_map(|tag| {
            let start = tag.find(" src=\"")? + 6;
            let end = tag[start..].find('"')? + start;
            Some(tag[start..end].replace("&amp;", "&"))
        })
        .collect()
}
