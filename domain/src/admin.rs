//! The admin area's reports: the dashboard's figures and the outbox.

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entities::mail;
use crate::entities::product::{self, ProductStatus};
use crate::entities::user::{self, Role};

/// The store at a glance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    pub published_products: u64,
    pub customers: u64,
    pub admins: u64,
}

/// Read-only reports for admins. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Reports {
    db: DatabaseConnection,
}

impl Reports {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Counts what the dashboard shows.
    pub async fn overview(&self) -> Result<Overview, DbErr> {
        let published_products = product::Entity::find()
            .filter(product::Column::Status.eq(ProductStatus::Published))
            .count(&self.db)
            .await?;
        let users_with = |role: Role| {
            user::Entity::find()
                .filter(user::Column::Role.eq(role))
                .count(&self.db)
        };
        Ok(Overview {
            published_products,
            customers: users_with(Role::Customer).await?,
            admins: users_with(Role::Admin).await?,
        })
    }

    /// The newest `limit` mails of the outbox, newest first.
    pub async fn outbox(&self, limit: u64) -> Result<Vec<mail::Model>, DbErr> {
        mail::Entity::find()
            .order_by_desc(mail::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await
    }
}
