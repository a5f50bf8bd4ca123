//! The admin's customers: finding them by address or order number, with what
//! each has bought. Blocking is an account matter (`Accounts::set_blocked`);
//! a customer's orders, purchases and downloads come from their services.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use types::money::{Currency, Money};
use types::order::OrderStatus;
use uuid::Uuid;

use crate::db::{count, int, sum};
use crate::entities::order;
use crate::entities::user::{self, Role};

/// The most customers one search shows.
pub const LIST_LIMIT: u64 = 100;

/// A customer with what they paid.
#[derive(Clone, Debug)]
pub struct CustomerRow {
    pub user: user::Model,
    /// Paid orders (refunded ones included).
    pub orders: i64,
    /// What they paid less refunds, per currency, most orders first.
    pub spent: Vec<Money>,
}

/// The customers service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Customers {
    db: DatabaseConnection,
}

impl Customers {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Customers, newest first, whose address contains `q` or who placed the
    /// order numbered `q` (everyone when `q` is empty), at most `LIST_LIMIT`;
    /// and how many match in all.
    pub async fn search(&self, q: &str) -> Result<(Vec<CustomerRow>, u64), DbErr> {
        let mut condition = Condition::all().add(user::Column::Role.eq(Role::Customer));
        let q = q.trim();
        if !q.is_empty() {
            let by_order = Query::select()
                .column(order::Column::UserId)
                .from(order::Entity)
                .and_where(order::Column::Number.eq(q.to_uppercase()))
                .to_owned();
            condition = condition.add(
                Condition::any()
                    .add(user::Column::Email.like(crate::db::containing(&q.to_lowercase())))
                    .add(user::Column::Id.in_subquery(by_order)),
            );
        }
        let query = user::Entity::find().filter(condition);
        let total = query.clone().count(&self.db).await?;
        let users = query
            .order_by_desc(user::Column::Id)
            .limit(LIST_LIMIT)
            .all(&self.db)
            .await?;
        Ok((self.with_orders(users).await?, total))
    }

    /// The customer with public id `pid` (admins are not customers).
    pub async fn find(&self, pid: Uuid) -> Result<Option<CustomerRow>, DbErr> {
        let found = user::Entity::find()
            .filter(user::Column::Pid.eq(pid))
            .filter(user::Column::Role.eq(Role::Customer))
            .one(&self.db)
            .await?;
        Ok(self.with_orders(found.into_iter().collect()).await?.pop())
    }

    /// `users` with their paid orders counted and summed, in one query.
    async fn with_orders(&self, users: Vec<user::Model>) -> Result<Vec<CustomerRow>, DbErr> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let kept =
            Expr::col(order::Column::TotalMinor).sub(Expr::col(order::Column::RefundedMinor));
        let query = Query::select()
            .column(order::Column::UserId)
            .column(order::Column::Currency)
            .expr(count())
            .expr(sum(kept))
            .from(order::Entity)
            .and_where(order::Column::UserId.is_in(users.iter().map(|u| u.id)))
            .and_where(
                Expr::col(order::Column::Status).is_in(OrderStatus::PAID.map(|s| s.to_value())),
            )
            .group_by_col(order::Column::UserId)
            .group_by_col(order::Column::Currency)
            .order_by_expr(count(), sea_orm::Order::Desc)
            .to_owned();
        let mut totals: Vec<(i64, i64, Money)> = Vec::new();
        for row in self.db.query_all(&query).await? {
            let currency: Currency = row.try_get_by_index::<String>(1)?.parse().map_err(|_| {
                DbErr::Type("an order's currency is not one the store knows".into())
            })?;
            totals.push((
                int(&row, 0)?,
                int(&row, 2)?,
                Money::new(int(&row, 3)?, currency),
            ));
        }
        Ok(users
            .into_iter()
            .map(|user| {
                let theirs = totals.iter().filter(|(id, ..)| *id == user.id);
                CustomerRow {
                    orders: theirs.clone().map(|(_, orders, _)| orders).sum(),
                    spent: theirs.map(|(.., spent)| *spent).collect(),
                    user,
                }
            })
            .collect())
    }
}
