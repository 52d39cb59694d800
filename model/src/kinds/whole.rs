//! Reading a whole document at once, for the device's lists.
//!
//! `autosurgeon::hydrate` asks the document for each field and each list element in turn, and
//! each ask seeks through the document's operations: a volunteer profile of about fifty
//! operations took 130 µs natively and 350 µs in the browser, which a new staff device paid
//! for each of 7,500 profiles while building the CV bank's index. [`hydrate_whole`] reads the
//! document in one pass with automerge's range iterators and reads the value through the
//! type's serde shape, which for the kinds read this way is the document's own shape (the
//! device's index stores it as JSON in that shape already). `cargo bench -p samskab-model
//! --bench cv`, "Profile documents", 7,500 profiles natively: autosurgeon 1,048 ms; through
//! `Automerge::hydrate`'s tree (this module's first reading) 601 ms; with the range iterators
//! 348 ms.
//!
//! The two readings agree: a value serde cannot read (a shape the serde type does not
//! match, text where a string is expected, bytes) falls back to `autosurgeon::hydrate`, and
//! the tests below hold the results equal over thousands of generated documents, merged
//! concurrent edits and damaged ones. Used for index rows only; a document's page, its checks
//! and the relay's judgement hydrate through autosurgeon.

use automerge::{Automerge, ObjId, ObjType, ROOT, ReadDoc, ScalarValueRef, ValueRef};
use autosurgeon::{Hydrate, HydrateError};
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

/// The document's root as `T`, in one pass over its operations where serde can read it, else
/// through autosurgeon; the same value either way.
pub fn hydrate_whole<T: Hydrate + DeserializeOwned>(doc: &Automerge) -> Result<T, HydrateError> {
    match serde_json::from_value(json(doc, &ROOT, ObjType::Map)) {
        Ok(value) => Ok(value),
        Err(_) => autosurgeon::hydrate(doc),
    }
}

/// The object `obj` (of type `typ`) as JSON, read with automerge's range iterators: each
/// yields the winning value of every key or element in one pass, and an object's id only
/// when asked for (a nested map or list). About twice as fast as materialising the tree
/// with `Automerge::hydrate` and converting it, which builds an id for every value. What a
/// string field must not accept is kept out of reach of one: text objects and bytes become
/// objects, which no string, number or list reads.
fn json(doc: &Automerge, obj: &ObjId, typ: ObjType) -> Json {
    let value = |value: ValueRef<'_>, id: &dyn Fn() -> ObjId| match value {
        ValueRef::Object(typ @ (ObjType::Map | ObjType::Table | ObjType::List)) => {
            json(doc, &id(), typ)
        }
        ValueRef::Object(ObjType::Text) => unreadable("text"),
        ValueRef::Scalar(scalar) => match scalar {
            ScalarValueRef::Str(s) => Json::String(s.into_owned()),
            ScalarValueRef::Int(i) | ScalarValueRef::Timestamp(i) | ScalarValueRef::Counter(i) => {
                Json::from(i)
            }
            ScalarValueRef::Uint(u) => Json::from(u),
            ScalarValueRef::F64(f) => Json::from(f),
            ScalarValueRef::Boolean(b) => Json::Bool(b),
            ScalarValueRef::Null => Json::Null,
            ScalarValueRef::Bytes(_) | ScalarValueRef::Unknown { .. } => unreadable("bytes"),
        },
    };
    match typ {
        ObjType::List => Json::Array(
            doc.list_range(obj, ..)
                .map(|item| value(item.value.clone(), &|| item.id()))
                .collect(),
        ),
        _ => Json::Object(
            doc.map_range(obj, ..)
                .map(|item| {
                    (
                        item.key.to_string(),
                        value(item.value.clone(), &|| item.id()),
                    )
                })
                .collect(),
        ),
    }
}

/// A value only an autosurgeon reading may make sense of.
fn unreadable(what: &str) -> Json {
    Json::Object(
        [("$automerge".to_owned(), Json::String(what.to_owned()))]
            .into_iter()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::synthetic_profiles;
    use crate::profile::Profile;
    use automerge::ScalarValue;
    use automerge::transaction::Transactable;

    fn document_of(profile: &Profile) -> Automerge {
        let mut doc = Automerge::new();
        doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, profile))
            .unwrap();
        // As a device holds it: saved and loaded.
        Automerge::load(&doc.save()).unwrap()
    }

    fn agree(doc: &Automerge) -> Result<Profile, HydrateError> {
        let slow = autosurgeon::hydrate::<_, Profile>(doc);
        let fast = hydrate_whole::<Profile>(doc);
        match (&slow, &fast) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(_), Err(_)) => {}
            _ => panic!("the readings disagree: autosurgeon {slow:?}, whole {fast:?}"),
        }
        fast
    }

    #[test]
    fn generated_profiles_read_the_same() {
        for profile in synthetic_profiles(2_000, 7, 1_800_000_000_000) {
            let doc = document_of(&profile);
            assert_eq!(agree(&doc).unwrap(), profile);
            // And the serde reading itself succeeded (no fallback): the fast path is taken.
            let direct: Profile = serde_json::from_value(json(&doc, &ROOT, ObjType::Map)).unwrap();
            assert_eq!(direct, profile);
        }
    }

    #[test]
    fn concurrent_edits_read_the_same_winner() {
        let profile = synthetic_profiles(1, 11, 1_800_000_000_000).remove(0);
        let base = document_of(&profile);
        let mut a = base.fork();
        let mut b = base.fork();
        for (doc, name, skill) in [(&mut a, "Anne", "kørsel"), (&mut b, "Bente", "musik")] {
            let mut edited = profile.clone();
            edited.name = name.to_owned();
            edited.skills.push(skill.to_owned());
            doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| {
                autosurgeon::reconcile(tx, &edited)
            })
            .unwrap();
        }
        a.merge(&mut b).unwrap();
        let read = agree(&a).unwrap();
        assert!(["Anne", "Bente"].contains(&read.name.as_str()));
        assert_eq!(read.skills.len(), profile.skills.len() + 2);
    }

    #[test]
    fn damaged_documents_read_the_same() {
        let profile = synthetic_profiles(1, 13, 1_800_000_000_000).remove(0);
        type Damage = fn(&mut automerge::transaction::Transaction<'_>);
        let damages: [Damage; 6] = [
            // Text where a string is expected.
            |tx| {
                let text = tx.put_object(ROOT, "name", ObjType::Text).unwrap();
                tx.splice_text(&text, 0, 0, "Tekst").unwrap();
            },
            // A number where a string is expected, and a string where a number is.
            |tx| tx.put(ROOT, "phone", 12345678_i64).unwrap(),
            |tx| tx.put(ROOT, "travel_km", "langt").unwrap(),
            // A field gone.
            |tx| tx.delete(ROOT, "consent").unwrap(),
            // Bytes in a list of strings.
            |tx| {
                let list = tx.put_object(ROOT, "skills", ObjType::List).unwrap();
                tx.insert(&list, 0, ScalarValue::Bytes(vec![1, 2])).unwrap();
            },
            // Another kind's word.
            |tx| tx.put(ROOT, "kind", "task").unwrap(),
        ];
        for damage in damages {
            let mut doc = document_of(&profile);
            let mut tx = doc.transaction();
            damage(&mut tx);
            tx.commit();
            assert!(agree(&doc).is_err());
        }
    }
}
