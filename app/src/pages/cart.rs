//! `/cart`: the products chosen, quantities, a discount code, the total, and
//! checkout. Every control is a plain form posting to its server function, so
//! the page works the same with and without JavaScript; checkout leaves for
//! the payment provider's page.

use crate::components::head::Title;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::{AddToCart, ApplyDiscount, Checkout, RemoveFromCart, SetCartQuantity, cart};
use crate::components::error_notice::ErrorNotice;
use crate::components::form_error::FormError;
use crate::forms::typed;
use crate::views::{CartLineView, CartView};

/// Why the plain form posting to server function `A` was just refused.
fn refusal<A: ServerFn>() -> Signal<Option<crate::error::AppError>> {
    let error = crate::forms::refused(A::PATH).map(crate::error::AppError::Validation);
    Signal::stored(error)
}

#[component]
pub fn CartPage() -> impl IntoView {
    let cart = crate::codec::resource(|| (), |()| cart());
    let errors = [
        refusal::<SetCartQuantity>(),
        refusal::<RemoveFromCart>(),
        refusal::<AddToCart>(),
    ];
    let line_error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    view! {
        <Title text="Cart"/>
        <div class="container">
            <h1 class="page-title">"Your cart"</h1>
            <FormError error=line_error/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match cart.await {
                        Ok(cart) if cart.lines.is_empty() => view! {
                            <p>"Your cart is empty. " <a href="/">"Browse the catalog"</a></p>
                        }.into_any(),
                        Ok(cart) => view! { <CartDetails cart/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn CartDetails(cart: CartView) -> impl IntoView {
    let code_error = refusal::<ApplyDiscount>();
    let checkout_error = refusal::<Checkout>();
    let blocked = !cart.problems.is_empty();
    let (apply, pay) = (
        <ApplyDiscount as ServerFn>::PATH,
        <Checkout as ServerFn>::PATH,
    );
    view! {
        <table class="cart">
            <thead>
                <tr><th scope="col">"Product"</th><th scope="col">"Price"</th><th scope="col">"Quantity"</th><th scope="col" class="num">"Amount"</th><th scope="col"><span class="visually-hidden">"Remove"</span></th></tr>
            </thead>
            <tbody>
                {cart.lines.into_iter().map(|line| view! { <Line line/> }).collect_view()}
            </tbody>
            <tfoot>
                {cart.discount.map(|discount| view! {
                    <tr><th scope="row" colspan="3">"Subtotal"</th><td class="num">{cart.subtotal.clone()}</td><td></td></tr>
                    <tr><th scope="row" colspan="3">"Discount " {cart.code.clone()}</th><td class="num">{discount}</td><td></td></tr>
                })}
                <tr class="cart__total"><th scope="row" colspan="3">"Total"</th><td class="num">{cart.total}</td><td></td></tr>
            </tfoot>
        </table>
        {cart.problems.into_iter().map(|problem| view! { <p class="form__error" role="alert">{problem}</p> }).collect_view()}
        <form class="form form--inline" method="post" action=apply>
            <label for="code">"Discount code"</label>
            <input id="code" name="code" autocomplete="off" value=cart.code.clone().or_else(|| typed(apply, "code"))/>
            <button class="button button--quiet" type="submit">"Apply"</button>
        </form>
        {cart.code_problem.map(|problem| view! { <p class="form__error" role="alert">{problem}</p> })}
        <FormError error=code_error/>
        <form class="form checkout" method="post" action=pay>
            {(!cart.signed_in).then(|| view! {
                <label for="email">"Email for your receipt"</label>
                <input id="email" name="email" type="email" autocomplete="email" required value=typed(pay, "email")/>
                <p class="form__hint">"Your purchases will wait in a library you open with a link mailed to this address. Have an account? " <a href="/account/sign-in" rel="external">"Sign in"</a></p>
            })}
            <FormError error=checkout_error/>
            <button class="button" type="submit" disabled=blocked>"Check out"</button>
        </form>
    }
}

#[component]
fn Line(line: CartLineView) -> impl IntoView {
    let CartLineView {
        slug,
        title,
        unit,
        quantity,
        one_only,
        total,
        problem,
    } = line;
    let (set, remove) = (
        <SetCartQuantity as ServerFn>::PATH,
        <RemoveFromCart as ServerFn>::PATH,
    );
    view! {
        <tr>
            <td>
                <a href=format!("/products/{slug}")>{title.clone()}</a>
                {problem.map(|problem| view! { <p class="form__error">{problem}</p> })}
            </td>
            <td>{unit}</td>
            <td>
                {if one_only {
                    view! { <span title="One license per purchase">"1"</span> }.into_any()
                } else {
                    view! {
                        <form class="form--inline" method="post" action=set>
                            <input type="hidden" name="product" value=slug.clone()/>
                            <label class="visually-hidden" for=format!("qty-{slug}")>{format!("Quantity of {title}")}</label>
                            <input id=format!("qty-{slug}") class="cart__quantity" name="quantity" type="number" min="1" max="10" value=quantity/>
                            <button class="button button--quiet" type="submit">"Update"</button>
                        </form>
                    }.into_any()
                }}
            </td>
            <td class="num">{total}</td>
            <td>
                <form method="post" action=remove>
                    <input type="hidden" name="product" value=slug/>
                    <button class="button button--quiet" type="submit" aria-label=format!("Remove {title}")>"Remove"</button>
                </form>
            </td>
        </tr>
    }
}
