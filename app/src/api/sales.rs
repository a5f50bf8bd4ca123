//! The admin's side of selling: orders, refunds, discount codes and the
//! payment provider's events (admins only).

use leptos::prelude::*;

use crate::error::AppError;
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
        orders: orders.iter().map(crate::ssr::commerce::order_row).collect(),
        total,
    })
}

/// One order with its items, payment events and refunds.
#[server(prefix = "/api", endpoint = "admin_order", output = crate::codec::Answer)]
pub async fn admin_order(order: String) -> Result<AdminOrderView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let detail = ctx.orders.detail(crate::ssr::parse_id(&order)?).await?;
    Ok(crate::ssr::commerce::admin_order_view(&detail))
}

/// Refunds one item of an order, or what is left of all of it.
#[server(prefix = "/api", endpoint = "refund_order", output = crate::codec::Answer)]
pub async fn refund_order(order: String, item: Option<i64>) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let pid = crate::ssr::parse_id(&order)?;
    ctx.orders.refund(pid, item, admin.id).await?;
    let what = item.map_or_else(|| "the whole order".to_owned(), |i| format!("item {i}"));
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "order.refund",
        format!("order {pid}"),
        None,
        Some(format!("refund of {what} asked")),
    )
    .await?;
    leptos_axum::redirect(&format!("/admin/orders/{pid}?refunded=1"));
    Ok(())
}

/// Every discount code.
#[server(prefix = "/api", endpoint = "admin_discounts", output = crate::codec::Answer)]
pub async fn admin_discounts() -> Result<Vec<DiscountView>, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    Ok(ctx
        .discounts
        .list()
        .await?
        .iter()
        .map(crate::ssr::commerce::discount_view)
        .collect())
}

/// Makes a discount code: `percent` or `amount` off (in `currency`), for one
/// `product` (slug) or everything, between optional dates, for a number of
/// redemptions.
#[server(prefix = "/api", endpoint = "create_discount", output = crate::codec::Answer)]
pub async fn create_discount(
    #[server(flatten)] fields: crate::views::DiscountFields,
) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let new = crate::ssr::commerce::new_discount(&fields)?;
    ctx.discounts.create(new).await?;
    let (code, after) = (
        fields.code.trim().to_uppercase(),
        crate::ssr::audit::state(&fields),
    );
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "discount.create",
        format!("discount {code}"),
        None,
        Some(after),
    )
    .await?;
    leptos_axum::redirect("/admin/discounts");
    Ok(())
}

/// Stops a code from applying to new checkouts.
#[server(prefix = "/api", endpoint = "disable_discount", output = crate::codec::Answer)]
pub async fn disable_discount(discount: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    ctx.discounts
        .disable(crate::ssr::parse_id(&discount)?)
        .await?;
    let (before, after) = (Some("active".to_owned()), Some("disabled".to_owned()));
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "discount.disable",
        format!("discount {discount}"),
        before,
        after,
    )
    .await?;
    leptos_axum::redirect("/admin/discounts");
    Ok(())
}

/// The newest events received from the payment provider and, from the
/// sandbox, its deliveries.
#[server(prefix = "/api", endpoint = "admin_webhooks", output = crate::codec::Answer)]
pub async fn admin_webhooks() -> Result<WebhooksView, AppError> {
    let (ctx, _admin) = crate::ssr::admin().await?;
    let events = ctx.orders.events(100).await?;
    let deliveries = ctx
        .payments
        .deliveries()
        .await
        .map_err(crate::ssr::internal)?;
    Ok(crate::ssr::commerce::webhooks_view(
        &events,
        deliveries.as_deref(),
    ))
}

/// Has the sandbox send a delivery's event again.
#[server(prefix = "/api", endpoint = "resend_webhook", output = crate::codec::Answer)]
pub async fn resend_webhook(delivery: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    ctx.payments
        .resend_delivery(&delivery)
        .await
        .map_err(crate::ssr::internal)?;
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "webhook.resend",
        format!("webhook delivery {delivery}"),
        None,
        None,
    )
    .await?;
    leptos_axum::redirect("/admin/webhooks?resent=1");
    Ok(())
}

/// Changes one purchase by hand: `downloads` more downloads, `days` more
/// access, `revoke` or `restore` it.
#[server(prefix = "/api", endpoint = "adjust_entitlement", output = crate::codec::Answer)]
pub async fn adjust_entitlement(
    order: String,
    entitlement: String,
    action: String,
    amount: Option<i32>,
) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let pid = crate::ssr::parse_id(&entitlement)?;
    let change = format!("{action} {}", amount.unwrap_or(0));
    match action.as_str() {
        "downloads" => ctx.grants.add_downloads(pid, amount.unwrap_or(0)).await?,
        "days" => ctx.grants.extend_access(pid, amount.unwrap_or(0)).await?,
        "revoke" | "restore" => ctx.grants.set_revoked(pid, action == "revoke").await?,
        _ => return Err(AppError::Validation("Unknown change.".into())),
    }
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "purchase.adjust",
        format!("purchase {pid}"),
        None,
        Some(change),
    )
    .await?;
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
    let freed = match instance.filter(|i| !i.is_empty()) {
        Some(instance) => {
            ctx.licenses.deactivate_for(None, &instance).await?;
            format!("instance {instance} deactivated")
        }
        None => {
            let freed = ctx
                .licenses
                .reset(crate::ssr::parse_id(&entitlement)?)
                .await?;
            format!("{freed} activations freed")
        }
    };
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "license.reset",
        format!("purchase {entitlement}"),
        None,
        Some(freed),
    )
    .await?;
    leptos_axum::redirect(&format!("/admin/orders/{}", crate::ssr::parse_id(&order)?));
    Ok(())
}

/// Gives a product to an address (a gift, a support case): a free order with
/// the usual receipt mail.
#[server(prefix = "/api", endpoint = "grant_product", output = crate::codec::Answer)]
pub async fn grant_product(email: String, product: String) -> Result<(), AppError> {
    let (ctx, admin) = crate::ssr::admin().await?;
    let order = ctx.grants.grant(&email, &product).await?;
    let given = format!("{product} given to {}", email.trim());
    crate::ssr::audit::record(
        &ctx,
        &admin,
        "product.grant",
        format!("order {order}"),
        None,
        Some(given),
    )
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
    let filter = crate::ssr::commerce::log_filter(product, buyer, from, until);
    let rows = ctx.delivery.log(&filter, 200).await?;
    Ok(rows
        .iter()
        .map(crate::ssr::commerce::delivery_row)
        .collect())
}
