//! Figures for the admin dashboard.

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter};

use crate::entities::product::{self, ProductStatus};
use crate::entities::user::{self, Role};

/// The store at a glance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    pub published_products: u64,
    pub customers: u64,
    pub admins: u64,
}

/// Counts what the dashboard shows.
pub async fn overview(db: &DatabaseConnection) -> Result<Overview, DbErr> {
    let published_products = product::Entity::find()
        .filter(product::Column::Status.eq(ProductStatus::Published))
        .count(db)
        .await?;
    let users_with = |role: Role| {
        user::Entity::find()
            .filter(user::Column::Role.eq(role))
            .count(db)
    };
    Ok(Overview {
        published_products,
        customers: users_with(Role::Customer).await?,
        admins: users_with(Role::Admin).await?,
    })
}
