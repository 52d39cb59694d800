//! A person's needs for a meeting under concurrent edits: the person's phone and tablet each
//! make the document offline (no common first change) or edit it, merged in any order: every
//! replica ends with the same needs, still valid, for the same meeting and person, holding one
//! of the texts written, whole (concurrent writes: one wins, the same on every replica;
//! nothing is spliced together).
#![allow(clippy::unwrap_used)]

mod common;

use automerge::AutoCommit;
use proptest::prelude::*;
use samskab_model::DocumentId;
use samskab_model::kinds::needs::Needs;

fn meeting() -> DocumentId {
    DocumentId::from_bytes([7; 16])
}

/// One device's write: made from nothing (offline, never synced) or on the shared first
/// state, with its text.
fn write() -> impl Strategy<Value = (bool, String)> {
    (any::<bool>(), "[a-zæøå ]{0,40}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_merge_order_gives_the_same_needs_with_one_of_the_texts(
        writes in prop::collection::vec(write(), 1..6),
        seed in any::<u64>(),
    ) {
        let first = Needs::new(&meeting(), "anna".parse().unwrap(), 100, 1);
        let mut shared = AutoCommit::new();
        autosurgeon::reconcile(&mut shared, &first).unwrap();
        let forks: Vec<AutoCommit> = writes
            .iter()
            .enumerate()
            .map(|(i, (fresh, text))| {
                let mut doc = if *fresh { AutoCommit::new() } else { shared.fork() };
                let mut needs = first.clone();
                needs.text = text.clone();
                needs.updated_at = 2 + i64::try_from(i).unwrap();
                autosurgeon::reconcile(&mut doc, &needs).unwrap();
                doc
            })
            .collect();
        let order = common::shuffled(forks.len(), seed);
        let mut a = shared.fork();
        for fork in &forks {
            a.merge(&mut fork.clone()).unwrap();
        }
        let mut b = AutoCommit::new();
        for i in order.into_iter().rev() {
            b.merge(&mut forks[i].clone()).unwrap();
        }
        b.merge(&mut shared.clone()).unwrap();
        let left: Needs = autosurgeon::hydrate(&a).unwrap();
        let right: Needs = autosurgeon::hydrate(&b).unwrap();
        prop_assert_eq!(&left, &right);
        prop_assert_eq!(left.validate(), Ok(()));
        prop_assert_eq!(left.meeting_id(), Some(meeting()));
        prop_assert_eq!(left.person.as_str(), "anna");
        prop_assert!(
            left.text == first.text || writes.iter().any(|(_, text)| *text == left.text),
            "{:?} is none of the texts written", left.text
        );
    }
}
