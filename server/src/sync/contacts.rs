//! When each device (peer id) and each session was last in contact with the relay, gathered
//! over a burst of commands and written in one transaction at its end
//! ([`super::engine::Engine::end_burst`]), instead of one fsynced write per connection and
//! per disconnection on the engine thread (four of them per short visit).
//!
//! Contacts only ever move forward, and a lost one (a crash before the write) leaves an
//! earlier time: a binding is then forgotten a little sooner, and a device's next sign-ups are
//! judged against an earlier last contact, as if the relay had not seen it since. Nothing
//! that decides who may read or write waits for them.

use std::collections::HashMap;

use samskab_model::sync::PeerId;

use crate::accounts::Accounts;

/// Contacts not yet written.
#[derive(Debug, Default)]
pub(super) struct Contacts {
    peers: HashMap<PeerId, i64>,
    sessions: HashMap<Vec<u8>, i64>,
}

impl Contacts {
    /// Records contact with `peer` at `at` (the latest of those recorded is kept).
    pub(super) fn peer(&mut self, peer: &PeerId, at: i64) {
        let last = self.peers.entry(peer.clone()).or_insert(at);
        *last = (*last).max(at);
    }

    /// Records contact of a connection of `session` (its token's hash) at `at`.
    pub(super) fn session(&mut self, session: &[u8], at: i64) {
        let last = self.sessions.entry(session.to_vec()).or_insert(at);
        *last = (*last).max(at);
    }

    /// The session's last contact: the stored one, or a later one not yet written.
    pub(super) fn of_session(&self, accounts: &Accounts, session: &[u8]) -> Option<i64> {
        let stored = crate::peers::session_contact(accounts, session).unwrap_or(None);
        stored.max(self.sessions.get(session).copied())
    }

    /// Writes what was recorded, in one transaction. On failure the contacts are logged and
    /// dropped: they are not worth holding the engine for.
    pub(super) fn write(&mut self, accounts: &Accounts) {
        if self.peers.is_empty() && self.sessions.is_empty() {
            return;
        }
        let peers: Vec<(PeerId, i64)> = self.peers.drain().collect();
        let sessions: Vec<(Vec<u8>, i64)> = self.sessions.drain().collect();
        if let Err(e) = accounts.store().touch_all(&peers, &sessions) {
            tracing::warn!(error = %e, peers = peers.len(), sessions = sessions.len(), "cannot record when devices were last in contact");
        }
    }
}
