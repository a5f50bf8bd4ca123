//! A product on sale: a download or a membership.

use sea_orm::entity::prelude::*;
pub use types::money::Currency;
pub use types::product::{ProductKind, ProductStatus};

/// A row of `products`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "products")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The public id, used in URLs and views.
    #[sea_orm(unique)]
    pub pid: Uuid,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    /// One line for cards and link previews.
    pub summary: String,
    /// The long description, in Markdown.
    pub description: String,
    pub kind: ProductKind,
    pub status: ProductStatus,
    /// The price in the currency's minor unit.
    pub price_minor: i64,
    pub currency: Currency,
    /// When set, buyers may pay any amount at or above this minimum.
    pub pwyw_min_minor: Option<i64>,
    /// How many counted downloads a buyer gets per file; none means unlimited.
    pub download_limit: Option<i32>,
    /// For how many days after purchase the buyer has access; none means forever.
    pub access_days: Option<i32>,
    /// Comma-separated tags, lower case.
    pub tags: String,
    /// Whether each purchase issues a license key.
    pub license_keys: bool,
    /// How many machines one key may be activated on; none means unlimited.
    pub license_activations: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::product_file::Entity")]
    Files,
    #[sea_orm(has_many = "super::product_image::Entity")]
    Images,
}

impl Related<super::product_file::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Files.def()
    }
}

impl Related<super::product_image::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Images.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The list price (the suggested one, for pay-what-you-want products).
    pub fn price(&self) -> types::money::Money {
        types::money::Money::new(self.price_minor, self.currency)
    }

    /// The least a buyer may pay, for pay-what-you-want products.
    pub fn minimum_price(&self) -> Option<types::money::Money> {
        self.pwyw_min_minor
            .map(|minor| types::money::Money::new(minor, self.currency))
    }
}
