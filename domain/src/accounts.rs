//! Accounts: registration, sign-in checks and admins created from the command
//! line; mailed links that sign in, reset a password or prove an address
//! (`links`); password changes and the account's signed-in devices
//! (`devices`). Emails are normalized with `Email::parse`; passwords are
//! hashed with argon2id, off the async workers (`password`).

mod confirmation;
mod devices;
mod links;
mod password;

pub use links::{CONFIRM_TTL, MAGIC_LINK_TTL, RESET_TTL};

pub use password::{Hasher, MAX_PASSWORD_LEN, MIN_PASSWORD_LEN, hash_password, verify_password};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, SqlErr,
};
use std::fmt;
use types::email::{Email, InvalidEmail};
use uuid::Uuid;

use crate::batch::Batched;
use crate::clock::Clock;
use crate::db::begin_write;
use crate::entities::user::{self, Role};
use crate::rate_limit::RateLimiter;
use std::net::IpAddr;

/// Why an account operation was refused or failed. The messages are for the
/// person at the keyboard, except `Database` and `Hash`, which are internal.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    InvalidEmail(#[from] InvalidEmail),
    #[error("Choose a password of at least {MIN_PASSWORD_LEN} characters.")]
    PasswordTooShort,
    #[error("Choose a password of at most {MAX_PASSWORD_LEN} characters.")]
    PasswordTooLong,
    #[error("An account with that email already exists. Sign in instead.")]
    EmailTaken,
    /// Wrong email or password; deliberately does not say which.
    #[error("That email and password don't match an account.")]
    InvalidCredentials,
    #[error("Your current password is not right.")]
    WrongCurrentPassword,
    #[error("That link is invalid, used or expired. Ask for a new one.")]
    InvalidLink,
    #[error("That account no longer exists.")]
    NoSuchAccount,
    /// An admin blocked the account.
    #[error("This account is blocked. Write to the store if you think this is a mistake.")]
    Blocked,
    /// An admin asked to mail a sign-in link to a blocked account.
    #[error("This customer is blocked: unblock them before sending a sign-in link.")]
    LinkForBlocked,
    /// Admins are not blocked from the customers page.
    #[error("Admin accounts can't be blocked.")]
    CannotBlockAdmin,
    /// Too many failed attempts; wait this long.
    #[error("Too many attempts. Please wait and try again, or sign in with a mailed link.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Too many passwords are being checked at this moment.
    #[error("The store is busy. Please try again in a few seconds.")]
    Busy { retry_after_secs: u64 },
    #[error(transparent)]
    Database(DbErr),
    #[error("password hashing failed: {0}")]
    Hash(String),
}

impl From<DbErr> for AccountError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::EmailTaken,
            _ => Self::Database(err),
        }
    }
}

/// What `create_admin` did.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminOutcome {
    Created(Email),
    /// The account existed; it is now an admin with the new password.
    Promoted(Email),
}

impl fmt::Display for AdminOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Created(email) => write!(f, "created admin account {email}"),
            Self::Promoted(email) => {
                write!(f, "{email} is now an admin; its password was replaced")
            }
        }
    }
}

/// A new account row: a fresh public id, created and updated `now`; its
/// address proven already (`verified`) or not.
fn new_user(
    email: &str,
    password_hash: Option<String>,
    role: Role,
    verified: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> user::ActiveModel {
    user::ActiveModel {
        pid: Set(Uuid::now_v7()),
        email: Set(email.to_owned()),
        password_hash: Set(password_hash),
        role: Set(role),
        email_verified_at: Set(verified.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Reads who is signed in on sessions, many at a time, on `db`.
fn signed_in_loader(
    db: DatabaseConnection,
    clock: Clock,
) -> Batched<String, (user::Model, DateTime<Utc>)> {
    Batched::new(move |hashes| {
        let (db, now) = (db.clone(), clock.now());
        async move { crate::sessions::signed_in_on(&db, hashes, now).await }
    })
}

/// The accounts service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Accounts {
    db: DatabaseConnection,
    clock: Clock,
    hasher: Hasher,
    /// Failed password sign-ins, per address and account.
    limiter: RateLimiter,
    /// The store's public base URL, for links in mails.
    public_url: String,
    /// Who is signed in on a session (by its id's hash) and until when: the
    /// question of nearly every request, asked together by requests that
    /// arrive together.
    signed_in: Batched<String, (user::Model, DateTime<Utc>)>,
}

impl Accounts {
    pub fn new(db: DatabaseConnection, clock: Clock, public_url: impl Into<String>) -> Self {
        Self {
            limiter: RateLimiter::new(clock.clone()),
            signed_in: signed_in_loader(db.clone(), clock.clone()),
            db,
            clock,
            hasher: Hasher::default(),
            public_url: public_url.into(),
        }
    }

    /// Reads who is signed in on `db`, a connection of its own
    /// ([`crate::db::dedicated`]), not the pool's.
    pub fn with_session_connection(self, db: DatabaseConnection) -> Self {
        Self {
            signed_in: signed_in_loader(db, self.clock.clone()),
            ..self
        }
    }

    /// Opens a customer account with a password. Its address is not proven
    /// yet: a confirmation link is mailed (in the same transaction), and until
    /// it is followed the account holds nothing of value. Whoever proves the
    /// address from another browser takes the account over, password cleared
    /// (see `verify_email`), so registering someone else's address gains
    /// nothing.
    pub async fn register(&self, email: &str, password: &str) -> Result<user::Model, AccountError> {
        let email = Email::parse(email)?;
        let hash = self.hasher.hash(password).await?;
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let user = new_user(email.as_str(), Some(hash), Role::Customer, false, now)
            .insert(&txn)
            .await?;
        self.mail_confirmation(&txn, &email).await?;
        txn.commit().await?;
        Ok(user)
    }

    /// The account with this email and password, tried from address `from`.
    /// Failures are counted per address and per account from that address, so
    /// a stranger cannot lock the owner out, and per account from everywhere at
    /// a higher bar; past the limits the answer is `TooManyAttempts` (a mailed
    /// sign-in link still works).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        from: IpAddr,
    ) -> Result<user::Model, AccountError> {
        let too_many = |wait: chrono::Duration| AccountError::TooManyAttempts {
            retry_after_secs: u64::try_from(wait.num_seconds()).unwrap_or(1).max(1),
        };
        let attempt = self.limiter.begin_sign_in(from, email).map_err(too_many)?;
        let outcome = self.authenticate(email, password).await;
        // Only wrong passwords stay counted.
        if !matches!(outcome, Err(AccountError::InvalidCredentials)) {
            self.limiter.refund(attempt);
        }
        outcome
    }

    /// The account with this email and password, or `InvalidCredentials`
    /// without saying which part was wrong.
    async fn authenticate(&self, email: &str, password: &str) -> Result<user::Model, AccountError> {
        let user = match Email::parse(email) {
            Ok(email) => self.by_email(&email).await?,
            Err(_) => None,
        };
        let hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
        if !self.hasher.verify(password, hash).await? {
            return Err(AccountError::InvalidCredentials);
        }
        // Said only to whoever knows the password.
        match user {
            Some(user) if user.is_blocked() => Err(AccountError::Blocked),
            found => found.ok_or(AccountError::InvalidCredentials),
        }
    }

    /// The account signed in on the live session whose id hashes to `id_hash`
    /// (one query, shared with the requests asking at the same moment), and
    /// whether that session is due to be saved again
    /// ([`crate::sessions::due_for_renewal`]).
    pub async fn signed_in_on(
        &self,
        id_hash: &str,
    ) -> Result<Option<(user::Model, bool)>, AccountError> {
        let found = self.signed_in.get(id_hash.to_owned()).await?;
        let now = self.clock.now();
        Ok(found.map(|(user, ends)| (user, crate::sessions::due_for_renewal(ends, now))))
    }

    /// The account with public id `pid`.
    pub async fn by_pid(&self, pid: Uuid) -> Result<Option<user::Model>, AccountError> {
        Ok(user::Entity::find()
            .filter(user::Column::Pid.eq(pid))
            .one(&self.db)
            .await?)
    }

    pub(crate) async fn by_email(
        &self,
        email: &Email,
    ) -> Result<Option<user::Model>, AccountError> {
        Ok(user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await?)
    }

    /// Creates an admin account, or makes an existing account an admin and sets
    /// its password.
    pub async fn create_admin(
        &self,
        email: &str,
        password: &str,
    ) -> Result<AdminOutcome, AccountError> {
        let email = Email::parse(email)?;
        let hash = self.hasher.hash(password).await?;
        let now = self.clock.now();
        let txn = begin_write(&self.db).await?;
        let existing = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&txn)
            .await?;
        let outcome = match existing {
            Some(found) => {
                let verified = found.email_verified_at.unwrap_or(now);
                let mut active: user::ActiveModel = found.into();
                active.role = Set(Role::Admin);
                // The operator vouches for the address.
                active.email_verified_at = Set(Some(verified));
                active.password_hash = Set(Some(hash));
                active.updated_at = Set(now);
                active.update(&txn).await?;
                AdminOutcome::Promoted(email)
            }
            None => {
                new_user(email.as_str(), Some(hash), Role::Admin, true, now)
                    .insert(&txn)
                    .await?;
                AdminOutcome::Created(email)
            }
        };
        txn.commit().await?;
        Ok(outcome)
    }
}

/// The account a guest checkout with `email` belongs to: the existing one, or
/// a new one with no password and the address not yet proven (the receipt's
/// magic link proves it). Safe when two checkouts open it at once.
pub(crate) async fn guest_account(
    conn: &impl sea_orm::ConnectionTrait,
    email: &types::email::Email,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<user::Model, DbErr> {
    use sea_orm::sea_query::OnConflict;
    user::Entity::insert(new_user(email.as_str(), None, Role::Customer, false, now))
        .on_conflict(
            OnConflict::column(user::Column::Email)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("account {email}")))
}
