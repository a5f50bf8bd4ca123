//! Responsiveness benchmark: 400 registrations (each an argon2id hash) from 64
//! parallel clients against a real `server` process, while two probes time
//! `/healthz` and the catalog page every 20 ms. Prints the probes' p50, p99 and
//! worst latency, the registrations' outcomes and rate, and the server's
//! resident memory at its peak. Password hashing runs on threads of its own,
//! about one per core, so the probes must stay fast (p99 under 50 ms).
//!
//!     cargo build --release -p server
//!     cargo run --release -p server --example registration_flood

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{free_port, memory_mib};
use tokio::sync::Mutex;

const REGISTRATIONS: usize = 400;
const CLIENTS: usize = 64;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Times GETs of `url` every 20 ms until `done`.
async fn probe(
    client: reqwest::Client,
    url: String,
    done: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<Duration> {
    let mut times = Vec::new();
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        let start = Instant::now();
        if let Ok(response) = client.get(&url).send().await {
            let _ = response.bytes().await;
            times.push(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    times.sort();
    times
}

fn report(name: &str, times: &[Duration]) {
    println!(
        "{name:<10} {:>5} probes   p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms",
        times.len(),
        percentile(times, 0.50).as_secs_f64() * 1000.0,
        percentile(times, 0.99).as_secs_f64() * 1000.0,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let data = tempfile::tempdir()?;
    let (port, s3_port) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{port}");
    // The flood comes through a "proxy" on 127.0.0.1 with a different client
    // address per registration, as a distributed flood would, so the per-IP
    // limits do not turn it away before it costs any hashing.
    let mut server = Command::new(format!("{target}/release/server"))
        .env("DOWNLINK_DATA_DIR", data.path())
        .env("DOWNLINK_ADDR", format!("127.0.0.1:{port}"))
        .env("DOWNLINK_EMBEDDED_S3_ADDR", format!("127.0.0.1:{s3_port}"))
        .env("DOWNLINK_TRUSTED_PROXIES", "127.0.0.1/32")
        .env("RUST_LOG", "warn")
        .spawn()?;
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(format!("{base}/readyz")).send().await.is_err() {
        if started.elapsed() > Duration::from_secs(60) {
            server.kill()?;
            return Err("the server did not start".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let idle = probe(client.clone(), format!("{base}/healthz"), done.clone());
    let stop_idle = {
        let done = done.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            done.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    };
    let (idle, ()) = tokio::join!(idle, stop_idle);

    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let health = tokio::spawn(probe(
        client.clone(),
        format!("{base}/healthz"),
        done.clone(),
    ));
    let catalog = tokio::spawn(probe(client.clone(), format!("{base}/"), done.clone()));
    let next = Arc::new(Mutex::new(0usize));
    let outcomes = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, usize>::new()));
    let flood_start = Instant::now();
    let workers: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, base, next, outcomes) =
                (client.clone(), base.clone(), next.clone(), outcomes.clone());
            tokio::spawn(async move {
                loop {
                    let n = {
                        let mut next = next.lock().await;
                        if *next == REGISTRATIONS {
                            return;
                        }
                        *next += 1;
                        *next
                    };
                    let status = client
                        .post(format!("{base}/api/register"))
                        .header("accept", "application/json")
                        .header("x-forwarded-for", format!("198.51.{}.{}", n / 250, n % 250))
                        .form(&[
                            ("email", format!("flood{n}@example.com")),
                            ("password", "a long enough password".to_owned()),
                        ])
                        .send()
                        .await
                        .map_or(0, |r| r.status().as_u16());
                    *outcomes.lock().await.entry(status).or_default() += 1;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await?;
    }
    let flood = flood_start.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let (health, catalog) = (health.await?, catalog.await?);
    let peak = memory_mib(server.id(), "VmHWM");
    server.kill()?;
    server.wait()?;

    println!("{REGISTRATIONS} registrations from {CLIENTS} parallel clients");
    println!(
        "  took {:.1} s ({:.1}/s); answers by status: {:?}",
        flood.as_secs_f64(),
        REGISTRATIONS as f64 / flood.as_secs_f64(),
        outcomes.lock().await
    );
    report("idle", &idle);
    report("/healthz", &health);
    report("catalog", &catalog);
    println!("  server peak memory (VmHWM): {peak:.1} MiB");
    Ok(())
}
