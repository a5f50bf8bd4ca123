//! An image of a product; the first by position is the cover.

use sea_orm::entity::prelude::*;

/// A row of `product_images`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "product_images")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub pid: Uuid,
    pub product_id: i64,
    pub s3_key: String,
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    /// Text for screen readers.
    pub alt: String,
    /// Order in the gallery; 0 is the cover.
    pub position: i32,
    /// The thumbnail about 400 px wide (for cards), and its width.
    pub small_key: Option<String>,
    pub small_width: Option<i32>,
    /// The thumbnail about 1200 px wide (for the product page), and its width.
    pub large_key: Option<String>,
    pub large_width: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::product::Entity",
        from = "Column::ProductId",
        to = "super::product::Column::Id",
        on_delete = "Cascade"
    )]
    Product,
}

impl Related<super::product::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Product.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
