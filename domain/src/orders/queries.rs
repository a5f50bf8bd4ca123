//! Reading orders: a receipt, a buyer's library, the admin's list and detail.

use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use types::order::OrderStatus;
use uuid::Uuid;

use super::{OrderError, Orders};
use crate::entities::{
    entitlement, license_activation, license_key, order, order_item, payment_event, product,
    product_file, refund, user,
};

/// An order with its lines.
#[derive(Clone, Debug)]
pub struct Receipt {
    pub order: order::Model,
    pub lines: Vec<ReceiptLine>,
}

/// A line with what it granted.
#[derive(Clone, Debug)]
pub struct ReceiptLine {
    pub item: order_item::Model,
    /// The product's slug, for a link (if it still exists).
    pub slug: Option<String>,
    pub entitlement: Option<entitlement::Model>,
    pub keys: Vec<license_key::Model>,
    /// The instances its keys are activated on.
    pub activations: Vec<license_activation::Model>,
}

/// One thing a buyer owns, for the library.
#[derive(Clone, Debug)]
pub struct LibraryEntry {
    pub entitlement: entitlement::Model,
    pub product: product::Model,
    pub order_number: String,
    pub keys: Vec<license_key::Model>,
    /// The files it gives: the newest version of each, and whether that
    /// version came after the purchase.
    pub files: Vec<(product_file::Model, bool)>,
    /// The instances its license keys are activated on.
    pub activations: Vec<license_activation::Model>,
}

/// What the admin's order list shows.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    /// An email (part of one) or an order number.
    pub q: Option<String>,
    pub status: Option<OrderStatus>,
}

/// An order as the admin sees it: the receipt, the provider's events about
/// it, the refunds asked for.
#[derive(Clone, Debug)]
pub struct Detail {
    pub receipt: Receipt,
    pub events: Vec<payment_event::Model>,
    pub refunds: Vec<refund::Model>,
}

/// The most orders the admin list shows at once.
const LIST_LIMIT: u64 = 100;

impl Orders {
    pub async fn by_pid(&self, pid: Uuid) -> Result<Option<order::Model>, OrderError> {
        Ok(order::Entity::find()
            .filter(order::Column::Pid.eq(pid))
            .one(&self.db)
            .await?)
    }

    /// An order's receipt.
    pub async fn receipt(&self, pid: Uuid) -> Result<Receipt, OrderError> {
        let order = self.by_pid(pid).await?.ok_or(OrderError::NotFound)?;
        let items = order_item::Entity::find()
            .filter(order_item::Column::OrderId.eq(order.id))
            .order_by_asc(order_item::Column::Id)
            .all(&self.db)
            .await?;
        let entitlements = entitlement::Entity::find()
            .filter(entitlement::Column::OrderId.eq(order.id))
            .all(&self.db)
            .await?;
        let keys = license_key::Entity::find()
            .filter(license_key::Column::EntitlementId.is_in(entitlements.iter().map(|e| e.id)))
            .order_by_asc(license_key::Column::Id)
            .all(&self.db)
            .await?;
        let activations = license_activation::Entity::find()
            .filter(license_activation::Column::LicenseKeyId.is_in(keys.iter().map(|k| k.id)))
            .order_by_asc(license_activation::Column::Id)
            .all(&self.db)
            .await?;
        let products = product::Entity::find()
            .filter(product::Column::Id.is_in(items.iter().map(|i| i.product_id)))
            .all(&self.db)
            .await?;
        let lines = items
            .into_iter()
            .map(|item| {
                let entitlement = entitlements
                    .iter()
                    .find(|e| e.order_item_id == item.id)
                    .cloned();
                let keys: Vec<license_key::Model> = entitlement
                    .as_ref()
                    .map(|e| {
                        keys.iter()
                            .filter(|k| k.entitlement_id == e.id)
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                let activations = activations
                    .iter()
                    .filter(|a| keys.iter().any(|k| k.id == a.license_key_id))
                    .cloned()
                    .collect();
                let slug = products
                    .iter()
                    .find(|p| p.id == item.product_id)
                    .map(|p| p.slug.clone());
                ReceiptLine {
                    item,
                    slug,
                    entitlement,
                    keys,
                    activations,
                }
            })
            .collect();
        Ok(Receipt { order, lines })
    }

    /// Everything `user` owns, newest first. Empty until the address is
    /// proven: what an account opened with someone else's address holds is
    /// not shown to whoever typed the password.
    pub async fn library(&self, user: &user::Model) -> Result<Vec<LibraryEntry>, OrderError> {
        if user.email_verified_at.is_none() {
            return Ok(Vec::new());
        }
        self.owned(user.id).await
    }

    /// Everything account `user` holds, newest first, whether or not its
    /// address is proven (the admin's view of a customer).
    pub async fn owned(&self, user: i64) -> Result<Vec<LibraryEntry>, OrderError> {
        let entitlements = entitlement::Entity::find()
            .filter(entitlement::Column::UserId.eq(user))
            .order_by_desc(entitlement::Column::Id)
            .all(&self.db)
            .await?;
        let products = product::Entity::find()
            .filter(product::Column::Id.is_in(entitlements.iter().map(|e| e.product_id)))
            .all(&self.db)
            .await?;
        let orders = order::Entity::find()
            .filter(order::Column::Id.is_in(entitlements.iter().map(|e| e.order_id)))
            .all(&self.db)
            .await?;
        let keys = license_key::Entity::find()
            .filter(license_key::Column::EntitlementId.is_in(entitlements.iter().map(|e| e.id)))
            .all(&self.db)
            .await?;
        // Every product's files and every key's activations, once each.
        let files = crate::product_files::newest_versions_of(
            &self.db,
            &products.iter().map(|p| p.id).collect::<Vec<_>>(),
        )
        .await?;
        let activations = license_activation::Entity::find()
            .filter(license_activation::Column::LicenseKeyId.is_in(keys.iter().map(|k| k.id)))
            .order_by_asc(license_activation::Column::Id)
            .all(&self.db)
            .await?;
        let mut entries = Vec::with_capacity(entitlements.len());
        for entitlement in entitlements {
            let Some(product) = products
                .iter()
                .find(|p| p.id == entitlement.product_id)
                .cloned()
            else {
                continue;
            };
            let Some(order) = orders.iter().find(|o| o.id == entitlement.order_id) else {
                continue;
            };
            let keys: Vec<license_key::Model> = keys
                .iter()
                .filter(|k| k.entitlement_id == entitlement.id)
                .cloned()
                .collect();
            let files = files
                .iter()
                .filter(|file| file.product_id == product.id)
                .map(|file| {
                    let updated = file.version > 1 && file.created_at > entitlement.created_at;
                    (file.clone(), updated)
                })
                .collect();
            let activations = activations
                .iter()
                .filter(|a| keys.iter().any(|k| k.id == a.license_key_id))
                .cloned()
                .collect();
            entries.push(LibraryEntry {
                activations,
                order_number: order.number.clone(),
                entitlement,
                product,
                keys,
                files,
            });
        }
        Ok(entries)
    }

    /// The admin's list: newest first, by email or number, by status.
    pub async fn search(
        &self,
        filter: &OrderFilter,
    ) -> Result<(Vec<order::Model>, u64), OrderError> {
        let mut condition = Condition::all();
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            condition = condition.add(
                Condition::any()
                    .add(order::Column::Email.like(crate::db::containing(&q.to_lowercase())))
                    .add(order::Column::Number.eq(q.to_uppercase())),
            );
        }
        if let Some(status) = filter.status {
            condition = condition.add(order::Column::Status.eq(status));
        }
        let query = order::Entity::find().filter(condition);
        let total = query.clone().count(&self.db).await?;
        let orders = query
            .order_by_desc(order::Column::Id)
            .limit(LIST_LIMIT)
            .all(&self.db)
            .await?;
        Ok((orders, total))
    }

    /// One order for the admin: receipt, provider events, refunds asked.
    pub async fn detail(&self, pid: Uuid) -> Result<Detail, OrderError> {
        let receipt = self.receipt(pid).await?;
        let order = &receipt.order;
        let mut about = Condition::any();
        if let Some(session) = &order.checkout_session_id {
            about = about.add(payment_event::Column::ObjectId.eq(session.clone()));
        }
        if let Some(intent) = &order.payment_intent_id {
            about = about
                .add(payment_event::Column::PaymentIntent.eq(intent.clone()))
                .add(payment_event::Column::ObjectId.eq(intent.clone()));
        }
        let events = if order.checkout_session_id.is_some() || order.payment_intent_id.is_some() {
            payment_event::Entity::find()
                .filter(about)
                .order_by_asc(payment_event::Column::Id)
                .all(&self.db)
                .await?
        } else {
            Vec::new()
        };
        let refunds = refund::Entity::find()
            .filter(refund::Column::OrderId.eq(order.id))
            .order_by_asc(refund::Column::Id)
            .all(&self.db)
            .await?;
        Ok(Detail {
            receipt,
            events,
            refunds,
        })
    }

    /// The orders of account `user`, newest first, at most `limit`.
    pub async fn of_user(&self, user: i64, limit: u64) -> Result<Vec<order::Model>, OrderError> {
        Ok(order::Entity::find()
            .filter(order::Column::UserId.eq(user))
            .order_by_desc(order::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// The newest provider events received, for the admin's webhook page.
    pub async fn events(&self, limit: u64) -> Result<Vec<payment_event::Model>, OrderError> {
        Ok(payment_event::Entity::find()
            .order_by_desc(payment_event::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }
}
