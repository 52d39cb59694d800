//! How far behind the engine is, for the health endpoints.

/// How far behind the engine is, read by the health endpoints without asking the engine
/// (a stalled engine could not answer).
#[derive(Debug, Default)]
pub(super) struct Gauge {
    /// Commands sent and not yet finished.
    pub(super) queued: std::sync::atomic::AtomicUsize,
    /// When the engine last finished a command (ms).
    pub(super) last_done: std::sync::atomic::AtomicI64,
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
    fn the_engine_is_behind_when_commands_pile_up_or_none_finish() {
        assert!(Health::at(0, 0, 1_000_000).is_ok(), "idle for long is fine");
        assert!(Health::at(10, 999_000, 1_000_000).is_ok());
        assert!(!Health::at(10, 990_000, 1_000_000).is_ok(), "stalled 10 s");
        assert!(!Health::at(HEALTH_MAX_QUEUED + 1, 1_000_000, 1_000_000).is_ok());
    }
}
