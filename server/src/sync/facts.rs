//! The facts index: which facts ([`Fact`]) the documents make true, kept by the relay over
//! every document so that one kind's read rule can ask what another kind's documents say.

use std::collections::{BTreeSet, HashMap};

use samskab_model::DocumentId;
use samskab_model::kinds::{Fact, Facts, Topic};

/// The facts the documents make true ([`Fact`]), kept over every document: which document
/// makes which facts true, and how many documents make each; and which documents' readers
/// depend on facts about which [`Topic`]. The kinds declare what their documents make true
/// (`DocumentKind::facts`) and what their read rules consult (`DocumentKind::depends_on`);
/// the engine only keeps the index.
#[derive(Debug, Default)]
pub struct FactIndex {
    by_document: HashMap<DocumentId, BTreeSet<Fact>>,
    counts: HashMap<Fact, u32>,
    topics_of: HashMap<DocumentId, Vec<Topic>>,
    dependents: HashMap<Topic, BTreeSet<DocumentId>>,
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

    /// Records, for each fact given, whether document `id` makes it true now (its other
    /// facts stay as they were). Returns the facts that came or went.
    pub fn set(&mut self, id: DocumentId, facts: Vec<(Fact, bool)>) -> Vec<Fact> {
        let mut touched = Vec::new();
        let mine = self.by_document.entry(id).or_default();
        for (fact, holds) in facts {
            if holds && !mine.contains(&fact) {
                let count = self.counts.entry(fact.clone()).or_insert(0);
                *count += 1;
                if *count == 1 {
                    touched.push(fact.clone());
                }
                mine.insert(fact);
            } else if !holds
                && mine.remove(&fact)
                && let Some(count) = self.counts.get_mut(&fact)
            {
                *count -= 1;
                if *count == 0 {
                    self.counts.remove(&fact);
                    touched.push(fact);
                }
            }
        }
        if mine.is_empty() {
            self.by_document.remove(&id);
        }
        touched
    }

    /// Records the topics whose facts decide who may read document `id` now.
    pub fn depend(&mut self, id: DocumentId, topics: Vec<Topic>) {
        if self.topics_of.get(&id) == Some(&topics) {
            return;
        }
        for old in self.topics_of.remove(&id).unwrap_or_default() {
            if let Some(ids) = self.dependents.get_mut(&old) {
                ids.remove(&id);
                if ids.is_empty() {
                    self.dependents.remove(&old);
                }
            }
        }
        for topic in &topics {
            self.dependents.entry(topic.clone()).or_default().insert(id);
        }
        if !topics.is_empty() {
            self.topics_of.insert(id, topics);
        }
    }

    /// The documents whose readers may have changed now that `touched` came or went, in
    /// order, each once.
    pub fn dependents(&self, touched: &[Fact]) -> Vec<DocumentId> {
        let mut out = BTreeSet::new();
        for fact in touched {
            out.extend(self.dependents.get(&fact.topic()).into_iter().flatten());
        }
        out.into_iter().collect()
    }

    /// Forgets document `id` (deleted). Returns the facts that went with it.
    pub fn forget(&mut self, id: DocumentId) -> Vec<Fact> {
        self.depend(id, Vec::new());
        self.update(id, Vec::new())
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

    #[test]
    fn setting_some_facts_of_a_document_keeps_its_others_and_counts_like_an_update() {
        let signed_up = |person: &str| Fact::SignedUp {
            person: person.parse().unwrap(),
            organisation: "haslev-fodbold".parse().unwrap(),
        };
        let (task, other) = (DocumentId::random(), DocumentId::random());
        let mut index = FactIndex::default();
        index.update(task, vec![signed_up("anna"), signed_up("bo")]);
        index.update(other, vec![signed_up("bo")]);
        assert_eq!(
            index.set(task, vec![(signed_up("carla"), true)]),
            vec![signed_up("carla")]
        );
        assert!(index.holds(&signed_up("anna")), "untouched facts stay");
        assert!(
            index.set(task, vec![(signed_up("bo"), false)]).is_empty(),
            "the other task still makes it true"
        );
        assert_eq!(
            index.set(
                task,
                vec![(signed_up("anna"), false), (signed_up("carla"), true)]
            ),
            vec![signed_up("anna")]
        );
        assert!(index.set(task, vec![(signed_up("dan"), false)]).is_empty());
        // The whole document's facts, as an update would record them, agree.
        assert_eq!(index.update(task, vec![signed_up("carla")]), Vec::new());
        assert_eq!(index.forget(task), vec![signed_up("carla")]);
        assert!(index.holds(&signed_up("bo")));
    }

    #[test]
    fn a_fact_that_comes_or_goes_names_the_documents_that_depend_on_its_topic() {
        let meeting = DocumentId::random();
        let hosts = |person: &str| Fact::Hosts {
            person: person.parse().unwrap(),
            meeting,
        };
        let (anna, bo, elsewhere) = (
            DocumentId::random(),
            DocumentId::random(),
            DocumentId::random(),
        );
        let mut index = FactIndex::default();
        index.depend(anna, vec![Topic::Hosts(meeting)]);
        index.depend(bo, vec![Topic::Hosts(meeting)]);
        index.depend(elsewhere, vec![Topic::Hosts(DocumentId::random())]);
        let mut expected = vec![anna, bo];
        expected.sort();
        assert_eq!(index.dependents(&[hosts("hanne")]), expected);
        assert_eq!(index.dependents(&[hosts("hanne"), hosts("ib")]), expected);
        index.depend(bo, Vec::new());
        assert_eq!(index.dependents(&[hosts("hanne")]), vec![anna]);
        let touched = index.update(meeting, vec![hosts("hanne")]);
        assert_eq!(touched, vec![hosts("hanne")]);
        assert_eq!(index.forget(meeting), vec![hosts("hanne")]);
        index.forget(anna);
        assert!(index.dependents(&[hosts("hanne")]).is_empty());
    }
}
