//! Discount codes: admins make and disable them; a cart carries one; checkout
//! holds a redemption with an atomic conditional update, so a code with one
//! redemption left is used exactly once however many buyers try at the same
//! moment; an order that expires unpaid gives its redemption back.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use types::money::{Currency, Money};
use uuid::Uuid;

use crate::clock::Clock;
use crate::entities::{discount_code, product};

/// Why a code does not apply. Each says so in words a buyer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscountError {
    #[error("There is no discount code {0}.")]
    Unknown(String),
    #[error("The code {0} is not valid yet.")]
    NotYet(String),
    #[error("The code {0} has expired.")]
    Ended(String),
    #[error("The code {0} has been used up.")]
    UsedUp(String),
    #[error("The code {0} is no longer valid.")]
    Disabled(String),
    #[error("The code {0} is for orders in {1}.")]
    WrongCurrency(String, &'static str),
    #[error("The code {0} does not apply to anything in your cart.")]
    NothingEligible(String),
    /// A new code the admin's form described wrongly.
    #[error("{0}")]
    Invalid(String),
}

/// What an admin asks for.
#[derive(Clone, Debug, Default)]
pub struct NewDiscount {
    pub code: String,
    pub percent_off: Option<i32>,
    pub amount_off: Option<Money>,
    /// Only this product (its slug).
    pub product: Option<String>,
    pub valid_from: Option<DateTime<Utc>>,
    pub valid_until: Option<DateTime<Utc>>,
    pub max_redemptions: Option<i32>,
}

/// A code as `Discount`s list them: with the title of the product it is for.
pub type Listed = (discount_code::Model, Option<String>);

/// The discount codes service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Discounts {
    db: DatabaseConnection,
    clock: Clock,
}

impl Discounts {
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self { db, clock }
    }

    /// Makes a code; refuses a duplicate, a malformed code, both or neither of
    /// percentage and amount, a percentage outside 1–100, a window that ends
    /// before it starts.
    pub async fn create(&self, new: NewDiscount) -> Result<discount_code::Model, DiscountError> {
        let code = normalize(&new.code);
        if code.len() < 3
            || code.len() > 32
            || !code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(DiscountError::Invalid(
                "A code is 3 to 32 letters, digits, dashes or underscores.".into(),
            ));
        }
        match (new.percent_off, new.amount_off) {
            (Some(percent), None) if (1..=100).contains(&percent) => {}
            (Some(_), None) => {
                return Err(DiscountError::Invalid(
                    "A percentage is from 1 to 100.".into(),
                ));
            }
            (None, Some(amount)) if amount.minor > 0 => {}
            (None, Some(_)) => {
                return Err(DiscountError::Invalid(
                    "An amount off is more than zero.".into(),
                ));
            }
            _ => {
                return Err(DiscountError::Invalid(
                    "Give either a percentage or an amount off.".into(),
                ));
            }
        }
        if let (Some(from), Some(until)) = (new.valid_from, new.valid_until)
            && until <= from
        {
            return Err(DiscountError::Invalid(
                "The code must end after it starts.".into(),
            ));
        }
        if new.max_redemptions.is_some_and(|max| max < 1) {
            return Err(DiscountError::Invalid(
                "Allow at least one redemption.".into(),
            ));
        }
        let product_id = match new
            .product
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(slug) => Some(
                product::Entity::find()
                    .filter(product::Column::Slug.eq(slug))
                    .one(&self.db)
                    .await
                    .map_err(db)?
                    .ok_or_else(|| DiscountError::Invalid(format!("There is no product {slug}.")))?
                    .id,
            ),
            None => None,
        };
        if self.by_code(&code).await?.is_some() {
            return Err(DiscountError::Invalid(format!(
                "The code {code} exists already."
            )));
        }
        discount_code::ActiveModel {
            pid: Set(Uuid::now_v7()),
            code: Set(code),
            percent_off: Set(new.percent_off),
            amount_off_minor: Set(new.amount_off.map(|m| m.minor)),
            currency: Set(new.amount_off.map(|m| m.currency)),
            product_id: Set(product_id),
            valid_from: Set(new.valid_from),
            valid_until: Set(new.valid_until),
            max_redemptions: Set(new.max_redemptions),
            redemptions: Set(0),
            disabled_at: Set(None),
            created_at: Set(self.clock.now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .map_err(db)
    }

    /// Stops a code from applying to new checkouts (orders that hold it keep it).
    pub async fn disable(&self, pid: Uuid) -> Result<(), DiscountError> {
        discount_code::Entity::update_many()
            .col_expr(
                discount_code::Column::DisabledAt,
                Expr::value(self.clock.now()),
            )
            .filter(discount_code::Column::Pid.eq(pid))
            .filter(discount_code::Column::DisabledAt.is_null())
            .exec(&self.db)
            .await
            .map_err(db)?;
        Ok(())
    }

    /// Every code, newest first, with the title of the product it is for.
    pub async fn list(&self) -> Result<Vec<Listed>, DiscountError> {
        let codes = discount_code::Entity::find()
            .order_by_desc(discount_code::Column::Id)
            .all(&self.db)
            .await
            .map_err(db)?;
        let products = product::Entity::find().all(&self.db).await.map_err(db)?;
        Ok(codes
            .into_iter()
            .map(|code| {
                let title = code.product_id.and_then(|id| {
                    products
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| p.title.clone())
                });
                (code, title)
            })
            .collect())
    }

    pub async fn by_code(&self, code: &str) -> Result<Option<discount_code::Model>, DiscountError> {
        discount_code::Entity::find()
            .filter(discount_code::Column::Code.eq(normalize(code)))
            .one(&self.db)
            .await
            .map_err(db)
    }
}

fn db(err: DbErr) -> DiscountError {
    tracing::error!(error = %err, "discount codes");
    DiscountError::Invalid("The store could not read its discount codes; try again.".into())
}

/// Codes are matched without regard to case or surrounding spaces.
pub fn normalize(code: &str) -> String {
    code.trim().to_ascii_uppercase()
}

/// Whether `code` may be used now for a cart in `currency` (redemptions
/// aside: those are counted when checkout holds one).
pub fn usable(
    code: &discount_code::Model,
    now: DateTime<Utc>,
    currency: Currency,
) -> Result<(), DiscountError> {
    let name = code.code.clone();
    if code.disabled_at.is_some() {
        return Err(DiscountError::Disabled(name));
    }
    if code.valid_from.is_some_and(|from| now < from) {
        return Err(DiscountError::NotYet(name));
    }
    if code.valid_until.is_some_and(|until| now >= until) {
        return Err(DiscountError::Ended(name));
    }
    if code
        .max_redemptions
        .is_some_and(|max| code.redemptions >= max)
    {
        return Err(DiscountError::UsedUp(name));
    }
    if let Some(wanted) = code.currency
        && wanted != currency
    {
        return Err(DiscountError::WrongCurrency(name, wanted.code()));
    }
    Ok(())
}

/// The discount on each line (`(product id, line subtotal)`), in minor units:
/// a percentage of each eligible line (rounded half up), or a fixed amount
/// shared across eligible lines in proportion to their subtotals (the last
/// takes the remainder), never more than a line's subtotal.
pub fn split(code: &discount_code::Model, lines: &[(i64, i64)]) -> Result<Vec<i64>, DiscountError> {
    let eligible = |product_id: i64| code.product_id.is_none_or(|only| only == product_id);
    let base: i64 = lines
        .iter()
        .filter(|(product, _)| eligible(*product))
        .map(|(_, subtotal)| subtotal)
        .sum();
    if base == 0 {
        return Err(DiscountError::NothingEligible(code.code.clone()));
    }
    if let Some(percent) = code.percent_off {
        return Ok(lines
            .iter()
            .map(|&(product, subtotal)| {
                if eligible(product) {
                    (subtotal * i64::from(percent) + 50) / 100
                } else {
                    0
                }
            })
            .collect());
    }
    let off = std::cmp::min(code.amount_off_minor.unwrap_or_default(), base);
    let last = lines.iter().rposition(|(product, _)| eligible(*product));
    let mut given = 0;
    Ok(lines
        .iter()
        .enumerate()
        .map(|(i, &(product, subtotal))| {
            if !eligible(product) {
                0
            } else if Some(i) == last {
                std::cmp::min(off - given, subtotal)
            } else {
                let share =
                    i64::try_from(i128::from(off) * i128::from(subtotal) / i128::from(base))
                        .unwrap_or(0);
                given += share;
                share
            }
        })
        .collect())
}

/// Holds one redemption of `code` for an order, if one is left and the code is
/// still usable; in the caller's transaction. `false` when another buyer took
/// the last one.
pub async fn hold(
    conn: &impl ConnectionTrait,
    code_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let held = discount_code::Entity::update_many()
        .col_expr(
            discount_code::Column::Redemptions,
            Expr::col(discount_code::Column::Redemptions).add(1),
        )
        .filter(discount_code::Column::Id.eq(code_id))
        .filter(discount_code::Column::DisabledAt.is_null())
        .filter(
            discount_code::Column::MaxRedemptions
                .is_null()
                .or(Expr::col(discount_code::Column::Redemptions)
                    .lt(Expr::col(discount_code::Column::MaxRedemptions))),
        )
        .filter(
            discount_code::Column::ValidUntil
                .is_null()
                .or(discount_code::Column::ValidUntil.gt(now)),
        )
        .exec(conn)
        .await?;
    Ok(held.rows_affected == 1)
}

/// Gives back the redemption an unpaid order held.
pub async fn release(conn: &impl ConnectionTrait, code_id: i64) -> Result<(), DbErr> {
    discount_code::Entity::update_many()
        .col_expr(
            discount_code::Column::Redemptions,
            Expr::col(discount_code::Column::Redemptions).sub(1),
        )
        .filter(discount_code::Column::Id.eq(code_id))
        .filter(discount_code::Column::Redemptions.gt(0))
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(percent: Option<i32>, amount: Option<i64>, only: Option<i64>) -> discount_code::Model {
        discount_code::Model {
            id: 1,
            pid: Uuid::nil(),
            code: "SPRING".into(),
            percent_off: percent,
            amount_off_minor: amount,
            currency: amount.map(|_| Currency::USD),
            product_id: only,
            valid_from: None,
            valid_until: None,
            max_redemptions: Some(2),
            redemptions: 0,
            disabled_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_percentage_is_taken_from_each_eligible_line() {
        let lines = [(1, 999), (2, 500)];
        assert_eq!(
            split(&code(Some(10), None, None), &lines),
            Ok(vec![100, 50])
        );
        assert_eq!(
            split(&code(Some(10), None, Some(2)), &lines),
            Ok(vec![0, 50])
        );
        assert_eq!(
            split(&code(Some(100), None, None), &lines),
            Ok(vec![999, 500])
        );
        assert_eq!(
            split(&code(Some(10), None, Some(3)), &lines),
            Err(DiscountError::NothingEligible("SPRING".into()))
        );
    }

    #[test]
    fn a_fixed_amount_is_shared_and_never_exceeds_the_lines() {
        let lines = [(1, 1000), (2, 2000), (3, 1000)];
        let shares = split(&code(None, Some(1000), None), &lines).unwrap();
        assert_eq!(shares, vec![250, 500, 250]);
        let shares = split(
            &code(None, Some(999), None),
            &[(1, 500), (2, 500), (3, 500)],
        )
        .unwrap();
        assert_eq!(shares.iter().sum::<i64>(), 999);
        let capped = split(&code(None, Some(5000), Some(1)), &lines).unwrap();
        assert_eq!(capped, vec![1000, 0, 0]);
    }

    #[test]
    fn a_code_is_usable_only_in_its_window_currency_and_count() {
        let now = Utc::now();
        let mut c = code(None, Some(500), None);
        assert_eq!(usable(&c, now, Currency::USD), Ok(()));
        assert!(matches!(
            usable(&c, now, Currency::EUR),
            Err(DiscountError::WrongCurrency(_, "USD"))
        ));
        c.valid_from = Some(now + chrono::Duration::hours(1));
        assert!(matches!(
            usable(&c, now, Currency::USD),
            Err(DiscountError::NotYet(_))
        ));
        c.valid_from = None;
        c.valid_until = Some(now);
        assert!(matches!(
            usable(&c, now, Currency::USD),
            Err(DiscountError::Ended(_))
        ));
        c.valid_until = None;
        c.redemptions = 2;
        assert!(matches!(
            usable(&c, now, Currency::USD),
            Err(DiscountError::UsedUp(_))
        ));
        c.redemptions = 0;
        c.disabled_at = Some(now);
        assert!(matches!(
            usable(&c, now, Currency::USD),
            Err(DiscountError::Disabled(_))
        ));
    }
}
