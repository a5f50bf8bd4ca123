//! Money as integer minor units plus an ISO 4217 currency. Never floats.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A currency of the ISO 4217 list, with its number of minor-unit digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "sea-orm",
    derive(sea_orm::DeriveValueType),
    sea_orm(
        value_type = "String",
        from_str = "Currency::parse",
        to_str = "Currency::code",
        column_type = "Char(Some(3))"
    )
)]
pub struct Currency(&'static Iso4217);

/// One row of the ISO 4217 list.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Iso4217 {
    code: &'static str,
    exponent: u8,
}

/// Why a currency code was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("Choose a currency by its ISO 4217 code, such as USD or EUR.")]
pub struct InvalidCurrency;

macro_rules! iso_4217 {
    ($($code:ident $exponent:literal),+ $(,)?) => {
        /// The ISO 4217 currencies and funds in use, by code, with their
        /// minor-unit digits (precious metals, SDR-like units and the testing
        /// codes, which have no minor unit, are left out: nothing is sold in
        /// them).
        const ISO_4217: &[Iso4217] = &[
            $(Iso4217 { code: stringify!($code), exponent: $exponent }),+
        ];
    };
}

iso_4217! {
    AED 2, AFN 2, ALL 2, AMD 2, AOA 2, ARS 2, AUD 2, AWG 2, AZN 2, BAM 2, BBD 2,
    BDT 2, BGN 2, BHD 3, BIF 0, BMD 2, BND 2, BOB 2, BOV 2, BRL 2, BSD 2, BTN 2,
    BWP 2, BYN 2, BZD 2, CAD 2, CDF 2, CHE 2, CHF 2, CHW 2, CLF 4, CLP 0, CNY 2,
    COP 2, COU 2, CRC 2, CUP 2, CVE 2, CZK 2, DJF 0, DKK 2, DOP 2, DZD 2, EGP 2,
    ERN 2, ETB 2, EUR 2, FJD 2, FKP 2, GBP 2, GEL 2, GHS 2, GIP 2, GMD 2, GNF 0,
    GTQ 2, GYD 2, HKD 2, HNL 2, HTG 2, HUF 2, IDR 2, ILS 2, INR 2, IQD 3, IRR 2,
    ISK 0, JMD 2, JOD 3, JPY 0, KES 2, KGS 2, KHR 2, KMF 0, KPW 2, KRW 0, KWD 3,
    KYD 2, KZT 2, LAK 2, LBP 2, LKR 2, LRD 2, LSL 2, LYD 3, MAD 2, MDL 2, MGA 2,
    MKD 2, MMK 2, MNT 2, MOP 2, MRU 2, MUR 2, MVR 2, MWK 2, MXN 2, MXV 2, MYR 2,
    MZN 2, NAD 2, NGN 2, NIO 2, NOK 2, NPR 2, NZD 2, OMR 3, PAB 2, PEN 2, PGK 2,
    PHP 2, PKR 2, PLN 2, PYG 0, QAR 2, RON 2, RSD 2, RUB 2, RWF 0, SAR 2, SBD 2,
    SCR 2, SDG 2, SEK 2, SGD 2, SHP 2, SLE 2, SOS 2, SRD 2, SSP 2, STN 2, SVC 2,
    SYP 2, SZL 2, THB 2, TJS 2, TMT 2, TND 3, TOP 2, TRY 2, TTD 2, TWD 2, TZS 2,
    UAH 2, UGX 0, USD 2, USN 2, UYI 0, UYU 2, UYW 4, UZS 2, VED 2, VES 2, VND 0,
    VUV 0, WST 2, XAF 0, XCD 2, XCG 2, XOF 0, XPF 0, YER 2, ZAR 2, ZMW 2, ZWG 2,
}

impl Currency {
    /// The US dollar.
    pub const USD: Self = Self::known("USD");
    /// The euro.
    pub const EUR: Self = Self::known("EUR");

    /// A code of the list, at compile time.
    const fn known(code: &str) -> Self {
        let mut i = 0;
        while i < ISO_4217.len() {
            if ISO_4217[i].code.as_bytes()[0] == code.as_bytes()[0]
                && ISO_4217[i].code.as_bytes()[1] == code.as_bytes()[1]
                && ISO_4217[i].code.as_bytes()[2] == code.as_bytes()[2]
            {
                return Self(&ISO_4217[i]);
            }
            i += 1;
        }
        panic!("not an ISO 4217 code");
    }

    /// Parses a code of the ISO 4217 list such as `USD`; lower case is accepted
    /// and normalized. Codes that are three letters but no currency (`XYZ`)
    /// are refused.
    pub fn parse(code: &str) -> Result<Self, InvalidCurrency> {
        let code = code.trim().to_ascii_uppercase();
        ISO_4217
            .binary_search_by(|row| row.code.cmp(code.as_str()))
            .map(|i| Self(&ISO_4217[i]))
            .map_err(|_| InvalidCurrency)
    }

    /// Every currency of the list, by code.
    pub fn all() -> impl Iterator<Item = Self> {
        ISO_4217.iter().map(Self)
    }

    /// The three-letter code.
    pub fn code(&self) -> &'static str {
        self.0.code
    }

    /// How many digits the minor unit has: 2 for USD (cents), 0 for JPY and
    /// PYG, 3 for KWD and IQD.
    pub fn exponent(&self) -> u32 {
        u32::from(self.0.exponent)
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

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Currency {
    type Err = InvalidCurrency;
    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Self::parse(code)
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
    fn currencies_are_iso_4217_codes_normalized() {
        assert_eq!(Currency::parse("usd"), Ok(Currency::USD));
        assert_eq!(Currency::parse(" eur "), Ok(Currency::EUR));
        assert_eq!(Currency::parse("EURO"), Err(InvalidCurrency));
        assert_eq!(Currency::parse("U$D"), Err(InvalidCurrency));
        assert_eq!(Currency::parse(""), Err(InvalidCurrency));
        assert_eq!(
            Currency::parse("XYZ"),
            Err(InvalidCurrency),
            "three letters, no currency"
        );
        assert_eq!(
            Currency::parse("XAU"),
            Err(InvalidCurrency),
            "gold is not sold in"
        );
    }

    #[test]
    fn the_list_is_sorted_so_lookups_find_every_code() {
        let codes: Vec<&str> = Currency::all().map(|c| c.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for code in codes {
            assert_eq!(Currency::parse(code).map(|c| c.code()), Ok(code));
        }
    }

    #[test]
    fn minor_units_follow_iso_4217() {
        let exponent = |code| Currency::parse(code).unwrap().exponent();
        for code in [
            "PYG", "XPF", "RWF", "BIF", "DJF", "GNF", "KMF", "VUV", "JPY", "KRW",
        ] {
            assert_eq!(exponent(code), 0, "{code}");
        }
        for code in ["IQD", "LYD", "KWD", "BHD", "OMR", "JOD", "TND"] {
            assert_eq!(exponent(code), 3, "{code}");
        }
        assert_eq!(exponent("CLF"), 4);
        assert_eq!(exponent("USD"), 2);
        let pyg = Currency::parse("PYG").unwrap();
        assert_eq!(Money::parse("15000", pyg).map(|m| m.minor), Ok(15000));
        assert_eq!(
            Money::parse("150.5", pyg),
            Err(InvalidAmount::TooPrecise(0))
        );
        let iqd = Currency::parse("IQD").unwrap();
        assert_eq!(Money::new(12500, iqd).to_string(), "12.500 IQD");
    }

    #[test]
    fn currencies_travel_as_their_code() {
        assert_eq!(serde_json::to_string(&Currency::EUR).unwrap(), "\"EUR\"");
        assert_eq!(
            serde_json::from_str::<Currency>("\"jpy\"").unwrap().code(),
            "JPY"
        );
        assert!(serde_json::from_str::<Currency>("\"XYZ\"").is_err());
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
