//! Stripe's request body: `application/x-www-form-urlencoded` pairs whose keys
//! carry the nesting (`line_items[0][price_data][currency]=usd`).

/// A request body being built, pair by pair, in order.
#[derive(Debug, Default)]
pub struct FormBody(String);

impl FormBody {
    /// Appends `key=value`, both percent-encoded.
    pub fn push(&mut self, key: &str, value: &str) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(&encode(key));
        self.0.push('=');
        self.0.push_str(&encode(value));
        self
    }

    pub fn finish(self) -> String {
        self.0
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_keys_and_any_value_survive_encoding() {
        let mut form = FormBody::default();
        form.push(
            "line_items[0][price_data][product_data][name]",
            "Ünïcode & Co = 100%",
        )
        .push("mode", "payment");
        assert_eq!(
            form.finish(),
            "line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=\
             %C3%9Cn%C3%AFcode%20%26%20Co%20%3D%20100%25&mode=payment"
        );
        assert_eq!(encode("cs_test_a1/../x"), "cs_test_a1%2F..%2Fx");
    }
}
