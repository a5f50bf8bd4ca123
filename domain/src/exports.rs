//! CSV exports for admins: orders, customers and deliveries of a period,
//! streamed. Rows are read from a database cursor and sent on in chunks as
//! they come, so an export of a million rows holds a few hundred in memory,
//! never the file. Fields follow RFC 4180, and a field that a spreadsheet
//! would run as a formula is defused.

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ActiveEnum, DatabaseConnection, DbErr, QueryResult, StreamTrait};
use tokio::sync::mpsc;
use types::money::{Currency, Money};

use crate::entities::{delivery, order, user};

/// Rows per chunk sent on.
const ROWS_PER_CHUNK: usize = 500;

/// Chunks waiting for a slow client before reading stops until it catches up.
const CHUNKS_AHEAD: usize = 4;

/// What can be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Orders,
    Customers,
    Deliveries,
}

impl Export {
    /// `orders`, `customers` or `deliveries`.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "orders" => Some(Self::Orders),
            "customers" => Some(Self::Customers),
            "deliveries" => Some(Self::Deliveries),
            _ => None,
        }
    }

    fn header(self) -> &'static str {
        match self {
            Self::Orders => {
                "number,placed,paid,email,status,currency,subtotal,discount,total,refunded\r\n"
            }
            Self::Customers => "email,joined,verified,blocked\r\n",
            Self::Deliveries => "time,buyer,file,kind,counted,ip,user_agent\r\n",
        }
    }

    /// Rows made in `[from, until)`, oldest first.
    fn query(self, from: DateTime<Utc>, until: DateTime<Utc>) -> SelectStatement {
        let within = |at: Expr| at.clone().gte(from).and(at.lt(until));
        match self {
            Self::Orders => Query::select()
                .columns([
                    order::Column::Number,
                    order::Column::CreatedAt,
                    order::Column::PaidAt,
                    order::Column::Email,
                    order::Column::Status,
                    order::Column::Currency,
                    order::Column::SubtotalMinor,
                    order::Column::DiscountMinor,
                    order::Column::TotalMinor,
                    order::Column::RefundedMinor,
                ])
                .from(order::Entity)
                .and_where(within(Expr::col(order::Column::CreatedAt)))
                .order_by(order::Column::Id, Order::Asc)
                .to_owned(),
            Self::Customers => Query::select()
                .columns([
                    user::Column::Email,
                    user::Column::CreatedAt,
                    user::Column::EmailVerifiedAt,
                    user::Column::BlockedAt,
                ])
                .from(user::Entity)
                .and_where(Expr::col(user::Column::Role).eq(user::Role::Customer.to_value()))
                .and_where(within(Expr::col(user::Column::CreatedAt)))
                .order_by(user::Column::Id, Order::Asc)
                .to_owned(),
            Self::Deliveries => Query::select()
                .column((delivery::Entity, delivery::Column::CreatedAt))
                .column((user::Entity, user::Column::Email))
                .columns([
                    (delivery::Entity, delivery::Column::Filename),
                    (delivery::Entity, delivery::Column::Kind),
                    (delivery::Entity, delivery::Column::Counted),
                    (delivery::Entity, delivery::Column::Ip),
                    (delivery::Entity, delivery::Column::UserAgent),
                ])
                .from(delivery::Entity)
                .left_join(
                    user::Entity,
                    Expr::col((user::Entity, user::Column::Id))
                        .equals((delivery::Entity, delivery::Column::UserId)),
                )
                .and_where(within(Expr::col((
                    delivery::Entity,
                    delivery::Column::CreatedAt,
                ))))
                .order_by((delivery::Entity, delivery::Column::Id), Order::Asc)
                .to_owned(),
        }
    }

    /// One row as CSV fields.
    fn fields(self, row: &QueryResult) -> Result<Vec<String>, DbErr> {
        let text = |i: usize| -> Result<String, DbErr> {
            Ok(row
                .try_get_by_index::<Option<String>>(i)?
                .unwrap_or_default())
        };
        let time = |i: usize| -> Result<String, DbErr> {
            Ok(row
                .try_get_by_index::<Option<DateTime<Utc>>>(i)?
                .map(|at| at.to_rfc3339())
                .unwrap_or_default())
        };
        Ok(match self {
            Self::Orders => {
                let currency: Currency = text(5)?
                    .parse()
                    .map_err(|_| DbErr::Type("an order's currency is unknown".into()))?;
                let mut fields = vec![text(0)?, time(1)?, time(2)?, text(3)?, text(4)?];
                fields.push(currency.to_string());
                for i in 6..=9 {
                    let minor = row.try_get_by_index::<i64>(i)?;
                    fields.push(Money::new(minor, currency).amount());
                }
                fields
            }
            Self::Customers => vec![text(0)?, time(1)?, time(2)?, time(3)?],
            Self::Deliveries => vec![
                time(0)?,
                text(1)?,
                text(2)?,
                text(3)?,
                row.try_get_by_index::<bool>(4)?.to_string(),
                text(5)?,
                text(6)?,
            ],
        })
    }
}

/// A CSV field (RFC 4180); one starting with `= + - @`, a tab or a carriage
/// return gets a leading `'` so a spreadsheet shows it instead of running it.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

fn csv_line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|field| csv_field(field))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// Starts exporting `what` made in `[from, until)`: the header, then rows in
/// chunks, on the returned channel. A database error ends it with that
/// error; a client that goes away stops the reading.
pub fn export(
    db: DatabaseConnection,
    what: Export,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> mpsc::Receiver<Result<String, DbErr>> {
    let (chunks, receiver) = mpsc::channel(CHUNKS_AHEAD);
    tokio::spawn(async move {
        if let Err(err) = send_rows(&db, what, from, until, &chunks).await {
            tracing::error!(error = %err, "export failed");
            let _ = chunks.send(Err(err)).await;
        }
    });
    receiver
}

async fn send_rows(
    db: &DatabaseConnection,
    what: Export,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    chunks: &mpsc::Sender<Result<String, DbErr>>,
) -> Result<(), DbErr> {
    let mut chunk = String::from(what.header());
    let mut rows = db.stream(&what.query(from, until)).await?;
    let mut in_chunk = 0;
    while let Some(row) = rows.next().await {
        chunk.push_str(&csv_line(&what.fields(&row?)?));
        in_chunk += 1;
        if in_chunk == ROWS_PER_CHUNK {
            if chunks.send(Ok(std::mem::take(&mut chunk))).await.is_err() {
                return Ok(());
            }
            in_chunk = 0;
        }
    }
    if !chunk.is_empty() {
        let _ = chunks.send(Ok(chunk)).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_never_run_as_formulas() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("Notes, \"été\""), "\"Notes, \"\"été\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-5"), "'-5");
    }
}
