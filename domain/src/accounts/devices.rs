//! What an account holder does about who is signed in: changing the password
//! (which signs out every other device), listing the devices signed in,
//! signing out everywhere, and an admin blocking an account.

use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use uuid::Uuid;

use super::{AccountError, Accounts};
use crate::db::begin_write;
use crate::entities::{session, user};
use crate::sessions;

impl Accounts {
    /// Replaces the password of `user` after checking the current one (or
    /// sets the first password of a guest account), and ends every session of
    /// the account but the one whose id hashes to `keep` (the device making
    /// the change).
    pub async fn change_password(
        &self,
        user: Uuid,
        current: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<(), AccountError> {
        let found = self
            .by_pid(user)
            .await?
            .ok_or(AccountError::NoSuchAccount)?;
        // A guest (signed in by mail, no password yet) claims the account by
        // setting one; everyone else proves they know the current password.
        if let Some(hash) = found.password_hash.as_deref()
            && !self.hasher.verify(current, Some(hash)).await?
        {
            return Err(AccountError::WrongCurrentPassword);
        }
        let hash = self.hasher.hash(new).await?;
        let txn = begin_write(&self.db).await?;
        let mut active: user::ActiveModel = found.into();
        active.password_hash = Set(Some(hash));
        active.updated_at = Set(self.clock.now());
        active.update(&txn).await?;
        sessions::end_for_user(&txn, user, keep).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The devices signed in to account `user`, newest first.
    pub async fn devices(&self, user: Uuid) -> Result<Vec<session::Model>, AccountError> {
        Ok(sessions::of_user(&self.db, user, self.clock.now()).await?)
    }

    /// Blocks account `user` (sign-in refused by password and by mailed
    /// link, every session ended, nothing deleted) or lets it back in.
    /// Returns the account as it was before.
    pub async fn set_blocked(
        &self,
        user: Uuid,
        blocked: bool,
    ) -> Result<user::Model, AccountError> {
        let found = self
            .by_pid(user)
            .await?
            .ok_or(AccountError::NoSuchAccount)?;
        if blocked && found.role == user::Role::Admin {
            return Err(AccountError::CannotBlockAdmin);
        }
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let mut active: user::ActiveModel = found.clone().into();
        active.blocked_at = Set(blocked.then(|| found.blocked_at.unwrap_or(now)));
        active.updated_at = Set(now);
        active.update(&txn).await?;
        if blocked {
            sessions::end_for_user(&txn, user, None).await?;
        }
        txn.commit().await?;
        Ok(found)
    }

    /// Ends every session of account `user`, this device's included.
    pub async fn sign_out_everywhere(&self, user: Uuid) -> Result<u64, AccountError> {
        let txn = begin_write(&self.db).await?;
        let ended = sessions::end_for_user(&txn, user, None).await?;
        txn.commit().await?;
        Ok(ended)
    }
}
