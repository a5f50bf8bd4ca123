//! What a shopper asks the catalog for: words to find, a tag, an order and a
//! page; and the SQL conditions that answer it on SQLite and PostgreSQL alike.

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{ColumnTrait, Condition};

use crate::db::{escape_like, like};
use crate::entities::product::{self, ProductStatus};

/// Products per catalog page.
pub const PAGE_SIZE: u64 = 12;

/// The order of results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Newest first.
    #[default]
    Newest,
    /// Cheapest first (by amount, whatever the currency).
    PriceLowHigh,
    /// Dearest first.
    PriceHighLow,
}

impl Sort {
    /// `new`, `price-asc` or `price-desc`; anything else is the default.
    pub fn parse(value: &str) -> Self {
        match value {
            "price-asc" => Self::PriceLowHigh,
            "price-desc" => Self::PriceHighLow,
            _ => Self::Newest,
        }
    }

    /// The URL value of this order.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Newest => "new",
            Self::PriceLowHigh => "price-asc",
            Self::PriceHighLow => "price-desc",
        }
    }
}

/// A catalog search. Empty text and no tag list everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct SearchQuery {
    /// Words to find in the title, summary or description (case-insensitive).
    pub text: String,
    /// Only products with this tag.
    pub tag: Option<String>,
    pub sort: Sort,
    /// 1-based.
    pub page: u64,
}

impl SearchQuery {
    /// Normalizes what came from a URL: trimmed text (at most 100 characters), a
    /// lower-case tag, a page of at least 1.
    pub fn new(text: &str, tag: Option<&str>, sort: &str, page: u64) -> Self {
        Self {
            text: text.trim().chars().take(100).collect(),
            tag: tag
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty()),
            sort: Sort::parse(sort),
            page: Ord::max(page, 1),
        }
    }
}

/// The WHERE clause for `query`: published products matching every part.
pub(super) fn condition(query: &SearchQuery) -> Condition {
    let mut condition = Condition::all().add(product::Column::Status.eq(ProductStatus::Published));
    if !query.text.is_empty() {
        let pattern = format!("%{}%", escape_like(&query.text.to_lowercase()));
        let lower = |column: product::Column| Expr::expr(Func::lower(Expr::col(column)));
        condition = condition.add(
            Condition::any()
                .add(lower(product::Column::Title).like(like(pattern.clone())))
                .add(lower(product::Column::Summary).like(like(pattern.clone())))
                .add(lower(product::Column::Description).like(like(pattern))),
        );
    }
    if let Some(tag) = &query.tag {
        // Tags are stored comma-separated: match the tag as a whole item.
        let tag = escape_like(tag);
        let tags = || Expr::col(product::Column::Tags);
        condition = condition.add(
            Condition::any()
                .add(tags().like(like(tag.clone())))
                .add(tags().like(like(format!("{tag},%"))))
                .add(tags().like(like(format!("%,{tag}"))))
                .add(tags().like(like(format!("%,{tag},%")))),
        );
    }
    condition
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_from_urls_are_normalized() {
        let query = SearchQuery::new("  rain  ", Some(" Audio "), "price-desc", 0);
        assert_eq!(query.text, "rain");
        assert_eq!(query.tag.as_deref(), Some("audio"));
        assert_eq!(query.sort, Sort::PriceHighLow);
        assert_eq!(query.page, 1);
        assert_eq!(SearchQuery::new("", Some(""), "nonsense", 3).tag, None);
        assert_eq!(
            SearchQuery::new("x".repeat(500).as_str(), None, "", 1)
                .text
                .len(),
            100
        );
    }

    #[test]
    fn like_wildcards_in_search_text_are_literal() {
        assert_eq!(escape_like("50%_off!"), "50!%!_off!!");
    }
}
