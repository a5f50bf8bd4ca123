//! Changing a cart's lines: a product put in (at the buyer's own price for
//! pay-what-you-want), its copies counted, taken out.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use types::money::Money;
use types::product::{ProductKind, ProductStatus};

use super::{CartError, Carts, MAX_AMOUNT_MINOR, MAX_QUANTITY, Owner};
use crate::entities::{cart_item, product};

impl Carts {
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
}
