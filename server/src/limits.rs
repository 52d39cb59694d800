//! Fixed-window rate limits for login and registration, per account and per address, in
//! memory (a restart forgets them, which costs an attacker nothing they did not have).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    hits: Mutex<HashMap<String, (u32, Instant)>>,
}

impl RateLimiter {
    pub fn new(max: u32, window: Duration) -> Self {
        Self {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt under `key`; `Err(retry_after)` once the window's allowance is used.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut hits = self
            .hits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if hits.len() > 100_000 {
            hits.retain(|_, (_, start)| now.duration_since(*start) < self.window);
        }
        let entry = hits.entry(key.to_owned()).or_insert((0, now));
        if now.duration_since(entry.1) >= self.window {
            *entry = (0, now);
        }
        if entry.0 >= self.max {
            return Err(self.window.saturating_sub(now.duration_since(entry.1)));
        }
        entry.0 += 1;
        Ok(())
    }
}

/// The relay's limits.
#[derive(Debug)]
pub struct Limits {
    /// Login attempts per email.
    pub login_account: RateLimiter,
    /// Login attempts per client address.
    pub login_address: RateLimiter,
    /// Registrations per client address.
    pub register_address: RateLimiter,
}

impl Default for Limits {
    fn default() -> Self {
        let quarter = Duration::from_secs(15 * 60);
        Self {
            login_account: RateLimiter::new(10, quarter),
            login_address: RateLimiter::new(50, quarter),
            register_address: RateLimiter::new(10, Duration::from_secs(60 * 60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_per_window_then_refuses_per_key() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(limiter.check("a").is_ok());
        }
        assert!(limiter.check("a").is_err());
        assert!(limiter.check("b").is_ok());
        let zero = RateLimiter::new(1, Duration::ZERO);
        assert!(zero.check("a").is_ok());
        assert!(
            zero.check("a").is_ok(),
            "a new window starts once the old one is over"
        );
    }
}
