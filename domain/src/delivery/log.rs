//! The delivery log: a row for every download minted and stream started,
//! read back for the admin (filtered, newest first) and as CSV.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeSet, HashMap};
use types::delivery::DeliveryKind;

use super::{Caller, Delivery};
use crate::entities::{delivery, entitlement, product_file};

/// One delivery's row in the log.
pub(super) fn row(
    who: &Caller,
    granted: &entitlement::Model,
    file: &product_file::Model,
    kind: DeliveryKind,
    counted: bool,
    now: DateTime<Utc>,
) -> delivery::ActiveModel {
    delivery::ActiveModel {
        entitlement_id: Set(granted.id),
        user_id: Set(who.user),
        product_file_id: Set(file.id),
        filename: Set(file.filename.clone()),
        kind: Set(kind),
        counted: Set(counted),
        ip: Set(who.ip.clone()),
        user_agent: Set(who.user_agent.clone()),
        created_at: Set(now),
        ..Default::default()
    }
}

/// What the admin's delivery log shows of one delivery.
#[derive(Clone, Debug)]
pub struct LogRow {
    pub at: DateTime<Utc>,
    pub buyer: String,
    pub product: String,
    pub file: String,
    pub version: i32,
    pub kind: DeliveryKind,
    pub counted: bool,
    pub ip: String,
    pub user_agent: String,
}

/// The admin's filters on the log.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    /// A product's slug.
    pub product: Option<String>,
    /// Part of the buyer's address.
    pub buyer: Option<String>,
    /// One buyer's account (its row id).
    pub user: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

impl Delivery {
    /// The newest deliveries matching `filter`, at most `limit`.
    pub async fn log(&self, filter: &LogFilter, limit: u64) -> Result<Vec<LogRow>, DbErr> {
        use crate::entities::{product, user};
        let mut query = delivery::Entity::find();
        if let Some(from) = filter.from {
            query = query.filter(delivery::Column::CreatedAt.gte(from));
        }
        if let Some(until) = filter.until {
            query = query.filter(delivery::Column::CreatedAt.lt(until));
        }
        if let Some(user) = filter.user {
            query = query.filter(delivery::Column::UserId.eq(user));
        }
        if let Some(buyer) = filter
            .buyer
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
        {
            // Subqueries: the database picks the buyers and purchases, so
            // no list of ids (which could pass SQLite's limit) is sent back.
            query = query.filter(
                delivery::Column::UserId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(user::Column::Id)
                        .from(user::Entity)
                        .and_where(
                            user::Column::Email.like(crate::db::containing(&buyer.to_lowercase())),
                        )
                        .to_owned(),
                ),
            );
        }
        if let Some(slug) = filter
            .product
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            query = query.filter(
                delivery::Column::EntitlementId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column((entitlement::Entity, entitlement::Column::Id))
                        .from(entitlement::Entity)
                        .inner_join(
                            product::Entity,
                            Expr::col((product::Entity, product::Column::Id))
                                .equals((entitlement::Entity, entitlement::Column::ProductId)),
                        )
                        .and_where(Expr::col((product::Entity, product::Column::Slug)).eq(slug))
                        .to_owned(),
                ),
            );
        }
        let rows = query
            .order_by_desc(delivery::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        // Each buyer, file and product read once, whatever the rows repeat.
        let ids = |id: fn(&delivery::Model) -> i64| rows.iter().map(id).collect::<BTreeSet<_>>();
        let users: HashMap<i64, String> = user::Entity::find()
            .filter(user::Column::Id.is_in(ids(|r| r.user_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email))
            .collect();
        let files: HashMap<i64, product_file::Model> = product_file::Entity::find()
            .filter(product_file::Column::Id.is_in(ids(|r| r.product_file_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        let products: HashMap<i64, String> = product::Entity::find()
            .filter(
                product::Column::Id.is_in(
                    files
                        .values()
                        .map(|f| f.product_id)
                        .collect::<BTreeSet<_>>(),
                ),
            )
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.title))
            .collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                let file = files.get(&row.product_file_id);
                LogRow {
                    at: row.created_at,
                    buyer: users.get(&row.user_id).cloned().unwrap_or_default(),
                    product: file
                        .and_then(|f| products.get(&f.product_id))
                        .cloned()
                        .unwrap_or_default(),
                    file: row.filename,
                    version: file.map_or(0, |f| f.version),
                    kind: row.kind,
                    counted: row.counted,
                    ip: row.ip,
                    user_agent: row.user_agent,
                }
            })
            .collect())
    }
}

/// The log as CSV (RFC 4180), a header line first.
pub fn log_csv(rows: &[LogRow]) -> String {
    let field = crate::exports::csv_field;
    let mut out = String::from("time,buyer,product,file,version,kind,counted,ip,user_agent\r\n");
    for row in rows {
        let line = [
            row.at.to_rfc3339(),
            row.buyer.clone(),
            row.product.clone(),
            row.file.clone(),
            row.version.to_string(),
            row.kind.as_str().to_owned(),
            row.counted.to_string(),
            row.ip.clone(),
            row.user_agent.clone(),
        ]
        .iter()
        .map(|value| field(value))
        .collect::<Vec<_>>()
        .join(",");
        out.push_str(&line);
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_never_run_as_formulas() {
        let row = LogRow {
            at: DateTime::from_timestamp(0, 0).unwrap_or_default(),
            buyer: "a@example.com".into(),
            product: "Notes, \"été\"".into(),
            file: "a.pdf".into(),
            version: 2,
            kind: DeliveryKind::Download,
            counted: true,
            ip: "127.0.0.1".into(),
            user_agent: "=HYPERLINK(\"x\")".into(),
        };
        let csv = log_csv(&[row]);
        assert_eq!(
            csv,
            "time,buyer,product,file,version,kind,counted,ip,user_agent\r\n\
             1970-01-01T00:00:00+00:00,a@example.com,\"Notes, \"\"été\"\"\",a.pdf,2,download,true,127.0.0.1,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
        );
    }
}
