//! Money as integer minor units plus an ISO 4217 currency. Never floats.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code: three ASCII capital letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

/// Why a currency code was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("A currency is three letters, such as USD or EUR.")]
pub struct InvalidCurrency;

impl Currency {
    /// The US dollar.
    pub const USD: Self = Self(*b"USD");
    /// The euro.
    pub const EUR: Self = Self(*b"EUR");

    /// Parses a code such as `USD`; lower case is accepted and normalized.
    pub fn parse(code: &str) -> Result<Self, InvalidCurrency> {
        let bytes: [u8; 3] = code
            .trim()
            .as_bytes()
            .try_into()
            .map_err(|_| InvalidCurrency)?;
        if !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(InvalidCurrency);
        }
        Ok(Self(bytes.map(|b| b.to_ascii_uppercase())))
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// How many minor units make one major unit (JPY has none).
    pub fn exponent(&self) -> u32 {
        match self.code() {
            "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" | "XAF" | "XOF" => 0,
            "BHD" | "JOD" | "KWD" | "OMR" | "TND" => 3,
            _ => 2,
        }
    }

    /// The sign shoppers know, where there is one (`$`, `€`).
    pub fn symbol(&self) -> Option<&'static str> {
        Some(match self.code() {
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "JPY" => "¥",
            _ => return None,
        })
    }
}

impl TryFrom<String> for Currency {
    type Error = InvalidCurrency;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

/// An amount of money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    /// The amount in the currency's minor unit (cents for USD).
    pub minor: i64,
    /// The currency.
    pub currency: Currency,
}

impl Money {
    /// `minor` units of `currency`.
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }
}

/// Why an amount typed by a shopper was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAmount {
    #[error("Enter an amount, such as 5 or 5.50.")]
    NotANumber,
    #[error("Use at most {0} digits after the decimal point.")]
    TooPrecise(u32),
    #[error("That amount is too large.")]
    TooLarge,
}

impl Money {
    /// Parses an amount in major units as a shopper types it (`5`, `5.5`, `5.50`,
    /// `$5.50`) into exact minor units. Negative amounts are refused.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, InvalidAmount> {
        let trimmed = input.trim();
        let digits = match currency.symbol() {
            Some(symbol) => trimmed.strip_prefix(symbol).unwrap_or(trimmed).trim_start(),
            None => trimmed,
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction)
        {
            return Err(InvalidAmount::NotANumber);
        }
        let exponent = currency.exponent();
        if fraction.len() > exponent as usize {
            return Err(InvalidAmount::TooPrecise(exponent));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| InvalidAmount::TooLarge)?
        };
        let padded = format!("{fraction:0<width$}", width = exponent as usize);
        let fraction: i64 = if padded.is_empty() {
            0
        } else {
            padded.parse().map_err(|_| InvalidAmount::NotANumber)?
        };
        let minor = whole
            .checked_mul(10i64.pow(exponent))
            .and_then(|m| m.checked_add(fraction))
            .ok_or(InvalidAmount::TooLarge)?;
        Ok(Self { minor, currency })
    }
}

impl Money {
    /// The amount in major units without a currency sign, as a form field shows
    /// it: `12.50`, `500`, `12.500`.
    pub fn amount(&self) -> String {
        let exponent = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exponent == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(exponent);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = exponent as usize
        )
    }
}

impl fmt::Display for Money {
    /// Formats as a shopper reads it: `$12.50`, `€0.99`, `¥500`, `12.500 KWD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amount = self.amount();
        match self.currency.symbol() {
            Some(symbol) => match amount.strip_prefix('-') {
                Some(positive) => write!(f, "-{symbol}{positive}"),
                None => write!(f, "{symbol}{amount}"),
            },
            None => write!(f, "{amount} {}", self.currency.code()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_are_three_letters_and_normalized() {
        assert_eq!(Currency::parse("usd"), Ok(Currency::USD));
        assert_eq!(Currency::parse("EURO"), Err(InvalidCurrency));
        assert_eq!(Currency::parse("U$D"), Err(InvalidCurrency));
        assert_eq!(Currency::parse(""), Err(InvalidCurrency));
    }

    #[test]
    fn money_formats_with_the_currency_exponent() {
        let jpy = Currency::parse("JPY").unwrap();
        let kwd = Currency::parse("KWD").unwrap();
        let chf = Currency::parse("CHF").unwrap();
        assert_eq!(Money::new(1250, Currency::USD).to_string(), "$12.50");
        assert_eq!(Money::new(99, Currency::EUR).to_string(), "€0.99");
        assert_eq!(Money::new(500, jpy).to_string(), "¥500");
        assert_eq!(Money::new(12500, kwd).to_string(), "12.500 KWD");
        assert_eq!(Money::new(-705, chf).to_string(), "-7.05 CHF");
    }

    #[test]
    fn amounts_for_form_fields_have_no_sign() {
        assert_eq!(Money::new(1250, Currency::USD).amount(), "12.50");
        assert_eq!(Money::new(-5, Currency::EUR).amount(), "-0.05");
        assert_eq!(
            Money::new(500, Currency::parse("JPY").unwrap()).amount(),
            "500"
        );
    }

    #[test]
    fn typed_amounts_become_exact_minor_units() {
        let usd = |minor| Ok(Money::new(minor, Currency::USD));
        assert_eq!(Money::parse("5", Currency::USD), usd(500));
        assert_eq!(Money::parse(" 5.5 ", Currency::USD), usd(550));
        assert_eq!(Money::parse("$0.07", Currency::USD), usd(7));
        assert_eq!(Money::parse(".5", Currency::USD), usd(50));
        assert_eq!(
            Money::parse("500", Currency::parse("JPY").unwrap()).map(|m| m.minor),
            Ok(500)
        );
    }

    #[test]
    fn nonsense_amounts_are_refused_with_a_reason() {
        use InvalidAmount::*;
        assert_eq!(Money::parse("", Currency::USD), Err(NotANumber));
        assert_eq!(Money::parse("-5", Currency::USD), Err(NotANumber));
        assert_eq!(Money::parse("5,50", Currency::USD), Err(NotANumber));
        assert_eq!(Money::parse("1e3", Currency::USD), Err(NotANumber));
        assert_eq!(Money::parse("5.505", Currency::USD), Err(TooPrecise(2)));
        assert_eq!(
            Money::parse("5.5", Currency::parse("JPY").unwrap()),
            Err(TooPrecise(0))
        );
        assert_eq!(
            Money::parse("99999999999999999999", Currency::USD),
            Err(TooLarge)
        );
    }
}
