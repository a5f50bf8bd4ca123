//! Stripe's request encoding: `application/x-www-form-urlencoded` with nested
//! keys (`line_items[0][price_data][unit_amount]=500`, `metadata[order]=…`,
//! `expand[]=line_items`), read into a JSON tree whose leaves are strings, and
//! typed accessors that answer a bad value with Stripe's error for it.

use crate::error::ApiError;
use serde_json::{Map, Value};

/// The parameters of one request: query string and body together.
#[derive(Clone, Debug, Default)]
pub struct Params(Map<String, Value>);

impl Params {
    /// Decodes `input`. A key that is both a value and a group
    /// (`a=1&a[b]=2`) is refused, as Stripe does.
    pub fn parse(inputs: &[&[u8]]) -> Result<Self, ApiError> {
        let mut root = Value::Object(Map::new());
        for input in inputs {
            for (key, value) in form_urlencoded::parse(input) {
                let path = split_key(&key)
                    .ok_or_else(|| ApiError::invalid(&key, format!("Invalid parameter: {key}")))?;
                insert(&mut root, &path, value.into_owned())
                    .map_err(|()| ApiError::invalid(&key, format!("Invalid parameter: {key}")))?;
            }
        }
        match lists_from_indices(root) {
            Value::Object(map) => Ok(Self(map)),
            _ => Ok(Self::default()),
        }
    }

    /// The value at a top-level name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }

    /// Refuses any top-level name not in `known`, with Stripe's message.
    pub fn refuse_unknown(&self, known: &[&str]) -> Result<(), ApiError> {
        match self.0.keys().find(|key| !known.contains(&key.as_str())) {
            Some(key) => Err(ApiError::invalid(
                key,
                format!("Received unknown parameter: {key}"),
            )),
            None => Ok(()),
        }
    }

    /// The names listed in `expand[]`.
    pub fn expand(&self) -> Vec<String> {
        match self.0.get("expand") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        }
    }

    /// A sub-tree as parameters of its own (`line_items[0]`), named for errors.
    pub fn group(value: &Value) -> Option<Params> {
        value.as_object().map(|map| Self(map.clone()))
    }

    pub fn str(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(ApiError::invalid(
                name,
                format!("Invalid string: {name} must be a string"),
            )),
        }
    }

    pub fn required_str(&self, name: &str, shown_as: &str) -> Result<&str, ApiError> {
        self.str(name)?.ok_or_else(|| ApiError::missing(shown_as))
    }

    /// An integer parameter (Stripe sends every number as text).
    pub fn int(&self, name: &str, shown_as: &str) -> Result<Option<i64>, ApiError> {
        match self.str(name)? {
            None => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                ApiError::invalid_code(
                    shown_as,
                    "parameter_invalid_integer",
                    format!("Invalid integer: {text}"),
                )
            }),
        }
    }

    /// `metadata[…]`: string keys to string values.
    pub fn metadata(&self, name: &str) -> Result<Value, ApiError> {
        match self.0.get(name) {
            None => Ok(Value::Object(Map::new())),
            Some(Value::Object(map)) if map.values().all(Value::is_string) => {
                Ok(Value::Object(map.clone()))
            }
            Some(Value::String(text)) if text.is_empty() => Ok(Value::Object(Map::new())),
            Some(_) => Err(ApiError::invalid(
                name,
                format!("Invalid {name}: expected a hash of strings"),
            )),
        }
    }
}

/// `a[b][0][]` → `["a", "b", "0", ""]`; `None` for unbalanced brackets.
fn split_key(key: &str) -> Option<Vec<String>> {
    let (base, mut rest) = match key.find('[') {
        Some(at) => (&key[..at], &key[at..]),
        None => (key, ""),
    };
    if base.is_empty() {
        return None;
    }
    let mut path = vec![base.to_owned()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        path.push(inner[..close].to_owned());
        rest = &inner[close + 1..];
    }
    Some(path)
}

/// Puts `value` at `path`; `[]` appends. Lists stay objects keyed by index
/// until [`lists_from_indices`].
fn insert(node: &mut Value, path: &[String], value: String) -> Result<(), ()> {
    let Value::Object(map) = node else {
        return Err(());
    };
    let (head, rest) = path.split_first().ok_or(())?;
    let key = if head.is_empty() {
        // `expand[]=a&expand[]=b`: the next free index.
        (0..)
            .map(|i: usize| i.to_string())
            .find(|i| !map.contains_key(i))
            .ok_or(())?
    } else {
        head.clone()
    };
    if rest.is_empty() {
        if map.contains_key(&key) {
            return Err(());
        }
        map.insert(key, Value::String(value));
        return Ok(());
    }
    let child = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    insert(child, rest, value)
}

/// Objects whose keys are all indices (`0`, `1`, …) become arrays in index
/// order.
fn lists_from_indices(node: Value) -> Value {
    match node {
        Value::Object(map) => {
            let indexed = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
            let map = map.into_iter().map(|(k, v)| (k, lists_from_indices(v)));
            if indexed {
                let mut items: Vec<(usize, Value)> = map
                    .map(|(k, v)| (k.parse().unwrap_or(usize::MAX), v))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(map.collect())
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(input: &str) -> Value {
        Value::Object(Params::parse(&[input.as_bytes()]).unwrap().0)
    }

    #[test]
    fn nested_keys_become_objects_and_indexed_lists() {
        let params = parse(
            "mode=payment&line_items[1][quantity]=2&line_items[0][price_data][unit_amount]=500\
             &line_items[0][price_data][product_data][name]=Field+Notes&line_items[1][price]=p\
             &metadata[order]=o_1&expand[]=line_items&expand[]=payment_intent",
        );
        assert_eq!(
            params,
            json!({
                "mode": "payment",
                "line_items": [
                    {"price_data": {"unit_amount": "500", "product_data": {"name": "Field Notes"}}},
                    {"quantity": "2", "price": "p"},
                ],
                "metadata": {"order": "o_1"},
                "expand": ["line_items", "payment_intent"],
            })
        );
    }

    #[test]
    fn indices_order_lists_even_past_nine() {
        let input: String = (0..12)
            .rev()
            .map(|i| format!("expand[{i}]=e{i}&"))
            .collect();
        let expand = Params::parse(&[input.as_bytes()]).unwrap().expand();
        assert_eq!(expand.first().map(String::as_str), Some("e0"));
        assert_eq!(expand.last().map(String::as_str), Some("e11"));
    }

    #[test]
    fn a_key_both_value_and_group_is_refused() {
        let err = Params::parse(&[b"a=1&a[b]=2"]).unwrap_err();
        assert!(err.to_string().contains("Invalid parameter"), "{err}");
        assert!(Params::parse(&[b"a[b=1"]).is_err());
        assert!(Params::parse(&[b"[x]=1"]).is_err());
    }

    #[test]
    fn integers_and_unknown_names_get_stripes_errors() {
        let params = Params::parse(&[b"amount=12x&mode=payment"]).unwrap();
        let err = params.int("amount", "amount").unwrap_err();
        assert_eq!(err.code(), Some("parameter_invalid_integer"));
        let err = params.refuse_unknown(&["mode"]).unwrap_err();
        assert_eq!(err.to_string(), "Received unknown parameter: amount");
        assert_eq!(params.required_str("mode", "mode").unwrap(), "payment");
        assert_eq!(
            params
                .required_str("currency", "currency")
                .unwrap_err()
                .code(),
            Some("parameter_missing")
        );
    }
}
