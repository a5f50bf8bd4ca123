//! Password hashing with argon2id, off the async workers: hashes run on a few
//! threads of their own (about one per core), one at a time each, and each
//! thread reuses one argon2 working memory (19 MiB) for every hash it makes, so
//! a flood of registrations or sign-ins neither stalls other requests nor grows
//! memory past those few buffers. Callers past the queue's patience get
//! "busy, retry".

use argon2::password_hash::{Output, ParamsString, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use password_hash::rand_core::OsRng;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::Semaphore;

use super::AccountError;

/// How long a hash waits for its turn before the caller is told to retry.
const QUEUE_PATIENCE: Duration = Duration::from_secs(10);

/// Work for a hashing thread, given that thread's argon2 memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

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
                    let mut memory = Vec::new();
                    loop {
                        let job = queue
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .recv();
                        match job {
                            Ok(job) => job(&mut memory),
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
        self.run(move |memory| hash_into(memory, &password)).await?
    }

    /// Whether `password` matches `hash`, in turn, off the async workers;
    /// with no hash (unknown email, guest account) it spends the same time on a
    /// dummy and answers false, so timing does not tell which emails have
    /// accounts.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AccountError> {
        let (password, hash) = (password.to_owned(), hash.map(str::to_owned));
        self.run(move |memory| verify_or_spend_into(memory, &password, hash.as_deref()))
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, AccountError> {
        let turn = tokio::time::timeout(self.patience, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| AccountError::Busy {
                retry_after_secs: 5,
            })?
            .map_err(|err| AccountError::Hash(err.to_string()))?;
        let (reply, outcome) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |memory: &mut Vec<Block>| {
                let _ = reply.send(work(memory));
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
    hash_into(&mut Vec::new(), password)
}

/// True when `password` matches the stored PHC `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_into(&mut Vec::new(), password, hash)
}

fn hash_error(err: impl std::fmt::Display) -> AccountError {
    AccountError::Hash(err.to_string())
}

/// `password`'s argon2id PHC string, computed in `memory` (grown to the
/// needed size once, then reused).
fn hash_into(memory: &mut Vec<Block>, password: &str) -> Result<String, AccountError> {
    check_length(password)?;
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(hash_error)?;
    let blocks = working_memory(memory, &params);
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(output_len, |out| {
        argon
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut *blocks)
            .map_err(|_| password_hash::Error::Crypto)
    })
    .map_err(hash_error)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(hash_error)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// True when `password` matches the PHC `hash`, computed in `memory`.
fn verify_into(memory: &mut Vec<Block>, password: &str, hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_LEN {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let blocks = working_memory(memory, &params);
    let actual = Output::init_with(expected.len(), |out| {
        argon
            .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut *blocks)
            .map_err(|_| password_hash::Error::Crypto)
    });
    // `Output` compares in constant time.
    actual.is_ok_and(|actual| actual == expected)
}

/// Like [`verify_into`], but when there is no hash (unknown email, guest
/// account) it spends the same time on a dummy hash and answers false, so the
/// response time does not tell which emails have accounts.
fn verify_or_spend_into(memory: &mut Vec<Block>, password: &str, hash: Option<&str>) -> bool {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    match hash {
        Some(hash) => verify_into(memory, password, hash),
        None => {
            let dummy = DUMMY.get_or_init(|| hash_password("downlink dummy password").ok());
            if let Some(dummy) = dummy {
                let _ = verify_into(memory, password, dummy);
            }
            false
        }
    }
}

/// The first `params.block_count()` blocks of `memory`, grown to that once.
fn working_memory<'a>(memory: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::default());
    }
    &mut memory[..needed]
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
        assert!(!verify_or_spend_into(
            &mut Vec::new(),
            "correct horse battery",
            None
        ));
    }

    #[test]
    fn hashes_are_standard_phc_strings_either_way() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let ours = hash_password("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        let mut memory = Vec::new();
        assert!(verify_into(&mut memory, "correct horse battery", &theirs));
        assert!(!verify_into(&mut memory, "wrong horse battery", &theirs));
        assert_eq!(
            memory.len(),
            Params::default().block_count(),
            "one buffer, reused"
        );
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
