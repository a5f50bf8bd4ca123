//! Views of selling: the cart, a receipt, the library, and the admin's
//! orders, discount codes and payment events.

use serde::{Deserialize, Serialize};
pub use types::delivery::{DeliveryKind, MediaKind};
pub use types::discount::DiscountKind;
pub use types::order::OrderStatus;

/// The cart as its page shows it; amounts formatted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartView {
    pub lines: Vec<CartLineView>,
    pub subtotal: String,
    pub discount: Option<String>,
    pub total: String,
    /// The code applied.
    pub code: Option<String>,
    /// Why the code entered does not apply.
    pub code_problem: Option<String>,
    /// What stops checkout (mixed currencies, a product no longer on sale).
    pub problems: Vec<String>,
    /// Whether the buyer is signed in (checkout asks guests for an address).
    pub signed_in: bool,
}

/// A cart line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLineView {
    pub slug: String,
    pub title: String,
    pub unit: String,
    pub quantity: i32,
    /// A licensed product is one license at a time.
    pub one_only: bool,
    pub total: String,
    pub problem: Option<String>,
}

/// What the success page learns about a checkout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmView {
    pub status: OrderStatus,
    /// Once paid.
    pub receipt: Option<ReceiptView>,
}

/// An order as its buyer (and the admin) reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    pub order: String,
    pub number: String,
    pub email: String,
    pub status: OrderStatus,
    pub placed: String,
    pub lines: Vec<ReceiptLineView>,
    pub subtotal: String,
    pub discount: Option<String>,
    pub total: String,
    pub refunded: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLineView {
    /// The order item's id, for the admin's per-item refund.
    pub item: i64,
    pub title: String,
    pub slug: Option<String>,
    pub quantity: i32,
    pub total: String,
    pub refunded: bool,
    pub keys: Vec<String>,
    /// The entitlement it granted, in words (downloads used of the limit,
    /// access window, revoked), once paid.
    pub access: Option<String>,
    /// That entitlement's public id (the admin's controls name it).
    pub entitlement: Option<String>,
    /// Whether it is revoked (the admin may restore it unless refunded).
    pub revoked: bool,
    /// The instances its license keys are activated on.
    pub activations: Vec<ActivationView>,
}

/// A delivery in the admin's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRowView {
    pub at: String,
    pub buyer: String,
    pub product: String,
    pub file: String,
    pub version: i32,
    pub kind: DeliveryKind,
    pub counted: bool,
    pub ip: String,
}

/// The buyer's library.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryView {
    /// False until the account's address is proven; nothing is listed then.
    pub verified: bool,
    pub email: String,
    /// What the buyer may use: refunded purchases are not listed here.
    pub items: Vec<LibraryItemView>,
    /// Titles of refunded purchases (access taken back).
    pub refunded: Vec<String>,
    /// The file asked to play (`?play=`), with its stream link.
    pub player: Option<PlayerView>,
    /// Why it cannot play, when it cannot.
    pub player_error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryItemView {
    /// The entitlement's public id (downloads name it).
    pub entitlement: String,
    pub title: String,
    pub slug: String,
    pub order_number: String,
    pub access: String,
    /// "4 of 5 downloads left", "Unlimited downloads".
    pub downloads: String,
    pub keys: Vec<String>,
    pub files: Vec<LibraryFileView>,
    /// The instances the license keys are activated on.
    pub activations: Vec<ActivationView>,
    /// "1 of 3 activations" when the keys have a limit.
    pub activation_limit: Option<String>,
}

/// An app instance a license key is activated on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationView {
    pub instance: String,
    pub name: String,
    pub since: String,
}

/// A file of a purchase: its newest version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryFileView {
    pub file: String,
    pub name: String,
    pub format: String,
    pub size: String,
    pub version: i32,
    /// A newer version came after the purchase.
    pub updated: bool,
    /// The player it plays in on the page, when it plays there.
    pub plays_as: Option<MediaKind>,
}

/// A file playing in the library.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerView {
    pub title: String,
    pub url: String,
    pub kind: MediaKind,
}

/// What a minted download gives the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadView {
    pub url: String,
    pub downloads_left: Option<i32>,
    /// The same in words, as the library shows it.
    pub downloads: String,
}

/// A row of the admin's order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderRowView {
    pub order: String,
    pub number: String,
    pub email: String,
    pub status: OrderStatus,
    pub total: String,
    pub placed: String,
}

/// The admin's order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderListView {
    pub orders: Vec<OrderRowView>,
    pub total: u64,
}

/// One order for the admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminOrderView {
    pub receipt: ReceiptView,
    pub refundable: bool,
    pub events: Vec<PaymentEventView>,
    pub refunds: Vec<String>,
}

/// An event the payment provider sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentEventView {
    pub id: String,
    pub kind: String,
    pub object: Option<String>,
    pub received: String,
    /// When its effects were applied; none for types the store ignores.
    pub processed: Option<String>,
}

/// The admin's webhook page: events received, and in sandbox mode the
/// sandbox's deliveries with their attempts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksView {
    pub events: Vec<PaymentEventView>,
    /// None with Stripe (its dashboard shows deliveries).
    pub deliveries: Option<Vec<DeliveryView>>,
}

/// One event's delivery to one endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub delivery: String,
    pub event: String,
    pub kind: String,
    pub url: String,
    pub attempts: i64,
    /// "Delivered 2026-…", "Next attempt 2026-…", "Gave up".
    pub state: String,
    pub last: String,
}

/// A discount code for the admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountView {
    pub discount: String,
    pub code: String,
    /// "10 % off", "$5.00 off".
    pub off: String,
    /// "Everything" or a product's title.
    pub applies_to: String,
    pub window: String,
    /// "3 of 10", "3".
    pub redemptions: String,
    pub active: bool,
}

/// The discount code form as posted: every field as typed but the kind;
/// dates are `YYYY-MM-DDTHH:MM` on the store's clock.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscountFields {
    pub code: String,
    pub kind: DiscountKind,
    pub value: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_until: String,
    #[serde(default)]
    pub max_redemptions: String,
}
