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
    /// Starting a checkout (each places an order and asks the payment
    /// provider for a session).
    Checkout,
    /// The return from checkout asking the provider how a payment stands
    /// (the page asks again every two seconds until it is confirmed).
    ConfirmCheckout,
    /// The public license API (activate, validate, deactivate).
    LicenseApi,
}

/// How many attempts one kind of request allows in a window: per client
/// address, per account from one address, and per account from everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub per_ip: Limit,
    pub per_account_from_ip: Limit,
    pub per_account: Limit,
}

impl Guarded {
    /// Attempts allowed in a 15-minute window. Counting an account per
    /// address keeps a stranger from using up its owner's allowance; the
    /// higher bar per account from everywhere stops a distributed attack on one
    /// account.
    pub fn limits(self) -> Limits {
        let per = Duration::minutes(15);
        let (ip, account_from_ip, account) = match self {
            Self::SignIn => (30, 10, 100),
            Self::MagicLinkRequest | Self::ResetRequest | Self::ConfirmationRequest => (10, 3, 20),
            Self::TokenUse => (10, 10, 10),
            Self::Register => (10, 3, 10),
            Self::PasswordChange => (10, 5, 5),
            Self::LinkLookup | Self::Checkout => (60, 60, 60),
            Self::ConfirmCheckout => (600, 600, 600),
            Self::LicenseApi => (300, 300, 300),
        };
        let limit = |max| Limit { max, per };
        Limits {
            per_ip: limit(ip),
            per_account_from_ip: limit(account_from_ip),
            per_account: limit(account),
        }
    }
}

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
    /// with `email`; refuses it with how long to wait when any of its limits
    /// is reached.
    pub fn check(&self, what: Guarded, ip: IpAddr, email: Option<&str>) -> Result<(), Duration> {
        let now = self.clock.now();
        for (key, limit) in keys(what, ip, email) {
            self.attempt(key, limit, Some(now))?;
        }
        Ok(())
    }

    /// Counts a password sign-in to `email` from `ip` before it is tried, so a
    /// burst of parallel guesses cannot all slip past the limits; answers the
    /// attempt, to [`RateLimiter::refund`] when it succeeds (only failures stay
    /// counted). Limits: per address, per account from that address (a
    /// stranger elsewhere cannot lock the owner out), and per account from
    /// everywhere at a much higher bar.
    pub fn begin_sign_in(&self, ip: IpAddr, email: &str) -> Result<Attempt, Duration> {
        let at = self.clock.now();
        let keys = keys(Guarded::SignIn, ip, Some(email));
        for (counted, (key, limit)) in keys.iter().enumerate() {
            if let Err(wait) = self.attempt(*key, *limit, Some(at)) {
                self.uncount(&keys[..counted], at);
                return Err(wait);
            }
        }
        Ok(Attempt { keys, at })
    }

    /// Forgets a counted attempt that succeeded.
    pub fn refund(&self, attempt: Attempt) {
        self.uncount(&attempt.keys, attempt.at);
    }

    fn uncount(&self, keys: &[(Key, Limit)], at: DateTime<Utc>) {
        let mut table = self
            .table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (key, _) in keys {
            if let Some(times) = table.attempts.get_mut(key)
                && let Some(index) = times.iter().rposition(|time| *time == at)
            {
                times.remove(index);
            }
        }
    }

    /// Checks `key` against `limit` and, when given an instant, counts this
    /// attempt at it.
    fn attempt(
        &self,
        key: Key,
        limit: Limit,
        record: Option<DateTime<Utc>>,
    ) -> Result<(), Duration> {
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
        if let Some(at) = record {
            times.push_back(at);
            table.order.push_back((at, key));
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

/// A counted sign-in attempt, to refund if it succeeds.
#[derive(Debug)]
pub struct Attempt {
    keys: Vec<(Key, Limit)>,
    at: DateTime<Utc>,
}

/// The keys an attempt at `what` counts against, with their limits.
fn keys(what: Guarded, ip: IpAddr, email: Option<&str>) -> Vec<(Key, Limit)> {
    let limits = what.limits();
    let network = network(ip);
    let key = |subject| Key { what, subject };
    let mut keys = vec![(key(Subject::Ip(network)), limits.per_ip)];
    if let Some(email) = email {
        let account = account(email);
        keys.push((
            key(Subject::AccountFrom(account, network)),
            limits.per_account_from_ip,
        ));
        keys.push((key(Subject::Account(account)), limits.per_account));
    }
    keys
}

/// The network a client address stands for: the address itself for IPv4,
/// its /64 for IPv6 (one subscriber's line; a client there picks any of 2^64
/// addresses).
fn network(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(std::net::Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
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
            limiter.check(what, ip(1), Some("a@example.com")),
            Err(Duration::minutes(15))
        );
        assert_eq!(
            limiter.check(what, ip(1), Some("b@example.com")),
            Ok(()),
            "keys are separate"
        );
        assert_eq!(
            limiter.check(what, ip(2), Some("a@example.com")),
            Ok(()),
            "another address has its own allowance for the account"
        );

        clock.advance(Duration::minutes(10));
        assert_eq!(
            limiter.check(what, ip(1), Some("a@example.com")),
            Err(Duration::minutes(5))
        );
        clock.advance(Duration::minutes(5));
        assert_eq!(
            limiter.check(what, ip(1), Some("a@example.com")),
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
        assert!(limiter.check(what, ip(1), Some("a@example.com\n")).is_err());
        let long = format!("{}@example.com", "x".repeat(100_000));
        assert!(limiter.check(what, ip(3), Some(&long)).is_ok());
        assert_eq!(
            limiter.tracked_keys(),
            6,
            "two addresses, two accounts, two accounts-from-an-address"
        );
    }

    #[test]
    fn an_account_has_a_bar_for_all_addresses_together() {
        let limiter = RateLimiter::new(Clock::manual(start()));
        for n in 0..20u32 {
            let from = IpAddr::from(n.to_be_bytes());
            assert!(
                limiter
                    .check(Guarded::MagicLinkRequest, from, Some("a@example.com"))
                    .is_ok()
            );
        }
        assert!(
            limiter
                .check(Guarded::MagicLinkRequest, ip(200), Some("a@example.com"))
                .is_err()
        );
    }

    #[test]
    fn a_stranger_cannot_lock_the_owner_out_of_sign_in() {
        let limiter = RateLimiter::new(Clock::manual(start()));
        let (owner, stranger) = (ip(1), ip(66));
        for _ in 0..10 {
            // Wrong guesses: counted, never refunded.
            assert!(limiter.begin_sign_in(stranger, "owner@example.com").is_ok());
        }
        assert!(
            limiter
                .begin_sign_in(stranger, "owner@example.com")
                .is_err()
        );
        let attempt = limiter.begin_sign_in(owner, "owner@example.com");
        assert!(attempt.is_ok(), "the owner's own address still gets in");
        // Successful sign-ins are refunded: they never add up.
        limiter.refund(attempt.unwrap());
        for _ in 0..50 {
            let attempt = limiter.begin_sign_in(owner, "owner@example.com").unwrap();
            limiter.refund(attempt);
        }
    }

    #[test]
    fn parallel_guesses_are_counted_before_they_are_tried() {
        let limiter = RateLimiter::new(Clock::manual(start()));
        let attempts: Vec<_> = (0..40)
            .map(|_| limiter.begin_sign_in(ip(9), "owner@example.com"))
            .collect();
        assert_eq!(attempts.iter().filter(|a| a.is_ok()).count(), 10);
    }

    #[test]
    fn many_addresses_together_pause_password_sign_in_for_an_account() {
        let limiter = RateLimiter::new(Clock::manual(start()));
        for n in 0..100u32 {
            let from = IpAddr::from(n.to_be_bytes());
            assert!(limiter.begin_sign_in(from, "owner@example.com").is_ok());
        }
        assert!(limiter.begin_sign_in(ip(1), "owner@example.com").is_err());
        assert!(limiter.begin_sign_in(ip(1), "other@example.com").is_ok());
    }

    #[test]
    fn an_ipv6_client_is_its_slash_64() {
        let limiter = RateLimiter::new(Clock::manual(start()));
        for n in 0..10u16 {
            let from = IpAddr::from([0x2001, 0xdb8, 0, 1, 0, 0, 0, n]);
            let _ = limiter.check(Guarded::TokenUse, from, None);
        }
        let elsewhere_in_the_same_64 = IpAddr::from([0x2001, 0xdb8, 0, 1, 9, 9, 9, 9]);
        assert!(
            limiter
                .check(Guarded::TokenUse, elsewhere_in_the_same_64, None)
                .is_err()
        );
        let next_64 = IpAddr::from([0x2001, 0xdb8, 0, 2, 0, 0, 0, 1]);
        assert!(limiter.check(Guarded::TokenUse, next_64, None).is_ok());
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
