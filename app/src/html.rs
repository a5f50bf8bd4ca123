//! Markup written by hand, for the parts of a page with nothing reactive in
//! them (see `components::product_card`): element text and double-quoted
//! attribute values, escaped so that nothing in them can end the element or
//! the attribute.

/// Pushes `text` as element content: `&`, `<` and `>` escaped.
pub fn push_text(html: &mut String, text: &str) {
    push_escaped(html, text, false);
}

/// Pushes `value` for a double-quoted attribute: `&`, `<`, `>` and `"` escaped.
pub fn push_attr(html: &mut String, value: &str) {
    push_escaped(html, value, true);
}

fn push_escaped(html: &mut String, text: &str, quotes: bool) {
    // Byte by byte, with a table lookup (a branch that is almost never
    // taken): every character escaped is ASCII, so a cut before or after one
    // is always on a character boundary.
    let mut from = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escaped = match ESCAPES[usize::from(byte)] {
            0 => continue,
            1 => "&amp;",
            2 => "&lt;",
            3 => "&gt;",
            _ if quotes => "&quot;",
            _ => continue,
        };
        html.push_str(&text[from..at]);
        html.push_str(escaped);
        from = at + 1;
    }
    html.push_str(&text[from..]);
}

/// Which escape a byte needs: none (0), `&` (1), `<` (2), `>` (3), `"` (4).
static ESCAPES: [u8; 256] = {
    let mut table = [0; 256];
    table[b'&' as usize] = 1;
    table[b'<' as usize] = 2;
    table[b'>' as usize] = 3;
    table[b'"' as usize] = 4;
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        let mut html = String::new();
        push_text(&mut html, r#"Tom & "Jerry" <b>été</b>"#);
        assert_eq!(html, r#"Tom &amp; "Jerry" &lt;b&gt;été&lt;/b&gt;"#);
        html.clear();
        push_attr(&mut html, r#"a"b&c<d>"#);
        assert_eq!(html, "a&quot;b&amp;c&lt;d&gt;");
        html.clear();
        push_attr(&mut html, "plain – text");
        assert_eq!(html, "plain – text");
    }
}
