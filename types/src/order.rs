//! Where an order stands: the same values in the database, on the wire and in
//! the admin's filters.

use serde::{Deserialize, Serialize};

/// An order's state. It only moves forward: pending → paid → partially
/// refunded → refunded, or pending → failed / expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum),
    sea_orm(
        rs_type = "String",
        db_type = "String(sea_orm::sea_query::StringLen::N(24))"
    )
)]
pub enum OrderStatus {
    /// Waiting for the buyer to pay.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "pending"))]
    Pending,
    /// Paid; the goods are delivered.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "paid"))]
    Paid,
    /// Part of the payment was given back.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "partially_refunded"))]
    PartiallyRefunded,
    /// All of the payment was given back.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "refunded"))]
    Refunded,
    /// The payment provider could not start the payment.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "failed"))]
    Failed,
    /// Not paid in time.
    #[cfg_attr(feature = "sea-orm", sea_orm(string_value = "expired"))]
    Expired,
}

impl OrderStatus {
    pub const ALL: [Self; 6] = [
        Self::Pending,
        Self::Paid,
        Self::PartiallyRefunded,
        Self::Refunded,
        Self::Failed,
        Self::Expired,
    ];

    /// The wire and filter name (`partially_refunded`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::PartiallyRefunded => "partially_refunded",
            Self::Refunded => "refunded",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Awaiting payment",
            Self::Paid => "Paid",
            Self::PartiallyRefunded => "Partially refunded",
            Self::Refunded => "Refunded",
            Self::Failed => "Failed",
            Self::Expired => "Expired",
        }
    }

    /// The status named `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// The statuses of orders the buyer paid (and may since have been
    /// refunded): the ones sales figures count.
    pub const PAID: [Self; 3] = [Self::Paid, Self::PartiallyRefunded, Self::Refunded];

    /// Whether the buyer paid (and may since have been refunded).
    pub fn was_paid(self) -> bool {
        Self::PAID.contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_from_its_name() {
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert_eq!(OrderStatus::parse("shipped"), None);
    }
}
