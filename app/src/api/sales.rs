//! The admin's side of selling: orders, refunds, discount codes and the
//! payment provider's events (admins only).

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::audit::{Entry, state};
use crate::views::{AdminOrderView, DiscountView, OrderListView, WebhooksView};

/// Orders, newest first: by email or order number (`q`), by status.
#[server(prefix = "/api", endpoint = "admin_orders", output = crate::codec::Answer)]
pub async fn admin_orders(
    q: Option<String>,
    status: Option<String>,
) -> Result<OrderListView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let status = status.as_deref().and_then(types::order::OrderStatus::parse);
    let filter = domain::orders::OrderFilter { q, status };
    let (orders, total) = ctx.orders.search(&filter).await?;
    Ok(OrderListView {
        orders: orders.iter().map(crate::ssr::sales::order_row).collect(),
        total,
    })
}

/// One order with its items, payment events and refunds.
#[server(prefix = "/api", endpoint = "admin_order", output = crate::codec::Answer)]
pub async fn admin_order(order: String) -> Result<AdminOrderView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let detail = ctx.orders.detail(crate::ssr::parse_id(&order)?).await?;
    Ok(crate::ssr::sales::admin_order_view(&detail))
}

/// Refunds one item of an order, or what is left of all of it.
#[server(prefix = "/api", endpoint = "refund_order", output = crate::codec::Answer)]
pub async fn refund_order(order: String, item: Option<i64>) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let pid = crate::ssr::parse_id(&order)?;
    let what = item.map_or_else(|| "the whole order".to_owned(), |i| format!("item {i}"));
    let entry =
        Entry::new("order.refund", format!("order {pid}")).after(format!("refund of {what} asked"));
    let refunding = ctx.orders.refund(pid, item, admin.id);
    ctx.audited(&admin, refunding, |_| entry).await?;
    leptos_axum::redirect(&format!("/admin/orders/{pid}?refunded=1"));
    Ok(())
}

/// Every discount code.
#[server(prefix = "/api", endpoint = "admin_discounts", output = crate::codec::Answer)]
pub async fn admin_discounts() -> Result<Vec<DiscountView>, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let codes = ctx.discounts.list().await?;
    Ok(codes.iter().map(crate::ssr::sales::discount_view).collect())
}

/// Makes a discount code: `percent` or `amount` off (in `currency`), for one
/// `product` (slug) or everything, between optional dates, for a number of
/// redemptions.
#[server(prefix = "/api", endpoint = "create_discount", output = crate::codec::Answer)]
pub async fn create_discount(
    #[server(flatten)] fields: crate::views::DiscountFields,
) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let new = crate::ssr::sales::new_discount(&fields)?;
    let code = fields.code.trim().to_uppercase();
    let entry = Entry::new("discount.create", format!("discount {code}")).after(state(&fields));
    ctx.audited(&admin, ctx.discounts.create(new), |_| entry)
        .await?;
    leptos_axum::redirect("/admin/discounts");
    Ok(())
}

/// Stops a code from applying to new checkouts.
#[server(prefix = "/api", endpoint = "disable_discount", output = crate::codec::Answer)]
pub async fn disable_discount(discount: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let disabling = ctx.discounts.disable(crate::ssr::parse_id(&discount)?);
    let entry = Entry::new("discount.disable", format!("discount {discount}"))
        .before("active".to_owned())
        .after("disabled".to_owned());
    ctx.audited(&admin, disabling, |_| entry).await?;
    leptos_axum::redirect("/admin/discounts");
    Ok(())
}

/// The newest events received from the payment provider and, from the
/// sandbox, its deliveries.
#[server(prefix = "/api", endpoint = "admin_webhooks", output = crate::codec::Answer)]
pub async fn admin_webhooks() -> Result<WebhooksView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let events = ctx.orders.events(100).await?;
    let deliveries = ctx.payments.deliveries().await?;
    Ok(crate::ssr::sales::webhooks_view(
        &events,
        deliveries.as_deref(),
    ))
}

/// Has the sandbox send a delivery's event again.
#[server(prefix = "/api", endpoint = "resend_webhook", output = crate::codec::Answer)]
pub async fn resend_webhook(delivery: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let resending = ctx.payments.resend_delivery(&delivery);
    let entry = Entry::new("webhook.resend", format!("webhook delivery {delivery}"));
    ctx.audited(&admin, resending, |_| entry).await?;
    leptos_axum::redirect("/admin/webhooks?resent=1");
    Ok(())
}

/// Changes one purchase by hand: `downloads` more downloads, `days` more
/// access, `revoke` or `restore` it.
#[server(prefix = "/api", endpoint = "adjust_entitlement", output = crate::codec::Answer)]
pub async fn adjust_entitlement(
    order: String,
    entitlement: String,
    action: crate::views::PurchaseChange,
    amount: Option<i32>,
) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let pid = crate::ssr::parse_id(&entitlement)?;
    crate::ssr::sales::adjust(&ctx, &admin, pid, action, amount.unwrap_or(0)).await?;
    leptos_axum::redirect(&format!("/admin/orders/{}", crate::ssr::parse_id(&order)?));
    Ok(())
}

/// Frees a license activation of a purchase (`instance`), or all of them.
#[server(prefix = "/api", endpoint = "reset_activations", output = crate::codec::Answer)]
pub async fn reset_activations(
    order: String,
    entitlement: String,
    instance: Option<String>,
) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let instance = instance.filter(|i| !i.is_empty());
    crate::ssr::sales::reset_activations(&ctx, &admin, &entitlement, instance).await?;
    leptos_axum::redirect(&format!("/admin/orders/{}", crate::ssr::parse_id(&order)?));
    Ok(())
}

/// Gives a product to an address (a gift, a support case): a free order with
/// the usual receipt mail.
#[server(prefix = "/api", endpoint = "grant_product", output = crate::codec::Answer)]
pub async fn grant_product(email: String, product: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let given = format!("{product} given to {}", email.trim());
    let granting = ctx.grants.grant(&email, &product);
    let order = ctx
        .audited(&admin, granting, |order| {
            Entry::new("product.grant", format!("order {order}")).after(given)
        })
        .await?;
    leptos_axum::redirect(&format!("/admin/orders/{order}"));
    Ok(())
}

/// The delivery log, newest first, filtered.
#[server(prefix = "/api", endpoint = "admin_downloads", output = crate::codec::Answer)]
pub async fn admin_downloads(
    product: Option<String>,
    buyer: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> Result<Vec<crate::views::DeliveryRowView>, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let filter =
        crate::ssr::downloads::log_filter(ctx.dashboard.zone(), product, buyer, from, until);
    let rows = ctx.delivery.log(&filter, 200).await?;
    Ok(rows
        .iter()
        .map(crate::ssr::downloads::delivery_row)
        .collect())
}
