//! The mail port. Every mail is first written to the outbox table — in the same
//! transaction as the change that caused it, so none is lost and none is sent for
//! a change that rolled back — and a background job delivers it: over SMTP when
//! `DOWNLINK_SMTP_URL` is set, retrying with backoff; otherwise it stays in the
//! outbox, which the admin area lists, so a store without SMTP still shows what
//! it sent. Requests never wait for an SMTP server.

use chrono::Duration;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::sync::Arc;
use types::email::Email;
use uuid::Uuid;

use crate::clock::Clock;
use crate::entities::mail::{self, MailStatus};

/// Attempts before a mail is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long one delivery attempt may hold a mail before another worker may retry.
const CLAIM: Duration = Duration::minutes(2);

/// A mail to send, with HTML and plain-text bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub to: Email,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// How mails leave the outbox.
#[derive(Clone)]
pub enum Transport {
    /// No SMTP server: mails are kept in the outbox (marked sent there).
    OutboxOnly,
    /// Delivered through an SMTP server.
    Smtp {
        transport: Arc<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OutboxOnly => f.write_str("OutboxOnly"),
            Self::Smtp { from, .. } => write!(f, "Smtp {{ from: {from} }}"),
        }
    }
}

/// Why the SMTP settings were refused.
#[derive(Debug, thiserror::Error)]
#[error("mail settings: {0}")]
pub struct MailConfigError(String);

impl Transport {
    /// SMTP from a URL such as `smtp://user:pass@host:587?tls=required` or
    /// `smtps://host`, sending as `from` (`Name <address>`).
    pub fn smtp(url: &str, from: &str) -> Result<Self, MailConfigError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|err| MailConfigError(format!("DOWNLINK_SMTP_URL: {err}")))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|err| MailConfigError(format!("DOWNLINK_MAIL_FROM: {err}")))?;
        Ok(Self::Smtp {
            transport: Arc::new(transport),
            from,
        })
    }
}

/// Writes `mail` to the outbox on `conn` (pass the transaction of the change
/// that causes it).
pub async fn enqueue(conn: &impl ConnectionTrait, clock: &Clock, mail: &Mail) -> Result<(), DbErr> {
    let now = clock.now();
    mail::ActiveModel {
        pid: Set(Uuid::now_v7()),
        to_address: Set(mail.to.as_str().to_owned()),
        subject: Set(mail.subject.clone()),
        text_body: Set(mail.text.clone()),
        html_body: Set(mail.html.clone()),
        status: Set(MailStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Waits before attempt `attempts + 1`: 30 s, 1 min, 2 min… capped at 1 hour.
pub fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(0, 7)).unwrap_or(0);
    Duration::seconds((30 * 2i64.pow(exponent)).min(3600))
}

/// Delivers every mail that is due. Returns how many were delivered. Several
/// workers (server instances) may run this at once: each mail is claimed with a
/// conditional update first.
pub async fn deliver_due(
    db: &DatabaseConnection,
    clock: &Clock,
    transport: &Transport,
) -> Result<usize, DbErr> {
    let now = clock.now();
    let due = mail::Entity::find()
        .filter(mail::Column::Status.eq(MailStatus::Pending))
        .filter(mail::Column::NextAttemptAt.lte(now))
        .order_by_asc(mail::Column::Id)
        .limit(50)
        .all(db)
        .await?;
    let mut delivered = 0;
    for row in due {
        let claimed = mail::Entity::update_many()
            .col_expr(mail::Column::NextAttemptAt, Expr::value(now + CLAIM))
            .filter(mail::Column::Id.eq(row.id))
            .filter(mail::Column::Status.eq(MailStatus::Pending))
            .filter(mail::Column::NextAttemptAt.lte(now))
            .exec(db)
            .await?
            .rows_affected
            == 1;
        if !claimed {
            continue;
        }
        let outcome = send(transport, &row).await;
        let attempts = row.attempts + 1;
        let bodies = (mask_tokens(&row.text_body), mask_tokens(&row.html_body));
        let mut active: mail::ActiveModel = row.into();
        active.attempts = Set(attempts);
        match outcome {
            Ok(()) => {
                // Delivered over SMTP, the mail's links are the recipient's
                // alone: what stays in the outbox no longer holds a usable
                // token. (With no SMTP server the outbox is the delivery, so
                // there they stay readable.)
                if matches!(transport, Transport::Smtp { .. }) {
                    active.text_body = Set(bodies.0);
                    active.html_body = Set(bodies.1);
                }
                active.status = Set(MailStatus::Sent);
                active.sent_at = Set(Some(clock.now()));
                active.last_error = Set(None);
                delivered += 1;
            }
            Err(err) => {
                tracing::warn!(error = %err, attempts, "mail delivery failed");
                active.last_error = Set(Some(err));
                if attempts >= MAX_ATTEMPTS {
                    active.status = Set(MailStatus::Failed);
                } else {
                    active.next_attempt_at = Set(clock.now() + backoff(attempts));
                }
            }
        }
        active.update(db).await?;
    }
    Ok(delivered)
}

/// Runs [`deliver_due`] every `period`, forever (spawn it).
pub async fn deliver_forever(
    db: DatabaseConnection,
    clock: Clock,
    transport: Transport,
    period: std::time::Duration,
) {
    let mut interval = tokio::time::interval(period);
    loop {
        interval.tick().await;
        if let Err(err) = deliver_due(&db, &clock, &transport).await {
            tracing::warn!(error = %err, "mail delivery pass failed");
        }
    }
}

async fn send(transport: &Transport, row: &mail::Model) -> Result<(), String> {
    let (transport, from) = match transport {
        Transport::OutboxOnly => return Ok(()),
        Transport::Smtp { transport, from } => (transport, from),
    };
    let to: Mailbox = row
        .to_address
        .parse()
        .map_err(|e| format!("recipient: {e}"))?;
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&row.subject)
        .multipart(MultiPart::alternative_plain_html(
            row.text_body.clone(),
            row.html_body.clone(),
        ))
        .map_err(|e| format!("message: {e}"))?;
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| format!("smtp: {e}"))
}

/// What replaces a token's value in a delivered mail kept in the outbox.
pub const MASKED_TOKEN: &str = "(removed after delivery)";

/// `text` with the value of every `token=` parameter (a mailed link's secret)
/// replaced by [`MASKED_TOKEN`].
pub fn mask_tokens(text: &str) -> String {
    replace_tokens(text, MASKED_TOKEN)
}

/// `text` with the value of every `token=` parameter replaced by
/// `replacement` (for mails kept after delivery, and for logs).
pub fn replace_tokens(text: &str, replacement: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("token=") {
        let value_start = at + "token=".len();
        out.push_str(&rest[..value_start]);
        let value_len = rest[value_start..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
            .unwrap_or(rest.len() - value_start);
        if value_len > 0 {
            out.push_str(replacement);
        }
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML mail bodies.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        assert_eq!(backoff(0), Duration::seconds(30));
        assert_eq!(backoff(1), Duration::seconds(60));
        assert_eq!(backoff(3), Duration::seconds(240));
        assert_eq!(backoff(7), Duration::seconds(3600));
        assert_eq!(backoff(50), Duration::seconds(3600));
    }

    #[test]
    fn delivered_mails_keep_no_usable_token() {
        let text = "Sign in: https://shop.example/account/magic?token=0a1b2c3d&x=1\nBye";
        assert_eq!(
            mask_tokens(text),
            "Sign in: https://shop.example/account/magic?token=(removed after delivery)&x=1\nBye"
        );
        let html = r#"<a href="https://s/account/reset?token=ff00ee">Reset</a> token="#;
        assert_eq!(
            mask_tokens(html),
            r#"<a href="https://s/account/reset?token=(removed after delivery)">Reset</a> token="#
        );
    }

    #[test]
    fn html_bodies_escape_what_they_quote() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
