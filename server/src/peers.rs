//! Devices: which account a sync peer id belongs to, and when that device was last in contact.
//!
//! A peer id is chosen by the device (the app makes one per install), so on its own it proves
//! nothing. The relay binds it to the user who first connected with it and refuses it to
//! anyone else; a second connection by the same user replaces the first (a phone whose old
//! socket has not timed out yet must not be locked out). `samskab-relay`, the relay's own id,
//! is never a device's. Bindings unused for [`FORGET_AFTER_DAYS`] are dropped (the app makes a
//! new peer id per start).
//!
//! The time a session was last in contact bounds how far back a sign-up made offline under it
//! may be dated ([`samskab_model::authz::SignupWindow`]). It is kept per session, not per peer
//! id: a session is one browser (its tabs share it, and each tab has its own peer id), and an
//! offline browser's sign-ups are all made under its session.
//!
//! Kept in the accounts' store ([`crate::storage::accounts::DeviceStore`]), so bindings survive
//! restarts: a restart must not give an attacker a window to claim someone else's device id
//! first.

use samskab_model::PersonId;
use samskab_model::sync::PeerId;
use sha2::{Digest, Sha256};

use crate::accounts::{AccountError, Accounts};

/// Peer bindings and session contacts not seen for this long are forgotten.
pub const FORGET_AFTER_DAYS: i64 = 90;

/// The relay's own peer id, reserved.
pub const RELAY_PEER: &str = "samskab-relay";

/// Whether a device may connect with a peer id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// The peer id is this user's; `last_contact` is when it was last seen (ms), if ever.
    Yours { last_contact: Option<i64> },

    /// Another user's device uses this peer id.
    Foreign,
}

/// Forgets peer bindings and session contacts unused since `FORGET_AFTER_DAYS` before `now`.
pub fn prune(accounts: &Accounts, now: i64) -> Result<usize, AccountError> {
    let cutoff = now - FORGET_AFTER_DAYS * 86_400_000;
    Ok(accounts.store().forget_contacts(cutoff)?)
}

/// When a connection of this session last sent the relay anything (ms), if ever.
pub fn session_contact(accounts: &Accounts, session: &[u8]) -> Result<Option<i64>, AccountError> {
    Ok(accounts.store().session_contact(session)?)
}

/// Binds `peer` to `user` if it is new, and says whose it is.
pub fn bind(
    accounts: &Accounts,
    peer: &PeerId,
    user: &PersonId,
    now: i64,
) -> Result<Binding, AccountError> {
    if peer.as_str() == RELAY_PEER {
        return Ok(Binding::Foreign);
    }
    Ok(accounts.store().bind_peer(peer, user, now)?)
}

/// When the session with this token hash began (ms), if it exists.
pub fn session_started(accounts: &Accounts, session: &[u8]) -> Result<Option<i64>, AccountError> {
    Ok(accounts.store().session(session)?.map(|s| s.created_at))
}

/// The ids of every account (for the profile ids no other kind may take).
pub fn person_ids(accounts: &Accounts) -> Result<Vec<PersonId>, AccountError> {
    Ok(accounts.store().person_ids()?)
}

/// How a device is named to others (the audit log "Hvem har set mit CV"): the browser and
/// platform from its User-Agent and a short tag derived from the peer id, which tells one
/// device from another but cannot be used to connect as it.
pub fn device_label(peer: &PeerId, user_agent: &str) -> String {
    let digest = Sha256::digest(format!("samskab-device:{peer}").as_bytes());
    let tag: String = digest[..3].iter().map(|b| format!("{b:02x}")).collect();
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map_or("Browser", |(_, name)| *name);
    let platform = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "Mac"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map(|(_, name)| *name);
    match platform {
        Some(platform) => format!("{browser} på {platform} ({tag})"),
        None => format!("{browser} ({tag})"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_peer_id_belongs_to_its_first_user_and_the_relays_to_no_one() {
        let dir = tempfile::tempdir().unwrap();
        let accounts = Accounts::open(dir.path()).unwrap();
        let (anna, bent): (PersonId, PersonId) = ("anna".parse().unwrap(), "bent".parse().unwrap());
        let phone: PeerId = "phone-1".parse().unwrap();
        assert_eq!(
            bind(&accounts, &phone, &anna, 10).unwrap(),
            Binding::Yours { last_contact: None }
        );
        accounts.store().touch_peer(&phone, 20).unwrap();
        assert_eq!(
            bind(&accounts, &phone, &anna, 30).unwrap(),
            Binding::Yours {
                last_contact: Some(20)
            }
        );
        assert_eq!(
            bind(&accounts, &phone, &bent, 30).unwrap(),
            Binding::Foreign
        );
        let relay: PeerId = RELAY_PEER.parse().unwrap();
        assert_eq!(
            bind(&accounts, &relay, &anna, 30).unwrap(),
            Binding::Foreign
        );
    }

    #[test]
    fn a_device_label_names_the_browser_not_the_peer_id() {
        let peer: PeerId = "frivillig-abc123".parse().unwrap();
        let label = device_label(
            &peer,
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
        );
        assert!(label.starts_with("Chrome på Android ("), "{label}");
        assert!(!label.contains("abc123"));
    }
}
