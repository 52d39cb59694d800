//! How far behind the engine is, for the health endpoints.

use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering::Relaxed};

/// How far behind the engine is, read by the health endpoints without asking the engine
/// (a stalled engine could not answer).
#[derive(Debug, Default)]
pub(super) struct Gauge {
    /// Commands sent and not yet finished.
    queued: AtomicUsize,
    /// Since when the engine has made no progress (ms): when it last finished a command, or,
    /// if commands began to wait after it had none, when the first of them was sent.
    progress_at: AtomicI64,
}

impl Gauge {
    /// A gauge at `now`, with nothing waiting.
    pub(super) fn new(now: i64) -> Self {
        Self {
            queued: AtomicUsize::new(0),
            progress_at: AtomicI64::new(now),
        }
    }

    /// A command was sent at `now`. An engine that was idle is not behind for the time it
    /// had nothing to do: without this, the first command after a quiet spell made the
    /// relay report itself stalled for the whole spell (the app's connection probe then saw
    /// 503s while nothing was wrong).
    pub(super) fn sent(&self, now: i64) {
        if self.queued.fetch_add(1, Relaxed) == 0 {
            self.progress_at.store(now, Relaxed);
        }
    }

    /// A command that was sent was not taken (the engine has stopped).
    pub(super) fn not_taken(&self) {
        self.queued.fetch_sub(1, Relaxed);
    }

    /// The engine finished a command at `now`.
    pub(super) fn done(&self, now: i64) {
        self.queued.fetch_sub(1, Relaxed);
        self.progress_at.store(now, Relaxed);
    }

    pub(super) fn health(&self, now: i64) -> Health {
        Health::at(
            self.queued.load(Relaxed),
            self.progress_at.load(Relaxed),
            now,
        )
    }
}

/// The engine counts as behind with more commands than this waiting…
pub const HEALTH_MAX_QUEUED: usize = 5_000;
/// …or when commands wait and it has finished none for this long (ms).
pub const HEALTH_MAX_STALL_MS: i64 = 2_000;

/// What the health endpoints report about the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// Commands waiting for the engine.
    pub queued: usize,
    /// How long commands have waited with none finished (ms; 0 when none wait).
    pub stalled_ms: i64,
}

impl Health {
    pub(super) fn at(queued: usize, last_done: i64, now: i64) -> Self {
        let stalled_ms = if queued == 0 {
            0
        } else {
            (now - last_done).max(0)
        };
        Self { queued, stalled_ms }
    }

    /// Whether the engine keeps up: few commands waiting, and it is finishing them.
    pub fn is_ok(&self) -> bool {
        self.queued <= HEALTH_MAX_QUEUED && self.stalled_ms <= HEALTH_MAX_STALL_MS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_after_a_quiet_spell_is_not_a_stall() {
        let gauge = Gauge::new(0);
        gauge.sent(100);
        gauge.done(150);
        // Idle for a minute, then a command arrives and is being handled.
        gauge.sent(60_000);
        assert!(gauge.health(60_010).is_ok(), "{:?}", gauge.health(60_010));
        // Not finished after more than the limit: that is a stall.
        let late = 60_000 + HEALTH_MAX_STALL_MS + 1;
        assert_eq!(gauge.health(late).stalled_ms, HEALTH_MAX_STALL_MS + 1);
        assert!(!gauge.health(late).is_ok());
        // A second command while the first waits does not restart the clock.
        gauge.sent(61_000);
        assert!(!gauge.health(late).is_ok());
        gauge.done(late);
        assert!(gauge.health(late + 10).is_ok(), "one finished: progress");
        gauge.done(late + 20);
        assert_eq!(gauge.health(late + 5_000).stalled_ms, 0, "nothing waits");
    }

    #[test]
    fn the_engine_is_behind_when_commands_pile_up_or_none_finish() {
        assert!(Health::at(0, 0, 1_000_000).is_ok(), "idle for long is fine");
        assert!(Health::at(10, 999_000, 1_000_000).is_ok());
        assert!(!Health::at(10, 990_000, 1_000_000).is_ok(), "stalled 10 s");
        assert!(!Health::at(HEALTH_MAX_QUEUED + 1, 1_000_000, 1_000_000).is_ok());
    }
}
