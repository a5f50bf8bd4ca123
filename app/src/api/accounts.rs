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
    let ctx = crate::ssr::ctx()?;
    let user = ctx.accounts.register(&email, &password).await?;
    crate::ssr::session::start(&user).await?;
    leptos_axum::redirect("/account");
    Ok(UserView::from(&user))
}

/// Signs in with email and password, on a fresh session id.
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(email: String, password: String) -> Result<UserView, AppError> {
    let ctx = crate::ssr::ctx()?;
    let user = ctx.accounts.authenticate(&email, &password).await?;
    crate::ssr::session::start(&user).await?;
    leptos_axum::redirect("/account");
    Ok(UserView::from(&user))
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
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let (ctx, user) = (
        crate::ssr::ctx()?,
        crate::ssr::session::require_user().await?,
    );
    ctx.accounts
        .change_password(user.pid, &current, &new)
        .await?;
    Ok(())
}
