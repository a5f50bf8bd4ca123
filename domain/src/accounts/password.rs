//! Password hashing with argon2id, off the async workers: hashes run on a few
//! threads of their own (about one per core), one at a time each, so a flood of
//! registrations or sign-ins neither stalls other requests nor multiplies
//! argon2's memory (19 MiB a hash, kept by at most those few threads).
//! Callers past the queue's patience get "busy, retry".

use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use password_hash::rand_core::OsRng;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

use super::AccountError;

/// How long a hash waits for its turn before the caller is told to retry.
const QUEUE_PATIENCE: Duration = Duration::from_secs(10);

/// Work for a hashing thread.
type Job = Box<dyn FnOnce() + Send>;

/// Runs password hashes and checks on threads of its own, a bounded number at
/// once. Cheap to clone: clones share the threads; they stop when the last
/// clone is dropped.
#[derive(Clone)]
pub struct Hasher {
    turns: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    /// How long a hash waits for its turn.
    patience: Duration,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher")
            .field("free", &self.turns.available_permits())
            .field("patience", &self.patience)
            .finish()
    }
}

impl Default for Hasher {
    /// As many at once as the machine has cores.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self::new(cores)
    }
}

impl Hasher {
    /// At most `at_once` hashes run at the same time, each on one of
    /// `at_once` threads started here.
    pub fn new(at_once: usize) -> Self {
        let at_once = at_once.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..at_once {
            let queue = queue.clone();
            let started = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    loop {
                        let job = queue
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(err) = started {
                tracing::error!(error = %err, "could not start a password-hashing thread");
            }
        }
        Self {
            turns: Arc::new(Semaphore::new(at_once)),
            jobs,
            patience: QUEUE_PATIENCE,
        }
    }

    /// The same hasher, waiting at most `patience` for a turn.
    pub fn with_patience(self, patience: Duration) -> Self {
        Self { patience, ..self }
    }

    /// [`hash_password`], in turn, off the async workers.
    pub async fn hash(&self, password: &str) -> Result<String, AccountError> {
        check_length(password)?;
        let password = password.to_owned();
        self.run(move || hash_password(&password)).await?
    }

    /// [`verify_or_spend`], in turn, off the async workers.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AccountError> {
        let (password, hash) = (password.to_owned(), hash.map(str::to_owned));
        self.run(move || verify_or_spend(&password, hash.as_deref()))
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AccountError> {
        let turn = tokio::time::timeout(self.patience, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| AccountError::Busy {
                retry_after_secs: 5,
            })?
            .map_err(|err| AccountError::Hash(err.to_string()))?;
        let (reply, outcome) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = reply.send(work());
                drop(turn);
            }))
            .map_err(|_| AccountError::Hash("no hashing thread is running".into()))?;
        outcome
            .await
            .map_err(|_| AccountError::Hash("a hashing thread stopped".into()))
    }
}

fn check_length(password: &str) -> Result<(), AccountError> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AccountError::PasswordTooShort);
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(AccountError::PasswordTooLong);
    }
    Ok(())
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Longer input is refused so hashing cannot be used to burn CPU.
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Hashes `password` with argon2id and a fresh salt, as a PHC string, after
/// checking its length.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    check_length(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| AccountError::Hash(err.to_string()))
}

/// True when `password` matches the stored PHC `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    password.len() <= MAX_PASSWORD_LEN
        && PasswordHash::new(hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
}

/// Like [`verify_password`], but when there is no hash (unknown email, guest
/// account) it spends the same time on a dummy hash and answers false, so the
/// response time does not tell which emails have accounts.
pub fn verify_or_spend(password: &str, hash: Option<&str>) -> bool {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    match hash {
        Some(hash) => verify_password(password, hash),
        None => {
            let dummy = DUMMY.get_or_init(|| hash_password("downlink dummy password").ok());
            if let Some(dummy) = dummy {
                let _ = verify_password(password, dummy);
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verifiable() {
        let first = hash_password("correct horse battery").unwrap();
        let second = hash_password("correct horse battery").unwrap();
        assert!(first.starts_with("$argon2id$"), "{first}");
        assert_ne!(first, second, "each hash has its own salt");
        assert!(verify_password("correct horse battery", &first));
        assert!(!verify_password("correct horse battery!", &first));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_or_spend("correct horse battery", None));
    }

    #[tokio::test]
    async fn the_hasher_runs_a_bounded_number_at_once_and_says_when_busy() {
        let hasher = Hasher::new(1).with_patience(Duration::from_millis(50));
        let hash = hasher.hash("correct horse battery").await.unwrap();
        assert!(
            hasher
                .verify("correct horse battery", Some(&hash))
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify("wrong horse battery", Some(&hash))
                .await
                .unwrap()
        );
        assert!(!hasher.verify("correct horse battery", None).await.unwrap());
        let held = hasher.turns.clone().acquire_owned().await.unwrap();
        let waiting = hasher.hash("correct horse battery");
        assert!(matches!(
            waiting.await,
            Err(AccountError::Busy {
                retry_after_secs: 5
            })
        ));
        drop(held);
    }

    #[test]
    fn short_and_absurdly_long_passwords_are_refused() {
        assert!(matches!(
            hash_password("short"),
            Err(AccountError::PasswordTooShort)
        ));
        let long = "x".repeat(MAX_PASSWORD_LEN + 1);
        assert!(matches!(
            hash_password(&long),
            Err(AccountError::PasswordTooLong)
        ));
    }
}
