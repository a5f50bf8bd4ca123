//! Rate limits for sign-in and mailed-link requests: at most `max` attempts per
//! `per` for each key (an IP address, an account), over a sliding window.
//! Counts live in this process.

use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use crate::clock::Clock;

/// How many attempts a key may make in a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    pub per: Duration,
}

/// What is being limited, and how much.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guarded {
    /// Password sign-in.
    SignIn,
    /// Asking for a mailed sign-in link.
    MagicLinkRequest,
    /// Asking for a mailed password reset.
    ResetRequest,
    /// Spending a mailed token (sign-in link or reset).
    TokenUse,
}

impl Guarded {
    fn name(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::MagicLinkRequest => "magic_link",
            Self::ResetRequest => "reset",
            Self::TokenUse => "token",
        }
    }

    /// Attempts per IP address and per account in a 15-minute window.
    pub fn limits(self) -> (Limit, Limit) {
        let per = Duration::minutes(15);
        let (ip, account) = match self {
            Self::SignIn => (30, 10),
            Self::MagicLinkRequest | Self::ResetRequest | Self::TokenUse => (10, 3),
        };
        (Limit { max: ip, per }, Limit { max: account, per })
    }
}

/// Attempts by key. Cheap to clone: clones share the counts.
#[derive(Clone, Debug)]
pub struct RateLimiter {
    attempts: Arc<Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>>,
    clock: Clock,
}

/// Past this many keys, keys with no recent attempt are forgotten.
const PRUNE_AT: usize = 10_000;

impl RateLimiter {
    pub fn new(clock: Clock) -> Self {
        Self {
            attempts: Arc::default(),
            clock,
        }
    }

    /// Records an attempt at `what` from `ip` and, when known, for the account
    /// with `email` (normalized); refuses it with how long to wait when either
    /// is over its limit.
    pub fn check(&self, what: Guarded, ip: &str, email: Option<&str>) -> Result<(), Duration> {
        let (per_ip, per_account) = what.limits();
        self.attempt(&format!("{}:ip:{ip}", what.name()), per_ip)?;
        if let Some(email) = email {
            let account = types::email::Email::parse(email)
                .map(|e| e.as_str().to_owned())
                .unwrap_or_else(|_| email.trim().to_lowercase());
            self.attempt(&format!("{}:account:{account}", what.name()), per_account)?;
        }
        Ok(())
    }

    /// Records an attempt for `key`, or refuses it with how long to wait.
    pub fn attempt(&self, key: &str, limit: Limit) -> Result<(), Duration> {
        let now = self.clock.now();
        let since = now - limit.per;
        let mut attempts = self
            .attempts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if attempts.len() >= PRUNE_AT {
            attempts.retain(|_, times| times.back().is_some_and(|last| *last > since));
        }
        let times = attempts.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|first| *first <= since) {
            times.pop_front();
        }
        if times.len() >= limit.max {
            let oldest = times.front().copied().unwrap_or(now);
            return Err((oldest + limit.per - now).max(Duration::seconds(1)));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_max_attempts_per_window_then_waits() {
        let start = DateTime::parse_from_rfc3339("2026-11-28T10:00:00Z")
            .unwrap()
            .to_utc();
        let clock = Clock::manual(start);
        let limiter = RateLimiter::new(clock.clone());
        let limit = Limit {
            max: 3,
            per: Duration::minutes(15),
        };
        for _ in 0..3 {
            assert_eq!(limiter.attempt("ip:1", limit), Ok(()));
        }
        assert_eq!(limiter.attempt("ip:1", limit), Err(Duration::minutes(15)));
        assert_eq!(limiter.attempt("ip:2", limit), Ok(()), "keys are separate");

        clock.advance(Duration::minutes(10));
        assert_eq!(limiter.attempt("ip:1", limit), Err(Duration::minutes(5)));
        clock.advance(Duration::minutes(5));
        assert_eq!(limiter.attempt("ip:1", limit), Ok(()), "the window slid");
    }

    #[test]
    fn an_account_is_limited_whatever_the_case_of_its_email() {
        let limiter = RateLimiter::new(Clock::System);
        for _ in 0..10 {
            assert!(
                limiter
                    .check(Guarded::SignIn, "10.0.0.1", Some("A@Example.com"))
                    .is_ok()
            );
        }
        assert!(
            limiter
                .check(Guarded::SignIn, "10.0.0.2", Some("a@example.com "))
                .is_err()
        );
        assert!(
            limiter
                .check(Guarded::SignIn, "10.0.0.2", Some("b@example.com"))
                .is_ok()
        );
    }
}
