//! Test cards: what the hosted page does with a number, an expiry and a CVC.
//! The numbers are Stripe's own test numbers; any other number is refused as
//! Stripe refuses a real card in test mode.

use chrono_free::YearMonth;

/// What paying with a card does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `4242 4242 4242 4242` and the other always-succeeding numbers.
    Succeeds,
    /// `4000 0000 0000 0341`: this payment succeeds, later charges of the saved
    /// card fail.
    SucceedsThenFailsLater,
}

/// Why a card was refused: Stripe's `code`, `decline_code` and message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub decline_code: Option<&'static str>,
    pub message: &'static str,
}

const DECLINED: Refusal = Refusal {
    code: "card_declined",
    decline_code: Some("generic_decline"),
    message: "Your card was declined.",
};

/// The details a buyer typed, as typed.
pub struct Card<'a> {
    pub number: &'a str,
    /// `MM / YY`, `MM/YY` or `MM/YYYY`.
    pub expiry: &'a str,
    pub cvc: &'a str,
}

/// Checks the card as Stripe's test mode would, `today` being the sandbox's
/// current month.
pub fn charge(card: &Card<'_>, today: YearMonth) -> Result<Outcome, Refusal> {
    let digits: String = card
        .number
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() < 12 || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal {
            code: "invalid_number",
            decline_code: None,
            message: "Your card number is invalid.",
        });
    }
    if !luhn(&digits) {
        return Err(Refusal {
            code: "incorrect_number",
            decline_code: None,
            message: "Your card number is incorrect.",
        });
    }
    let Some(expiry) = parse_expiry(card.expiry) else {
        return Err(Refusal {
            code: "invalid_expiry_month",
            decline_code: None,
            message: "Your card's expiration date is incomplete or invalid.",
        });
    };
    if expiry < today {
        return Err(Refusal {
            code: "expired_card",
            decline_code: Some("expired_card"),
            message: "Your card has expired.",
        });
    }
    let cvc = card.cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal {
            code: "invalid_cvc",
            decline_code: None,
            message: "Your card's security code is invalid.",
        });
    }
    match digits.as_str() {
        "4242424242424242" | "4000056655665556" | "5555555555554444" | "2223003122003222"
        | "5200828282828210" | "378282246310005" | "6011111111111117" => Ok(Outcome::Succeeds),
        "4000000000000341" => Ok(Outcome::SucceedsThenFailsLater),
        "4000000000000002" => Err(DECLINED),
        "4000000000009995" => Err(Refusal {
            code: "card_declined",
            decline_code: Some("insufficient_funds"),
            message: "Your card has insufficient funds.",
        }),
        "4000000000009987" => Err(Refusal {
            code: "card_declined",
            decline_code: Some("lost_card"),
            message: "Your card was declined.",
        }),
        "4000000000000069" => Err(Refusal {
            code: "expired_card",
            decline_code: Some("expired_card"),
            message: "Your card has expired.",
        }),
        "4000000000000127" => Err(Refusal {
            code: "incorrect_cvc",
            decline_code: Some("incorrect_cvc"),
            message: "Your card's security code is incorrect.",
        }),
        _ => Err(Refusal {
            code: "card_declined",
            decline_code: Some("test_mode_live_card"),
            message: "Your card was declined. Your request was in test mode, but used a \
                      non test card. For a list of valid test cards, visit: \
                      https://stripe.com/docs/testing.",
        }),
    }
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn parse_expiry(text: &str) -> Option<YearMonth> {
    let (month, year) = text.split_once('/')?;
    let month: u32 = month.trim().parse().ok()?;
    let year = year.trim();
    let year: i32 = match year.len() {
        2 => 2000 + year.parse::<i32>().ok()?,
        4 => year.parse().ok()?,
        _ => return None,
    };
    (1..=12)
        .contains(&month)
        .then_some(YearMonth { year, month })
}

/// Calendar arithmetic the sandbox needs, without a date library.
pub mod chrono_free {
    /// A month of a year; ordered by time.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    pub struct YearMonth {
        pub year: i32,
        pub month: u32,
    }

    impl YearMonth {
        /// The month that contains the Unix time `secs` (UTC).
        pub fn of_unix(secs: i64) -> Self {
            // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
            let z = secs.div_euclid(86_400) + 719_468;
            let era = z.div_euclid(146_097);
            let doe = z - era * 146_097;
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            let mp = (5 * doy + 2) / 153;
            let month = if mp < 10 { mp + 3 } else { mp - 9 };
            let year = yoe + era * 400 + i64::from(month <= 2);
            Self {
                year: i32::try_from(year).unwrap_or(i32::MAX),
                month: u32::try_from(month).unwrap_or(1),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_2026: YearMonth = YearMonth {
        year: 2026,
        month: 11,
    };

    fn pay(number: &str, expiry: &str, cvc: &str) -> Result<Outcome, Refusal> {
        charge(
            &Card {
                number,
                expiry,
                cvc,
            },
            NOV_2026,
        )
    }

    #[test]
    fn stripes_test_numbers_have_stripes_outcomes() {
        assert_eq!(
            pay("4242 4242 4242 4242", "12 / 34", "123"),
            Ok(Outcome::Succeeds)
        );
        assert_eq!(
            pay("4000 0000 0000 0341", "12/2034", "123"),
            Ok(Outcome::SucceedsThenFailsLater)
        );
        assert_eq!(
            pay("4000000000000002", "12/34", "123").unwrap_err().code,
            "card_declined"
        );
        assert_eq!(
            pay("4000000000009995", "12/34", "123")
                .unwrap_err()
                .decline_code,
            Some("insufficient_funds")
        );
        // A real-looking number that is not a test card.
        assert_eq!(
            pay("4111 1111 1111 1111", "12/34", "123")
                .unwrap_err()
                .decline_code,
            Some("test_mode_live_card")
        );
    }

    #[test]
    fn typing_mistakes_are_named() {
        assert_eq!(
            pay("4242 4242 4242 4241", "12/34", "123").unwrap_err().code,
            "incorrect_number"
        );
        assert_eq!(
            pay("4242", "12/34", "123").unwrap_err().code,
            "invalid_number"
        );
        assert_eq!(
            pay("4242424242424242", "13/34", "123").unwrap_err().code,
            "invalid_expiry_month"
        );
        assert_eq!(
            pay("4242424242424242", "10/26", "123").unwrap_err().code,
            "expired_card"
        );
        assert_eq!(
            pay("4242424242424242", "11/26", "123"),
            Ok(Outcome::Succeeds)
        );
        assert_eq!(
            pay("4242424242424242", "12/34", "12").unwrap_err().code,
            "invalid_cvc"
        );
    }

    #[test]
    fn unix_times_fall_in_their_month() {
        assert_eq!(
            YearMonth::of_unix(0),
            YearMonth {
                year: 1970,
                month: 1
            }
        );
        // 2026-11-29T05:31:09Z
        assert_eq!(YearMonth::of_unix(1_795_930_269), NOV_2026);
        // 2024-02-29T23:59:59Z
        assert_eq!(
            YearMonth::of_unix(1_709_251_199),
            YearMonth {
                year: 2024,
                month: 2
            }
        );
    }
}
