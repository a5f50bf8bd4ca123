//! The admin's customers pages: the search list and one customer with their
//! orders, purchases, downloads and devices.

use serde::{Deserialize, Serialize};

use super::{ActivationView, DeliveryRowView, OrderRowView};

/// A customer as the list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRowView {
    /// The account's public id.
    pub customer: String,
    pub email: String,
    /// When the account was opened (`YYYY-MM-DD`).
    pub joined: String,
    /// Whether the owner proved the address.
    pub verified: bool,
    /// When an admin blocked the account, if they did.
    pub blocked: Option<String>,
    /// Paid orders.
    pub orders: i64,
    /// What they paid less refunds: "$12.00 · €5.00", or "—".
    pub spent: String,
}

/// The customers matching a search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerListView {
    pub customers: Vec<CustomerRowView>,
    /// How many match in all (the list shows the newest 100).
    pub total: u64,
}

/// Something a customer bought, with where its access stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseView {
    pub title: String,
    pub order_number: String,
    /// "2 of 5 downloads used · access until 2027-03-01", or why it ended.
    pub access: String,
    pub keys: Vec<String>,
    pub activations: Vec<ActivationView>,
}

/// One customer, everything about them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    pub customer: CustomerRowView,
    /// Whether they set a password (otherwise they sign in by mailed link).
    pub has_password: bool,
    /// Browsers signed in now.
    pub devices: usize,
    /// The 50 newest orders (pending and failed ones too).
    pub orders: Vec<OrderRowView>,
    pub purchases: Vec<PurchaseView>,
    /// Their newest downloads and streams.
    pub downloads: Vec<DeliveryRowView>,
}
