//! What an admin does to entitlements by hand: more downloads, a longer
//! access window, revoking and restoring access (license keys follow), and
//! granting a product to an address (a gift, a support case) as a free order
//! with the usual receipt mail.

use chrono::Duration;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect,
};
use types::order::OrderStatus;
use uuid::Uuid;

use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::{entitlement, license_key, order, order_item, product};

/// Why an admin's change was refused.
#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    #[error("There is no such purchase.")]
    NotFound,
    #[error("There is no product {0}.")]
    NoSuchProduct(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Grants {
    db: DatabaseConnection,
    clock: Clock,
    public_url: String,
}

impl Grants {
    pub fn new(db: DatabaseConnection, clock: Clock, public_url: impl Into<String>) -> Self {
        Self {
            db,
            clock,
            public_url: public_url.into(),
        }
    }

    async fn find(&self, pid: Uuid) -> Result<entitlement::Model, GrantError> {
        entitlement::Entity::find()
            .filter(entitlement::Column::Pid.eq(pid))
            .one(&self.db)
            .await?
            .ok_or(GrantError::NotFound)
    }

    /// `more` downloads on top of the limit (a limited entitlement only).
    pub async fn add_downloads(&self, pid: Uuid, more: i32) -> Result<(), GrantError> {
        if !(1..=1000).contains(&more) {
            return Err(GrantError::Invalid("Add from 1 to 1000 downloads.".into()));
        }
        let granted = self.find(pid).await?;
        if granted.download_limit.is_none() {
            return Err(GrantError::Invalid(
                "Downloads are unlimited already.".into(),
            ));
        }
        entitlement::Entity::update_many()
            .col_expr(
                entitlement::Column::DownloadLimit,
                Expr::col(entitlement::Column::DownloadLimit).add(more),
            )
            .filter(entitlement::Column::Id.eq(granted.id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// `days` more access, counted from its end (or from now, if it ended).
    pub async fn extend_access(&self, pid: Uuid, days: i32) -> Result<(), GrantError> {
        if !(1..=3650).contains(&days) {
            return Err(GrantError::Invalid("Extend by 1 to 3650 days.".into()));
        }
        let granted = self.find(pid).await?;
        let Some(until) = granted.access_until else {
            return Err(GrantError::Invalid("Access does not end.".into()));
        };
        let from = std::cmp::max(until, self.clock.now());
        let mut active: entitlement::ActiveModel = granted.into();
        active.access_until = Set(Some(from + Duration::days(i64::from(days))));
        active.update(&self.db).await?;
        Ok(())
    }

    /// Takes access away (its license keys too), or gives it back.
    pub async fn set_revoked(&self, pid: Uuid, revoked: bool) -> Result<(), GrantError> {
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let granted = entitlement::Entity::find()
            .filter(entitlement::Column::Pid.eq(pid))
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(GrantError::NotFound)?;
        // Whether it was refunded is the order item's to say.
        let refunded = order_item::Entity::find_by_id(granted.order_item_id)
            .one(&txn)
            .await?
            .is_some_and(|item| item.refunded_at.is_some());
        if refunded {
            return Err(GrantError::Invalid(
                "A refunded purchase cannot be revoked or restored; grant the product again."
                    .into(),
            ));
        }
        let mut active: entitlement::ActiveModel = granted.clone().into();
        active.revoked_at = Set(revoked.then_some(now));
        active.revoked_reason = Set(revoked.then(|| "revoked".to_owned()));
        active.update(&txn).await?;
        license_key::Entity::update_many()
            .col_expr(
                license_key::Column::RevokedAt,
                Expr::value(revoked.then_some(now)),
            )
            .filter(license_key::Column::EntitlementId.eq(granted.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Gives `product` (a slug) to `email`: a free order, fulfilled as any
    /// paid one (entitlement, license key, receipt mail to the address).
    pub async fn grant(&self, email: &str, product: &str) -> Result<Uuid, GrantError> {
        let email = types::email::Email::parse(email)
            .map_err(|_| GrantError::Invalid("Enter a valid email address.".into()))?;
        let given = product::Entity::find()
            .filter(product::Column::Slug.eq(product.trim()))
            .one(&self.db)
            .await?
            .ok_or_else(|| GrantError::NoSuchProduct(product.trim().to_owned()))?;
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let owner = crate::accounts::guest_account(&txn, &email, now).await?;
        let gift = order::ActiveModel {
            pid: Set(Uuid::now_v7()),
            number: Set(format!("DL-{}", crate::licenses::random_chars(8))),
            user_id: Set(owner.id),
            email: Set(owner.email.clone()),
            status: Set(OrderStatus::Pending),
            currency: Set(given.currency),
            subtotal_minor: Set(0),
            discount_minor: Set(0),
            total_minor: Set(0),
            refunded_minor: Set(0),
            discount_code_id: Set(None),
            cart_id: Set(None),
            checkout_session_id: Set(None),
            payment_intent_id: Set(None),
            paid_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        order_item::ActiveModel {
            order_id: Set(gift.id),
            product_id: Set(given.id),
            title: Set(given.title.clone()),
            unit_amount_minor: Set(0),
            quantity: Set(1),
            discount_minor: Set(0),
            total_minor: Set(0),
            refunded_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        crate::orders::fulfil_free(&txn, &gift, now, &self.public_url).await?;
        txn.commit().await?;
        Ok(gift.pid)
    }
}
