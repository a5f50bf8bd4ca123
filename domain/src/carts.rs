//! Carts: a signed-in buyer's (one per account) or an anonymous session's,
//! merged into the account at sign-in. A cart is priced when read, from the
//! products as they are now: totals in integer minor units, one currency per
//! cart (a mixed cart says so and cannot be checked out), a discount code
//! checked each time.

mod lines;
mod pricing;

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder,
};
use types::money::Money;
use uuid::Uuid;

pub use pricing::{Line, Priced};

use crate::clock::Clock;
use crate::discounts::{self, DiscountError};
use crate::entities::{cart, cart_item, discount_code, product};
use pricing::price;

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
