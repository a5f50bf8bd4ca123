//! Registration, sign-in and sign-out, the signed-in user, password changes
//! and the devices signed in.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{DeviceView, UserView};

/// Who is signed in, if anyone.
#[server(prefix = "/api", endpoint = "current_user", output = crate::codec::Answer)]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    Ok(crate::ssr::session::signed_in()
        .await?
        .as_ref()
        .map(UserView::from))
}

/// Opens a customer account and signs it in.
#[server(prefix = "/api", endpoint = "register", output = crate::codec::Answer)]
pub async fn register(email: String, password: String) -> Result<UserView, AppError> {
    crate::ssr::rate_limit(domain::rate_limit::Guarded::Register, Some(&email))?;
    let ctx = crate::ssr::public()?;
    let user = ctx.accounts.register(&email, &password).await?;
    crate::ssr::session::start_and_go_to_account(&user).await
}

/// Signs in with email and password, on a fresh session id.
#[server(prefix = "/api", endpoint = "sign_in", output = crate::codec::Answer)]
pub async fn sign_in(email: String, password: String) -> Result<UserView, AppError> {
    let ctx = crate::ssr::public()?;
    let user = ctx
        .accounts
        .sign_in(&email, &password, crate::ssr::client_ip())
        .await?;
    crate::ssr::session::start_and_go_to_account(&user).await
}

/// Signs out and forgets the session.
#[server(prefix = "/api", endpoint = "sign_out", output = crate::codec::Answer)]
pub async fn sign_out() -> Result<(), AppError> {
    crate::ssr::session::end().await?;
    leptos_axum::redirect("/");
    Ok(())
}

/// Replaces the signed-in user's password after checking the current one.
#[server(prefix = "/api", endpoint = "change_password", output = crate::codec::Answer)]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let (ctx, user) = crate::ssr::customer().await?;
    crate::ssr::rate_limit(
        domain::rate_limit::Guarded::PasswordChange,
        Some(&user.email),
    )?;
    let keep = crate::ssr::session::current_hash().await?;
    let accounts = &ctx.accounts;
    (accounts.change_password(user.pid, &current_password, &new_password, keep.as_deref())).await?;
    leptos_axum::redirect("/account?password=changed");
    Ok(())
}

/// The devices signed in to the account, this one marked.
#[server(prefix = "/api", endpoint = "devices", output = crate::codec::Answer)]
pub async fn devices() -> Result<Vec<DeviceView>, AppError> {
    let (ctx, user) = crate::ssr::customer().await?;
    let current = crate::ssr::session::current_hash().await?;
    let devices = ctx.accounts.devices(user.pid).await?;
    Ok(crate::ssr::accounts::device_views(
        devices,
        current.as_deref(),
    ))
}

/// Signs the account out on every device, this one included.
#[server(prefix = "/api", endpoint = "sign_out_everywhere", output = crate::codec::Answer)]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    let (ctx, user) = crate::ssr::customer().await?;
    let ended = ctx.accounts.sign_out_everywhere(user.pid).await?;
    crate::ssr::session::end().await?;
    leptos_axum::redirect("/account/sign-in?signed-out=everywhere");
    Ok(ended)
}
