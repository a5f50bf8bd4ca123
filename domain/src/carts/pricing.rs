//! Pricing a cart as it is now: totals in integer minor units, one currency
//! per cart, a discount code's shares, and what stops checkout.

use chrono::Utc;
use types::money::{Currency, Money};
use types::product::ProductStatus;

use super::MAX_AMOUNT_MINOR;
use crate::discounts::{self, DiscountError};
use crate::entities::{cart, cart_item, discount_code, product};

/// A line of a priced cart.
#[derive(Clone, Debug)]
pub struct Line {
    pub product: product::Model,
    pub quantity: i32,
    /// The price of one (the buyer's own for pay-what-you-want).
    pub unit: Money,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    /// Why this line cannot be bought as it is, if it cannot.
    pub problem: Option<String>,
}

/// A cart with its prices worked out.
#[derive(Clone, Debug)]
pub struct Priced {
    pub cart: Option<cart::Model>,
    pub lines: Vec<Line>,
    /// The cart's one currency (none when empty or mixed).
    pub currency: Option<Currency>,
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    /// The code applied, when it applies.
    pub code: Option<discount_code::Model>,
    /// Why the code the buyer entered does not apply.
    pub code_problem: Option<DiscountError>,
    /// What stops checkout, in words (mixed currencies, a line's problem).
    pub problems: Vec<String>,
}

impl Priced {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Products in the cart.
    pub fn count(&self) -> usize {
        self.lines.len()
    }
}

/// Works out a cart's prices at `now`.
pub(super) fn price(
    cart: Option<cart::Model>,
    items: Vec<(cart_item::Model, product::Model)>,
    code: Option<discount_code::Model>,
    now: chrono::DateTime<Utc>,
) -> Priced {
    let mut lines: Vec<Line> = items
        .into_iter()
        .map(|(item, product)| {
            let unit_minor = match (product.pwyw_min_minor, item.amount_minor) {
                (Some(_), Some(amount)) => amount,
                _ => product.price_minor,
            };
            let problem = if product.status != ProductStatus::Published {
                Some(format!(
                    "{} is no longer on sale; remove it to check out.",
                    product.title
                ))
            } else {
                product
                    .pwyw_min_minor
                    .filter(|minimum| unit_minor < *minimum)
                    .map(|minimum| {
                        format!(
                            "The minimum for {} is now {}.",
                            product.title,
                            Money::new(minimum, product.currency)
                        )
                    })
            };
            let subtotal = unit_minor
                .checked_mul(i64::from(item.quantity))
                .filter(|total| (0..=MAX_AMOUNT_MINOR).contains(total));
            let problem = match subtotal {
                Some(_) => problem,
                None => Some(format!(
                    "{} costs more than a card payment can take.",
                    product.title
                )),
            };
            let subtotal = subtotal.unwrap_or(MAX_AMOUNT_MINOR);
            Line {
                unit: Money::new(unit_minor, product.currency),
                quantity: item.quantity,
                subtotal_minor: subtotal,
                discount_minor: 0,
                total_minor: subtotal,
                problem,
                product,
            }
        })
        .collect();
    let mut currencies: Vec<Currency> = lines.iter().map(|l| l.product.currency).collect();
    currencies.sort_by_key(|c| c.code());
    currencies.dedup();
    let mut problems: Vec<String> = lines.iter().filter_map(|l| l.problem.clone()).collect();
    let currency = match currencies.as_slice() {
        [one] => Some(*one),
        [] => None,
        many => {
            let codes: Vec<&str> = many.iter().map(|c| c.code()).collect();
            problems.push(format!(
                "Your cart holds prices in {}. Check out one currency at a time: remove the \
                 products in the others (they can be bought next).",
                codes.join(" and ")
            ));
            None
        }
    };
    let (mut applied, mut code_problem) = (None, None);
    if let (Some(code), Some(currency)) = (code, currency) {
        let subtotals: Vec<(i64, i64)> = lines
            .iter()
            .map(|l| (l.product.id, l.subtotal_minor))
            .collect();
        match discounts::usable(&code, now, currency)
            .and_then(|()| discounts::split(&code, &subtotals))
        {
            Ok(shares) => {
                for (line, share) in lines.iter_mut().zip(shares) {
                    line.discount_minor = share;
                    line.total_minor = line.subtotal_minor - share;
                }
                applied = Some(code);
            }
            Err(problem) => code_problem = Some(problem),
        }
    }
    // Checked: lines are each within the card limit, but their sum need not be.
    let sum = |f: fn(&Line) -> i64| {
        lines
            .iter()
            .try_fold(0_i64, |sum, line| sum.checked_add(f(line)))
            .unwrap_or(i64::MAX)
    };
    let (subtotal_minor, discount_minor, total_minor) = (
        sum(|l| l.subtotal_minor),
        sum(|l| l.discount_minor),
        sum(|l| l.total_minor),
    );
    if let Some(currency) = currency {
        let minimum = crate::payments::minimum_charge(currency);
        if total_minor > MAX_AMOUNT_MINOR {
            problems.push(format!(
                "A card payment can take at most {}: check out fewer products at a time.",
                Money::new(MAX_AMOUNT_MINOR, currency)
            ));
        } else if total_minor > 0 && total_minor < minimum {
            problems.push(format!(
                "A card payment must be at least {}: add a product, or pay a little more.",
                Money::new(minimum, currency)
            ));
        }
    }
    Priced {
        subtotal_minor,
        discount_minor,
        total_minor,
        cart,
        lines,
        currency,
        code: applied,
        code_problem,
        problems,
    }
}
