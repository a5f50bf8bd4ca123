//! A product on sale: a download or a membership.

use sea_orm::entity::prelude::*;

/// What a buyer gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProductKind {
    /// Files to download.
    #[sea_orm(string_value = "download")]
    Download,
    /// Access to premium content for a paid period.
    #[sea_orm(string_value = "membership")]
    Membership,
}

/// Whether shoppers can see the product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ProductStatus {
    /// Being prepared; only admins see it.
    #[sea_orm(string_value = "draft")]
    Draft,
    /// On sale.
    #[sea_orm(string_value = "published")]
    Published,
    /// No longer on sale; past buyers keep access.
    #[sea_orm(string_value = "archived")]
    Archived,
}

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
    /// ISO 4217 code.
    pub currency: String,
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
