//! The organisation document under concurrent edits: devices that edit different or the same
//! fields offline, merged in any order, end with the same organisation, and it still hydrates
//! and (when every edit was valid) is still valid.
#![allow(clippy::unwrap_used)]

mod common;

use automerge::AutoCommit;
use proptest::prelude::*;
use samskab_model::kinds::organisation::{Category, Organisation};

fn base() -> Organisation {
    Organisation::new(
        "haslev-fodbold".parse().unwrap(),
        "Haslev Fodboldklub",
        Category::Association,
        1_000,
    )
}

/// One offline edit: which field, and the text written (short enough to be valid).
fn edit() -> impl Strategy<Value = (u8, String)> {
    (0u8..7, "[a-zæøå ]{1,20}")
}

fn apply(org: &mut Organisation, (field, text): &(u8, String)) {
    match field {
        0 => org.name = format!("Klub {text}"),
        1 => org.town = text.clone(),
        2 => org.description = text.clone(),
        3 => org.contact.name = text.clone(),
        4 => org.contact.phone = text.clone(),
        5 => org.cvr = "12345678".into(),
        _ => org.category = Category::Other,
    }
    org.updated_at += 1;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_merge_order_gives_the_same_valid_organisation(
        edits in prop::collection::vec(edit(), 1..8),
        seed in any::<u64>(),
    ) {
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, base()).unwrap();
        let forks: Vec<AutoCommit> = edits
            .iter()
            .map(|e| {
                let mut fork = doc.fork();
                let mut org: Organisation = autosurgeon::hydrate(&fork).unwrap();
                apply(&mut org, e);
                autosurgeon::reconcile(&mut fork, &org).unwrap();
                fork
            })
            .collect();
        let order = common::shuffled(forks.len(), seed);
        let mut a = doc.fork();
        for fork in &forks {
            a.merge(&mut fork.clone()).unwrap();
        }
        let mut b = doc.fork();
        for i in order {
            b.merge(&mut forks[i].clone()).unwrap();
        }
        let left: Organisation = autosurgeon::hydrate(&a).unwrap();
        let right: Organisation = autosurgeon::hydrate(&b).unwrap();
        prop_assert_eq!(&left, &right);
        prop_assert_eq!(left.validate(), Ok(()));
        prop_assert_eq!(left.organisation.as_str(), "haslev-fodbold");
    }
}
