//! The catalog's address: search words, tag, order and page in the query
//! string, so every result page can be linked, bookmarked and used without
//! JavaScript.

/// What the shopper asked the catalog for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogQuery {
    pub q: String,
    pub tag: Option<String>,
    pub sort: String,
    pub page: u64,
}

impl CatalogQuery {
    /// The catalog URL for this query; defaults are left out.
    pub fn href(&self) -> String {
        let mut params = Vec::new();
        if !self.q.is_empty() {
            params.push(format!("q={}", encode(&self.q)));
        }
        if let Some(tag) = &self.tag {
            params.push(format!("tag={}", encode(tag)));
        }
        if !self.sort.is_empty() && self.sort != "new" {
            params.push(format!("sort={}", encode(&self.sort)));
        }
        if self.page > 1 {
            params.push(format!("page={}", self.page));
        }
        if params.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{}", params.join("&"))
        }
    }

    /// The same query with another tag (or none), from the first page.
    pub fn with_tag(&self, tag: Option<&str>) -> Self {
        Self {
            tag: tag.map(str::to_owned),
            page: 1,
            ..self.clone()
        }
    }

    /// The same query on another page.
    pub fn with_page(&self, page: u64) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters pass).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_query_is_the_plain_catalog() {
        assert_eq!(CatalogQuery::default().href(), "/");
    }

    #[test]
    fn queries_become_encoded_links() {
        let query = CatalogQuery {
            q: "rain & café".into(),
            tag: Some("audio".into()),
            sort: "price-asc".into(),
            page: 2,
        };
        assert_eq!(
            query.href(),
            "/?q=rain%20%26%20caf%C3%A9&tag=audio&sort=price-asc&page=2"
        );
        assert_eq!(
            query.with_tag(None).href(),
            "/?q=rain%20%26%20caf%C3%A9&sort=price-asc"
        );
        assert_eq!(query.with_page(3).page, 3);
    }
}
