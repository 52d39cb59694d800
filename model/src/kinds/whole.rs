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
//! into JSON, then serde from the JSON, 348 ms (230 ms on a quiet machine, where autosurgeon
//! took 800 ms); serde reading the range iterators directly, nothing built in between, 206 ms
//! on that quiet machine.
//!
//! The two readings agree: a value serde cannot read (a shape the serde type does not
//! match, text where a string is expected, bytes) falls back to `autosurgeon::hydrate`, and
//! the tests below hold the results equal over thousands of generated documents, merged
//! concurrent edits and damaged ones. Used for index rows only; a document's page, its checks
//! and the relay's judgement hydrate through autosurgeon.

use automerge::iter::{ListRange, MapRange};
use automerge::{Automerge, ObjId, ObjType, ROOT, ReadDoc, ScalarValueRef, ValueRef};
use autosurgeon::{Hydrate, HydrateError};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

/// The document's root as `T`, in one pass over its operations where serde can read it, else
/// through autosurgeon; the same value either way.
pub fn hydrate_whole<T: Hydrate + DeserializeOwned>(doc: &Automerge) -> Result<T, HydrateError> {
    let root = Node {
        doc,
        value: Value::Object(ROOT, ObjType::Map),
    };
    match T::deserialize(root) {
        Ok(value) => Ok(value),
        Err(_) => autosurgeon::hydrate(doc),
    }
}

/// A value of the document, read by serde straight from automerge's range iterators: each
/// yields the winning value of every key or element in one pass, and an object's id only
/// when asked for (a nested map or list). Nothing is built in between (an earlier version
/// built JSON and had serde read that). What a string field must not accept is kept out of
/// reach of one: text objects, bytes and unknown scalars are errors, and the caller falls
/// back to autosurgeon.
struct Node<'a> {
    doc: &'a Automerge,
    value: Value<'a>,
}

enum Value<'a> {
    Object(ObjId, ObjType),
    Scalar(ScalarValueRef<'a>),
}

impl<'a> Node<'a> {
    fn of(doc: &'a Automerge, value: ValueRef<'a>, id: impl FnOnce() -> ObjId) -> Self {
        let value = match value {
            ValueRef::Object(typ) => Value::Object(id(), typ),
            ValueRef::Scalar(scalar) => Value::Scalar(scalar),
        };
        Node { doc, value }
    }
}

/// Why serde could not read the document; the reading then goes through autosurgeon.
#[derive(Debug)]
struct Unreadable(String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreadable {}

impl de::Error for Unreadable {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Unreadable(msg.to_string())
    }
}

fn unreadable<T>(what: &str) -> Result<T, Unreadable> {
    Err(Unreadable(format!("{what}: only autosurgeon reads it")))
}

impl<'de> de::Deserializer<'de> for Node<'de> {
    type Error = Unreadable;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        match self.value {
            Value::Object(obj, ObjType::Map | ObjType::Table) => visitor.visit_map(Entries {
                doc: self.doc,
                range: self.doc.map_range(&obj, ..),
                next: None,
            }),
            Value::Object(obj, ObjType::List) => visitor.visit_seq(Items {
                doc: self.doc,
                range: self.doc.list_range(&obj, ..),
            }),
            Value::Object(_, ObjType::Text) => unreadable("text"),
            Value::Scalar(scalar) => match scalar {
                ScalarValueRef::Str(std::borrow::Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
                ScalarValueRef::Str(std::borrow::Cow::Owned(s)) => visitor.visit_string(s),
                ScalarValueRef::Int(i)
                | ScalarValueRef::Timestamp(i)
                | ScalarValueRef::Counter(i) => visitor.visit_i64(i),
                ScalarValueRef::Uint(u) => visitor.visit_u64(u),
                ScalarValueRef::F64(f) => visitor.visit_f64(f),
                ScalarValueRef::Boolean(b) => visitor.visit_bool(b),
                ScalarValueRef::Null => visitor.visit_unit(),
                ScalarValueRef::Bytes(_) | ScalarValueRef::Unknown { .. } => unreadable("bytes"),
            },
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unreadable> {
        match self.value {
            Value::Scalar(ScalarValueRef::Null) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        visitor.visit_newtype_struct(self)
    }

    /// Enums of words (`text_enum!`): a string names a unit variant. Other shapes are left to
    /// autosurgeon.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unreadable> {
        match self.value {
            Value::Scalar(ScalarValueRef::Str(word)) => {
                visitor.visit_enum(IntoDeserializer::<Unreadable>::into_deserializer(
                    word.as_ref(),
                ))
            }
            _ => unreadable("an enum that is not a word"),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// A map's keys and winning values, in key order.
struct Entries<'a> {
    doc: &'a Automerge,
    range: MapRange<'a>,
    next: Option<Node<'a>>,
}

impl<'a> de::MapAccess<'a> for Entries<'a> {
    type Error = Unreadable;

    fn next_key_seed<K: de::DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Unreadable> {
        let Some(item) = self.range.next() else {
            return Ok(None);
        };
        let key = item.key.clone();
        self.next = Some(Node::of(self.doc, item.value.clone(), || item.id()));
        seed.deserialize(IntoDeserializer::<Unreadable>::into_deserializer(
            key.as_ref(),
        ))
        .map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'a>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Unreadable> {
        match self.next.take() {
            Some(node) => seed.deserialize(node),
            None => unreadable("a value without its key"),
        }
    }
}

/// A list's winning elements, in order.
struct Items<'a> {
    doc: &'a Automerge,
    range: ListRange<'a>,
}

impl<'a> de::SeqAccess<'a> for Items<'a> {
    type Error = Unreadable;

    fn next_element_seed<T: de::DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Unreadable> {
        match self.range.next() {
            Some(item) => seed
                .deserialize(Node::of(self.doc, item.value.clone(), || item.id()))
                .map(Some),
            None => Ok(None),
        }
    }
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
            let root = Node {
                doc: &doc,
                value: Value::Object(ROOT, ObjType::Map),
            };
            let direct = <Profile as serde::Deserialize>::deserialize(root).unwrap();
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
