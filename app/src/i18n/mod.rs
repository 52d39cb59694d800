//! Texts in Danish and English.
//!
//! Every text the UI shows is a variant of [`Msg`], declared once in [`messages`] with its
//! Danish and English wording side by side. The `messages!` macro makes both wordings
//! mandatory, so a missing translation is a compile error rather than a blank on screen, and a
//! lookup is a `match` compiled into the wasm: no parsing at start-up, no string keys that can
//! drift, no runtime library. Texts with numbers or names are plain functions beside the
//! catalog, where Danish and English grammar can differ freely.
//!
//! [`I18n`] carries the current language through the component tree as context.

mod messages;

use leptos::prelude::*;
pub use messages::Msg;
pub use samskab_model::Lang;

/// The current UI language, as context. Copy, so closures can capture it freely.
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    pub fn new(initial: Lang) -> Self {
        Self {
            lang: RwSignal::new(initial),
        }
    }

    /// The current language (reactive: a closure calling this re-runs when it changes).
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
    }

    /// The text of `msg` in the current language (reactive).
    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang.get())
    }
}

/// The i18n context provided by the app root.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Declares the catalog (used by `messages.rs`): `Name => { da: "...", en: "..." }` per text.
macro_rules! define_messages {
    ($($(#[$doc:meta])* $key:ident => { da: $da:expr, en: $en:expr $(,)? }),* $(,)?) => {
        /// A text of the UI; [`Msg::text`] gives its wording in a language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg {
            $($(#[$doc])* $key,)*
        }

        impl Msg {
            /// Every text, for completeness checks.
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        (Msg::$key, Lang::Da) => $da,
                        (Msg::$key, Lang::En) => $en,
                    )*
                }
            }
        }
    };
}
pub(crate) use define_messages;
