//! Recording admin actions in the audit log, from the server functions that
//! do them: one entry per action, after it succeeded.

use domain::entities::user;
use serde::Serialize;

use super::{AppContext, internal};
use crate::error::AppError;

/// Appends `action` on `subject` by `admin`, with the states before and after.
pub async fn record(
    ctx: &AppContext,
    admin: &user::Model,
    action: &str,
    subject: impl Into<String>,
    before: Option<String>,
    after: Option<String>,
) -> Result<(), AppError> {
    let mut entry = domain::audit::Action::new(action, subject);
    entry.before = before;
    entry.after = after;
    ctx.audit.record(admin, entry).await.map_err(internal)
}

/// The admin's filters on the log; days as `YYYY-MM-DD`, `until` included.
pub fn filter(
    action: Option<String>,
    actor: Option<String>,
    subject: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> domain::audit::Filter {
    let (from, until) = super::commerce::utc_days(from, until);
    domain::audit::Filter {
        action,
        actor,
        subject,
        from,
        until,
    }
}

pub fn entry_view(entry: &domain::entities::audit_entry::Model) -> crate::views::AuditEntryView {
    crate::views::AuditEntryView {
        at: entry.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        actor: entry.actor_email.clone(),
        action: entry.action.clone(),
        subject: entry.subject.clone(),
        before: entry.before.clone(),
        after: entry.after.clone(),
    }
}

/// A state as the log keeps it: what the admin pages show of it, as JSON.
pub fn state(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
