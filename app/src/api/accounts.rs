//! Registration, sign-in and sign-out, and the signed-in user.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::UserView;

/// Who is signed in, if anyone.
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    Ok(crate::ssr::session::signed_in()
        .await?
        .as_ref()
        .map(UserView::from))
}

/// Opens a customer account and signs it in.
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(email: String, password: String) -> Result<UserView, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::Register, Some(&email))?;
    let ctx = crate::ssr::public()?;
    let user = ctx.accounts.register(&email, &password).await?;
    crate::ssr::session::start_and_go_to_account(&user).await
}

/// Signs in with email and password, on a fresh session id.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<UserView, AppError> {
    let ctx = crate::ssr::public()?;
    let user = ctx
        .accounts
        .sign_in(&email, &password, crate::ssr::client_ip())
        .await?;
    crate::ssr::session::start_and_go_to_account(&user).await
}

/// Signs out and forgets the session.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::ssr::session::end().await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Replaces the signed-in user's password after checking the current one.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let (ctx, user) = crate::ssr::customer().await?;
    crate::ssr::rate_limit(
        domain::rate_limit::Guarded::PasswordChange,
        Some(&user.email),
    )?;
    let accounts = &ctx.accounts;
    Ok(accounts
        .change_password(user.pid, &current_password, &new_password)
        .await?)
}

/// Mails a one-time sign-in link. The answer is the same whether or not the
/// address has an account.
#[server(prefix = "/api", endpoint = "request_magic_link")]
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
#[server(prefix = "/api", endpoint = "sign_in_with_link")]
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
#[server(prefix = "/api", endpoint = "request_password_reset")]
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
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<UserView, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::TokenUse, None)?;
    let user = crate::ssr::public()?
        .accounts
        .reset_password(&token, &password)
        .await?;
    crate::ssr::session::start_and_go_to_account(&user).await
}
