//! `Content-Disposition` values (RFC 6266, with RFC 8187 for names that are
//! not plain ASCII), so a file name with spaces, quotes or any script survives
//! every header it is written into and never breaks out of it.

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`:
/// the browser saves the file under `filename` rather than showing it.
pub fn attachment(filename: &str) -> String {
    disposition("attachment", filename)
}

/// `inline; filename=…`: the browser shows or plays the file in place.
pub fn inline(filename: &str) -> String {
    disposition("inline", filename)
}

fn disposition(kind: &str, filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        percent_encode(filename)
    )
}

/// RFC 8187 `value-chars`: `attr-char`s as they are, every other byte of the
/// UTF-8 encoding as `%XX`.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        let attr_char = byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte);
        if attr_char {
            out.push(char::from(byte));
        } else {
            super::presign::push_escaped(&mut out, byte);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_read_the_same_both_ways() {
        assert_eq!(
            attachment("guide.pdf"),
            "attachment; filename=\"guide.pdf\"; filename*=UTF-8''guide.pdf"
        );
    }

    #[test]
    fn spaces_quotes_and_other_scripts_are_encoded() {
        assert_eq!(
            attachment("naïve \"résumé\" 2.pdf"),
            "attachment; filename=\"na_ve _r_sum__ 2.pdf\"; \
             filename*=UTF-8''na%C3%AFve%20%22r%C3%A9sum%C3%A9%22%202.pdf"
        );
        assert_eq!(
            attachment("雨.wav"),
            "attachment; filename=\"_.wav\"; filename*=UTF-8''%E9%9B%A8.wav"
        );
    }

    #[test]
    fn nothing_can_end_the_header_or_the_quoted_name() {
        let value = attachment("a\r\nSet-Cookie: x=1\\\".pdf");
        assert!(!value.contains('\r') && !value.contains('\n'));
        let quoted = value.split('"').nth(1).unwrap();
        assert!(!quoted.contains('\\'));
        assert_eq!(value.matches('"').count(), 2);
    }
}
