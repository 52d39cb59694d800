//! Fuzzing by property test: the wire codec and the relay's judge take arbitrary bytes, and
//! mutations of valid messages, without panicking (a panic on the relay's engine thread would
//! stop sync for everyone). Each case either decodes or is refused with an error.
//!
//! `PROPTEST_CASES` sets the number of cases (256 by default); `cargo xtask fuzz` runs many
//! more in release mode. A failure prints the minimal input and is kept in
//! `proptest-regressions/`, which replays it first on the next run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use automerge::Automerge;
use proptest::prelude::*;
use samskab_model::authz::{Principal, Role as UserRole, SignupWindow};
use samskab_model::judge::{Incoming, Writer, admit};
use samskab_model::sync::{Hub, Message, PeerId, Role};
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, Task, TaskStatus};

fn task() -> Task {
    let mut t = Task::draft("klub".parse().unwrap(), "Kiosk", Area::Sport, 0);
    t.shifts.insert(
        "vagt-1".parse().unwrap(),
        Shift::new(10_000_000_000, 10_000_003_600, 2),
    );
    t.status = TaskStatus::Published;
    t
}

fn write(doc: &mut Automerge, t: &Task) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, t))
        .unwrap();
}

/// A relay hub holding one published task, with `anna` connected; and a valid sync message
/// from her that signs her up.
fn relay_and_message() -> (Hub, PeerId, DocumentId, Vec<u8>) {
    let id = DocumentId::from_bytes([5; 16]);
    let mut relay = Hub::new("relay".parse().unwrap(), Role::Relay);
    let mut doc = Automerge::new();
    write(&mut doc, &task());
    relay.load(id, &doc.save()).unwrap();
    let anna: PeerId = "anna-device".parse().unwrap();
    relay.connect(anna.clone());
    let before = doc.get_heads();
    let mut t = task();
    t.shifts
        .get_mut(&"vagt-1".parse().unwrap())
        .unwrap()
        .signups
        .insert(
            "anna".parse().unwrap(),
            Signup {
                state: SignupState::SignedUp,
                at: 1_000,
            },
        );
    write(&mut doc, &t);
    let message = automerge::sync::Message {
        heads: doc.get_heads(),
        need: Vec::new(),
        have: Vec::new(),
        changes: doc
            .get_changes(&before)
            .iter()
            .map(|c| c.raw_bytes().to_vec())
            .collect::<Vec<_>>()
            .into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    };
    (relay, anna, id, message.encode())
}

fn judge_bytes(data: &[u8]) {
    let (mut relay, anna, id, _) = relay_and_message();
    let who = Principal {
        person: "anna".parse().unwrap(),
        role: UserRole::Volunteer,
        organisations: Vec::new(),
    };
    let writer = Writer {
        who: &who,
        window: SignupWindow {
            now: 10_000,
            not_before: i64::MIN,
        },
        reserved: false,
        size: 0,
    };
    let _ = admit(
        &mut relay,
        Incoming {
            peer: &anna,
            id,
            data,
        },
        writer,
        |_| Ok(()),
    );
}

#[test]
fn the_valid_message_is_accepted() {
    let (mut relay, anna, id, data) = relay_and_message();
    let who = Principal {
        person: "anna".parse().unwrap(),
        role: UserRole::Volunteer,
        organisations: Vec::new(),
    };
    let writer = Writer {
        who: &who,
        window: SignupWindow {
            now: 10_000,
            not_before: i64::MIN,
        },
        reserved: false,
        size: 0,
    };
    let admitted = admit(
        &mut relay,
        Incoming {
            peer: &anna,
            id,
            data: &data,
        },
        writer,
        |_| Ok(()),
    );
    assert!(matches!(admitted, Ok(Some(_))), "{admitted:?}");
}

proptest! {
    #[test]
    fn the_wire_codec_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Message::decode(&bytes);
    }

    #[test]
    fn the_judge_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        judge_bytes(&bytes);
    }

    #[test]
    fn the_judge_never_panics_on_a_mutated_valid_message(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let (_, _, _, mut data) = relay_and_message();
        for (at, byte) in flips {
            let i = at.index(data.len());
            data[i] ^= byte;
        }
        if truncate {
            data.truncate(cut.index(data.len()));
        }
        judge_bytes(&data);
    }
}
