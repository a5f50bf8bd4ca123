//! The admin's side of selling: orders with their payment events and
//! refunds, the sandbox's webhook deliveries, discount codes (from the form
//! and as listed), and the changes an admin makes to a purchase.

use domain::discounts::Listed;
use domain::entities::{payment_event, user};
use domain::money::Money;
use domain::orders::Detail;
use types::discount::DiscountKind;

use super::audit::Entry;
use super::cart::receipt_view;
use super::{AppContext, when};
use crate::error::AppError;
use crate::views::{AdminOrderView, DiscountView, OrderRowView, PaymentEventView, PurchaseChange};

/// An order as a row of the admin's order list.
pub fn order_row(order: &domain::entities::order::Model) -> OrderRowView {
    OrderRowView {
        order: order.pid.to_string(),
        number: order.number.clone(),
        email: order.email.clone(),
        status: order.status,
        total: Money::new(order.total_minor, order.currency).to_string(),
        placed: when(order.created_at),
    }
}

/// An event the payment provider sent, as the admin reads it.
pub fn event_view(event: &payment_event::Model) -> PaymentEventView {
    PaymentEventView {
        id: event.event_id.clone(),
        kind: event.kind.clone(),
        object: event.object_id.clone(),
        received: when(event.received_at),
        processed: event.processed_at.map(when),
    }
}

/// The webhook page: events received and, from the sandbox, its deliveries.
pub fn webhooks_view(
    events: &[payment_event::Model],
    deliveries: Option<&[domain::payments::Delivery]>,
) -> crate::views::WebhooksView {
    let at = |secs: i64| {
        chrono::DateTime::from_timestamp(secs, 0)
            .map(when)
            .unwrap_or_default()
    };
    crate::views::WebhooksView {
        events: events.iter().map(event_view).collect(),
        deliveries: deliveries.map(|deliveries| {
            deliveries
                .iter()
                .map(|d| crate::views::DeliveryView {
                    delivery: d.id.clone(),
                    event: d.event.clone(),
                    kind: d.event_type.clone().unwrap_or_default(),
                    url: d.url.clone().unwrap_or_default(),
                    attempts: d.attempts,
                    state: match (d.delivered_at, d.next_attempt_at) {
                        (Some(done), _) => format!("Delivered {}", at(done)),
                        (None, Some(next)) => format!("Next attempt {}", at(next)),
                        (None, None) => "Gave up".to_owned(),
                    },
                    last: match (d.last_status, &d.last_error) {
                        (_, Some(error)) => error.clone(),
                        (Some(status), None) => format!("HTTP {status}"),
                        (None, None) => String::new(),
                    },
                })
                .collect()
        }),
    }
}

/// One order for the admin: its receipt, payment events and refunds.
pub fn admin_order_view(detail: &Detail) -> AdminOrderView {
    let order = &detail.receipt.order;
    AdminOrderView {
        receipt: receipt_view(&detail.receipt),
        refundable: order.status.was_paid()
            && order.payment_intent_id.is_some()
            && order.refunded_minor < order.total_minor,
        events: detail.events.iter().map(event_view).collect(),
        refunds: detail
            .refunds
            .iter()
            .map(|r| {
                format!(
                    "{} on {}{}",
                    Money::new(r.amount_minor, order.currency),
                    when(r.created_at),
                    if r.order_item_id.is_some() {
                        " (one item)"
                    } else {
                        ""
                    }
                )
            })
            .collect(),
    }
}

/// A discount code as the admin's list shows it.
pub fn discount_view((code, product): &Listed) -> DiscountView {
    let off = match (code.percent_off, code.amount_off_minor, code.currency) {
        (Some(percent), _, _) => format!("{percent} % off"),
        (None, Some(minor), Some(currency)) => format!("{} off", Money::new(minor, currency)),
        _ => String::new(),
    };
    let window = match (code.valid_from, code.valid_until) {
        (None, None) => "Always".to_owned(),
        (Some(from), None) => format!("From {}", when(from)),
        (None, Some(until)) => format!("Until {}", when(until)),
        (Some(from), Some(until)) => format!("{} – {}", when(from), when(until)),
    };
    DiscountView {
        discount: code.pid.to_string(),
        code: code.code.clone(),
        off,
        applies_to: product.clone().unwrap_or_else(|| "Everything".to_owned()),
        window,
        redemptions: match code.max_redemptions {
            Some(max) => format!("{} of {max}", code.redemptions),
            None => code.redemptions.to_string(),
        },
        active: code.disabled_at.is_none(),
    }
}

/// The domain's new code from the admin's form, or why the form is wrong.
pub fn new_discount(
    fields: &crate::views::DiscountFields,
) -> Result<domain::discounts::NewDiscount, AppError> {
    let invalid = |message: &str| AppError::Validation(message.to_owned());
    let when =
        |text: &str, name: &str| -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            super::store_time::read_local(text)
                .map(Some)
                .ok_or_else(|| {
                    AppError::Validation(format!(
                        "{name}: use a date and time like 2026-12-01T09:00."
                    ))
                })
        };
    let (percent_off, amount_off) =
        match fields.kind {
            DiscountKind::Percent => {
                (
                    Some(fields.value.trim().parse::<i32>().map_err(|_| {
                        invalid("Give the percentage as a whole number, 1 to 100.")
                    })?),
                    None,
                )
            }
            DiscountKind::Amount => {
                let currency = domain::money::Currency::parse(fields.currency.trim())
                    .map_err(|_| invalid("Choose the currency of the amount off."))?;
                let amount = Money::parse(&fields.value, currency)
                    .map_err(|err| AppError::Validation(err.to_string()))?;
                (None, Some(amount))
            }
        };
    let product = Some(fields.product.trim().to_owned()).filter(|slug| !slug.is_empty());
    let max_redemptions = match fields.max_redemptions.trim() {
        "" => None,
        text => Some(
            text.parse::<i32>()
                .map_err(|_| invalid("Give the number of redemptions as a whole number."))?,
        ),
    };
    Ok(domain::discounts::NewDiscount {
        code: fields.code.clone(),
        percent_off,
        amount_off,
        product,
        valid_from: when(&fields.valid_from, "Valid from")?,
        valid_until: when(&fields.valid_until, "Valid until")?,
        max_redemptions,
    })
}

/// Changes one purchase by hand (`downloads` more downloads, `days` more
/// access, `revoke` or `restore` it) and records the change.
pub async fn adjust(
    ctx: &AppContext,
    admin: &user::Model,
    entitlement: uuid::Uuid,
    change: PurchaseChange,
    amount: i32,
) -> Result<(), AppError> {
    let grants = &ctx.grants;
    let changing = async {
        match change {
            PurchaseChange::Downloads => grants.add_downloads(entitlement, amount).await,
            PurchaseChange::Days => grants.extend_access(entitlement, amount).await,
            PurchaseChange::Revoke => grants.set_revoked(entitlement, true).await,
            PurchaseChange::Restore => grants.set_revoked(entitlement, false).await,
        }
    };
    let entry = Entry::new("purchase.adjust", format!("purchase {entitlement}"))
        .after(format!("{} {amount}", change.as_str()));
    ctx.audited(admin, changing, |_| entry).await
}

/// Frees a license activation of purchase `entitlement` (`instance`), or
/// all of them, and records what was freed.
pub async fn reset_activations(
    ctx: &AppContext,
    admin: &user::Model,
    entitlement: &str,
    instance: Option<String>,
) -> Result<(), AppError> {
    let licenses = &ctx.licenses;
    let freeing = async {
        Ok::<_, AppError>(match instance {
            Some(instance) => {
                licenses.deactivate_for(None, &instance).await?;
                format!("instance {instance} deactivated")
            }
            None => {
                let freed = licenses.reset(super::parse_id(entitlement)?).await?;
                format!(
                    "{} freed",
                    crate::views::count_of(freed, "activation", "activations")
                )
            }
        })
    };
    let subject = format!("purchase {entitlement}");
    ctx.audited(admin, freeing, |freed| {
        Entry::new("license.reset", subject).after(freed.clone())
    })
    .await
    .map(drop)
}
