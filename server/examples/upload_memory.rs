//! Memory benchmark: uploads a large file (default 1 GiB) to a real `server`
//! process through presigned multipart URLs, completes it (the server joins the
//! parts and hashes the whole object; past 512 MiB in its background job, which
//! this follows), and prints how long the completing request took, how long the
//! check took, and the server's resident memory before, after and at its peak.
//! The server's memory must not grow with the file's size.
//!
//!     cargo build --release -p server
//!     cargo run --release -p server --example upload_memory -- [MiB]

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{free_port, memory_mib};

const MIB: usize = 1024 * 1024;
const PART: usize = 8 * MIB;

/// `VmRSS` and `VmHWM` (peak) of a process, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    (memory_mib(pid, "VmRSS"), memory_mib(pid, "VmHWM"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: usize = std::env::args().nth(1).map_or(Ok(1024), |a| a.parse())?;
    let size = mib * MIB;
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let server_bin = format!("{target}/release/server");
    let data = tempfile::tempdir()?;
    let (port, s3_port) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("DOWNLINK_DATA_DIR", data.path().display().to_string()),
        ("DOWNLINK_ADDR", format!("127.0.0.1:{port}")),
        ("DOWNLINK_EMBEDDED_S3_ADDR", format!("127.0.0.1:{s3_port}")),
        ("RUST_LOG", "warn".to_owned()),
    ];

    let mut admin = Command::new(&server_bin)
        .args([
            "create-admin",
            "--email",
            "bench@example.com",
            "--password-stdin",
        ])
        .envs(env.clone())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = admin.stdin.take() {
        std::io::Write::write_all(&mut stdin, b"a benchmark passphrase")?;
    }
    admin.wait()?;

    let mut server = Command::new(&server_bin).envs(env).spawn()?;
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(format!("{base}/readyz")).send().await.is_err() {
        if started.elapsed() > Duration::from_secs(30) {
            server.kill()?;
            return Err("the server did not start".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pid = server.id();

    let call = |endpoint: &str, form: Vec<(&str, String)>, cookie: Option<String>| {
        let mut request = client
            .post(format!("{base}/api/{endpoint}"))
            .header("accept", "application/json")
            .form(&form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let signed_in = call(
        "sign_in",
        vec![
            ("email", "bench@example.com".into()),
            ("password", "a benchmark passphrase".into()),
        ],
        None,
    )
    .await?;
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()?
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let db = domain::db::connect(&format!(
        "sqlite://{}/downlink.sqlite",
        data.path().display()
    ))
    .await?;
    let product = <domain::entities::product::Entity as sea_orm::EntityTrait>::find()
        .one(&db)
        .await?
        .ok_or("no product")?
        .pid;

    let (rss_before, peak_before) = memory(pid);
    let started_upload = Instant::now();
    let started: serde_json::Value = call(
        "start_upload",
        vec![
            ("product", product.to_string()),
            ("purpose", "file".into()),
            ("filename", "big.bin".into()),
            ("content_type", "application/octet-stream".into()),
            ("size", size.to_string()),
        ],
        Some(cookie.clone()),
    )
    .await?
    .json()
    .await?;
    let upload = started["upload"].as_str().ok_or("no upload id")?.to_owned();
    let parts = started["parts"].as_array().ok_or("no parts")?;
    for (index, part) in parts.iter().enumerate() {
        let url = part["url"].as_str().ok_or("no url")?;
        let start = index * PART;
        let end = (start + PART).min(size);
        let body: Vec<u8> = (start..end)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let status = client.put(url).body(body).send().await?.status();
        if !status.is_success() {
            return Err(format!("part {} answered {status}", index + 1).into());
        }
    }
    let uploaded = started_upload.elapsed();
    let (rss_uploaded, _) = memory(pid);
    let answered = Instant::now();
    let mut done: serde_json::Value = call(
        "complete_upload",
        vec![("upload", upload.clone())],
        Some(cookie.clone()),
    )
    .await?
    .json()
    .await?;
    let request_took = answered.elapsed();
    // Past the inline limit (512 MiB) the background job joins and hashes the
    // file; follow it as the editor does.
    let queued = done["kind"] == "processing";
    while done["kind"] == "processing" {
        tokio::time::sleep(Duration::from_millis(500)).await;
        done = call(
            "upload_outcome",
            vec![("upload", upload.clone())],
            Some(cookie.clone()),
        )
        .await?
        .json()
        .await?;
    }
    let completed = started_upload.elapsed() - uploaded;
    let (rss_after, peak_after) = memory(pid);
    server.kill()?;
    server.wait()?;

    println!("file:                {mib} MiB in {} parts", parts.len());
    println!(
        "recorded:            {} v{} sha256 {}",
        done["name"], done["version"], done["sha256"]
    );
    println!(
        "parts sent in:       {:.1} s ({:.0} MiB/s)",
        uploaded.as_secs_f64(),
        mib as f64 / uploaded.as_secs_f64()
    );
    println!(
        "complete_upload:     answered in {:.2} s ({})",
        request_took.as_secs_f64(),
        if queued {
            "queued for the background job"
        } else {
            "checked within the request"
        }
    );
    println!("completed+hashed in: {:.1} s", completed.as_secs_f64());
    println!("server RSS before:   {rss_before:.1} MiB (peak so far {peak_before:.1} MiB)");
    println!("server RSS uploaded: {rss_uploaded:.1} MiB");
    println!("server RSS after:    {rss_after:.1} MiB (peak {peak_after:.1} MiB)");
    println!(
        "peak growth:         {:.1} MiB for a {mib} MiB file",
        peak_after - peak_before
    );
    Ok(())
}
