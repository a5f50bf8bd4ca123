//! Mail through a real SMTP server: `aiosmtpd` (PyPI, installed by
//! `scripts/setup --test`) writing what it receives into a Maildir.

use std::net::TcpListener;
use std::process::{Child, Command};
use std::time::Duration;

use crate::helpers::spawn_app_in;

struct SmtpServer {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_smtp_server() -> SmtpServer {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let maildir = tempfile::tempdir().unwrap();
    let python = std::env::var("DOWNLINK_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let child = Command::new(python)
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir.path().join("Maildir"))
        .spawn()
        .expect("python3 with aiosmtpd (scripts/setup --test installs it)");
    // Owned from here on: dropping it (also on a panic) kills and reaps the child.
    let server = SmtpServer {
        child,
        port,
        maildir,
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not start on port {port}");
}

/// Undoes quoted-printable soft line breaks and `=3D`, enough to read a link.
fn unfold_quoted_printable(raw: &str) -> String {
    raw.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

#[tokio::test]
async fn a_sign_in_link_is_mailed_through_smtp_as_text_and_html() {
    let smtp = start_smtp_server().await;
    let url = format!("smtp://127.0.0.1:{}", smtp.port);
    let app = spawn_app_in(
        tempfile::tempdir().unwrap(),
        None,
        &[
            ("DOWNLINK_SMTP_URL", &url),
            ("DOWNLINK_MAIL_FROM", "Downlink Shop <shop@example.com>"),
        ],
    )
    .await;
    let asked = app
        .call(
            "request_magic_link",
            &[("email", "buyer@example.com")],
            None,
        )
        .await;
    assert_eq!(asked.status(), 200);

    let inbox = smtp.maildir.path().join("Maildir/new");
    let mut message = None;
    for _ in 0..100 {
        if let Some(file) = std::fs::read_dir(&inbox)
            .ok()
            .and_then(|mut entries| entries.next())
        {
            message = Some(std::fs::read_to_string(file.unwrap().path()).unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let message = unfold_quoted_printable(&message.expect("a mail arrived within 15 s"));
    assert!(message.contains("To: buyer@example.com"), "{message}");
    assert!(
        message.contains("From: \"Downlink Shop\" <shop@example.com>")
            || message.contains("From: Downlink Shop <shop@example.com>"),
        "{message}"
    );
    assert!(
        message.contains("Subject: Your sign-in link for Downlink"),
        "{message}"
    );
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(message.contains("Content-Type: text/plain"), "{message}");
    assert!(message.contains("Content-Type: text/html"), "{message}");
    assert!(
        message.contains(&format!("{}/account/magic?token=", app.address)),
        "{message}"
    );

    // The link in the mail works; the copy kept in the outbox no longer holds it.
    let start = message.find("token=").unwrap() + 6;
    let token = &message[start..start + 64];
    let mails = app.outbox(10).await;
    assert_eq!(mails[0].status, domain::entities::mail::MailStatus::Sent);
    assert!(!mails[0].text_body.contains(token) && !mails[0].html_body.contains(token));
    assert!(
        mails[0]
            .text_body
            .contains("token=(removed after delivery)")
    );
    let signed_in = app
        .call("sign_in_with_link", &[("token", token)], None)
        .await;
    assert_eq!(signed_in.status(), 200, "the mailed link itself works");
}

#[tokio::test]
async fn mail_waits_in_the_outbox_while_the_smtp_server_is_down() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_in(
        tempfile::tempdir().unwrap(),
        None,
        &[("DOWNLINK_SMTP_URL", &url)],
    )
    .await;
    let asked = app
        .call(
            "request_magic_link",
            &[("email", "patient@example.com")],
            None,
        )
        .await;
    assert_eq!(asked.status(), 200, "the request does not wait for SMTP");

    let reports = domain::admin::Reports::new(app.db().await);
    for _ in 0..50 {
        let mail = reports.outbox(1).await.unwrap().remove(0);
        if mail.attempts >= 1 {
            assert_eq!(mail.status, domain::entities::mail::MailStatus::Pending);
            assert!(mail.last_error.is_some_and(|e| e.contains("smtp")));
            assert!(mail.next_attempt_at > chrono::Utc::now(), "retried later");
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no delivery attempt within 10 s");
}
