//! `text_enum!`: a closed set of values stored in documents as stable lowercase Danish words
//! (the document schema's vocabulary), with parsing, display and autosurgeon mapping. Rust
//! names stay English; the stored words never change once documents carry them.
//!
//! [`Open`] holds such a value where a later version may add words (a notice's kind): a
//! word this build does not know is kept as it is, read and written back unchanged, instead of
//! making the whole document unreadable.

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word stored in documents.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl $crate::text_enum::Words for $name {
            fn word(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "{other:?} is not one of {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.as_str())
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
                s.parse().map_err(|e: String| autosurgeon::HydrateError::unexpected(stringify!($name), e))
            }
        }
    };
}
pub(crate) use text_enum;

/// The words of a [`text_enum!`] type.
pub trait Words: Copy + std::str::FromStr {
    fn word(self) -> &'static str;
}

/// A [`text_enum!`] value in a place where a newer version may write words this build does
/// not know. An app built before a new notice kind, say, must still read its inbox, and
/// marking a notice read must write the new kind back as it was, not drop it (skipping
/// unknown entries would delete them at the next write).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open<T> {
    Known(T),
    /// A word this build does not know, kept as stored.
    Unknown(String),
}

impl<T: Words> Open<T> {
    /// The value, if this build knows it.
    pub fn known(&self) -> Option<T> {
        match self {
            Open::Known(t) => Some(*t),
            Open::Unknown(_) => None,
        }
    }

    /// The word stored in documents.
    pub fn as_str(&self) -> &str {
        match self {
            Open::Known(t) => t.word(),
            Open::Unknown(word) => word,
        }
    }
}

impl<T> From<T> for Open<T> {
    fn from(t: T) -> Self {
        Open::Known(t)
    }
}

impl<T: PartialEq> PartialEq<T> for Open<T> {
    fn eq(&self, other: &T) -> bool {
        matches!(self, Open::Known(t) if t == other)
    }
}

impl<T: Words> std::fmt::Display for Open<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<T: Words> serde::Serialize for Open<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<T: Words> autosurgeon::Reconcile for Open<T> {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        r.str(self.as_str())
    }
}

impl<T: Words> autosurgeon::Hydrate for Open<T> {
    fn hydrate_string(s: &'_ str) -> Result<Self, autosurgeon::HydrateError> {
        Ok(s.parse::<T>()
            .map_or_else(|_| Open::Unknown(s.to_owned()), Open::Known))
    }
}
