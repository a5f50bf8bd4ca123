//! The audit log: who did what to what, when, and the state before and
//! after. Every admin action of the app writes one entry; entries are never
//! changed or removed (the database refuses both).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::clock::Clock;
use crate::db::containing;
use crate::entities::{audit_entry, user};

/// The longest text kept for a before or after state.
const MAX_STATE: usize = 4_000;

/// One admin action to record.
#[derive(Clone, Debug)]
pub struct Action<'a> {
    /// What was done: `order.refund`, `product.save`, …
    pub action: &'a str,
    /// What it was done to: `order DL-7K3M9Q2X`, `product night-rain`.
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl<'a> Action<'a> {
    /// `action` done to `subject`, with no state recorded yet.
    pub fn new(action: &'a str, subject: impl Into<String>) -> Self {
        Self {
            action,
            subject: subject.into(),
            before: None,
            after: None,
        }
    }
}

/// Which entries to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// The start of an action's name (`order` finds `order.refund`).
    pub action: Option<String>,
    /// Part of the admin's address.
    pub actor: Option<String>,
    /// Part of the subject.
    pub subject: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// The audit log. Cheap to clone.
#[derive(Clone, Debug)]
pub struct AuditLog {
    db: DatabaseConnection,
    clock: Clock,
}

fn clip(state: Option<String>) -> Option<String> {
    state.map(|s| s.chars().take(MAX_STATE).collect())
}

impl AuditLog {
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self { db, clock }
    }

    /// Appends `action`, done by `actor`.
    pub async fn record(&self, actor: &user::Model, action: Action<'_>) -> Result<(), DbErr> {
        audit_entry::Entity::insert(audit_entry::ActiveModel {
            created_at: Set(self.clock.now()),
            actor_id: Set(Some(actor.id)),
            actor_email: Set(actor.email.clone()),
            action: Set(action.action.to_owned()),
            subject: Set(action.subject.chars().take(255).collect()),
            before: Set(clip(action.before)),
            after: Set(clip(action.after)),
            ..Default::default()
        })
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }

    /// The newest entries matching `filter`, at most `limit`.
    pub async fn list(
        &self,
        filter: &Filter,
        limit: u64,
    ) -> Result<Vec<audit_entry::Model>, DbErr> {
        let mut query = audit_entry::Entity::find();
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        if let Some(action) = given(&filter.action) {
            query = query.filter(audit_entry::Column::Action.starts_with(action));
        }
        if let Some(actor) = given(&filter.actor) {
            query = query
                .filter(audit_entry::Column::ActorEmail.like(containing(&actor.to_lowercase())));
        }
        if let Some(subject) = given(&filter.subject) {
            query = query.filter(audit_entry::Column::Subject.like(containing(&subject)));
        }
        if let Some(from) = filter.from {
            query = query.filter(audit_entry::Column::CreatedAt.gte(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(audit_entry::Column::CreatedAt.lt(until));
        }
        query
            .order_by_desc(audit_entry::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await
    }
}
