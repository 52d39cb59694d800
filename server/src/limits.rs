//! Every limit and timeout of the relay's HTTP surface, as named constants in one place (they
//! are listed in `docs/protocol.md`, "HTTP limits"), and the in-memory limiters for login and
//! registration. A restart forgets the limiters, which costs an attacker nothing they did not
//! have.
//!
//! Login is throttled per address and, with exponential backoff, per (account, address), and
//! only failures count: a stranger guessing someone's password from their own address slows
//! down themselves, never the owner on hers. What is given up is a ceiling per account across
//! all addresses (a botnet could guess from many); the argon2 cost and the minimum password
//! length carry that, and a ceiling anyone can reach would let anyone lock anyone out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A client has this long to send a request's headers, from the moment the connection opens
/// or the previous response is written (so it also ends idle keep-alive connections). A phone
/// on a poor connection sends a few hundred bytes of headers in well under a second.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A client has this long to send a whole JSON body, once its headers are in.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request body the relay reads. The API's bodies are a few hundred bytes (a
/// login, a registration); nothing else the relay serves takes a body (sync runs over the
/// WebSocket, which has its own message limit).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Open connections (requests and sync WebSockets together) when the process's file limit is
/// unknown: below the common default of 1,024 with [`RESERVED_FILES`] to spare.
pub const MAX_CONNECTIONS: usize = 768;
/// File descriptors kept free of connections: the databases and their WAL files, the log, the
/// listener, and the accept that is refused when the cap is reached.
pub const RESERVED_FILES: usize = 256;
/// The cap never goes above this, however high the file limit (each connection costs memory).
pub const MAX_CONNECTIONS_CEILING: usize = 16_384;
/// After an accept fails for a reason other than the one connection (e.g. out of files), the
/// loop waits this long instead of spinning.
pub const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Failed logins for one account from one address before the backoff begins (people mistype).
pub const FREE_LOGIN_FAILURES: u32 = 10;
/// The first wait after the free failures; each further failure doubles it...
pub const LOGIN_BACKOFF_FIRST: Duration = Duration::from_secs(30);
/// ...up to this.
pub const LOGIN_BACKOFF_MAX: Duration = Duration::from_secs(15 * 60);
/// An (account, address) with no failure for this long starts afresh.
pub const LOGIN_FAILURE_MEMORY: Duration = Duration::from_secs(60 * 60);
/// Failed logins from one address (any accounts) per [`LOGIN_ADDRESS_WINDOW`]: what stops one
/// address from trying one password against many accounts.
pub const LOGIN_FAILURES_PER_ADDRESS: u32 = 50;
pub const LOGIN_ADDRESS_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Registrations from one address per [`REGISTRATION_WINDOW`]: a room full of people at an
/// introduction evening on the venue's wifi gets in; a script creating accounts does not.
pub const REGISTRATIONS_PER_ADDRESS: u32 = 60;
pub const REGISTRATION_WINDOW: Duration = Duration::from_secs(60 * 60);
/// Answers "that e-mail has an account" to one address per [`REGISTRATION_WINDOW`]; once
/// spent, the address may not register at all until the window ends (see `api::register`).
pub const EMAIL_TAKEN_ANSWERS_PER_ADDRESS: u32 = 5;
/// "Glemt adgangskode" requests from one address per [`RESET_WINDOW`] (answered 429 beyond).
pub const RESET_REQUESTS_PER_ADDRESS: u32 = 20;
/// Reset mails to one e-mail address per [`RESET_WINDOW`], whoever asks: beyond that the
/// request gets the same 202 and no mail, so nobody can fill a mailbox, and the answer still
/// says nothing about whether the account exists.
pub const RESET_MAILS_PER_ACCOUNT: u32 = 3;
pub const RESET_WINDOW: Duration = Duration::from_secs(60 * 60);
/// A limiter forgets its expired keys once it holds this many, so memory stays bounded.
const PRUNE_ABOVE: usize = 100_000;

/// The connection cap: [`RESERVED_FILES`] below the process's soft file limit, within
/// [16, [`MAX_CONNECTIONS_CEILING`]]; [`MAX_CONNECTIONS`] where the limit cannot be read.
pub fn max_connections() -> usize {
    // /proc/self/limits rather than getrlimit: the crate forbids unsafe code, and this is the
    // one platform the relay is deployed on; elsewhere the fixed default applies.
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3))
                .and_then(|soft| soft.parse::<usize>().ok())
        });
    match soft {
        Some(soft) => soft
            .saturating_sub(RESERVED_FILES)
            .clamp(16, MAX_CONNECTIONS_CEILING),
        None => MAX_CONNECTIONS,
    }
}

/// How a limit names a client address: IPv4 as is, IPv6 by its /64 (one subscriber's
/// network, which hands its devices any number of addresses inside it).
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Whole seconds to wait, rounded up, at least one: what `Retry-After` says.
pub fn wait_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

/// A fixed-window counter per key.
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

    fn hits(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Instant)>> {
        // The map stays consistent at every step, so a panic elsewhere leaves it usable.
        self.hits
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts an attempt under `key`; `Err(retry_after)` once the window's allowance is used.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    pub fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits();
        if hits.len() > PRUNE_ABOVE {
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

    /// `Err(retry_after)` if `key` has used its allowance, without counting anything.
    pub fn spent_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        match self.hits().get(key) {
            Some((count, start))
                if *count >= self.max && now.duration_since(*start) < self.window =>
            {
                Err(self.window.saturating_sub(now.duration_since(*start)))
            }
            _ => Ok(()),
        }
    }

    /// Takes back one counted attempt (it turned out not to be one that should count).
    pub fn uncount(&self, key: &str) {
        if let Some(entry) = self.hits().get_mut(key) {
            entry.0 = entry.0.saturating_sub(1);
        }
    }
}

/// Failures of one account from one address.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the next attempt may be made.
    fn ready_at(self) -> Instant {
        let Some(over) = self.count.checked_sub(FREE_LOGIN_FAILURES) else {
            return self.last;
        };
        // 2^over saturates long before it matters: the maximum is reached after 5 doublings.
        let wait = LOGIN_BACKOFF_FIRST
            .saturating_mul(2u32.saturating_pow(over.min(31)))
            .min(LOGIN_BACKOFF_MAX);
        self.last + wait
    }
}

/// Login throttling: per address (failures only) and exponential backoff per (account,
/// address).
///
/// An attempt counts as a failure from the moment it begins ([`LoginThrottle::attempt`]) until
/// it is reported as a success ([`LoginThrottle::succeeded`]): a burst of parallel guesses
/// cannot all slip through before the first wrong one is counted.
#[derive(Debug)]
pub struct LoginThrottle {
    pairs: Mutex<HashMap<(String, String), Failures>>,
    addresses: RateLimiter,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            pairs: Mutex::new(HashMap::new()),
            addresses: RateLimiter::new(LOGIN_FAILURES_PER_ADDRESS, LOGIN_ADDRESS_WINDOW),
        }
    }
}

impl LoginThrottle {
    fn pairs(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), Failures>> {
        // As for `RateLimiter::hits`: consistent at every step.
        self.pairs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Before a password is checked: `Err(wait)` if this address must wait (for this account,
    /// or at all); otherwise the attempt is counted as a failure until it succeeds.
    pub fn attempt(&self, account: &str, address: &str) -> Result<(), Duration> {
        self.attempt_at(account, address, Instant::now())
    }

    pub fn attempt_at(&self, account: &str, address: &str, now: Instant) -> Result<(), Duration> {
        let mut pairs = self.pairs();
        if pairs.len() > PRUNE_ABOVE {
            pairs.retain(|_, f| now.duration_since(f.last) < LOGIN_FAILURE_MEMORY);
        }
        let key = (account.to_owned(), address.to_owned());
        if let Some(failures) = pairs.get(&key).copied() {
            if now.duration_since(failures.last) >= LOGIN_FAILURE_MEMORY {
                pairs.remove(&key);
            } else if let Some(wait) = failures.ready_at().checked_duration_since(now)
                && !wait.is_zero()
            {
                return Err(wait);
            }
        }
        self.addresses.check_at(address, now)?;
        let failures = pairs.entry(key).or_insert(Failures {
            count: 0,
            last: now,
        });
        failures.count = failures.count.saturating_add(1);
        failures.last = now;
        Ok(())
    }

    /// The attempt begun with [`LoginThrottle::attempt`] had the right password: it was not a
    /// failure, and the account's earlier failures from this address are forgiven.
    pub fn succeeded(&self, account: &str, address: &str) {
        self.pairs()
            .remove(&(account.to_owned(), address.to_owned()));
        self.addresses.uncount(address);
    }

    /// The attempt begun with [`LoginThrottle::attempt`] ended before its password was judged
    /// (a new password refused, a failure of the relay's own): it does not count, and the
    /// earlier failures stay.
    pub fn not_judged(&self, account: &str, address: &str) {
        let key = (account.to_owned(), address.to_owned());
        let mut pairs = self.pairs();
        if let Some(failures) = pairs.get_mut(&key) {
            failures.count = failures.count.saturating_sub(1);
            if failures.count == 0 {
                pairs.remove(&key);
            }
        }
        self.addresses.uncount(address);
    }
}

/// The relay's limits.
#[derive(Debug)]
pub struct Limits {
    /// Logins and password changes (the old password is a password guess too).
    pub login: LoginThrottle,
    /// Registrations (and accepted invitations) per client address.
    pub register_address: RateLimiter,
    /// "That e-mail has an account" answers per client address.
    pub email_taken: RateLimiter,
    /// Password reset requests per client address.
    pub reset_address: RateLimiter,
    /// Password reset mails per (normalised) e-mail address.
    pub reset_account: RateLimiter,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            login: LoginThrottle::default(),
            register_address: RateLimiter::new(REGISTRATIONS_PER_ADDRESS, REGISTRATION_WINDOW),
            email_taken: RateLimiter::new(EMAIL_TAKEN_ANSWERS_PER_ADDRESS, REGISTRATION_WINDOW),
            reset_address: RateLimiter::new(RESET_REQUESTS_PER_ADDRESS, RESET_WINDOW),
            reset_account: RateLimiter::new(RESET_MAILS_PER_ACCOUNT, RESET_WINDOW),
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

    #[test]
    fn spent_looks_without_counting_and_uncount_gives_back() {
        let now = Instant::now();
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.spent_at("a", now).is_ok());
        limiter.check_at("a", now).unwrap();
        limiter.check_at("a", now).unwrap();
        let wait = limiter
            .spent_at("a", now + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        limiter.uncount("a");
        assert!(limiter.spent_at("a", now).is_ok());
        assert!(limiter.spent_at("a", now + Duration::from_secs(60)).is_ok());
    }

    const ANNA: &str = "anna@example.dk";
    const OWNER: &str = "192.0.2.1";
    const STRANGER: &str = "198.51.100.7";

    /// Fails `n` times for `account` from `address` at `now`; the statuses as Ok/Err.
    fn fail(t: &LoginThrottle, account: &str, address: &str, n: usize, now: Instant) -> Vec<bool> {
        (0..n)
            .map(|_| t.attempt_at(account, address, now).is_ok())
            .collect()
    }

    #[test]
    fn a_strangers_failures_do_not_slow_the_owner_down() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let tries = fail(&t, ANNA, STRANGER, 20, now);
        assert!(tries[..10].iter().all(|ok| *ok));
        assert!(tries[10..].iter().all(|ok| !*ok), "the stranger waits");
        assert!(t.attempt_at(ANNA, OWNER, now).is_ok(), "the owner does not");
        t.succeeded(ANNA, OWNER);
        // The stranger's address may still try other accounts, up to its own ceiling.
        assert!(t.attempt_at("bo@example.dk", STRANGER, now).is_ok());
    }

    #[test]
    fn the_backoff_doubles_up_to_its_maximum_and_is_forgotten() {
        let t = LoginThrottle::default();
        let mut now = Instant::now();
        fail(&t, ANNA, STRANGER, 10, now);
        let mut waits = Vec::new();
        for _ in 0..8 {
            let wait = t.attempt_at(ANNA, STRANGER, now).unwrap_err();
            waits.push(wait.as_secs());
            // Right after the wait, one more wrong guess is let through and counted.
            now += wait;
            assert!(t.attempt_at(ANNA, STRANGER, now).is_ok());
        }
        assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900, 900]);
        // An hour without failures: a fresh start.
        now += LOGIN_FAILURE_MEMORY;
        assert_eq!(fail(&t, ANNA, STRANGER, 10, now), [true; 10]);
    }

    #[test]
    fn only_failures_count() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..200 {
            assert!(t.attempt_at(ANNA, OWNER, now).is_ok());
            t.succeeded(ANNA, OWNER);
        }
        // Nine mistakes, then the right password: the slate is clean again.
        fail(&t, ANNA, OWNER, 9, now);
        t.attempt_at(ANNA, OWNER, now).unwrap();
        t.succeeded(ANNA, OWNER);
        assert_eq!(fail(&t, ANNA, OWNER, 10, now), [true; 10]);
    }

    #[test]
    fn attempts_that_judged_no_password_do_not_count_but_keep_the_history() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        fail(&t, ANNA, OWNER, 9, now);
        for _ in 0..5 {
            t.attempt_at(ANNA, OWNER, now).unwrap();
            t.not_judged(ANNA, OWNER);
        }
        assert_eq!(
            fail(&t, ANNA, OWNER, 2, now),
            [true, false],
            "the tenth is free, no more"
        );
    }

    #[test]
    fn one_address_guessing_across_accounts_meets_its_ceiling() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let accounts: Vec<String> = (0..60).map(|i| format!("p{i}@example.dk")).collect();
        let allowed = accounts
            .iter()
            .filter(|a| t.attempt_at(a, STRANGER, now).is_ok())
            .count();
        assert_eq!(allowed, LOGIN_FAILURES_PER_ADDRESS as usize);
        assert!(t.attempt_at(ANNA, OWNER, now).is_ok(), "per address");
        assert!(
            t.attempt_at(ANNA, STRANGER, now + LOGIN_ADDRESS_WINDOW)
                .is_ok(),
            "until the window ends"
        );
    }

    #[test]
    fn addresses_are_keyed_by_ipv4_or_ipv6_slash_64() {
        let key = |s: &str| address_key(s.parse().unwrap());
        assert_eq!(key("192.0.2.1"), "192.0.2.1");
        assert_eq!(key("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), key("2001:db8:1:2:ffff::1"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }

    #[test]
    fn waits_round_up_to_whole_seconds() {
        assert_eq!(wait_seconds(Duration::ZERO), 1);
        assert_eq!(wait_seconds(Duration::from_millis(29_001)), 30);
        assert_eq!(wait_seconds(Duration::from_secs(30)), 30);
    }
}
