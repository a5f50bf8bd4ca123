//! The audit log from the app's side. Every admin action that changes
//! something goes through [`AppContext::audited`], the one place entries are
//! written: the action runs, and once it succeeded its [`Entry`] is recorded.
//! Also the log's filters and rows for its page.

use domain::entities::user;
use serde::Serialize;

use super::{AppContext, internal};
use crate::error::AppError;

/// An admin action as the log keeps it: what was done (`order.refund`), to
/// what (`order DL-7K3M9Q2X`), and the states before and after.
#[derive(Clone, Debug)]
pub struct Entry {
    action: String,
    subject: String,
    before: Option<String>,
    after: Option<String>,
}

impl Entry {
    /// `action` done to `subject`, with no state recorded yet.
    pub fn new(action: impl Into<String>, subject: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            subject: subject.into(),
            before: None,
            after: None,
        }
    }

    /// The state before, in words or as JSON ([`state`]), when there was one.
    pub fn before(self, state: impl Into<Option<String>>) -> Self {
        Self {
            before: state.into(),
            ..self
        }
    }

    /// The state after, in words or as JSON ([`state`]).
    pub fn after(self, state: impl Into<Option<String>>) -> Self {
        Self {
            after: state.into(),
            ..self
        }
    }
}

impl AppContext {
    /// Does `admin`'s `action` and, once it succeeded, records the entry
    /// `entry` makes of its result. A refused action records nothing.
    pub async fn audited<T, E>(
        &self,
        admin: &user::Model,
        action: impl Future<Output = Result<T, E>>,
        entry: impl FnOnce(&T) -> Entry,
    ) -> Result<T, AppError>
    where
        AppError: From<E>,
    {
        let done = action.await?;
        let Entry {
            action,
            subject,
            before,
            after,
        } = entry(&done);
        let mut recorded = domain::audit::Action::new(&action, subject);
        recorded.before = before;
        recorded.after = after;
        self.audit.record(admin, recorded).await.map_err(internal)?;
        Ok(done)
    }
}

/// The admin's filters on the log; days as `YYYY-MM-DD` in `tz` (the store's
/// zone), `until` included.
pub fn filter(
    tz: domain::dashboard::Tz,
    action: Option<String>,
    actor: Option<String>,
    subject: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> domain::audit::Filter {
    let (from, until) = super::store_days(from, until, tz);
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
        at: super::store_time::when_exactly(entry.created_at),
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
