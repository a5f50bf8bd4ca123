//! Rate limits: at most `max` attempts per `per` for each key (an IP address,
//! an account, an account seen from one address), over a sliding window.
//! Counts live in this process.
//!
//! Keys are small and fixed-size (an account is the hash of its normalized
//! email, never the text a client sent), each keeps at most `max` instants,
//! and keys are expired in insertion order as time passes, a few at a time, so
//! no request ever sweeps the whole table and memory stays bounded
//! ([`MAX_KEYS`]).

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::clock::Clock;

/// How many attempts a key may make in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    pub per: Duration,
}

/// What is being limited, and how much.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Guarded {
    /// Password sign-in (failures only).
    SignIn,
    /// Asking for a mailed sign-in link.
    MagicLinkRequest,
    /// Asking for a mailed password reset.
    ResetRequest,
    /// Spending a mailed token (sign-in link or reset).
    TokenUse,
    /// Opening an account (each costs a password hash).
    Register,
    /// Changing a password (each costs two password hashes).
    PasswordChange,
    /// Asking for another address-confirmation mail.
    ConfirmationRequest,
    /// Looking up whose account a mailed link is for.
    LinkLookup,
}

impl Guarded {
    /// Attempts allowed per IP address and per account in a 15-minute window.
    pub fn limits(self) -> (Limit, Limit) {
        let per = Duration::minutes(15);
        let (ip, account) = match self {
            Self::SignIn => (30, 10),
            Self::MagicLinkRequest | Self::ResetRequest | Self::TokenUse => (10, 3),
            Self::Register | Self::ConfirmationRequest => (10, 3),
            Self::PasswordChange => (10, 5),
            Self::LinkLookup => (60, 60),
        };
        (Limit { max: ip, per }, Limit { max: account, per })
    }
}

/// Failed password sign-ins for one account from all addresses together, in a
/// window: past this, password sign-in to that account pauses (a mailed sign-in
/// link still works), however many addresses an attacker uses.
pub const ACCOUNT_FAILURES_ANYWHERE: Limit = Limit {
    max: 100,
    per: Duration::minutes(15),
};

/// Past this many keys the oldest are dropped, whatever their age.
pub const MAX_KEYS: usize = 100_000;

/// Who an attempt is counted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Subject {
    Ip(IpAddr),
    /// The first 16 bytes of the SHA-256 of the normalized email.
    Account([u8; 16]),
    /// An account as seen from one address.
    AccountFrom([u8; 16], IpAddr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    what: Guarded,
    subject: Subject,
}

#[derive(Debug, Default)]
struct Table {
    attempts: HashMap<Key, VecDeque<DateTime<Utc>>>,
    /// Keys in the order they were last used, with that instant; stale entries
    /// (the key was used again later) are skipped when they come up.
    order: VecDeque<(DateTime<Utc>, Key)>,
}

impl Table {
    /// Forgets keys unused for longer than `horizon`, oldest first, and the
    /// oldest keys beyond [`MAX_KEYS`].
    fn expire(&mut self, now: DateTime<Utc>, horizon: Duration) {
        while let Some(&(used, key)) = self.order.front() {
            let too_many = self.attempts.len() > MAX_KEYS;
            if used > now - horizon && !too_many {
                break;
            }
            self.order.pop_front();
            let last = self
                .attempts
                .get(&key)
                .and_then(|times| times.back().copied());
            if last == Some(used) || (too_many && last.is_some()) {
                self.attempts.remove(&key);
            }
        }
    }
}

/// Attempts by key. Cheap to clone: clones share the counts.
#[derive(Clone, Debug)]
pub struct RateLimiter {
    table: Arc<Mutex<Table>>,
    clock: Clock,
}

/// The key of an account: the hash of its normalized email, so any spelling a
/// client sends (case, spaces, any length) lands in one small key.
fn account(email: &str) -> [u8; 16] {
    let normalized = types::email::Email::parse(email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| email.trim().to_lowercase());
    let digest = Sha256::digest(normalized.as_bytes());
    let mut key = [0; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

impl RateLimiter {
    pub fn new(clock: Clock) -> Self {
        Self {
            table: Arc::default(),
            clock,
        }
    }

    /// Records an attempt at `what` from `ip` and, when known, for the account
    /// with `email`; refuses it with how long to wait when either is over its
    /// limit.
    pub fn check(&self, what: Guarded, ip: IpAddr, email: Option<&str>) -> Result<(), Duration> {
        let (per_ip, per_account) = what.limits();
        self.attempt(
            Key {
                what,
                subject: Subject::Ip(ip),
            },
            per_ip,
            true,
        )?;
        if let Some(email) = email {
            let subject = Subject::Account(account(email));
            self.attempt(Key { what, subject }, per_account, true)?;
        }
        Ok(())
    }

    /// Whether a password sign-in to `email` from `ip` may be tried now. Only
    /// failures count ([`RateLimiter::sign_in_failed`]): per address, per
    /// account from that address (a stranger elsewhere cannot lock the owner
    /// out), and per account from everywhere at a much higher bar.
    pub fn may_sign_in(&self, ip: IpAddr, email: &str) -> Result<(), Duration> {
        for (key, limit) in sign_in_keys(ip, email) {
            self.attempt(key, limit, false)?;
        }
        Ok(())
    }

    /// Counts a failed password sign-in to `email` from `ip`.
    pub fn sign_in_failed(&self, ip: IpAddr, email: &str) {
        for (key, limit) in sign_in_keys(ip, email) {
            let _ = self.attempt(key, limit, true);
        }
    }

    /// Checks `key` against `limit` and, when `record`, counts this attempt.
    fn attempt(&self, key: Key, limit: Limit, record: bool) -> Result<(), Duration> {
        let now = self.clock.now();
        let since = now - limit.per;
        let mut table = self
            .table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table.expire(now, Duration::hours(1).max(limit.per));
        let times = table.attempts.entry(key).or_default();
        while times.front().is_some_and(|first| *first <= since) {
            times.pop_front();
        }
        if times.len() >= limit.max {
            let oldest = times.front().copied().unwrap_or(now);
            return Err((oldest + limit.per - now).max(Duration::seconds(1)));
        }
        if record {
            times.push_back(now);
            table.order.push_back((now, key));
        } else if times.is_empty() {
            table.attempts.remove(&key);
        }
        Ok(())
    }

    /// How many keys are tracked (for tests of the bound).
    pub fn tracked_keys(&self) -> usize {
        self.table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .attempts
            .len()
    }
}

fn sign_in_keys(ip: IpAddr, email: &str) -> [(Key, Limit); 3] {
    let (per_ip, per_account) = Guarded::SignIn.limits();
    let account = account(email);
    let key = |subject| Key {
        what: Guarded::SignIn,
        subject,
    };
    [
        (key(Subject::Ip(ip)), per_ip),
        (key(Subject::AccountFrom(account, ip)), per_account),
        (key(Subject::Account(account)), ACCOUNT_FAILURES_ANYWHERE),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
            .unwrap()
            .to_utc()
    }

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn a_key_gets_max_attempts_per_window_then_waits() {
        let clock = Clock::manual(start());
        let limiter = RateLimiter::new(clock.clone());
        let what = Guarded::MagicLinkRequest;
        for _ in 0..3 {
            assert_eq!(limiter.check(what, ip(1), Some("a@example.com")), Ok(()));
        }
        assert_eq!(
            limiter.check(what, ip(2), Some("a@example.com")),
            Err(Duration::minutes(15))
        );
        assert_eq!(
            limiter.check(what, ip(2), Some("b@example.com")),
            Ok(()),
            "keys are separate"
        );

        clock.advance(Duration::minutes(10));
        assert_eq!(
            limiter.check(what, ip(3), Some("a@example.com")),
            Err(Duration::minutes(5))
        );
        clock.advance(Duration::minutes(5));
        assert_eq!(
            limiter.check(what, ip(3), Some("a@example.com")),
            Ok(()),
            "the window slid"
        );
    }

    #[test]
    fn an_account_is_one_key_whatever_the_spelling_of_its_email() {
        let limiter = RateLimiter::new(Clock::System);
        let what = Guarded::ResetRequest;
        for spelling in ["A@Example.com", " a@example.com", "a@EXAMPLE.COM"] {
            assert!(limiter.check(what, ip(1), Some(spelling)).is_ok());
        }
        assert!(limiter.check(what, ip(2), Some("a@example.com\n")).is_err());
        let long = format!("{}@example.com", "x".repeat(100_000));
        assert!(limiter.check(what, ip(3), Some(&long)).is_ok());
        assert_eq!(limiter.tracked_keys(), 5, "three addresses, two accounts");
    }

    #[test]
    fn a_stranger_cannot_lock_the_owner_out_of_sign_in() {
        let limiter = RateLimiter::new(Clock::manual(start()));
        let (owner, stranger) = (ip(1), ip(66));
        for _ in 0..10 {
            assert!(limiter.may_sign_in(stranger, "owner@example.com").is_ok());
            limiter.sign_in_failed(stranger, "owner@example.com");
        }
        assert!(limiter.may_sign_in(stranger, "owner@example.com").is_err());
        assert!(
            limiter.may_sign_in(owner, "owner@example.com").is_ok(),
            "the owner's own address still gets in"
        );
        // Successful sign-ins are not counted at all.
        for _ in 0..50 {
            assert!(limiter.may_sign_in(owner, "owner@example.com").is_ok());
        }
    }

    #[test]
    fn many_addresses_together_pause_password_sign_in_for_an_account() {
        let limiter = RateLimiter::new(Clock::manual(start()));
        for n in 0..100u32 {
            let from = IpAddr::from(n.to_be_bytes());
            limiter.sign_in_failed(from, "owner@example.com");
        }
        assert!(limiter.may_sign_in(ip(1), "owner@example.com").is_err());
        assert!(limiter.may_sign_in(ip(1), "other@example.com").is_ok());
    }

    #[test]
    fn old_keys_are_forgotten_as_time_passes() {
        let clock = Clock::manual(start());
        let limiter = RateLimiter::new(clock.clone());
        for n in 0..500u32 {
            let _ = limiter.check(Guarded::TokenUse, IpAddr::from(n.to_be_bytes()), None);
        }
        assert_eq!(limiter.tracked_keys(), 500);
        clock.advance(Duration::hours(2));
        let _ = limiter.check(Guarded::TokenUse, ip(1), None);
        assert_eq!(limiter.tracked_keys(), 1);
    }
}
