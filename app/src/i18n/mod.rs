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

/// "N ændringer venter" / "N changes waiting".
pub fn pending_changes(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Da, 1) => "1 ændring venter".into(),
        (Lang::Da, n) => format!("{n} ændringer venter"),
        (Lang::En, 1) => "1 change waiting".into(),
        (Lang::En, n) => format!("{n} changes waiting"),
    }
}

/// "Venteliste nr. 2" / "Waiting list no. 2".
pub fn waitlist_place(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Venteliste nr. {n}"),
        Lang::En => format!("Waiting list no. {n}"),
    }
}

/// "2 af 3 pladser besat" / "2 of 3 places taken".
pub fn places_taken(taken: usize, capacity: u64, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("{taken} af {capacity} pladser besat"),
        Lang::En => format!("{taken} of {capacity} places taken"),
    }
}

/// "3 ledige pladser" / "3 free places".
pub fn free_places(n: u64, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Da, 0) => "Fuldt booket – venteliste".into(),
        (Lang::Da, 1) => "1 ledig plads".into(),
        (Lang::Da, n) => format!("{n} ledige pladser"),
        (Lang::En, 0) => "Full – waiting list".into(),
        (Lang::En, 1) => "1 free place".into(),
        (Lang::En, n) => format!("{n} free places"),
    }
}

/// A local date and time, e.g. "lør. 12. dec. kl. 14.00", in the browser's time zone.
pub fn when(millis: i64, lang: Lang) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
    let locale = match lang {
        Lang::Da => "da-DK",
        Lang::En => "en-GB",
    };
    let options = js_sys::Object::new();
    for (k, v) in [
        ("weekday", "short"),
        ("day", "numeric"),
        ("month", "short"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
    }
    date.to_locale_string(locale, &options).into()
}

/// A task status as users read it.
pub fn status_label(status: samskab_model::TaskStatus, lang: Lang) -> &'static str {
    use samskab_model::TaskStatus;
    match status {
        TaskStatus::Draft => Msg::StatusDraft.text(lang),
        TaskStatus::Published => Msg::StatusPublished.text(lang),
        TaskStatus::Cancelled => Msg::Cancelled.text(lang),
        TaskStatus::Finished => Msg::StatusFinished.text(lang),
    }
}

/// "Vagt 2" / "Shift 2".
pub fn shift_label(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Vagt {n}"),
        Lang::En => format!("Shift {n}"),
    }
}

/// How a volunteer is named to a coordinator until accounts give names: "Frivillig abc123".
pub fn volunteer_label(person: &str, lang: Lang) -> String {
    let short = person.strip_prefix("frivillig-").unwrap_or(person);
    match lang {
        Lang::Da => format!("Frivillig {short}"),
        Lang::En => format!("Volunteer {short}"),
    }
}
