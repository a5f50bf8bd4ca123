//! The admin's customers: search, one customer, and what an admin does for
//! or about them (admins only). Every action writes an audit entry.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::audit::Entry;
use crate::views::{CustomerListView, CustomerView};

/// Customers, newest first, whose address contains `q` or who placed order
/// number `q`.
#[server(prefix = "/api", endpoint = "admin_customers", output = crate::codec::Answer)]
pub async fn admin_customers(q: Option<String>) -> Result<CustomerListView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let (rows, total) = ctx
        .customers
        .search(q.as_deref().unwrap_or_default())
        .await?;
    Ok(CustomerListView {
        customers: rows.iter().map(crate::ssr::customers::row_view).collect(),
        total,
    })
}

/// One customer: orders, purchases, downloads, devices.
#[server(prefix = "/api", endpoint = "admin_customer", output = crate::codec::Answer)]
pub async fn admin_customer(customer: String) -> Result<CustomerView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    crate::ssr::customers::detail(&ctx, &customer).await
}

/// Mails a paid order's receipt again; back to the customer's page when
/// asked from there (`customer`), else to the order's.
#[server(prefix = "/api", endpoint = "resend_receipt", output = crate::codec::Answer)]
pub async fn resend_receipt(order: String, customer: Option<String>) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let resending = ctx.orders.resend_receipt(crate::ssr::parse_id(&order)?);
    let order = ctx
        .audited(&admin, resending, |order| {
            Entry::new("receipt.resend", format!("order {}", order.number))
                .after(format!("sent to {}", order.email))
        })
        .await?;
    leptos_axum::redirect(&crate::ssr::customers::after_receipt(
        customer.as_deref(),
        &order,
    ));
    Ok(())
}

/// Mails a customer a sign-in link (they lost access to their mail's links).
#[server(prefix = "/api", endpoint = "send_sign_in_link", output = crate::codec::Answer)]
pub async fn send_sign_in_link(customer: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let row = crate::ssr::customers::find(&ctx, &customer).await?;
    let sending = ctx.accounts.send_magic_link_to(&row.user);
    let entry = Entry::new(
        "customer.sign_in_link",
        format!("customer {}", row.user.email),
    );
    ctx.audited(&admin, sending, |_| entry).await?;
    leptos_axum::redirect(&format!("/admin/customers/{}?sent=link", row.user.pid));
    Ok(())
}

/// Blocks a customer (`action` = `block`: sign-in refused, every session
/// ended, nothing deleted) or lets them back in (`unblock`).
#[server(prefix = "/api", endpoint = "block_customer", output = crate::codec::Answer)]
pub async fn block_customer(
    customer: String,
    action: crate::views::BlockChange,
) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let row = crate::ssr::customers::find(&ctx, &customer).await?;
    let blocking = ctx.accounts.set_blocked(row.user.pid, action.blocks());
    let before = ctx
        .audited(&admin, blocking, |before| {
            crate::ssr::customers::block_entry(action, before)
        })
        .await?;
    leptos_axum::redirect(&format!(
        "/admin/customers/{}?{}ed=1",
        before.pid,
        action.as_str()
    ));
    Ok(())
}
