//! Carts, orders and discount codes turned into the views pages receive; the
//! cart's owner from the session; domain errors of selling as `AppError`.

use domain::carts::{CartError, Owner, Priced};
use domain::discounts::{DiscountError, Listed};
use domain::entities::{payment_event, user};
use domain::money::Money;
use domain::orders::{Detail, LibraryEntry, OrderError, Receipt};
use tower_sessions::Session;

use super::internal;
use crate::error::AppError;
use crate::views::{
    AdminOrderView, CartLineView, CartView, DiscountView, LibraryItemView, LibraryView,
    OrderRowView, PaymentEventView, ReceiptLineView, ReceiptView,
};

/// The session key of an anonymous shopper's cart.
const CART: &str = "cart";
/// The session key of the orders this browser placed (their receipts show).
const ORDERS: &str = "orders";

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// Whose cart this request works on: the signed-in account's, or the
/// session's (made when `make` and there is none yet).
pub async fn cart_owner(user: Option<&user::Model>, make: bool) -> Result<Option<Owner>, AppError> {
    if let Some(user) = user {
        return Ok(Some(Owner::User(user.id)));
    }
    let session = session().await?;
    match session.get::<uuid::Uuid>(CART).await.map_err(internal)? {
        Some(pid) => Ok(Some(Owner::Anonymous(pid))),
        None if make => {
            let pid = uuid::Uuid::now_v7();
            session.insert(CART, pid).await.map_err(internal)?;
            Ok(Some(Owner::Anonymous(pid)))
        }
        None => Ok(None),
    }
}

/// Moves the session's cart into `user`'s at sign-in.
pub async fn merge_cart_into(user: &user::Model) -> Result<(), AppError> {
    let session = session().await?;
    if let Some(pid) = session.remove::<uuid::Uuid>(CART).await.map_err(internal)? {
        super::public()?.carts.merge(pid, user.id).await?;
    }
    Ok(())
}

/// Sends the buyer where checkout says: the provider's payment page, or the
/// receipt of an order with nothing to pay. Answers the URL.
pub async fn go_pay(started: domain::orders::Started) -> Result<String, AppError> {
    use domain::orders::Started;
    let (order, url) = match started {
        Started::Pay { url, order } => (order, url),
        Started::Fulfilled { order } => (order, format!("/orders/{order}")),
    };
    remember_order(order).await?;
    leptos_axum::redirect(&url);
    Ok(url)
}

/// Whether the receipt of `order` may be shown: to the browser that placed
/// it, to its owner once the address is proven, to admins. Anyone else gets
/// a 404, as if there were no such order.
pub async fn may_see(
    order: &domain::entities::order::Model,
    user: Option<&user::Model>,
) -> Result<(), AppError> {
    let owner = user.is_some_and(|u| {
        u.role == user::Role::Admin || (u.id == order.user_id && u.email_verified_at.is_some())
    });
    if owner || placed_here(order.pid).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Notes that this browser placed `order`, so its receipt shows here.
pub async fn remember_order(order: uuid::Uuid) -> Result<(), AppError> {
    let session = session().await?;
    let mut placed: Vec<uuid::Uuid> = session
        .get(ORDERS)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    placed.push(order);
    let keep = placed.len().saturating_sub(20);
    session
        .insert(ORDERS, &placed[keep..])
        .await
        .map_err(internal)
}

/// Whether this browser placed `order`.
pub async fn placed_here(order: uuid::Uuid) -> Result<bool, AppError> {
    let placed: Vec<uuid::Uuid> = session()
        .await?
        .get(ORDERS)
        .await
        .map_err(internal)?
        .unwrap_or_default();
    Ok(placed.contains(&order))
}

impl From<CartError> for AppError {
    fn from(err: CartError) -> Self {
        match err {
            CartError::NotForSale | CartError::NotInCart => Self::NotFound,
            CartError::Db(err) => internal(err),
            other => Self::Validation(other.to_string()),
        }
    }
}

impl From<DiscountError> for AppError {
    fn from(err: DiscountError) -> Self {
        Self::Validation(err.to_string())
    }
}

impl From<OrderError> for AppError {
    fn from(err: OrderError) -> Self {
        match err {
            OrderError::NotFound => Self::NotFound,
            OrderError::Db(err) => internal(err),
            OrderError::PaymentUnavailable => Self::Unavailable(err.to_string()),
            OrderError::Discount(_)
            | OrderError::Refund(_)
            | OrderError::Blocked
            | OrderError::NotPaid(_) => Self::Conflict(err.to_string()),
            other => Self::Validation(other.to_string()),
        }
    }
}

fn money(minor: i64, priced: &Priced) -> String {
    priced
        .currency
        .map(|currency| Money::new(minor, currency).to_string())
        .unwrap_or_default()
}

pub fn cart_view(priced: &Priced, signed_in: bool) -> CartView {
    CartView {
        lines: priced
            .lines
            .iter()
            .map(|line| CartLineView {
                slug: line.product.slug.clone(),
                title: line.product.title.clone(),
                unit: line.unit.to_string(),
                quantity: line.quantity,
                one_only: line.product.license_keys,
                total: Money::new(line.subtotal_minor, line.product.currency).to_string(),
                problem: line.problem.clone(),
            })
            .collect(),
        subtotal: money(priced.subtotal_minor, priced),
        discount: (priced.discount_minor > 0)
            .then(|| format!("-{}", money(priced.discount_minor, priced))),
        total: money(priced.total_minor, priced),
        code: priced.code.as_ref().map(|c| c.code.clone()),
        code_problem: priced.code_problem.as_ref().map(ToString::to_string),
        problems: priced.problems.clone(),
        signed_in,
    }
}

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn receipt_view(receipt: &Receipt) -> ReceiptView {
    let order = &receipt.order;
    let money = |minor: i64| Money::new(minor, order.currency).to_string();
    ReceiptView {
        order: order.pid.to_string(),
        number: order.number.clone(),
        email: order.email.clone(),
        status: order.status,
        placed: when(order.created_at),
        lines: receipt
            .lines
            .iter()
            .map(|line| ReceiptLineView {
                item: line.item.id,
                title: line.item.title.clone(),
                slug: line.slug.clone(),
                quantity: line.item.quantity,
                total: money(line.item.total_minor),
                refunded: line.item.refunded_at.is_some(),
                keys: line.keys.iter().map(|k| k.key.clone()).collect(),
                access: line.entitlement.as_ref().map(access_words),
                entitlement: line.entitlement.as_ref().map(|e| e.pid.to_string()),
                revoked: line
                    .entitlement
                    .as_ref()
                    .is_some_and(|e| e.revoked_at.is_some()),
                activations: line.activations.iter().map(activation_view).collect(),
            })
            .collect(),
        subtotal: money(order.subtotal_minor),
        discount: (order.discount_minor > 0).then(|| format!("-{}", money(order.discount_minor))),
        total: money(order.total_minor),
        refunded: (order.refunded_minor > 0).then(|| money(order.refunded_minor)),
    }
}

/// An entitlement in words: "2 of 5 downloads used · access until 2027-…".
pub(crate) fn access_words(e: &domain::entities::entitlement::Model) -> String {
    if let (Some(_), reason) = (e.revoked_at, &e.revoked_reason) {
        return format!(
            "Access revoked ({})",
            reason.as_deref().unwrap_or("by the store")
        );
    }
    let downloads = match e.download_limit {
        Some(limit) => format!("{} of {limit} downloads used", e.downloads_used),
        None => format!("{} downloads, no limit", e.downloads_used),
    };
    let until = match e.access_until {
        Some(until) => format!("access until {}", until.format("%Y-%m-%d")),
        None => "access forever".to_owned(),
    };
    format!("{downloads} · {until}")
}

/// "4 of 5 downloads left", "Unlimited downloads".
pub fn downloads_left(limit: Option<i32>, left: Option<i32>) -> String {
    match (limit, left) {
        (Some(limit), Some(left)) => format!("{left} of {limit} downloads left"),
        _ => "Unlimited downloads".to_owned(),
    }
}

pub(crate) fn activation_view(
    a: &domain::entities::license_activation::Model,
) -> crate::views::ActivationView {
    crate::views::ActivationView {
        instance: a.instance.clone(),
        name: a.name.clone(),
        since: when(a.created_at),
    }
}

pub fn library_view(user: &user::Model, entries: &[LibraryEntry]) -> LibraryView {
    LibraryView {
        player: None,
        player_error: None,
        verified: user.email_verified_at.is_some(),
        email: user.email.clone(),
        refunded: entries
            .iter()
            .filter(|entry| entry.entitlement.revoked_at.is_some())
            .map(|entry| entry.product.title.clone())
            .collect(),
        items: entries
            .iter()
            .filter(|entry| entry.entitlement.revoked_at.is_none())
            .map(|entry| {
                let e = &entry.entitlement;
                LibraryItemView {
                    activations: entry.activations.iter().map(activation_view).collect(),
                    activation_limit: entry
                        .keys
                        .first()
                        .and_then(|k| k.activation_limit)
                        .map(|limit| format!("{} of {limit} activations", entry.activations.len())),
                    entitlement: e.pid.to_string(),
                    downloads: downloads_left(
                        e.download_limit,
                        e.download_limit
                            .map(|limit| std::cmp::max(limit - e.downloads_used, 0)),
                    ),
                    files: entry
                        .files
                        .iter()
                        .map(|(file, updated)| crate::views::LibraryFileView {
                            file: file.pid.to_string(),
                            name: file.filename.clone(),
                            format: crate::views::format_name(&file.content_type, &file.filename),
                            size: crate::views::human_size(file.size_bytes),
                            version: file.version,
                            updated: *updated,
                            plays_as: ["audio", "video"]
                                .into_iter()
                                .find(|kind| file.content_type.starts_with(&format!("{kind}/")))
                                .map(str::to_owned),
                        })
                        .collect(),
                    title: entry.product.title.clone(),
                    slug: entry.product.slug.clone(),
                    order_number: entry.order_number.clone(),
                    access: match e.access_until {
                        Some(until) => format!("Access until {}", until.format("%Y-%m-%d")),
                        None => "Access forever".to_owned(),
                    },
                    keys: entry.keys.iter().map(|k| k.key.clone()).collect(),
                }
            })
            .collect(),
    }
}

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

pub fn event_view(event: &payment_event::Model) -> PaymentEventView {
    PaymentEventView {
        id: event.event_id.clone(),
        kind: event.kind.clone(),
        object: event.object_id.clone(),
        received: when(event.received_at),
        processed: event.processed_at.map(when),
    }
}

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
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
                .map(|at| Some(at.and_utc()))
                .map_err(|_| {
                    AppError::Validation(format!(
                        "{name}: use a date and time like 2026-12-01T09:00."
                    ))
                })
        };
    let (percent_off, amount_off) =
        match fields.kind.as_str() {
            "percent" => {
                (
                    Some(fields.value.trim().parse::<i32>().map_err(|_| {
                        invalid("Give the percentage as a whole number, 1 to 100.")
                    })?),
                    None,
                )
            }
            "amount" => {
                let currency = domain::money::Currency::parse(fields.currency.trim())
                    .map_err(|_| invalid("Choose the currency of the amount off."))?;
                let amount = Money::parse(&fields.value, currency)
                    .map_err(|err| AppError::Validation(err.to_string()))?;
                (None, Some(amount))
            }
            _ => return Err(invalid("Choose a percentage or an amount off.")),
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

/// The signed-in buyer as the delivery log records them.
pub fn requester(user: &user::Model) -> domain::delivery::Requester<'_> {
    domain::delivery::Requester {
        user,
        ip: super::client_ip().to_string(),
        user_agent: super::user_agent(),
    }
}

impl From<domain::delivery::DeliveryError> for AppError {
    fn from(err: domain::delivery::DeliveryError) -> Self {
        use domain::delivery::DeliveryError as E;
        match err {
            E::NotFound => Self::NotFound,
            E::NotYours => Self::Forbidden,
            E::Refunded
            | E::Revoked
            | E::AccessEnded(_)
            | E::NoDownloadsLeft(_)
            | E::NotStreamable => Self::Conflict(err.to_string()),
            E::Db(err) => internal(err),
        }
    }
}

/// The player for `file` of `entitlement` (both public ids, from the address
/// bar): a stream link, minted for this page.
pub async fn player(
    ctx: &super::AppContext,
    user: &user::Model,
    view: &LibraryView,
    entitlement: &str,
    file: &str,
) -> Result<crate::views::PlayerView, AppError> {
    let (item, shown) = view
        .items
        .iter()
        .find_map(|item| {
            let shown = item.files.iter().find(|f| f.file == file)?;
            (item.entitlement == entitlement).then_some((item, shown))
        })
        .ok_or(AppError::NotFound)?;
    let who = requester(user);
    let url = ctx
        .delivery
        .stream(&who, super::parse_id(entitlement)?, super::parse_id(file)?)
        .await?;
    Ok(crate::views::PlayerView {
        title: format!("{} — {}", item.title, shown.name),
        url,
        kind: shown.plays_as.clone().unwrap_or_else(|| "audio".to_owned()),
    })
}

impl From<domain::licenses::LicenseError> for AppError {
    fn from(err: domain::licenses::LicenseError) -> Self {
        use domain::licenses::LicenseError as E;
        match err {
            E::NotActivated | E::Invalid => Self::NotFound,
            E::Db(err) => internal(err),
            other => Self::Conflict(other.to_string()),
        }
    }
}

impl From<domain::grants::GrantError> for AppError {
    fn from(err: domain::grants::GrantError) -> Self {
        use domain::grants::GrantError as E;
        match err {
            E::NotFound => Self::NotFound,
            E::Db(err) => internal(err),
            other => Self::Validation(other.to_string()),
        }
    }
}

/// The admin's log filters from the page's query (dates as `YYYY-MM-DD`, UTC).
pub fn log_filter(
    product: Option<String>,
    buyer: Option<String>,
    from: Option<String>,
    until: Option<String>,
) -> domain::delivery::LogFilter {
    let (from, until) = utc_days(from, until);
    domain::delivery::LogFilter {
        product,
        buyer,
        user: None,
        from,
        until,
    }
}

/// From the start of day `from` to the end of day `until` (UTC,
/// `YYYY-MM-DD`); a missing or unreadable day leaves that side open.
pub fn utc_days(
    from: Option<String>,
    until: Option<String>,
) -> (
    Option<chrono::DateTime<chrono::Utc>>,
    Option<chrono::DateTime<chrono::Utc>>,
) {
    let day = |text: Option<String>| {
        chrono::NaiveDate::parse_from_str(text?.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| d.and_utc())
    };
    // Through the end of that day.
    (day(from), day(until).map(|d| d + chrono::Duration::days(1)))
}

pub fn delivery_row(row: &domain::delivery::LogRow) -> crate::views::DeliveryRowView {
    crate::views::DeliveryRowView {
        at: when(row.at),
        buyer: row.buyer.clone(),
        product: row.product.clone(),
        file: row.file.clone(),
        version: row.version,
        kind: row.kind.clone(),
        counted: row.counted,
        ip: row.ip.clone(),
    }
}
