//! The cart and checkout (anyone: an anonymous shopper's cart lives with the
//! session and joins the account's at sign-in).

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{CartView, ConfirmView, DownloadView, LibraryView, ReceiptView};

/// The shopper's cart, priced now.
#[server(prefix = "/api", endpoint = "cart", output = crate::codec::Answer)]
pub async fn cart() -> Result<CartView, AppError> {
    let (ctx, user) = crate::ssr::shopper().await?;
    let Some(owner) = crate::ssr::cart::cart_owner(user.as_ref(), false).await? else {
        return Ok(CartView {
            signed_in: user.is_some(),
            ..CartView::default()
        });
    };
    Ok(crate::ssr::cart::cart_view(
        &ctx.carts.priced(owner).await?,
        user.is_some(),
    ))
}

/// Puts a product (by slug) in the cart, at `amount` for pay-what-you-want,
/// and goes to the cart.
#[server(prefix = "/api", endpoint = "add_to_cart", output = crate::codec::Answer)]
pub async fn add_to_cart(product: String, amount: Option<String>) -> Result<(), AppError> {
    let (ctx, user) = crate::ssr::shopper().await?;
    let owner = crate::ssr::cart::cart_owner(user.as_ref(), true)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.carts.add(owner, &product, amount.as_deref()).await?;
    leptos_axum::redirect("/cart");
    Ok(())
}

/// Sets how many copies of a product the cart holds.
#[server(prefix = "/api", endpoint = "set_cart_quantity", output = crate::codec::Answer)]
pub async fn set_cart_quantity(product: String, quantity: i32) -> Result<(), AppError> {
    let (ctx, user) = crate::ssr::shopper().await?;
    let owner = crate::ssr::cart::cart_owner(user.as_ref(), false)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.carts.set_quantity(owner, &product, quantity).await?;
    leptos_axum::redirect("/cart");
    Ok(())
}

/// Takes a product out of the cart.
#[server(prefix = "/api", endpoint = "remove_from_cart", output = crate::codec::Answer)]
pub async fn remove_from_cart(product: String) -> Result<(), AppError> {
    let (ctx, user) = crate::ssr::shopper().await?;
    let owner = crate::ssr::cart::cart_owner(user.as_ref(), false)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.carts.remove(owner, &product).await?;
    leptos_axum::redirect("/cart");
    Ok(())
}

/// Applies a discount code to the cart (an empty code removes it).
#[server(prefix = "/api", endpoint = "apply_discount", output = crate::codec::Answer)]
pub async fn apply_discount(code: String) -> Result<(), AppError> {
    let (ctx, user) = crate::ssr::shopper().await?;
    let owner = crate::ssr::cart::cart_owner(user.as_ref(), true)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.carts.apply_code(owner, Some(&code)).await?;
    leptos_axum::redirect("/cart");
    Ok(())
}

/// Places the order and sends the buyer to pay (guests give an address).
#[server(prefix = "/api", endpoint = "checkout", output = crate::codec::Answer)]
pub async fn checkout(email: Option<String>) -> Result<String, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::Checkout, None)?;
    let (ctx, user) = crate::ssr::shopper().await?;
    let owner = crate::ssr::cart::cart_owner(user.as_ref(), false)
        .await?
        .ok_or(AppError::Validation("Your cart is empty.".into()))?;
    let buyer = match user {
        Some(user) => domain::orders::Buyer::Account(user),
        None => domain::orders::Buyer::Guest(email.unwrap_or_default()),
    };
    crate::ssr::cart::go_pay(ctx.orders.checkout(owner, buyer).await?).await
}

/// The success page's check of a returning buyer's payment.
#[server(prefix = "/api", endpoint = "confirm_checkout", output = crate::codec::Answer)]
pub async fn confirm_checkout(session: String) -> Result<ConfirmView, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::ConfirmCheckout, None)?;
    let ctx = crate::ssr::public()?;
    crate::ssr::cart::confirm(&ctx, &session).await
}

/// An order's receipt: for the browser that placed it, its signed-in owner
/// and admins.
#[server(prefix = "/api", endpoint = "receipt", output = crate::codec::Answer)]
pub async fn receipt(order: String) -> Result<ReceiptView, AppError> {
    let (ctx, user) = crate::ssr::shopper().await?;
    let order = crate::ssr::parse_id(&order)?;
    let receipt = crate::ssr::cart::receipt(&ctx, user.as_ref(), order).await?;
    Ok(crate::ssr::cart::receipt_view(&receipt))
}

/// What the signed-in buyer owns; with `play` (`<entitlement>.<file>`), a
/// stream link for that audio or video file.
#[server(prefix = "/api", endpoint = "library", output = crate::codec::Answer)]
pub async fn library(play: Option<String>) -> Result<LibraryView, AppError> {
    let (ctx, user) = crate::ssr::customer().await?;
    let entries = ctx.orders.library(&user).await?;
    let mut view = crate::ssr::library::library_view(&user, &entries);
    if let Some((entitlement, file)) = play.as_deref().and_then(|p| p.split_once('.')) {
        match crate::ssr::library::player(&ctx, &user, &view, entitlement, file).await {
            Ok(player) => view.player = Some(player),
            // The library still shows; the player says why it cannot play.
            Err(error) => view.player_error = Some(error.to_string()),
        }
    }
    Ok(view)
}

/// Frees one of the buyer's license activations (a machine sold or wiped).
#[server(prefix = "/api", endpoint = "deactivate_instance", output = crate::codec::Answer)]
pub async fn deactivate_instance(instance: String) -> Result<(), AppError> {
    let (ctx, user) = crate::ssr::customer().await?;
    ctx.licenses
        .deactivate_for(Some(user.id), &instance)
        .await?;
    leptos_axum::redirect("/library");
    Ok(())
}

/// Mints a download link for a file of the buyer's purchase and sends the
/// browser there (a POST, so link previews and mail scanners cannot spend
/// downloads).
#[server(prefix = "/api", endpoint = "download", output = crate::codec::Answer)]
pub async fn download(entitlement: String, file: String) -> Result<DownloadView, AppError> {
    let (ctx, user) = crate::ssr::customer().await?;
    let who = crate::ssr::library::requester(&user);
    let entitlement = crate::ssr::parse_id(&entitlement)?;
    let file = crate::ssr::parse_id(&file)?;
    let minted = ctx.delivery.mint(&who, entitlement, file).await?;
    leptos_axum::redirect(&minted.url);
    Ok(minted.into())
}
