//! Address confirmation: an account opened with a password proves its address
//! by a mailed link. Any mailed link proves it (sign-in and reset links too);
//! the first proof from another browser than the one that opened the account
//! clears the password it was opened with and ends every session of it, since
//! whoever typed that password may not own the address (pre-registration
//! takeover).

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use types::email::Email;
use uuid::Uuid;

use super::links::{CONFIRM_TTL, link_mail, new_token, spend};
use super::{AccountError, Accounts};
use crate::db::begin_write;
use crate::entities::login_token::TokenPurpose;
use crate::entities::user;
use crate::sessions;

impl Accounts {
    /// Mails a link that confirms `email`, in the caller's transaction.
    pub(super) async fn mail_confirmation(
        &self,
        txn: &impl ConnectionTrait,
        email: &Email,
    ) -> Result<(), AccountError> {
        let token = new_token();
        let url = format!("{}/account/confirm?token={token}", self.public_url);
        let mail = link_mail(
            email.clone(),
            "Confirm your address for Downlink",
            "Someone, hopefully you, opened a Downlink account with this address. \
             Confirm it to buy and download with it.",
            "Confirm my address",
            &url,
            "24 hours",
        );
        self.store_token(
            txn,
            email,
            TokenPurpose::VerifyEmail,
            &token,
            CONFIRM_TTL,
            &mail,
        )
        .await
    }

    /// Mails account `user` a new confirmation link, unless its address is
    /// proven already.
    pub async fn resend_confirmation(&self, user: Uuid) -> Result<(), AccountError> {
        let found = self
            .by_pid(user)
            .await?
            .ok_or(AccountError::NoSuchAccount)?;
        if found.is_verified() {
            return Ok(());
        }
        let email = Email::parse(&found.email)?;
        let txn = begin_write(&self.db).await?;
        self.mail_confirmation(&txn, &email).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Spends a confirmation token: the account's address is proven. Followed
    /// in the browser signed in to that account (`signed_in`), nothing else
    /// changes; followed anywhere else, the password the account was opened
    /// with is cleared and every session of it ends, since whoever typed that
    /// password may not own the address.
    pub async fn confirm_email(
        &self,
        token: &str,
        signed_in: Option<Uuid>,
    ) -> Result<user::Model, AccountError> {
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let email = spend(&txn, token, TokenPurpose::VerifyEmail, now).await?;
        let found = user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .one(&txn)
            .await?
            .ok_or(AccountError::InvalidLink)?;
        if found.is_blocked() {
            return Err(AccountError::Blocked);
        }
        let elsewhere = signed_in != Some(found.pid);
        let user = mark_proven(&txn, found, now, elsewhere).await?;
        txn.commit().await?;
        Ok(user)
    }
}

/// Records that the owner of `user`'s address proved it. The first proof on
/// an account opened with a password, unless `from_elsewhere` is false (the
/// browser that opened it), clears that password and ends every session of
/// the account.
pub(super) async fn mark_proven(
    txn: &impl ConnectionTrait,
    user: user::Model,
    now: chrono::DateTime<chrono::Utc>,
    from_elsewhere: bool,
) -> Result<user::Model, AccountError> {
    if user.is_verified() {
        return Ok(user);
    }
    let takeover_possible = from_elsewhere && user.password_hash.is_some();
    if takeover_possible {
        sessions::end_for_user(txn, user.pid, None).await?;
    }
    let mut active: user::ActiveModel = user.into();
    active.email_verified_at = Set(Some(now));
    if takeover_possible {
        active.password_hash = Set(None);
    }
    active.updated_at = Set(now);
    Ok(active.update(txn).await?)
}
