//! The reader reads what `serde_json` writes, value for value, and refuses
//! what is not JSON (or is a fraction) with a message saying where and why.

use super::from_str;
use crate::error::AppError;
use crate::views::{
    CatalogPageView, Currency, FieldErrorView, FileView, ImageView, PriceMinimum, PriceView,
    ProductCardView, ProductKind, ProductPageView, UserView,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Debug;

/// Written by `serde_json`, read back by the store's reader: the same value.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let text = serde_json::to_string(value).unwrap();
    assert_eq!(&from_str::<T>(&text).unwrap(), value, "{text}");
    let pretty = serde_json::to_string_pretty(value).unwrap();
    assert_eq!(&from_str::<T>(&pretty).unwrap(), value, "{pretty}");
}

fn refusal<T: DeserializeOwned + Debug>(text: &str) -> String {
    from_str::<T>(text).unwrap_err().to_string()
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Shape {
    Unit,
    Newtype(String),
    Pair(i32, u8),
    Fields { name: String, size: Option<u64> },
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Tagged {
    Grant { downloads: u32 },
    Revoke,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Everything {
    text: String,
    none: Option<String>,
    some: Option<Option<bool>>,
    big: u64,
    small: i64,
    negative: i32,
    flags: Vec<bool>,
    shapes: Vec<Shape>,
    tagged: Vec<Tagged>,
    named: BTreeMap<String, Vec<u16>>,
    unit: (),
    nested: Vec<Vec<Option<u8>>>,
    letter: char,
}

#[test]
fn every_kind_of_value_reads_back_as_serde_json_wrote_it() {
    round_trip(&Everything {
        text: "Notes – \"été\" 2026\\ \n\t\u{1}\u{1f} 🎵 </script>".into(),
        none: None,
        some: Some(Some(false)),
        big: u64::MAX,
        small: i64::MIN,
        negative: -42,
        flags: vec![true, false],
        shapes: vec![
            Shape::Unit,
            Shape::Newtype("x".into()),
            Shape::Pair(-1, 255),
            Shape::Fields {
                name: "cover.jpg".into(),
                size: Some(0),
            },
            Shape::Fields {
                name: String::new(),
                size: None,
            },
        ],
        tagged: vec![Tagged::Grant { downloads: 3 }, Tagged::Revoke],
        named: BTreeMap::from([("a b".into(), vec![1, 2]), ("".into(), vec![])]),
        unit: (),
        nested: vec![vec![], vec![None, Some(7)]],
        letter: 'é',
    });
}

#[test]
fn the_views_a_shopper_is_sent_read_back_whole() {
    let card = ProductCardView {
        slug: "night-rain".into(),
        title: "Night \"Rain\" – été".into(),
        summary: "Rain on a tin roof.\nTwo hours.".into(),
        kind: ProductKind::Download,
        price: PriceView {
            minor: 400,
            currency: Currency::EUR,
            label: "€4.00".into(),
            minimum: Some(PriceMinimum {
                minor: 100,
                label: "€1.00".into(),
            }),
            period: None,
        },
        cover: Some(ImageView {
            url: "http://127.0.0.1:3000/s3/covers/a.webp?X-Amz-Signature=ab%2F".into(),
            srcset: "a 320w, b 640w".into(),
            alt: "".into(),
            width: 640,
            height: -1,
        }),
        tags: vec!["audio".into()],
    };
    round_trip(&CatalogPageView {
        products: vec![card.clone(), card.clone()],
        total: 13,
        page: 2,
        pages: 2,
        tags: vec!["audio".into(), "e-book".into()],
    });
    round_trip(&ProductPageView {
        card,
        description_html: "<p>It&#39;s <em>here</em></p>".into(),
        images: vec![],
        files: vec![FileView {
            name: "Notes – \"été\" 2026.pdf".into(),
            format: "PDF".into(),
            size: "1.3 MB".into(),
        }],
        terms: vec!["5 downloads per file".into()],
    });
    round_trip(&Ok::<_, AppError>(Some(UserView {
        email: "ada@example.com".into(),
        is_admin: false,
        has_password: true,
        verified: false,
    })));
    round_trip(&Ok::<Option<UserView>, AppError>(None));
}

#[test]
fn every_refusal_reads_back_whole() {
    for error in [
        AppError::NotFound,
        AppError::Unauthorized,
        AppError::Forbidden,
        AppError::Validation("Too \"long\"".into()),
        AppError::InvalidFields(vec![FieldErrorView {
            field: "email".into(),
            message: "Enter an address.".into(),
        }]),
        AppError::Conflict("Taken".into()),
        AppError::Internal {
            request_id: "0199-ab".into(),
        },
        AppError::TooManyRequests {
            retry_after_secs: 900,
        },
        AppError::Network,
        AppError::Unavailable("Payments are down".into()),
    ] {
        round_trip(&error);
        round_trip(&Err::<UserView, _>(error));
    }
}

#[test]
fn escapes_become_the_characters_they_name() {
    let text = r#""\"\\\/\b\f\n\r\t\u00e9\u00E9\ud83c\udfb5\u0000""#;
    assert_eq!(
        from_str::<String>(text).unwrap(),
        "\"\\/\u{8}\u{c}\n\r\téé🎵\u{0}"
    );
}

/// Strings of every sort of character, drawn from a fixed sequence: what
/// `serde_json` writes of each reads back the same, and so do the escapes
/// of the characters JSON lets a writer escape.
#[test]
fn any_string_reads_back_the_same() {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let pools: [&[u32]; 5] = [
        &[
            0x22, 0x5c, 0x2f, 0x08, 0x0c, 0x0a, 0x0d, 0x09, 0x00, 0x1f, 0x7f,
        ],
        &[0x20, 0x7e],
        &[0xa0, 0x7ff],
        &[0x800, 0xfffd],
        &[0x1_0000, 0x10_ffff],
    ];
    for _ in 0..2_000 {
        let length = next() % 24;
        let text: String = (0..length)
            .filter_map(|_| {
                let pool = pools[(next() % 5) as usize];
                let code = if pool.len() == 2 {
                    pool[0] + (next() % u64::from(pool[1] - pool[0] + 1)) as u32
                } else {
                    pool[(next() % pool.len() as u64) as usize]
                };
                char::from_u32(code)
            })
            .collect();
        round_trip(&text);
        let escaped: String = text
            .encode_utf16()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect();
        assert_eq!(from_str::<String>(&format!("\"{escaped}\"")).unwrap(), text);
    }
}

#[test]
fn fields_a_view_does_not_have_are_skipped() {
    let text = r#"{"extra": {"deep": [1, {"x": "y"}, [], null, true]}, "field": "email",
        "more": -5, "ratio": -0.25e+3, "message": "Enter an address.", "last": "\"}"}"#;
    assert_eq!(
        from_str::<FieldErrorView>(text).unwrap(),
        FieldErrorView {
            field: "email".into(),
            message: "Enter an address.".into(),
        }
    );
}

#[test]
fn what_is_not_json_is_refused_with_where_and_why() {
    let numbers = [
        (
            "1.5",
            "invalid JSON at byte 1: numbers with fractions are not read here",
        ),
        (
            "2e3",
            "invalid JSON at byte 1: numbers with fractions are not read here",
        ),
        ("01", "invalid JSON at byte 0: invalid number"),
        ("-", "invalid JSON at byte 0: invalid number"),
        (
            "18446744073709551616",
            "invalid JSON at byte 0: number out of range",
        ),
        ("", "invalid JSON at byte 0: the text ended early"),
        ("nul", "invalid JSON at byte 0: expected a value"),
        ("null", "invalid JSON at byte 0: expected u64, found null"),
        (
            "\"1\"",
            "invalid JSON at byte 0: expected u64, found string",
        ),
        ("-1", "invalid JSON at byte 0: expected u64, found number"),
        ("256", "expected u8"),
    ];
    for (text, message) in numbers {
        let refused = if message == "expected u8" {
            refusal::<u8>(text)
        } else {
            refusal::<u64>(text)
        };
        assert!(refused.contains(message), "{text}: {refused}");
    }
    let arrays = [
        ("[1,]", "invalid JSON at byte 3: expected a value"),
        ("[,1]", "invalid JSON at byte 1: expected a value"),
        ("[1 2]", "invalid JSON at byte 3: expected ',' or ']'"),
        ("[1", "invalid JSON at byte 2: the text ended early"),
        ("[1] x", "invalid JSON at byte 4: text after the value"),
        ("[tru]", "invalid JSON at byte 1: expected a value"),
        (
            "{}",
            "invalid JSON at byte 0: expected a sequence, found object",
        ),
    ];
    for (text, message) in arrays {
        let refused = refusal::<Vec<u64>>(text);
        assert!(refused.contains(message), "{text}: {refused}");
    }
    assert!(refusal::<(u8, u8)>("[1, 2, 3]").contains("more elements than expected"));
    let literals = [
        (
            "null",
            "invalid JSON at byte 0: expected a boolean, found null",
        ),
        (
            "\"true\"",
            "invalid JSON at byte 0: expected a boolean, found string",
        ),
        (
            "  1",
            "invalid JSON at byte 2: expected a boolean, found number",
        ),
    ];
    for (text, message) in literals {
        let refused = refusal::<bool>(text);
        assert!(refused.contains(message), "{text}: {refused}");
    }
    assert!(refusal::<()>("true").contains("invalid JSON at byte 0: expected unit, found boolean"));
    let strings = [
        ("\"abc", "the text ended inside a string"),
        ("\"a\u{1}\"", "control character in a string"),
        (r#""\x""#, "invalid escape"),
        (r#""\u12""#, "invalid \\u escape"),
        (r#""\u+123""#, "invalid \\u escape"),
        (r#""\ud83c""#, "unpaired surrogate"),
        (r#""\ud83c\u0041""#, "unpaired surrogate"),
        (r#""\udfb5""#, "unpaired surrogate"),
    ];
    for (text, message) in strings {
        let refused = refusal::<String>(text);
        assert!(refused.contains(message), "{text}: {refused}");
    }
    let objects = [
        (r#"{"field" "x"}"#, "expected ':'"),
        (r#"{"field": "x",}"#, "expected a member's name"),
        (r#"{"field": "x" "message": "y"}"#, "expected ',' or '}'"),
        (r#"{"field": "x"}"#, "missing field `message`"),
        (
            r#"{"field": 1, "message": "y"}"#,
            "expected a string, found number",
        ),
        (
            r#"{"field": null, "message": "y"}"#,
            "expected a string, found null",
        ),
    ];
    for (text, message) in objects {
        let refused = refusal::<FieldErrorView>(text);
        assert!(refused.contains(message), "{text}: {refused}");
    }
    assert!(
        refusal::<FieldErrorView>(r#"{"field": "x", "message": 2}"#)
            .contains("invalid JSON at byte 26: expected a string, found number")
    );
    assert!(refusal::<String>(r#""ok\q""#).contains("invalid JSON at byte 5: invalid escape"));
    assert!(refusal::<AppError>(r#""Gone""#).contains("unknown variant `Gone`"));
    assert!(refusal::<AppError>(r#"{"Validation": "a", "x": 1}"#).contains("expected '}'"));
}

#[test]
fn a_fraction_in_a_skipped_field_must_still_be_a_number() {
    for bad in ["1.", "-", "01", "1e", "1.5e+"] {
        let text = format!(r#"{{"field": "x", "message": "y", "extra": {bad}}}"#);
        let refused = refusal::<FieldErrorView>(&text);
        assert!(refused.contains("invalid number"), "{text}: {refused}");
    }
}

#[test]
fn nesting_stops_at_128_levels() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // 127 arrays around an unknown field's value, inside the view's object.
    let skipped = format!(
        r#"{{"field": "x", "message": "y", "extra": {}}}"#,
        nested(127)
    );
    assert!(from_str::<FieldErrorView>(&skipped).is_ok());
    let deeper = format!(
        r#"{{"field": "x", "message": "y", "extra": {}}}"#,
        nested(128)
    );
    assert!(refusal::<FieldErrorView>(&deeper).contains("nested too deeply"));
    let deep = nested(100_000);
    assert!(refusal::<serde::de::IgnoredAny>(&deep).contains("nested too deeply"));
    assert!(refusal::<serde_json::Value>(&deep).contains("nested too deeply"));
}
