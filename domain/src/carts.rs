//! Carts: a signed-in buyer's (one per account) or an anonymous session's,
//! merged into the account at sign-in. A cart is priced when read, from the
//! products as they are now: totals in integer minor units, one currency per
//! cart (a mixed cart says so and cannot be checked out), a discount code
//! checked each time.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use types::money::{Currency, Money};
use types::product::{ProductKind, ProductStatus};
use uuid::Uuid;

use crate::clock::Clock;
use crate::discounts::{self, DiscountError};
use crate::entities::{cart, cart_item, discount_code, product};

/// Most copies of one product in a cart.
pub const MAX_QUANTITY: i32 = 10;

/// The largest amount in minor units a product may be bought for, and a cart
/// may total: what a card payment can take (Stripe's limit).
pub const MAX_AMOUNT_MINOR: i64 = 99_999_999;

/// Whose cart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A signed-in account's (its id).
    User(i64),
    /// An anonymous session's (the cart's public id, kept in the session).
    Anonymous(Uuid),
}

/// Why a cart change was refused.
#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("That product is not on sale.")]
    NotForSale,
    #[error("Memberships are sold by subscription, which this store does not offer yet.")]
    Membership,
    #[error("The minimum for {title} is {minimum}.")]
    BelowMinimum { title: String, minimum: Money },
    #[error("{title} is sold one license at a time.")]
    OneLicense { title: String },
    #[error("{0}")]
    Amount(String),
    #[error("Choose from 1 to {MAX_QUANTITY} copies.")]
    Quantity,
    #[error("That product is not in your cart.")]
    NotInCart,
    #[error(transparent)]
    Discount(#[from] DiscountError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

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

/// The carts service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Carts {
    db: DatabaseConnection,
    clock: Clock,
}

impl Carts {
    pub fn new(db: DatabaseConnection, clock: Clock) -> Self {
        Self { db, clock }
    }

    async fn find(
        &self,
        conn: &impl ConnectionTrait,
        owner: Owner,
    ) -> Result<Option<cart::Model>, DbErr> {
        let query = cart::Entity::find();
        match owner {
            Owner::User(id) => query.filter(cart::Column::UserId.eq(id)),
            Owner::Anonymous(pid) => query
                .filter(cart::Column::Pid.eq(pid))
                .filter(cart::Column::UserId.is_null()),
        }
        .one(conn)
        .await
    }

    /// The owner's cart, made when it has none. An anonymous owner's cart
    /// gets the public id the session holds.
    async fn find_or_make(&self, owner: Owner) -> Result<cart::Model, DbErr> {
        if let Some(cart) = self.find(&self.db, owner).await? {
            return Ok(cart);
        }
        let now = self.clock.now();
        let (pid, user_id) = match owner {
            Owner::User(id) => (Uuid::now_v7(), Some(id)),
            Owner::Anonymous(pid) => (pid, None),
        };
        let on_conflict = match owner {
            Owner::User(_) => OnConflict::column(cart::Column::UserId),
            Owner::Anonymous(_) => OnConflict::column(cart::Column::Pid),
        }
        .do_nothing()
        .to_owned();
        cart::Entity::insert(cart::ActiveModel {
            pid: Set(pid),
            user_id: Set(user_id),
            discount_code: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .on_conflict(on_conflict)
        .exec_without_returning(&self.db)
        .await?;
        self.find(&self.db, owner)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("cart".into()))
    }

    /// Puts a published product (by its slug) in the cart (again: its amount
    /// is updated). `amount` is the buyer's price for a pay-what-you-want
    /// product, as typed (`7.50`); ignored for a fixed price.
    pub async fn add(
        &self,
        owner: Owner,
        product: &str,
        amount: Option<&str>,
    ) -> Result<(), CartError> {
        let product = product::Entity::find()
            .filter(product::Column::Slug.eq(product))
            .one(&self.db)
            .await?
            .filter(|p| p.status == ProductStatus::Published)
            .ok_or(CartError::NotForSale)?;
        if product.kind == ProductKind::Membership {
            return Err(CartError::Membership);
        }
        let amount = match amount.map(str::trim).filter(|a| !a.is_empty()) {
            Some(typed) if product.pwyw_min_minor.is_some() => Some(
                Money::parse(typed, product.currency)
                    .map_err(|err| CartError::Amount(err.to_string()))?
                    .minor,
            ),
            _ => None,
        };
        if amount.is_some_and(|amount| amount > MAX_AMOUNT_MINOR) {
            return Err(CartError::Amount(format!(
                "The most a product can cost is {}.",
                Money::new(MAX_AMOUNT_MINOR, product.currency)
            )));
        }
        let amount = match (product.pwyw_min_minor, amount) {
            (Some(minimum), Some(amount)) if amount < minimum => {
                return Err(CartError::BelowMinimum {
                    title: product.title,
                    minimum: Money::new(minimum, product.currency),
                });
            }
            (Some(_), Some(amount)) => Some(amount),
            (Some(_), None) | (None, _) => None,
        };
        let cart = self.find_or_make(owner).await?;
        cart_item::Entity::insert(cart_item::ActiveModel {
            cart_id: Set(cart.id),
            product_id: Set(product.id),
            quantity: Set(1),
            amount_minor: Set(amount),
            added_at: Set(self.clock.now()),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([cart_item::Column::CartId, cart_item::Column::ProductId])
                .update_column(cart_item::Column::AmountMinor)
                .to_owned(),
        )
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
    }

    async fn item(
        &self,
        owner: Owner,
        product: &str,
    ) -> Result<(cart_item::Model, product::Model), CartError> {
        let cart = self
            .find(&self.db, owner)
            .await?
            .ok_or(CartError::NotInCart)?;
        let product = product::Entity::find()
            .filter(product::Column::Slug.eq(product))
            .one(&self.db)
            .await?
            .ok_or(CartError::NotInCart)?;
        let item = cart_item::Entity::find()
            .filter(cart_item::Column::CartId.eq(cart.id))
            .filter(cart_item::Column::ProductId.eq(product.id))
            .one(&self.db)
            .await?
            .ok_or(CartError::NotInCart)?;
        Ok((item, product))
    }

    /// Sets how many copies; a licensed product is one license at a time.
    pub async fn set_quantity(
        &self,
        owner: Owner,
        product: &str,
        quantity: i32,
    ) -> Result<(), CartError> {
        let (item, product) = self.item(owner, product).await?;
        if !(1..=MAX_QUANTITY).contains(&quantity) {
            return Err(CartError::Quantity);
        }
        if product.license_keys && quantity != 1 {
            return Err(CartError::OneLicense {
                title: product.title,
            });
        }
        let mut item: cart_item::ActiveModel = item.into();
        item.quantity = Set(quantity);
        item.update(&self.db).await?;
        Ok(())
    }

    pub async fn remove(&self, owner: Owner, product: &str) -> Result<(), CartError> {
        let (item, _) = self.item(owner, product).await?;
        cart_item::Entity::delete_by_id(item.id)
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Applies a discount code (checked against the cart as it is now), or
    /// removes the code with `None`.
    pub async fn apply_code(&self, owner: Owner, code: Option<&str>) -> Result<(), CartError> {
        let code = code.map(discounts::normalize).filter(|c| !c.is_empty());
        if let Some(code) = &code {
            let found = discounts::Discounts::new(self.db.clone(), self.clock.clone())
                .by_code(code)
                .await?
                .ok_or_else(|| DiscountError::Unknown(code.clone()))?;
            let priced = self.priced_with(owner, Some(found)).await?;
            if let Some(problem) = priced.code_problem {
                return Err(problem.into());
            }
        }
        let cart = self.find_or_make(owner).await?;
        let mut cart: cart::ActiveModel = cart.into();
        cart.discount_code = Set(code);
        cart.updated_at = Set(self.clock.now());
        cart.update(&self.db).await?;
        Ok(())
    }

    /// The id of the owner's cart, if there is one.
    pub async fn id_of(&self, owner: Owner) -> Result<Option<i64>, CartError> {
        Ok(self.find(&self.db, owner).await?.map(|cart| cart.id))
    }

    /// The owner's cart, priced (empty when there is none).
    pub async fn priced(&self, owner: Owner) -> Result<Priced, CartError> {
        self.priced_with(owner, None).await
    }

    async fn priced_with(
        &self,
        owner: Owner,
        trying: Option<discount_code::Model>,
    ) -> Result<Priced, CartError> {
        let cart = self.find(&self.db, owner).await?;
        let items = match &cart {
            Some(cart) => {
                cart_item::Entity::find()
                    .filter(cart_item::Column::CartId.eq(cart.id))
                    .order_by_asc(cart_item::Column::Id)
                    .all(&self.db)
                    .await?
            }
            None => Vec::new(),
        };
        let products = product::Entity::find()
            .filter(product::Column::Id.is_in(items.iter().map(|i| i.product_id)))
            .all(&self.db)
            .await?;
        let items: Vec<(cart_item::Model, product::Model)> = items
            .into_iter()
            .filter_map(|item| {
                let product = products.iter().find(|p| p.id == item.product_id)?.clone();
                Some((item, product))
            })
            .collect();
        let code = match (
            trying,
            cart.as_ref().and_then(|c| c.discount_code.as_deref()),
        ) {
            (Some(code), _) => Some(code),
            (None, Some(name)) => Some(
                discounts::Discounts::new(self.db.clone(), self.clock.clone())
                    .by_code(name)
                    .await?
                    .ok_or_else(|| DiscountError::Unknown(name.to_owned())),
            )
            .transpose()
            .unwrap_or_else(|err| {
                tracing::debug!(%err, "a cart's code is gone");
                None
            }),
            (None, None) => None,
        };
        Ok(price(cart, items, code, self.clock.now()))
    }

    /// Moves an anonymous cart's products into the account's cart at sign-in
    /// (the account's own lines win), then deletes the anonymous cart.
    pub async fn merge(&self, anonymous: Uuid, user: i64) -> Result<(), CartError> {
        let Some(from) = self.find(&self.db, Owner::Anonymous(anonymous)).await? else {
            return Ok(());
        };
        let into = self.find_or_make(Owner::User(user)).await?;
        let items = cart_item::Entity::find()
            .filter(cart_item::Column::CartId.eq(from.id))
            .all(&self.db)
            .await?;
        for item in items {
            cart_item::Entity::insert(cart_item::ActiveModel {
                cart_id: Set(into.id),
                product_id: Set(item.product_id),
                quantity: Set(item.quantity),
                amount_minor: Set(item.amount_minor),
                added_at: Set(item.added_at),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([cart_item::Column::CartId, cart_item::Column::ProductId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        }
        if into.discount_code.is_none() && from.discount_code.is_some() {
            let mut cart: cart::ActiveModel = into.into();
            cart.discount_code = Set(from.discount_code.clone());
            cart.update(&self.db).await?;
        }
        cart::Entity::delete_by_id(from.id).exec(&self.db).await?;
        Ok(())
    }
}

/// Removes the products of a paid order from the cart it came from.
pub async fn remove_bought(
    conn: &impl ConnectionTrait,
    cart_id: i64,
    products: &[i64],
) -> Result<(), DbErr> {
    cart_item::Entity::delete_many()
        .filter(cart_item::Column::CartId.eq(cart_id))
        .filter(cart_item::Column::ProductId.is_in(products.iter().copied()))
        .exec(conn)
        .await?;
    cart::Entity::update_many()
        .col_expr(
            cart::Column::DiscountCode,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .filter(cart::Column::Id.eq(cart_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Works out a cart's prices at `now`.
fn price(
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
