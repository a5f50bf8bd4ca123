//! One-time links by mail: magic sign-in links (which also let a guest buyer in,
//! and open an account for an address that has none), password resets and
//! address confirmations. The token is random, stored only as its SHA-256,
//! expires, and is spent by an atomic conditional update, so it works exactly
//! once.
//!
//! Following any of them proves the address. On an account opened with a
//! password and not yet confirmed, that proof clears the password it was
//! opened with and ends every session of the account — the person who typed
//! that password may not own the address (pre-registration takeover) — unless
//! the link is followed in the very browser that opened the account.

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::{Digest, Sha256};
use types::email::Email;
use uuid::Uuid;

use super::confirmation::mark_proven;
use super::{AccountError, Accounts, new_user};
use crate::db::begin_write;
use crate::entities::login_token::{self, TokenPurpose};
use crate::entities::user::{self, Role};
use crate::mail::{self, Mail, escape_html};
use crate::sessions;

/// How long a magic sign-in link works.
pub const MAGIC_LINK_TTL: Duration = Duration::minutes(15);
/// How long a password-reset link works.
pub const RESET_TTL: Duration = Duration::hours(1);
/// How long an address-confirmation link works.
pub const CONFIRM_TTL: Duration = Duration::hours(24);

pub(super) fn new_token() -> String {
    // 244 random bits from the OS generator, as 64 hex characters.
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

pub(super) fn link_mail(
    to: Email,
    subject: &str,
    intro: &str,
    action: &str,
    url: &str,
    ttl: &str,
) -> Mail {
    let text = format!(
        "{intro}\n\n{action}: {url}\n\nThe link works once, for {ttl}. \
         If you did not ask for it, ignore this mail; nothing changes.\n\n— Downlink"
    );
    let html = format!(
        "<p>{intro}</p><p><a href=\"{url}\">{action}</a></p>\
         <p>The link works once, for {ttl}. If you did not ask for it, ignore this mail; \
         nothing changes.</p><p>— Downlink</p>",
        intro = escape_html(intro),
        url = escape_html(url),
        action = escape_html(action),
        ttl = escape_html(ttl),
    );
    Mail {
        to,
        subject: subject.to_owned(),
        text,
        html,
    }
}

impl Accounts {
    /// Mails a magic sign-in link to `email`. Works for any address: using the
    /// link opens a guest account if there is none yet.
    pub async fn send_magic_link(&self, email: &str) -> Result<(), AccountError> {
        let email = Email::parse(email)?;
        // A blocked account could not use it: nothing is sent, and the
        // answer is the same as for any address.
        if self.by_email(&email).await?.is_some_and(|u| u.is_blocked()) {
            return Ok(());
        }
        let token = new_token();
        let url = format!("{}/account/magic?token={token}", self.public_url);
        let mail = link_mail(
            email.clone(),
            "Your sign-in link for Downlink",
            "Here is the link you asked for to sign in to Downlink.",
            "Sign in",
            &url,
            "15 minutes",
        );
        self.store_token_and_mail(
            &email,
            TokenPurpose::MagicLink,
            &token,
            MAGIC_LINK_TTL,
            &mail,
        )
        .await
    }

    /// Mails account `user` a sign-in link at an admin's request. Refused,
    /// rather than skipped in silence, for a blocked account: it could not
    /// use the link.
    pub async fn send_magic_link_to(&self, user: &user::Model) -> Result<(), AccountError> {
        if user.is_blocked() {
            return Err(AccountError::LinkForBlocked);
        }
        self.send_magic_link(&user.email).await
    }

    /// Mails a password-reset link when `email` has an account that is not
    /// blocked; otherwise does nothing, and says nothing different, so the answer does not reveal
    /// which addresses have accounts.
    pub async fn send_password_reset(&self, email: &str) -> Result<(), AccountError> {
        let email = Email::parse(email)?;
        if self.by_email(&email).await?.is_none_or(|u| u.is_blocked()) {
            return Ok(());
        }
        let token = new_token();
        let url = format!("{}/account/reset?token={token}", self.public_url);
        let mail = link_mail(
            email.clone(),
            "Reset your Downlink password",
            "Someone, hopefully you, asked to reset the password of your Downlink account.",
            "Choose a new password",
            &url,
            "1 hour",
        );
        self.store_token_and_mail(
            &email,
            TokenPurpose::PasswordReset,
            &token,
            RESET_TTL,
            &mail,
        )
        .await
    }

    async fn store_token_and_mail(
        &self,
        email: &Email,
        purpose: TokenPurpose,
        token: &str,
        ttl: Duration,
        mail: &Mail,
    ) -> Result<(), AccountError> {
        let txn = begin_write(&self.db).await?;
        self.store_token(&txn, email, purpose, token, ttl, mail)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    pub(super) async fn store_token(
        &self,
        txn: &impl ConnectionTrait,
        email: &Email,
        purpose: TokenPurpose,
        token: &str,
        ttl: Duration,
        mail: &Mail,
    ) -> Result<(), AccountError> {
        let now = self.clock.now();
        login_token::ActiveModel {
            token_hash: Set(token_hash(token)),
            purpose: Set(purpose),
            email: Set(email.as_str().to_owned()),
            expires_at: Set(now + ttl),
            used_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        mail::enqueue(txn, &self.clock, mail).await?;
        Ok(())
    }

    /// The address a mailed link of `purpose` is for, masked (`a…@example.com`),
    /// while it can still be used: the page a link opens says whose account
    /// its button signs in to before anything is spent.
    pub async fn link_for(
        &self,
        token: &str,
        purpose: TokenPurpose,
    ) -> Result<String, AccountError> {
        let row = login_token::Entity::find()
            .filter(login_token::Column::TokenHash.eq(token_hash(token)))
            .filter(login_token::Column::Purpose.eq(purpose))
            .filter(login_token::Column::UsedAt.is_null())
            .filter(login_token::Column::ExpiresAt.gt(self.clock.now()))
            .one(&self.db)
            .await?
            .ok_or(AccountError::InvalidLink)?;
        Ok(Email::parse(&row.email)?.masked())
    }

    /// Spends a magic-link token and returns the account to sign in, opening a
    /// guest account (no password, address proven) for an address that has
    /// none.
    pub async fn sign_in_with_link(&self, token: &str) -> Result<user::Model, AccountError> {
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let email = spend(&txn, token, TokenPurpose::MagicLink, now).await?;
        let existing = user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .one(&txn)
            .await?;
        let user = match existing {
            Some(user) if user.is_blocked() => return Err(AccountError::Blocked),
            Some(user) => mark_proven(&txn, user, now, true).await?,
            None => {
                new_user(&email, None, Role::Customer, true, now)
                    .insert(&txn)
                    .await?
            }
        };
        txn.commit().await?;
        Ok(user)
    }

    /// Spends a reset token and sets the account's new password; the address
    /// is proven and every session of the account ends.
    pub async fn reset_password(
        &self,
        token: &str,
        new_password: &str,
    ) -> Result<user::Model, AccountError> {
        let hash = self.hasher.hash(new_password).await?;
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let email = spend(&txn, token, TokenPurpose::PasswordReset, now).await?;
        let found = user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .one(&txn)
            .await?
            .ok_or(AccountError::InvalidLink)?;
        if found.is_blocked() {
            return Err(AccountError::Blocked);
        }
        let found = mark_proven(&txn, found, now, true).await?;
        sessions::end_for_user(&txn, found.pid, None).await?;
        let mut active: user::ActiveModel = found.into();
        active.password_hash = Set(Some(hash));
        active.updated_at = Set(now);
        let user = active.update(&txn).await?;
        txn.commit().await?;
        Ok(user)
    }
}

/// Marks the token used if it is unused and unexpired, and returns its email.
pub(super) async fn spend(
    txn: &impl ConnectionTrait,
    token: &str,
    purpose: TokenPurpose,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, AccountError> {
    let hash = token_hash(token);
    let spent = login_token::Entity::update_many()
        .col_expr(login_token::Column::UsedAt, Expr::value(now))
        .filter(login_token::Column::TokenHash.eq(&hash))
        .filter(login_token::Column::Purpose.eq(purpose))
        .filter(login_token::Column::UsedAt.is_null())
        .filter(login_token::Column::ExpiresAt.gt(now))
        .exec(txn)
        .await?
        .rows_affected;
    if spent != 1 {
        return Err(AccountError::InvalidLink);
    }
    let row = login_token::Entity::find()
        .filter(login_token::Column::TokenHash.eq(&hash))
        .one(txn)
        .await?
        .ok_or(AccountError::InvalidLink)?;
    Ok(row.email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_stored_only_as_hashes() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&format!(" {a}\n")), token_hash(&a));
    }

    #[test]
    fn link_mails_have_text_and_escaped_html() {
        let mail = link_mail(
            Email::parse("a@example.com").unwrap(),
            "Subject",
            "Intro <b>",
            "Sign in",
            "https://shop.example/account/magic?token=t&x=1",
            "15 minutes",
        );
        assert!(
            mail.text
                .contains("https://shop.example/account/magic?token=t&x=1")
        );
        assert!(
            mail.html
                .contains("href=\"https://shop.example/account/magic?token=t&amp;x=1\"")
        );
        assert!(mail.html.contains("Intro &lt;b&gt;"));
    }
}
