//! Who is signed in: the user's public id kept in the tower-sessions session.

use domain::entities::user::{self, Role};
use tower_sessions::Session;

use super::{internal, public};
use crate::error::AppError;
use crate::views::UserView;

/// The session key holding the signed-in user's public id.
const USER: &str = "user";

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The signed-in user, if any. A session whose account is gone counts as
/// signed out.
pub async fn signed_in() -> Result<Option<user::Model>, AppError> {
    let session = session().await?;
    let Some(pid) = session.get::<uuid::Uuid>(USER).await.map_err(internal)? else {
        return Ok(None);
    };
    Ok(public()?.accounts.by_pid(pid).await?)
}

/// The signed-in user, or 401.
pub async fn require_user() -> Result<user::Model, AppError> {
    signed_in().await?.ok_or(AppError::Unauthorized)
}

/// The signed-in admin: 401 when nobody is signed in, 403 for a customer.
pub async fn require_admin() -> Result<user::Model, AppError> {
    let user = require_user().await?;
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    Ok(user)
}

/// Signs `user` in on a fresh session id, so an id planted before sign-in
/// (session fixation) is worthless afterwards.
pub async fn start(user: &user::Model) -> Result<(), AppError> {
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER, user.pid).await.map_err(internal)
}

/// Signs `user` in (see [`start`]) and sends the browser to the account page;
/// answers the user's view.
pub async fn start_and_go_to_account(user: &user::Model) -> Result<UserView, AppError> {
    start(user).await?;
    leptos_axum::redirect("/account");
    Ok(UserView::from(user))
}

/// Signs out: the session is deleted and its cookie cleared.
pub async fn end() -> Result<(), AppError> {
    session().await?.flush().await.map_err(internal)
}
