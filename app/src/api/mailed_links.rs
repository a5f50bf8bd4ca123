//! Links sent by mail: ask for a sign-in link or a password reset, spend one,
//! confirm an address; and, before a link's button is pressed, whose account
//! it is for.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{MailedLink, UserView};

/// Mails a one-time sign-in link. The answer is the same whether or not the
/// address has an account.
#[server(prefix = "/api", endpoint = "request_magic_link", output = crate::codec::Answer)]
pub async fn request_magic_link(email: String) -> Result<(), AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::MagicLinkRequest, Some(&email))?;
    crate::ssr::public()?
        .accounts
        .send_magic_link(&email)
        .await?;
    leptos_axum::redirect("/account/magic-link?sent=1");
    Ok(())
}

/// Signs in with a mailed link's token (a POST: opening the link only shows a
/// button, so mail scanners cannot spend it).
#[server(prefix = "/api", endpoint = "sign_in_with_link", output = crate::codec::Answer)]
pub async fn sign_in_with_link(token: String) -> Result<UserView, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::TokenUse, None)?;
    let user = crate::ssr::public()?
        .accounts
        .sign_in_with_link(&token)
        .await?;
    crate::ssr::session::start_and_go_to_account(&user).await
}

/// Mails a password-reset link if the address has an account; answers the same
/// either way.
#[server(prefix = "/api", endpoint = "request_password_reset", output = crate::codec::Answer)]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::ResetRequest, Some(&email))?;
    crate::ssr::public()?
        .accounts
        .send_password_reset(&email)
        .await?;
    leptos_axum::redirect("/account/forgot?sent=1");
    Ok(())
}

/// Sets a new password with a mailed reset token and signs in.
#[server(prefix = "/api", endpoint = "reset_password", output = crate::codec::Answer)]
pub async fn reset_password(token: String, password: String) -> Result<UserView, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::TokenUse, None)?;
    let user = crate::ssr::public()?
        .accounts
        .reset_password(&token, &password)
        .await?;
    crate::ssr::session::start_and_go_to_account(&user).await
}

/// Confirms the account's address with a mailed token and signs in. Followed
/// in another browser than the one that opened the account, the password the
/// account was opened with is cleared and its other sessions end.
#[server(prefix = "/api", endpoint = "confirm_email", output = crate::codec::Answer)]
pub async fn confirm_email(token: String) -> Result<UserView, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::TokenUse, None)?;
    let ctx = crate::ssr::public()?;
    let signed_in = crate::ssr::session::signed_in().await?.map(|user| user.pid);
    let user = ctx.accounts.confirm_email(&token, signed_in).await?;
    crate::ssr::session::start(&user).await?;
    leptos_axum::redirect("/account?confirmed=1");
    Ok(UserView::from(&user))
}

/// Mails the signed-in account a new confirmation link.
#[server(prefix = "/api", endpoint = "resend_confirmation", output = crate::codec::Answer)]
pub async fn resend_confirmation() -> Result<(), AppError> {
    let (ctx, user) = crate::ssr::customer().await?;
    crate::ssr::rate_limit(
        domain::rate_limit::Guarded::ConfirmationRequest,
        Some(&user.email),
    )?;
    ctx.accounts.resend_confirmation(user.pid).await?;
    leptos_axum::redirect("/account?confirmation=sent");
    Ok(())
}

/// Whose account a mailed link is for, masked (`a…@example.com`), while the
/// link can still be used; 400 for a used, expired or unknown one.
#[server(prefix = "/api", endpoint = "link_for", output = crate::codec::Answer)]
pub async fn link_for(token: String, link: MailedLink) -> Result<String, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::LinkLookup, None)?;
    let ctx = crate::ssr::public()?;
    Ok(ctx
        .accounts
        .link_for(&token, crate::ssr::accounts::token_purpose(link))
        .await?)
}
