//! The pay-what-you-want price field: the buyer types an amount and sees at once
//! what they will pay, or why the amount is not accepted. It needs the hydrated
//! bundle; without JavaScript the suggested price and the minimum still show.

use leptos::prelude::*;
use types::money::{Currency, Money};

use crate::views::PriceView;

/// What the buyer will pay for `input`, or why it is refused.
pub fn quote(input: &str, currency: Currency, minimum_minor: i64) -> Result<Money, String> {
    let amount = Money::parse(input, currency).map_err(|err| err.to_string())?;
    if amount.minor < minimum_minor {
        return Err(format!(
            "The minimum is {}.",
            Money::new(minimum_minor, currency)
        ));
    }
    Ok(amount)
}

/// An amount field seeded with the suggested price, with a live total.
#[component]
pub fn PayWhatYouWant(
    price: PriceView,
    minimum_minor: i64,
    minimum_label: String,
) -> impl IntoView {
    let currency = price.currency;
    let suggested = Money::new(price.minor, currency);
    let initial = suggested
        .to_string()
        .trim_start_matches(currency.symbol().unwrap_or_default())
        .trim_end_matches(currency.code())
        .trim()
        .to_owned();
    let (amount, set_amount) = signal(initial.clone());
    let quote = move || quote(&amount.get(), currency, minimum_minor);
    view! {
        <div class="pwyw">
            <label for="pwyw-amount" class="pwyw__label">
                {format!("Name your price ({})", currency.code())}
            </label>
            <input
                id="pwyw-amount"
                name="amount"
                class="pwyw__input"
                type="text"
                inputmode="decimal"
                autocomplete="off"
                aria-describedby="pwyw-quote pwyw-minimum"
                value=initial
                on:input=move |ev| set_amount.set(event_target_value(&ev))
            />
            <p id="pwyw-minimum" class="pwyw__minimum">{format!("Minimum {minimum_label}")}</p>
            <p
                id="pwyw-quote"
                class="pwyw__quote"
                class:pwyw__quote--invalid=move || quote().is_err()
                aria-live="polite"
            >
                {move || match quote() {
                    Ok(amount) => format!("You pay {amount}"),
                    Err(reason) => reason,
                }}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_is_the_typed_amount_when_it_meets_the_minimum() {
        assert_eq!(
            quote("7.5", Currency::USD, 200),
            Ok(Money::new(750, Currency::USD))
        );
        assert_eq!(
            quote("2", Currency::USD, 200),
            Ok(Money::new(200, Currency::USD))
        );
    }

    #[test]
    fn a_quote_below_the_minimum_or_unreadable_says_why() {
        assert_eq!(
            quote("1.99", Currency::USD, 200),
            Err("The minimum is $2.00.".to_owned())
        );
        assert_eq!(
            quote("lots", Currency::USD, 200),
            Err("Enter an amount, such as 5 or 5.50.".to_owned())
        );
    }
}
