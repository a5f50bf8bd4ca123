//! The admin's customers: one customer gathered from the services that hold
//! their account, orders, purchases and downloads, and the actions on them.

use domain::customers::CustomerRow;
use domain::entities::user;

use super::AppContext;
use super::audit::Entry;
use super::downloads::delivery_row;
use super::library::{access_words, activation_view};
use super::sales::order_row;
use crate::error::AppError;
use crate::views::{BlockChange, CustomerRowView, CustomerView, PurchaseView};

/// The most orders and downloads a customer's page lists.
const SHOWN: u64 = 50;

pub fn row_view(row: &CustomerRow) -> CustomerRowView {
    let spent: Vec<String> = row.spent.iter().map(ToString::to_string).collect();
    CustomerRowView {
        customer: row.user.pid.to_string(),
        email: row.user.email.clone(),
        joined: super::store_time::day_of(row.user.created_at),
        verified: row.user.is_verified(),
        blocked: row.user.blocked_at.map(super::when),
        orders: row.orders,
        spent: if spent.is_empty() {
            "—".to_owned()
        } else {
            spent.join(" · ")
        },
    }
}

/// The customer with public id `pid` (a string from the address bar).
pub async fn find(ctx: &AppContext, pid: &str) -> Result<CustomerRow, AppError> {
    ctx.customers
        .find(super::parse_id(pid)?)
        .await?
        .ok_or(AppError::NotFound)
}

/// Everything about one customer.
pub async fn detail(ctx: &AppContext, pid: &str) -> Result<CustomerView, AppError> {
    let row = find(ctx, pid).await?;
    let user = &row.user;
    let orders = ctx.orders.of_user(user.id, SHOWN).await?;
    let owned = ctx.orders.owned(user.id).await?;
    let filter = domain::delivery::LogFilter {
        user: Some(user.id),
        ..Default::default()
    };
    let downloads = ctx.delivery.log(&filter, SHOWN).await?;
    let devices = ctx.accounts.devices(user.pid).await?.len();
    Ok(CustomerView {
        customer: row_view(&row),
        has_password: user.password_hash.is_some(),
        devices,
        orders: orders.iter().map(order_row).collect(),
        purchases: owned
            .iter()
            .map(|entry| PurchaseView {
                title: entry.product.title.clone(),
                order_number: entry.order_number.clone(),
                access: access_words(&entry.entitlement),
                keys: entry
                    .keys
                    .iter()
                    .map(|k| match k.revoked_at {
                        Some(_) => format!("{} (revoked)", k.key),
                        None => k.key.clone(),
                    })
                    .collect(),
                activations: entry.activations.iter().map(activation_view).collect(),
            })
            .collect(),
        downloads: downloads.iter().map(delivery_row).collect(),
    })
}

/// The audit entry of `action`: the account's state before and after.
pub fn block_entry(action: BlockChange, before: &user::Model) -> Entry {
    let state = |blocked: bool| if blocked { "blocked" } else { "active" }.to_owned();
    Entry::new(
        format!("customer.{}", action.as_str()),
        format!("customer {}", before.email),
    )
    .before(state(before.is_blocked()))
    .after(state(action.blocks()))
}

/// Where an admin goes once a receipt is sent again: back to the customer's
/// page when they asked from there, else to the order's.
pub fn after_receipt(customer: Option<&str>, order: &domain::entities::order::Model) -> String {
    match customer.and_then(|c| uuid::Uuid::parse_str(c.trim()).ok()) {
        Some(customer) => format!("/admin/customers/{customer}?sent=receipt"),
        None => format!("/admin/orders/{}?resent=1", order.pid),
    }
}
