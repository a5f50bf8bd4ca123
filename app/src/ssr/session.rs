//! Who is signed in: the user's public id kept in the tower-sessions session.

use domain::entities::user::{self, Role};
use tower_sessions::Session;

use super::{internal, public};
use crate::error::AppError;
use crate::views::UserView;

use domain::sessions::{DEVICE_KEY, SEEN_KEY, USER_KEY as USER};

async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(internal)
}

/// The signed-in user, if any. A session whose account is gone or blocked
/// counts as signed out.
pub async fn signed_in() -> Result<Option<user::Model>, AppError> {
    let session = session().await?;
    let pid = session.get::<uuid::Uuid>(USER).await.map_err(internal)?;
    keep_alive(&session).await?;
    let Some(pid) = pid else {
        return Ok(None);
    };
    let user = public()?.accounts.by_pid(pid).await?;
    Ok(user.filter(|u| !u.is_blocked()))
}

/// Keeps a session in use alive: on the first request of each day it is
/// saved again, so its 14 days start over and the browser gets a fresh
/// cookie; other requests write nothing.
async fn keep_alive(session: &Session) -> Result<(), AppError> {
    // No id once read: there was no session, or it has ended.
    if session.id().is_none() {
        return Ok(());
    }
    let today = chrono::Utc::now().date_naive();
    let seen = session
        .get::<chrono::NaiveDate>(SEEN_KEY)
        .await
        .map_err(internal)?;
    if seen != Some(today) {
        session.insert(SEEN_KEY, today).await.map_err(internal)?;
    }
    Ok(())
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
/// (session fixation) is worthless afterwards. The session also notes the
/// device (browser and address) for the account's list of devices, and the
/// cart the shopper filled while signed out joins the account's. An account
/// blocked meanwhile (since its password or link was checked) is refused.
pub async fn start(user: &user::Model) -> Result<(), AppError> {
    let now = public()?.accounts.by_pid(user.pid).await?;
    if now.is_none_or(|u| u.is_blocked()) {
        return Err(domain::accounts::AccountError::Blocked.into());
    }
    let session = session().await?;
    session.cycle_id().await.map_err(internal)?;
    let device = Device {
        agent: super::user_agent().chars().take(200).collect(),
        ip: super::client_ip().to_string(),
    };
    session.insert(DEVICE_KEY, device).await.map_err(internal)?;
    session.insert(USER, user.pid).await.map_err(internal)?;
    let today = chrono::Utc::now().date_naive();
    session.insert(SEEN_KEY, today).await.map_err(internal)?;
    super::cart::merge_cart_into(user).await
}

/// The device a session signed in from, as the session store reads it.
#[derive(serde::Serialize)]
struct Device {
    agent: String,
    ip: String,
}

/// The stored hash of this request's session id, when it has one.
pub async fn current_hash() -> Result<Option<String>, AppError> {
    let session = session().await?;
    Ok(session
        .id()
        .map(|id| domain::sessions::id_hash(&id.to_string())))
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
