//! The facts index: which facts ([`Fact`]) the documents make true, kept by the relay over
//! every document so that one kind's read rule can ask what another kind's documents say.

use std::collections::{BTreeSet, HashMap};

use samskab_model::DocumentId;
use samskab_model::kinds::{Fact, Facts};

/// The facts the documents make true ([`Fact`]), kept over every document: which document
/// makes which facts true, and how many documents make each. The kinds declare what their
/// documents make true (`DocumentKind::facts`) and whose readers depend on it
/// (`DocumentKind::watches`); the engine only keeps the count.
#[derive(Debug, Default)]
pub struct FactIndex {
    by_document: HashMap<DocumentId, BTreeSet<Fact>>,
    counts: HashMap<Fact, u32>,
}

impl Facts for FactIndex {
    fn holds(&self, fact: &Fact) -> bool {
        self.counts.contains_key(fact)
    }
}

impl FactIndex {
    /// Records what document `id` makes true now. Returns the facts that came or went.
    pub fn update(&mut self, id: DocumentId, facts: Vec<Fact>) -> Vec<Fact> {
        let new: BTreeSet<Fact> = facts.into_iter().collect();
        let old = self.by_document.remove(&id).unwrap_or_default();
        let mut touched = Vec::new();
        for gone in old.difference(&new) {
            if let Some(count) = self.counts.get_mut(gone) {
                *count -= 1;
                if *count == 0 {
                    self.counts.remove(gone);
                    touched.push(gone.clone());
                }
            }
        }
        for came in new.difference(&old) {
            let count = self.counts.entry(came.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                touched.push(came.clone());
            }
        }
        if !new.is_empty() {
            self.by_document.insert(id, new);
        }
        touched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_comes_with_its_first_document_and_goes_with_its_last() {
        let fact = Fact::SignedUp {
            person: "vera".parse().unwrap(),
            organisation: "haslev-fodbold".parse().unwrap(),
        };
        let (a, b) = (DocumentId::random(), DocumentId::random());
        let mut index = FactIndex::default();
        assert_eq!(index.update(a, vec![fact.clone()]), vec![fact.clone()]);
        assert!(index.holds(&fact));
        assert!(
            index.update(b, vec![fact.clone()]).is_empty(),
            "already true"
        );
        assert!(index.update(a, vec![fact.clone()]).is_empty(), "unchanged");
        assert!(
            index.update(a, Vec::new()).is_empty(),
            "b still makes it true"
        );
        assert!(index.holds(&fact));
        assert_eq!(index.update(b, Vec::new()), vec![fact.clone()]);
        assert!(!index.holds(&fact));
    }
}
