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
}
