//! Who is signed in: the user's public id kept in the tower-sessions session.

use domain::entities::user::{self, Role};
use leptos::prelude::with_context;
use tower_sessions::cookie::time::Duration;
use tower_sessions::{Expiry, Session};

use super::{internal, public};
use crate::error::AppError;
use crate::views::UserView;

use domain::sessions::{DEVICE_KEY, USER_KEY as USER};

/// This request's session, which the session layer put in the request's
/// extensions. Read there in place: `leptos_axum::extract` would copy the whole
/// request head (every header) to find it.
pub(super) fn session() -> Result<Session, AppError> {
    with_context::<http::request::Parts, _>(|parts| parts.extensions.get::<Session>().cloned())
        .flatten()
        .ok_or_else(|| internal("no session on this request (is the session layer on?)"))
}

/// The signed-in user, if any. A session whose account is gone or blocked
/// counts as signed out. One query finds the account through the id the
/// browser sent; the session's own data is not read.
pub async fn signed_in() -> Result<Option<user::Model>, AppError> {
    let session = session()?;
    // No id: no cookie, or a session ended or renamed during this request.
    let Some(id) = session.id() else {
        return Ok(None);
    };
    let hash = domain::sessions::id_hash(&id.to_string());
    let Some((user, renew)) = public()?.accounts.signed_in_on(&hash).await? else {
        return Ok(None);
    };
    if renew {
        keep_alive(&session);
    }
    Ok((!user.is_blocked()).then_some(user))
}

/// Keeps a session in use alive: saved again with a fresh 14 days and a
/// renewed cookie. Asked for at most once a day per session; other requests
/// write nothing.
fn keep_alive(session: &Session) {
    let idle = domain::sessions::IDLE_LIFETIME.num_seconds();
    session.set_expiry(Some(Expiry::OnInactivity(Duration::seconds(idle))));
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
    let session = session()?;
    session.cycle_id().await.map_err(internal)?;
    let device = Device {
        agent: super::user_agent().chars().take(200).collect(),
        ip: super::client_ip().to_string(),
    };
    session.insert(DEVICE_KEY, device).await.map_err(internal)?;
    session.insert(USER, user.pid).await.map_err(internal)?;
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
    let session = session()?;
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
    session()?.flush().await.map_err(internal)
}
