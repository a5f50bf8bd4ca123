//! `make bench`: the storefront's speed, measured beside the machine's ceiling
//! and the seed's own stack, in one run (absolute figures drift on shared
//! machines; ratios hold). Starts the release store on a temporary data dir
//! with a catalog of 24 products with covers, then with wrk (32 connections,
//! 10 s each) prints requests/s and p50/p99 latency for the catalog and a
//! product page as a first visit (no cookie: the page kept for such visitors)
//! and rendered (a returning visitor's cookie), a search and the sign-in page; for a bare axum "hello" handler (the
//! ceiling); and for the seed stack's catalog (`../shared/yardsticks`, Django +
//! boto3 presigning under gunicorn, 12 cards like ours) when `BENCH_PYTHON`
//! names a Python with it installed; minting a download (a signed-in buyer's
//! POST: session, entitlement, atomic count, log row, presign) beside the
//! seed stack's mint, and the cost of presigning one link. Then the bytes a browser transfers for a
//! first and a second visit to the catalog, and the store's resident memory at
//! start and after the run. Then the store's pages again on PostgreSQL (a
//! database of its own on `BENCH_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432`; `none` skips it).
//!
//! Run by `scripts/bench` (`make bench`), which builds everything first.
//! `make bench ARGS=--serve` (add `--postgres` for PostgreSQL) only starts the
//! benchmark's store and leaves it running, for profiling; `ARGS=--mint`
//! measures only minting, beside its anchors.

mod support;

use sea_orm::ConnectionTrait;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{free_port, memory_mib};

const CONNECTIONS: &str = "32";
const SECONDS: &str = "10s";
const PRODUCTS: u64 = 24;

/// Waits until `url` answers 200.
async fn ready(client: &reqwest::Client, url: &str) -> Result<(), String> {
    let started = Instant::now();
    loop {
        if let Ok(response) = client.get(url).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(90) {
            return Err(format!("{url} never answered"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One wrk run's figures.
struct Load {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: bool,
}

fn milliseconds(value: &str) -> f64 {
    let number = |suffix: &str| {
        value
            .trim_end_matches(suffix)
            .parse::<f64>()
            .unwrap_or(f64::NAN)
    };
    if value.ends_with("us") {
        number("us") / 1000.0
    } else if value.ends_with("ms") {
        number("ms")
    } else if value.ends_with('s') {
        number("s") * 1000.0
    } else {
        f64::NAN
    }
}

fn wrk(url: &str, cookie: bool) -> Load {
    let mut command = Command::new("wrk");
    command.args(["-t2", "-c", CONNECTIONS, "-d", SECONDS, "--latency", url]);
    if cookie {
        // Any cookie: the page is rendered for this visitor, not shared.
        command.args(["-H", "Cookie: returning=1"]);
    }
    run_wrk(command)
}

/// A POST under load (the yardsticks' `mint.lua`): `path` on `base` with a
/// session cookie and a form body.
fn wrk_post(root: &std::path::Path, base: &str, mint: &Mint) -> Load {
    let mut command = Command::new("wrk");
    command
        .args(["-t2", "-c", CONNECTIONS, "-d", SECONDS, "--latency", "-s"])
        .arg(root.join("../shared/yardsticks/mint.lua"))
        .arg(base)
        .env("MINT_PATH", &mint.path)
        .env("COOKIE", &mint.cookie)
        .env("BODY", &mint.body)
        .env("ORIGIN", base);
    run_wrk(command)
}

/// A buyer's mint request: where, with which session, for which file.
struct Mint {
    path: String,
    cookie: String,
    body: String,
}

fn run_wrk(mut command: Command) -> Load {
    let output = command
        .output()
        .expect("wrk runs (scripts/bench installs it)");
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|line| line.strip_prefix(prefix))
            .map(|rest| {
                rest.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .unwrap_or_default()
    };
    Load {
        rps: field("Requests/sec:").parse().unwrap_or(0.0),
        p50_ms: milliseconds(&field("50%")),
        p99_ms: milliseconds(&field("99%")),
        errors: text.contains("Non-2xx") || text.contains("Socket errors"),
    }
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A release store on a temporary data dir (and, for PostgreSQL, a database
/// of its own, dropped afterwards) holding [`PRODUCTS`] products with covers.
struct Store {
    base: String,
    process: Running,
    _data: tempfile::TempDir,
    postgres: Option<(String, String)>,
    storage: domain::storage::Storage,
}

/// The benchmark's buyer.
const BUYER: &str = "bench-buyer@example.com";

impl Store {
    async fn start(
        root: &std::path::Path,
        target: &str,
        client: &reqwest::Client,
        postgres: Option<&str>,
    ) -> Result<Store, Box<dyn std::error::Error>> {
        let data = tempfile::tempdir()?;
        let (port, s3_port) = (free_port(), free_port());
        let base = format!("http://127.0.0.1:{port}");
        let mut env = vec![
            ("DOWNLINK_DATA_DIR", data.path().display().to_string()),
            ("DOWNLINK_ADDR", format!("127.0.0.1:{port}")),
            ("DOWNLINK_EMBEDDED_S3_ADDR", format!("127.0.0.1:{s3_port}")),
            ("DOWNLINK_SITE_DIR", root.join("site").display().to_string()),
            ("RUST_LOG", "warn".to_owned()),
        ];
        let postgres = match postgres {
            Some(server) => {
                let name = format!("downlink_bench_{}", std::process::id());
                let admin = domain::db::connect(&format!("{server}/postgres")).await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await?;
                env.push(("DOWNLINK_DATABASE_URL", format!("{server}/{name}")));
                Some((server.to_owned(), name))
            }
            None => None,
        };
        let process = Running(
            Command::new(format!("{target}/release/server"))
                .envs(env.clone())
                .spawn()?,
        );
        ready(client, &format!("{base}/readyz")).await?;
        // A fuller catalog: numbered copies of the demo products, with covers.
        let settings =
            server::settings::Settings::from_env(env.into_iter().map(|(k, v)| (k.to_owned(), v)))?;
        let db = domain::db::connect(&settings.database_url).await?;
        let (storage, _) = server::startup::open_storage(&settings).await?;
        domain::demo::fill_to(&db, &storage, &domain::clock::Clock::System, PRODUCTS).await?;
        // A buyer who owns Night Rain (unlimited downloads), for the mint.
        let clock = domain::clock::Clock::System;
        domain::accounts::Accounts::new(db.clone(), clock.clone(), base.clone())
            .create_admin(BUYER, "a bench passphrase")
            .await?;
        domain::grants::Grants::new(db.clone(), clock, base.clone())
            .grant(BUYER, "night-rain")
            .await?;
        db.close().await?;
        Ok(Store {
            base,
            process,
            _data: data,
            postgres,
            storage,
        })
    }

    /// Signs the benchmark's buyer in and finds their Night Rain file.
    async fn mint(&self, client: &reqwest::Client) -> Result<Mint, Box<dyn std::error::Error>> {
        let signed_in = client
            .post(format!("{}/api/sign_in", self.base))
            .header("accept", "application/json")
            .form(&[("email", BUYER), ("password", "a bench passphrase")])
            .send()
            .await?;
        let cookie = signed_in
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("downlink_session="))
            .and_then(|v| v.split(';').next())
            .ok_or("the buyer could not sign in")?
            .to_owned();
        let library: serde_json::Value = client
            .post(format!("{}/api/library", self.base))
            .header("accept", "application/json")
            .header("cookie", &cookie)
            .send()
            .await?
            .json()
            .await?;
        let item = &library["items"][0];
        let (entitlement, file) = (
            item["entitlement"]
                .as_str()
                .ok_or("no purchase in the library")?,
            item["files"][0]["file"].as_str().ok_or("no file")?,
        );
        Ok(Mint {
            path: "/api/download".to_owned(),
            cookie,
            body: format!("entitlement={entitlement}&file={file}"),
        })
    }

    /// Microseconds one presigned download link takes to sign.
    fn presign_micros(&self) -> f64 {
        const LINKS: u32 = 5_000;
        let started = Instant::now();
        for n in 0..LINKS {
            let _ = self.storage.download_url(
                &format!("files/{n}"),
                "Night Rain.wav",
                Duration::from_secs(300),
            );
        }
        started.elapsed().as_secs_f64() * 1e6 / f64::from(LINKS)
    }

    fn pid(&self) -> u32 {
        self.process.0.id()
    }

    /// Stops the store and drops its PostgreSQL database.
    async fn stop(self) -> Result<(), Box<dyn std::error::Error>> {
        let Store {
            process, postgres, ..
        } = self;
        drop(process);
        if let Some((server, name)) = postgres {
            let admin = domain::db::connect(&format!("{server}/postgres")).await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
        }
        Ok(())
    }

    /// Minting a download under load (session, entitlement check, count,
    /// log row, presign), as a table row named after `database`.
    async fn mint_load(
        &self,
        root: &std::path::Path,
        client: &reqwest::Client,
        database: &str,
    ) -> Option<(String, Load)> {
        match self.mint(client).await {
            Ok(mint) => Some((
                format!("mint a download, {database}"),
                wrk_post(root, &self.base, &mint),
            )),
            Err(error) => {
                eprintln!("mint not measured on {database}: {error}");
                None
            }
        }
    }

    /// The store's pages under load, as table rows named after `database`.
    async fn pages(&self, client: &reqwest::Client, database: &str) -> Vec<(String, Load)> {
        let base = &self.base;
        let mut loads = Vec::new();
        for (name, path, cookie) in [
            ("catalog, first visit", "/", false),
            ("catalog, rendered", "/", true),
            ("product page, first visit", "/products/night-rain", false),
            ("product page, rendered", "/products/night-rain", true),
            ("search, rendered", "/?q=rain", true),
            ("sign-in page", "/account/sign-in", false),
        ] {
            let url = format!("{base}{path}");
            loads.push((
                format!("{name}, {database}"),
                measure(client, &url, cookie).await,
            ));
        }
        loads
    }
}

/// Warms `url` up, then loads it with wrk (with a cookie: as a returning
/// visitor, whose pages are rendered for them).
async fn measure(client: &reqwest::Client, url: &str, cookie: bool) -> Load {
    for _ in 0..20 {
        let _ = client.get(url).send().await;
    }
    wrk(url, cookie)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let client = reqwest::Client::new();
    // PostgreSQL server (no database name) for the second run; `none` skips it.
    let postgres = std::env::var("BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned());
    let postgres = (postgres != "none").then_some(postgres);

    if std::env::args().any(|arg| arg == "--serve") {
        // For profiling: the benchmark's store (SQLite, or PostgreSQL with
        // `--postgres`), left running until Ctrl-C.
        let database = std::env::args()
            .any(|arg| arg == "--postgres")
            .then_some(postgres.as_deref())
            .flatten();
        let store = Store::start(&root, &target, &client, database).await?;
        println!(
            "serving {} (pid {}); Ctrl-C stops it",
            store.base,
            store.pid()
        );
        // The buyer's mint request, to load by hand (the yardsticks' mint.lua).
        let mint = store.mint(&client).await?;
        println!(
            "MINT_PATH={} COOKIE='{}' BODY='{}' ORIGIN={}",
            mint.path, mint.cookie, mint.body, store.base
        );
        tokio::signal::ctrl_c().await?;
        return store.stop().await;
    }

    // `--mint`: only the mint beside its anchors, not the pages.
    let pages = !std::env::args().any(|arg| arg == "--mint");
    let store = Store::start(&root, &target, &client, None).await?;
    let rss_start = memory_mib(store.pid(), "VmRSS");
    let mut loads = Vec::new();
    if pages {
        loads.extend(store.pages(&client, "SQLite").await);
    }
    loads.extend(store.mint_load(&root, &client, "SQLite").await);
    let presign = store.presign_micros();
    let rss_after = memory_mib(store.pid(), "VmRSS");

    let hello_port = free_port();
    let hello = Running(
        Command::new(format!("{target}/release/examples/hello"))
            .arg(hello_port.to_string())
            .spawn()?,
    );
    let hello_url = format!("http://127.0.0.1:{hello_port}/");
    ready(&client, &hello_url).await?;
    loads.push((
        "axum \"hello\" (ceiling)".to_owned(),
        measure(&client, &hello_url, false).await,
    ));
    drop(hello);

    let seed_port = free_port();
    if let Some((seed_stack, seed_mint)) = start_seed_stack(&root, seed_port)? {
        let seed = format!("http://127.0.0.1:{seed_port}");
        let url = format!("{seed}/?n=12");
        ready(&client, &url).await?;
        loads.push((
            "seed stack catalog (12)".to_owned(),
            measure(&client, &url, false).await,
        ));
        loads.push((
            "seed stack mint".to_owned(),
            wrk_post(&root, &seed, &seed_mint),
        ));
        drop(seed_stack);
    }

    let transfer = if pages {
        let measured = Command::new("node")
            .arg(root.join("end2end/bench/transfer.mjs"))
            .arg(format!("{}/", store.base))
            .current_dir(root.join("end2end"))
            .stderr(Stdio::inherit())
            .output()?;
        serde_json::from_slice(&measured.stdout).unwrap_or(serde_json::Value::Null)
    } else {
        serde_json::Value::Null
    };
    store.stop().await?;

    if let Some(server) = &postgres {
        match Store::start(&root, &target, &client, Some(server)).await {
            Ok(store) => {
                if pages {
                    loads.extend(store.pages(&client, "PostgreSQL").await);
                }
                loads.extend(store.mint_load(&root, &client, "PostgreSQL").await);
                store.stop().await?;
            }
            Err(error) => eprintln!("PostgreSQL at {server} not measured: {error}"),
        }
    }

    // Pages compare with the seed's catalog, mints with the seed's mint.
    let seed = |what: &str| {
        loads
            .iter()
            .find(|(name, _)| name.as_str() == what)
            .map(|(_, load)| load.rps)
    };
    let (seed_catalog, seed_mint) = (seed("seed stack catalog (12)"), seed("seed stack mint"));
    let ceiling = loads
        .iter()
        .find(|(name, _)| name.starts_with("axum"))
        .map(|(_, load)| load.rps);
    println!(
        "\n{:<40} {:>10} {:>9} {:>9} {:>10}",
        "", "req/s", "p50 ms", "p99 ms", "× seed"
    );
    for (name, load) in &loads {
        let anchor = if name.contains("mint") {
            seed_mint
        } else {
            seed_catalog
        };
        let ratio = anchor.map_or("-".to_owned(), |seed| format!("{:.1}", load.rps / seed));
        println!(
            "{name:<40} {:>10.0} {:>9.2} {:>9.2} {:>10}{}",
            load.rps,
            load.p50_ms,
            load.p99_ms,
            ratio,
            if load.errors { "  (errors!)" } else { "" }
        );
    }
    let kb = |v: &serde_json::Value| {
        v.as_f64()
            .map_or("?".to_owned(), |b| format!("{:.1} kB", b / 1000.0))
    };
    println!(
        "\ncatalog transfer: first visit {} ({}), second visit {} ({})",
        kb(&transfer["first"]["total"]),
        transfer["first"]["byType"],
        kb(&transfer["second"]["total"]),
        transfer["second"]["byType"],
    );
    println!("store memory (RSS): {rss_start:.1} MiB at start, {rss_after:.1} MiB after the run");
    if let (Some((_, mint)), Some(ceiling)) = (
        loads
            .iter()
            .find(|(name, _)| name == "mint a download, SQLite"),
        ceiling,
    ) {
        println!(
            "mint on SQLite: {:.1} % of the bare handler's throughput",
            mint.rps / ceiling * 100.0
        );
    }
    println!("presigning a download link: {presign:.1} µs each");
    Ok(())
}

/// The seed's Django stack under gunicorn (4 workers) on `port`, when
/// `BENCH_PYTHON` has Django, django-storages, boto3 and gunicorn; with its
/// buyer's mint request.
fn start_seed_stack(
    root: &std::path::Path,
    port: u16,
) -> Result<Option<(Running, Mint)>, Box<dyn std::error::Error>> {
    let Ok(python) = std::env::var("BENCH_PYTHON") else {
        eprintln!("BENCH_PYTHON unset: the seed stack is not measured");
        return Ok(None);
    };
    let yardsticks = root.join("../shared/yardsticks");
    let db = tempfile::Builder::new()
        .suffix(".sqlite3")
        .tempfile()?
        .into_temp_path();
    let setup = Command::new(&python)
        .arg("seedstore.py")
        .arg("setup")
        .env("SEED_DB", &*db)
        .current_dir(&yardsticks)
        .output()?;
    if !setup.status.success() {
        return Err("the seed stack's setup failed".into());
    }
    // "sessionid=<key> file=<id>"
    let printed = String::from_utf8_lossy(&setup.stdout);
    let line = printed.lines().last().unwrap_or_default();
    let (session, file) = line
        .split_once(" file=")
        .ok_or("the seed stack's setup printed no buyer")?;
    let mint = Mint {
        path: format!("/mint/{}", file.trim()),
        cookie: session.trim().to_owned(),
        body: String::new(),
    };
    let gunicorn = std::path::Path::new(&python).with_file_name("gunicorn");
    let child = Command::new(gunicorn)
        .args([
            "-w",
            "4",
            "-b",
            &format!("127.0.0.1:{port}"),
            "--log-level",
            "warning",
            "seedstore:app",
        ])
        .env("SEED_DB", &*db)
        .current_dir(&yardsticks)
        .spawn()?;
    std::mem::forget(db);
    Ok(Some((Running(child), mint)))
}
