//! A small JSON reader for the store's own answers and page data, as the
//! server writes them with `serde_json`.
//!
//! It exists for the browser bundles' size. `serde_json`'s reader, and the
//! copy of its parsing inlined into every view type's deserializer, weigh
//! about a fifth of the shopper's bundle, and its error messages bring in the
//! formatting of floating-point numbers. Here the parsing is a handful of
//! functions that are not generic, each compiled once; what serde's derives
//! instantiate per type only hands their visitors what those functions read.
//!
//! It reads standard JSON (RFC 8259) but not fractions or exponents: the
//! store's views carry money in minor units and counts as integers (they
//! derive `Eq`, which no float field allows), so a number with either is
//! refused with a clear error rather than read approximately. Unknown
//! object fields are skipped, fractions and all, as `serde_json` does. Map
//! keys are read as strings only (the views' maps are keyed by text), and
//! nesting stops at 128 levels.

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Why a text could not be read as the expected value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<str>);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string().into())
    }

    // serde's own messages describe the value found with `Unexpected`'s
    // formatting, which carries a float formatter: named here instead.
    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "expected {expected}, found {}",
            kind(&unexpected)
        ))
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!(
            "invalid {}: expected {expected}",
            kind(&unexpected)
        ))
    }
}

/// What kind of value `unexpected` is, in words.
fn kind(unexpected: &de::Unexpected<'_>) -> &'static str {
    use de::Unexpected as U;
    match unexpected {
        U::Bool(_) => "boolean",
        U::Unsigned(_) | U::Signed(_) | U::Float(_) => "number",
        U::Char(_) | U::Str(_) => "string",
        U::Bytes(_) => "bytes",
        U::Unit | U::Option => "null",
        U::NewtypeStruct | U::NewtypeVariant => "value",
        U::Seq => "array",
        U::Map => "object",
        U::Enum | U::UnitVariant | U::TupleVariant | U::StructVariant => "variant",
        U::Other(_) => "value",
    }
}

/// Reads `text` as one `T`, with nothing but white space after it.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let mut reader = Reader {
        text: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = T::deserialize(&mut reader)?;
    match reader.peek() {
        None => Ok(value),
        Some(_) => Err(reader.error("text after the value")),
    }
}

/// The text and how far it has been read.
struct Reader<'de> {
    text: &'de [u8],
    at: usize,
    /// Arrays, objects and variants open around the value being read.
    depth: usize,
}

/// The deepest nesting read (as `serde_json`'s): a bound on the recursion.
const MAX_DEPTH: usize = 128;

/// A value's first byte, told apart.
enum Start {
    Object,
    Array,
    String,
    Number,
    Literal,
}

impl<'de> Reader<'de> {
    #[inline(never)]
    fn error(&self, what: &str) -> Error {
        Error(format!("invalid JSON at byte {}: {what}", self.at).into())
    }

    /// The next byte that is not white space, not consumed.
    #[inline(never)]
    fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.text.get(self.at) {
            if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// Consumes `byte` (after white space), or fails.
    #[inline(never)]
    fn expect(&mut self, byte: u8) -> Result<(), Error> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(match byte {
                b':' => "expected ':'",
                b'}' => "expected '}'",
                _ => "expected a value",
            }))
        }
    }

    #[inline(never)]
    fn start(&mut self) -> Result<Start, Error> {
        match self.peek() {
            Some(b'{') => Ok(Start::Object),
            Some(b'[') => Ok(Start::Array),
            Some(b'"') => Ok(Start::String),
            Some(b'-' | b'0'..=b'9') => Ok(Start::Number),
            Some(b't' | b'f' | b'n') => Ok(Start::Literal),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("the text ended early")),
        }
    }

    /// `true`, `false` or `null` (as `None`).
    #[inline(never)]
    fn literal(&mut self) -> Result<Option<bool>, Error> {
        for (word, value) in [
            (&b"true"[..], Some(true)),
            (b"false", Some(false)),
            (b"null", None),
        ] {
            if self.text[self.at..].starts_with(word) {
                self.at += word.len();
                return Ok(value);
            }
        }
        Err(self.error("expected a value"))
    }

    /// An integer: its magnitude and whether it is negative.
    #[inline(never)]
    fn integer(&mut self) -> Result<(u64, bool), Error> {
        let begin = self.at;
        let negative = self.text.get(self.at) == Some(&b'-');
        if negative {
            self.at += 1;
        }
        let digits = self.at;
        let mut value: u64 = 0;
        while let Some(&byte @ b'0'..=b'9') = self.text.get(self.at) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(byte - b'0')))
                .ok_or_else(|| {
                    Error(format!("invalid JSON at byte {begin}: number out of range").into())
                })?;
            self.at += 1;
        }
        let count = self.at - digits;
        if count == 0 || (count > 1 && self.text[digits] == b'0') {
            self.at = begin;
            return Err(self.error("invalid number"));
        }
        if matches!(self.text.get(self.at), Some(b'.' | b'e' | b'E')) {
            return Err(self.error("numbers with fractions are not read here"));
        }
        Ok((value, negative))
    }

    /// A string, borrowed from the text when it has no escapes.
    #[inline(never)]
    fn string(&mut self) -> Result<Cow<'de, str>, Error> {
        self.expect_quote()?;
        let text = self.text;
        let start = self.at;
        let mut owned: Option<Vec<u8>> = None;
        let mut run = start;
        loop {
            let Some(&byte) = text.get(self.at) else {
                return Err(self.error("the text ended inside a string"));
            };
            match byte {
                b'"' => {
                    let tail = &text[run..self.at];
                    self.at += 1;
                    let bytes = match owned {
                        None => Cow::Borrowed(tail),
                        Some(mut bytes) => {
                            bytes.extend_from_slice(tail);
                            Cow::Owned(bytes)
                        }
                    };
                    // The text is a `str` and escapes decode to whole
                    // characters, so this only fails on a broken escape.
                    return match bytes {
                        Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed).ok(),
                        Cow::Owned(b) => String::from_utf8(b).map(Cow::Owned).ok(),
                    }
                    .ok_or_else(|| self.error("invalid text in a string"));
                }
                b'\\' => {
                    let bytes = owned.get_or_insert_with(Vec::new);
                    bytes.extend_from_slice(&text[run..self.at]);
                    self.at += 1;
                    self.escape(bytes)?;
                    run = self.at;
                }
                0..=0x1f => return Err(self.error("control character in a string")),
                _ => self.at += 1,
            }
        }
    }

    fn expect_quote(&mut self) -> Result<(), Error> {
        if self.peek() == Some(b'"') {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error("expected a string"))
        }
    }

    /// One escape after its backslash, appended to `out` as UTF-8.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        let Some(&byte) = self.text.get(self.at) else {
            return Err(self.error("the text ended inside a string"));
        };
        self.at += 1;
        let plain = match byte {
            b'"' | b'\\' | b'/' => byte,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let first = self.hex4()?;
                let code = if (0xd800..0xdc00).contains(&first) {
                    // A surrogate pair: the low half must follow.
                    if !self.text[self.at..].starts_with(b"\\u") {
                        return Err(self.error("unpaired surrogate"));
                    }
                    self.at += 2;
                    let second = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&second) {
                        return Err(self.error("unpaired surrogate"));
                    }
                    0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
                } else {
                    first
                };
                let c = char::from_u32(code).ok_or_else(|| self.error("unpaired surrogate"))?;
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        out.push(plain);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| {
                u32::from_str_radix(d, 16)
                    .ok()
                    .filter(|_| !d.starts_with('+'))
            })
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        self.at += 4;
        Ok(digits)
    }

    /// Whether another element or member follows (consuming the comma), or
    /// the array or object ends here (consuming `close`).
    #[inline(never)]
    fn more(&mut self, close: u8, first: bool) -> Result<bool, Error> {
        match self.peek() {
            Some(byte) if byte == close => {
                self.at += 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.at += 1;
                Ok(true)
            }
            Some(_) if first => Ok(true),
            Some(_) => Err(self.error(if close == b']' {
                "expected ',' or ']'"
            } else {
                "expected ',' or '}'"
            })),
            None => Err(self.error("the text ended early")),
        }
    }

    /// Skips one value of any kind (a field the view does not have).
    #[inline(never)]
    fn skip(&mut self) -> Result<(), Error> {
        match self.start()? {
            Start::String => self.string().map(drop),
            Start::Number => self.skip_number(),
            Start::Literal => self.literal().map(drop),
            Start::Array | Start::Object => {
                let close = if self.text[self.at] == b'[' {
                    b']'
                } else {
                    b'}'
                };
                let mut items = Items::open(self)?;
                while items.next(close)? {
                    if close == b'}' {
                        items.reader.string()?;
                        items.reader.expect(b':')?;
                    }
                    items.reader.skip()?;
                }
                items.close(close)
            }
        }
    }

    /// Passes over a number of any JSON form, fractions included (in a
    /// field the view does not have, it is not read).
    fn skip_number(&mut self) -> Result<(), Error> {
        let begin = self.at;
        let digits = |reader: &mut Self| {
            let start = reader.at;
            while let Some(b'0'..=b'9') = reader.text.get(reader.at) {
                reader.at += 1;
            }
            reader.at - start
        };
        if self.text.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let whole = self.at;
        let count = digits(self);
        let mut valid = count > 0 && (count == 1 || self.text[whole] != b'0');
        if valid && self.text.get(self.at) == Some(&b'.') {
            self.at += 1;
            valid = digits(self) > 0;
        }
        if valid && matches!(self.text.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.text.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            valid = digits(self) > 0;
        }
        if !valid {
            self.at = begin;
            return Err(self.error("invalid number"));
        }
        Ok(())
    }

    /// One level deeper into arrays, objects or variants, or an error past
    /// [`MAX_DEPTH`].
    fn descend(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        Ok(())
    }
}

impl Reader<'_> {
    /// Why the value here is not what the visitor expected (not consumed).
    #[inline(never)]
    fn mismatch(&mut self, expected: &dyn de::Expected) -> Error {
        let found = match self.start() {
            Ok(Start::Object) => "object",
            Ok(Start::Array) => "array",
            Ok(Start::String) => "string",
            Ok(Start::Number) => "number",
            Ok(Start::Literal) => {
                let begin = self.at;
                let literal = self.literal();
                self.at = begin;
                match literal {
                    Ok(Some(_)) => "boolean",
                    Ok(None) => "null",
                    Err(error) => return error,
                }
            }
            Err(error) => return error,
        };
        self.error(&format!("expected {expected}, found {found}"))
    }

    /// Whether a value of kind `kind` starts here; `false` leaves it to
    /// [`Reader::mismatch`].
    #[inline(never)]
    fn is(&mut self, kind: Start) -> Result<bool, Error> {
        Ok(std::mem::discriminant(&self.start()?) == std::mem::discriminant(&kind))
    }

    /// A non-negative integer, or `None` for a negative one.
    #[inline(never)]
    fn unsigned(&mut self) -> Result<Option<u64>, Error> {
        let begin = self.at;
        match self.integer()? {
            (value, false) => Ok(Some(value)),
            _ => {
                self.at = begin;
                Ok(None)
            }
        }
    }

    /// An integer that fits an `i64`, or `None`.
    #[inline(never)]
    fn signed(&mut self) -> Result<Option<i64>, Error> {
        let begin = self.at;
        let value = match self.integer()? {
            (value, false) => i64::try_from(value).ok(),
            (value, true) => 0i64.checked_sub_unsigned(value),
        };
        if value.is_none() {
            self.at = begin;
        }
        Ok(value)
    }
}

/// Each kind of value asked for reads only that kind, so what serde compiles
/// per type holds only the visitor calls that kind can make; anything else is
/// refused by one shared function ([`Reader::mismatch`]).
impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Error;

    /// A value of any kind: for what is read without a type in mind (an
    /// internally tagged enum's buffered content).
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.start()? {
            Start::Object => self.deserialize_map(visitor),
            Start::Array => self.deserialize_seq(visitor),
            Start::String => self.deserialize_string(visitor),
            Start::Number => {
                if let Some(value) = self.unsigned()? {
                    visitor.visit_u64(value)
                } else if let Some(value) = self.signed()? {
                    visitor.visit_i64(value)
                } else {
                    Err(self.error("number out of range"))
                }
            }
            Start::Literal => match self.literal()? {
                Some(value) => visitor.visit_bool(value),
                None => visitor.visit_unit(),
            },
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let begin = self.at;
        if self.is(Start::Literal)?
            && let Some(value) = self.literal()?
        {
            return visitor.visit_bool(value);
        }
        self.at = begin;
        Err(self.mismatch(&visitor))
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is(Start::Number)?
            && let Some(value) = self.signed()?
        {
            return visitor.visit_i64(value);
        }
        Err(self.mismatch(&visitor))
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is(Start::Number)?
            && let Some(value) = self.unsigned()?
        {
            return visitor.visit_u64(value);
        }
        Err(self.mismatch(&visitor))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if !self.is(Start::String)? {
            return Err(self.mismatch(&visitor));
        }
        match self.string()? {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_string(text),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let begin = self.at;
        if self.is(Start::Literal)? && self.literal()?.is_none() {
            return visitor.visit_unit();
        }
        self.at = begin;
        Err(self.mismatch(&visitor))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if !self.is(Start::Array)? {
            return Err(self.mismatch(&visitor));
        }
        let mut items = Items::open(self)?;
        let value = visitor.visit_seq(&mut items)?;
        items.close(b']')?;
        Ok(value)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if !self.is(Start::Object)? {
            return Err(self.mismatch(&visitor));
        }
        let mut items = Items::open(self)?;
        let value = visitor.visit_map(&mut items)?;
        items.close(b'}')?;
        Ok(value)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.peek() == Some(b'n') {
            self.literal()?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// `"Variant"` for a unit variant, `{"Variant": value}` for the others
    /// (serde's external tagging, as `serde_json` writes it).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.start()? {
            Start::String => visitor.visit_enum(self.string()?.into_owned().into_deserializer()),
            Start::Object => {
                self.descend()?;
                self.at += 1;
                let value = visitor.visit_enum(Variant { reader: &mut *self })?;
                self.expect(b'}')?;
                self.depth -= 1;
                Ok(value)
            }
            _ => Err(self.mismatch(&visitor)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.skip()?;
        visitor.visit_unit()
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }
}

/// An array's elements or an object's members, read in turn.
struct Items<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
    ended: bool,
}

impl<'a, 'de> Items<'a, 'de> {
    /// After the `[` or `{` (not yet consumed).
    fn open(reader: &'a mut Reader<'de>) -> Result<Self, Error> {
        reader.descend()?;
        reader.at += 1;
        Ok(Self {
            reader,
            first: true,
            ended: false,
        })
    }

    /// Whether another element or member follows.
    fn next(&mut self, close: u8) -> Result<bool, Error> {
        let more = !self.ended && self.reader.more(close, self.first)?;
        self.first = false;
        self.ended = !more;
        Ok(more)
    }

    /// Once the visitor has what it wants: the array or object must end here
    /// (a tuple takes only its own elements).
    fn close(&mut self, close: u8) -> Result<(), Error> {
        if self.next(close)? {
            return Err(self.reader.error("more elements than expected"));
        }
        self.reader.depth -= 1;
        Ok(())
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if !self.next(b']')? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

impl<'de> de::MapAccess<'de> for Items<'_, 'de> {
    type Error = Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if !self.next(b'}')? {
            return Ok(None);
        }
        if self.reader.peek() != Some(b'"') {
            return Err(self.reader.error("expected a member's name"));
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }

    fn next_value_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        self.reader.expect(b':')?;
        seed.deserialize(&mut *self.reader)
    }
}

/// A variant written as `{"Variant": value}`, its `{` consumed.
struct Variant<'a, 'de> {
    reader: &'a mut Reader<'de>,
}

impl<'de> de::EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self), Error> {
        let name = seed.deserialize(&mut *self.reader)?;
        self.reader.expect(b':')?;
        Ok((name, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        de::Deserialize::deserialize(&mut *self.reader)
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(&mut *self.reader)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(&mut *self.reader, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(&mut *self.reader, visitor)
    }
}

#[cfg(test)]
mod tests;
