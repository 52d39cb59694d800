//! Time as the rules read it: a [`Timestamp`] (milliseconds since the Unix epoch, UTC, what
//! documents store) and the [`Clock`] it comes from. The relay and the app each read "now"
//! from one clock they are given, so a test can set the time instead of waiting for it
//! (a shift that has started, a session that has expired).

use std::sync::atomic::{AtomicI64, Ordering};

use crate::task::Millis;

/// An instant: milliseconds since the Unix epoch (UTC).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub Millis);

impl Timestamp {
    /// The milliseconds, as documents store them.
    pub const fn millis(self) -> Millis {
        self.0
    }

    /// This instant plus `ms` milliseconds (saturating).
    pub const fn plus_ms(self, ms: Millis) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }
}

/// Where "now" comes from.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> Timestamp;
}

/// The machine's clock (native only: in the browser the app reads `Date.now()`).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| {
                Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
            });
        Timestamp(ms)
    }
}

/// A clock that says what it is told (tests).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn at(at: Timestamp) -> Self {
        Self(AtomicI64::new(at.0))
    }

    pub fn set(&self, at: Timestamp) {
        self.0.store(at.0, Ordering::SeqCst);
    }

    pub fn advance_ms(&self, ms: Millis) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_says_what_it_is_told() {
        let clock = ManualClock::at(Timestamp(1_000));
        assert_eq!(clock.now(), Timestamp(1_000));
        clock.advance_ms(500);
        assert_eq!(clock.now().millis(), 1_500);
        clock.set(Timestamp(7));
        assert_eq!(clock.now(), Timestamp(7).plus_ms(0));
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_system_clock_is_after_2025() {
        assert!(SystemClock.now() > Timestamp(1_735_689_600_000));
    }
}
