use sea_orm::{ConnectionTrait, Database, Statement};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn server(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("DOWNLINK_DATA_DIR", data_dir)
        .env("DOWNLINK_EMBEDDED_S3_ADDR", "127.0.0.1:0")
        .env("DOWNLINK_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn");
    command
}

/// Runs `server create-admin --email <email> --password-stdin` with `password`
/// on standard input.
fn create_admin(data_dir: &std::path::Path, email: &str, password: &str) -> Output {
    let mut child = server(data_dir)
        .args(["create-admin", "--email", email, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(format!("{password}\n").as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn create_admin_stores_an_argon2id_hash_and_never_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let output = create_admin(dir.path(), " Owner@Example.com", "a long enough secret");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "created admin account owner@example.com"
    );

    let db = Database::connect(format!("sqlite://{}/downlink.sqlite", dir.path().display()))
        .await
        .unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT email, role, password_hash FROM users",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get::<String>("", "email").unwrap(),
        "owner@example.com"
    );
    assert_eq!(row.try_get::<String>("", "role").unwrap(), "admin");
    let hash: String = row.try_get("", "password_hash").unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains("a long enough secret"));
    assert!(domain::accounts::verify_password(
        "a long enough secret",
        &hash
    ));

    let again = create_admin(dir.path(), "owner@example.com", "another long secret");
    assert!(again.status.success(), "{again:?}");
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "owner@example.com is now an admin; its password was replaced"
    );
}

#[test]
fn create_admin_refuses_a_short_password_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = create_admin(dir.path(), "owner@example.com", "short");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("at least 10 characters"), "{stderr}");
}

#[test]
fn migrate_and_seed_demo_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let output = server(dir.path()).arg("migrate").output().unwrap();
        assert!(output.status.success(), "{output:?}");
    }
    let first = server(dir.path()).arg("seed-demo").output().unwrap();
    assert!(first.status.success(), "{first:?}");
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).trim(),
        "demo catalog: 6 product(s) added"
    );
    let second = server(dir.path()).arg("seed-demo").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&second.stdout).trim(),
        "demo catalog: 0 product(s) added"
    );
}

#[test]
fn an_unknown_command_prints_usage_and_fails() {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("frobnicate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage: server"));
}

#[test]
fn sigterm_stops_the_server_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(dir.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until it serves: the log says so.
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    assert!(
        lines.any(|line| line.unwrap_or_default().contains("Downlink is serving")),
        "the server starts"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        rest.iter().any(|l| l.contains("Downlink stopped")),
        "{rest:?}"
    );
}

/// Starts the server binary over `data_dir` on database `url` and waits for
/// "serving"; answers the process, or its stderr when it died instead.
fn start_serving(
    data_dir: &std::path::Path,
    url: &str,
) -> std::thread::JoinHandle<Result<std::process::Child, String>> {
    let mut command = server(data_dir);
    command
        .env("DOWNLINK_DATABASE_URL", url)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    std::thread::spawn(move || {
        let mut child = command.spawn().map_err(|e| e.to_string())?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        if lines.any(|line| line.unwrap_or_default().contains("Downlink is serving")) {
            return Ok(child);
        }
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    })
}

#[tokio::test]
async fn two_instances_starting_at_once_on_an_empty_postgres_both_come_up() {
    let (server_url, name) = crate::helpers::fresh_postgres_database().await;
    let url = format!("{server_url}/{name}");
    let (one, two) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = start_serving(one.path(), &url);
    let second = start_serving(two.path(), &url);
    let mut children = Vec::new();
    for started in [first, second] {
        match started.join().unwrap() {
            Ok(child) => children.push(child),
            Err(stderr) => panic!("an instance died starting: {stderr}"),
        }
    }
    for mut child in children {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let db = Database::connect(&url).await.unwrap();
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM products",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.try_get_by_index::<i64>(0).unwrap(),
        6,
        "the demo catalog, once"
    );
}

#[tokio::test]
async fn the_request_log_never_writes_a_mailed_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = server(dir.path())
        .env("RUST_LOG", "info")
        .env("DOWNLINK_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let serving = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|line| line.contains("Downlink is serving"))
        .expect("the server starts");
    let url: serde_json::Value = serde_json::from_str(&serving).unwrap();
    let base = url["url"].as_str().unwrap().to_owned();
    let secret = "0123456789abcdef0123456789abcdef";
    let page = reqwest::get(format!("{base}/account/magic?token={secret}&x=1"))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let log: Vec<String> = lines.map_while(Result::ok).collect();
    child.wait().unwrap();
    let log = log.join("\n");
    assert!(log.contains("/account/magic?token=[redacted]&x=1"), "{log}");
    assert!(!log.contains(secret), "{log}");
}
