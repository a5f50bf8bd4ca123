//! A mail in the outbox: every mail the store sends is written here first, in the
//! same transaction as what caused it, then delivered by a background job.

use sea_orm::entity::prelude::*;

/// Where a mail is in its delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum MailStatus {
    /// Waiting for (another) delivery attempt.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Handed to the SMTP server, or kept in the outbox when there is none.
    #[sea_orm(string_value = "sent")]
    Sent,
    /// Given up after the last retry.
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// A row of `mail_outbox`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub pid: Uuid,
    pub to_address: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
