//! `spawn_app()`: a running store for one test.

use domain::accounts::Accounts;
use domain::clock::Clock;
use domain::entities::product;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter};
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
    /// The URL of this test's database, as the store was given it.
    database_url: String,
    /// The embedded payment sandbox (its clock can be moved).
    pub sandbox: Option<sandbox::Sandbox>,
    /// Stops the server (see [`TestApp::stop`]).
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    /// Stops the store (in-flight requests finish, jobs end) and hands back
    /// its data dir, to start it again.
    pub async fn stop(mut self) -> (TempDir, Option<(String, String)>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("the store stops cleanly");
        }
        (self.data_dir, self.postgres)
    }

    /// The URL of this test's database.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// A connection of the test's own to the store's database.
    pub async fn db(&self) -> sea_orm::DatabaseConnection {
        domain::db::connect(self.database_url())
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

    /// `GET path` as a returning visitor (a cookie, nobody signed in): the page
    /// is rendered for this request, never one kept for first visits (what
    /// the catalog keeps it still reads from).
    pub async fn get_text_rendered(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .header("cookie", "returning=1")
            .send()
            .await
            .expect("request reaches the server");
        let status = response.status();
        (status, response.text().await.expect("a text body"))
    }

    /// A server-function call as a script makes it: form body, JSON answer.
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("{}/api/{endpoint}", self.address))
            .header("accept", "application/json")
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", format!("downlink_session={cookie}"));
        }
        request.send().await.unwrap()
    }

    /// Calls a server function that must succeed and reads its JSON answer.
    pub async fn call_json<T: serde::de::DeserializeOwned>(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> T {
        let response = self.call(endpoint, form, cookie).await;
        assert_eq!(response.status(), 200, "{endpoint}");
        response.json().await.unwrap()
    }

    /// `POST /api/sign_in` with an email and password, no cookie.
    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.call("sign_in", &[("email", email), ("password", password)], None)
            .await
    }

    /// The user the session `cookie` is signed in as, or null.
    pub async fn who_is_signed_in(&self, cookie: &str) -> serde_json::Value {
        self.call("current_user", &[], Some(cookie))
            .await
            .json()
            .await
            .unwrap()
    }

    /// Registers a customer account and answers its session cookie.
    pub async fn register(&self, email: &str, password: &str) -> String {
        let response = self
            .call(
                "register",
                &[("email", email), ("password", password)],
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        session_cookie(&response).expect("registering signs in")
    }

    /// Creates the admin account, signs it in and answers the session cookie.
    pub async fn admin(&self) -> String {
        Accounts::new(self.db().await, Clock::System, self.address.clone())
            .create_admin("admin@example.com", "an admin passphrase")
            .await
            .unwrap();
        let signed_in = self
            .sign_in("admin@example.com", "an admin passphrase")
            .await;
        session_cookie(&signed_in).expect("the admin is signed in")
    }

    /// The public id of the product with `slug`.
    pub async fn product_pid(&self, slug: &str) -> String {
        product::Entity::find()
            .filter(product::Column::Slug.eq(slug))
            .one(&self.db().await)
            .await
            .unwrap()
            .unwrap()
            .pid
            .to_string()
    }

    /// The store's payment client, pointed at its embedded sandbox with the
    /// keys the store made for it.
    pub fn payments(&self) -> domain::payments::Payments {
        let (secret_key, webhook_secret) =
            server::startup::sandbox_keys(self.data_dir.path()).expect("sandbox keys");
        domain::payments::Payments::new(domain::payments::PaymentsConfig {
            api_base: format!("{}/sandbox", self.address),
            secret_key,
            webhook_secret,
        })
    }

    /// Payment events the store recorded, oldest first.
    pub async fn payment_events(&self) -> Vec<domain::entities::payment_event::Model> {
        use sea_orm::QueryOrder;
        domain::entities::payment_event::Entity::find()
            .order_by_asc(domain::entities::payment_event::Column::Id)
            .all(&self.db().await)
            .await
            .unwrap()
    }

    /// Waits (up to 15 s) until the store has recorded `count` events of
    /// `kind`, and answers them.
    pub async fn await_payment_events(
        &self,
        kind: &str,
        count: usize,
    ) -> Vec<domain::entities::payment_event::Model> {
        for _ in 0..150 {
            let events: Vec<_> = self
                .payment_events()
                .await
                .into_iter()
                .filter(|event| event.kind == kind)
                .collect();
            if events.len() >= count {
                return events;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the store did not receive {count} {kind} events");
    }

    /// Asks for a sign-in link for `email`, spends it from the outbox and
    /// answers the session cookie (proving the address on the way).
    pub async fn sign_in_by_mail(&self, email: &str) -> String {
        self.call("request_magic_link", &[("email", email)], None)
            .await;
        let token = self.token_mailed_to(email).await;
        let signed_in = self
            .call("sign_in_with_link", &[("token", &token)], None)
            .await;
        session_cookie(&signed_in).expect("the mailed link signs in")
    }

    /// The newest `limit` mails of the outbox, newest first.
    pub async fn outbox(&self, limit: u64) -> Vec<domain::entities::mail::Model> {
        domain::admin::Reports::new(self.db().await)
            .outbox(limit)
            .await
            .unwrap()
    }

    /// The token in the newest mail to `to`, read from the outbox.
    pub async fn token_mailed_to(&self, to: &str) -> String {
        let mails = self.outbox(50).await;
        let mail = mails
            .iter()
            .find(|m| m.to_address == to)
            .unwrap_or_else(|| panic!("no mail to {to}"));
        assert!(
            mail.html_body.contains("token="),
            "the HTML part has the link too"
        );
        let start = mail.text_body.find("token=").expect("a link with a token") + 6;
        mail.text_body[start..start + 64].to_owned()
    }
}

/// The session id a response sets, if it sets one.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("downlink_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .filter(|v| !v.is_empty())
}

/// The PostgreSQL server tests use; each test gets its own database on it.
pub fn postgres_server_url() -> String {
    std::env::var("DOWNLINK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

pub async fn fresh_postgres_database() -> (String, String) {
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
    spawn_app_with(backend, &[]).await
}

/// Starts a store on `backend` with `extra` settings on top of the test
/// defaults.
pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let postgres = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(fresh_postgres_database().await),
    };
    spawn_app_in(data_dir, postgres, extra).await
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
        ("DOWNLINK_DATABASE_URL", database_url.clone()),
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
    let sandbox = app.sandbox().cloned();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = app
            .run_until(async move {
                let _ = stopped.await;
            })
            .await;
    });
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        data_dir,
        postgres,
        s3_endpoint,
        database_url,
        sandbox,
        stop: Some(stop),
        server: Some(server),
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

/// Polls every future together (requests in flight at once) and answers
/// their outputs in order.
pub async fn all_at_once<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut results: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, result) in pinned.iter_mut().zip(results.iter_mut()) {
            if result.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *result = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().flatten().collect()
}
