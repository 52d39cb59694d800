//! Texts in Danish and English.
//!
//! Every text the UI shows is declared once, in the file of the area that shows it, with its
//! Danish and English wording side by side:
//! - [`shell`]: the header, menu, status lines, banners and placeholder pages;
//! - [`common`]: the few words several areas share;
//! - [`tasks`], [`coordinate`], [`cv`] (Mit CV and CV-banken), [`account`],
//!   [`organisations`].
//!
//! Each file's `define_messages!` makes both wordings mandatory, so a missing translation is a
//! compile error rather than a blank on screen, and a lookup is a `match` compiled into the
//! wasm: no parsing at start-up, no string keys that can drift, no runtime library. Each area
//! is an enum of its own ([`Tasks`], ...); [`Msg`] is the catalog over all of them, and every
//! text is also a constant of `Msg` (`Msg::SignUp`), so a page names a text the same way
//! whichever file declares it (two areas declaring the same name is a compile error). Texts
//! with numbers or names are plain functions beside their area's texts, where Danish and
//! English grammar can differ freely.
//!
//! A new area (a new kind of document with its pages) adds one file here and one line to the
//! `catalog!` below.
//!
//! [`I18n`] carries the current language through the component tree as context.

pub mod account;
pub mod common;
pub mod coordinate;
pub mod cv;
pub mod inbox;
pub mod meetings;
pub mod organisations;
pub mod privacy;
pub mod shell;
pub mod tasks;

use leptos::prelude::*;
pub use samskab_model::Lang;

pub use account::{Account, link_works_until, reset_link_for, role_label, too_many_attempts};
pub use common::{Common, number};
pub use coordinate::{Coordinate, decision_made, status_changed};
pub use cv::{
    Cv, certificate_label, certificate_valid_until, coordinator_consent_label, device_label,
    travel_label, volunteers_found,
};
pub use inbox::Inbox;
pub use meetings::{
    Meetings, action_state_label, add_person_label, agenda_accept_label, agenda_decline_label,
    agenda_item_label, check_in_label, checked_in_count, due_label, group_members, meeting_seats,
    meeting_waitlist_place, meeting_when, minutes_planned, people_found, remove_member_label,
    task_from_meeting, uninvite_label, who_answered,
};
pub use organisations::Organisations;
pub use privacy::Privacy;
pub use shell::{Shell, fetching, pending_changes};
pub use tasks::{
    Tasks, free_places, invited_to, places_taken, shift_label, signup_result, status_label,
    tasks_shown, volunteer_label, waitlist_place,
};

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

/// Declares one area's texts (used by the area files): `Area;` then
/// `Name => { da: "...", en: "..." }` per text. Makes the area's enum, its wording, and a
/// [`Msg`] constant per text.
macro_rules! define_messages {
    (
        $(#[$area_doc:meta])* $area:ident;
        $($(#[$doc:meta])* $key:ident => { da: $da:expr, en: $en:expr $(,)? }),* $(,)?
    ) => {
        $(#[$area_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $area {
            $($(#[$doc])* $key,)*
        }

        impl $area {
            /// Every text of the area.
            pub const ALL: &'static [$area] = &[$($area::$key,)*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(
                        ($area::$key, Lang::Da) => $da,
                        ($area::$key, Lang::En) => $en,
                    )*
                }
            }
        }

        // Named like the variants they stand for, so that a text reads `Msg::SignUp`.
        #[allow(non_upper_case_globals)]
        impl Msg {
            $(pub const $key: Msg = Msg::$area($area::$key);)*
        }
    };
}
pub(crate) use define_messages;

/// Lists the areas once: makes [`Msg`] over them.
macro_rules! catalog {
    ($first:ident $(, $area:ident)* $(,)?) => {
        /// A text of the UI, of one area; [`Msg::text`] gives its wording in a language.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg {
            $first($first),
            $($area($area),)*
        }

        impl Msg {
            /// Every text of every area, for completeness checks.
            pub const ALL: &'static [Msg] = &{
                const N: usize = $first::ALL.len() $(+ $area::ALL.len())*;
                let mut all = [Msg::$first($first::ALL[0]); N];
                let mut i = 0;
                let mut j = 0;
                while j < $first::ALL.len() {
                    all[i] = Msg::$first($first::ALL[j]);
                    i += 1;
                    j += 1;
                }
                $(
                    let mut j = 0;
                    while j < $area::ALL.len() {
                        all[i] = Msg::$area($area::ALL[j]);
                        i += 1;
                        j += 1;
                    }
                )*
                all
            };

            pub fn text(self, lang: Lang) -> &'static str {
                match self {
                    Msg::$first(m) => m.text(lang),
                    $(Msg::$area(m) => m.text(lang),)*
                }
            }
        }

        $(
            impl From<$area> for Msg {
                fn from(m: $area) -> Self {
                    Msg::$area(m)
                }
            }
        )*
        impl From<$first> for Msg {
            fn from(m: $first) -> Self {
                Msg::$first(m)
            }
        }
    };
}

// The areas, in the order `Msg::ALL` lists them. A new area is one line here and one file.
catalog!(
    Shell,
    Common,
    Tasks,
    Coordinate,
    Cv,
    Account,
    Organisations,
    Meetings,
    Privacy,
    Inbox
);

/// One `Intl.DateTimeFormat` per language, made at its first use and kept.
type Formats = std::cell::RefCell<[Option<js_sys::Function>; 2]>;

/// `millis` (Unix ms) written by the formatter for `lang` with `fields`, kept in `formats`:
/// the same text as `Date.toLocaleString` with these options, which builds a new formatter at
/// every call (a list of fifty tasks with their shifts paid for a hundred of them on its first
/// render).
fn format_with(
    formats: &'static std::thread::LocalKey<Formats>,
    fields: &[(&str, &str)],
    millis: f64,
    lang: Lang,
) -> Option<String> {
    let (slot, locale) = match lang {
        Lang::Da => (0, "da-DK"),
        Lang::En => (1, "en-GB"),
    };
    let format = formats.with(|formats| {
        formats.borrow_mut()[slot]
            .get_or_insert_with(|| {
                let options = js_sys::Object::new();
                for (k, v) in fields {
                    let _ = js_sys::Reflect::set(&options, &(*k).into(), &(*v).into());
                }
                let locales = js_sys::Array::of1(&locale.into());
                js_sys::Intl::DateTimeFormat::new(&locales, &options).format()
            })
            .clone()
    });
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
    format
        .call1(&wasm_bindgen::JsValue::NULL, &date)
        .ok()?
        .as_string()
}

/// A calendar date written `YYYY-MM-DD` (a CV's away periods, a certificate's last day) as
/// people read dates, e.g. "10. dec. 2026" / "10 Dec 2026"; the text as it is if it is not
/// such a date. The date is the same wherever the browser is (no time zone applies).
pub fn day(iso: &str, lang: Lang) -> String {
    thread_local! {
        static FORMATS: Formats = const { std::cell::RefCell::new([None, None]) };
    }
    let mut parts = iso.splitn(3, '-').map(str::parse::<u32>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return iso.to_owned();
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return iso.to_owned();
    }
    let utc = js_sys::Date::utc(f64::from(y), f64::from(m - 1)) + f64::from(d - 1) * 86_400_000.0;
    let fields = [
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        ("timeZone", "UTC"),
    ];
    format_with(&FORMATS, &fields, utc, lang).unwrap_or_else(|| iso.to_owned())
}

/// From `start` to `end`, e.g. "søn. 20. dec., 09.00 – 12.00"; with the end's date too when
/// it is another day (Danish time).
pub fn when_span(start: i64, end: i64, lang: Lang) -> String {
    use samskab_model::local_time::local;
    let (from, to) = (local(start), local(end));
    if from.date() != to.date() {
        return format!("{} – {}", when(start, lang), when(end, lang));
    }
    let (h, m) = (to.minute / 60, to.minute % 60);
    match lang {
        Lang::Da => format!("{} – {h:02}.{m:02}", when(start, lang)),
        Lang::En => format!("{} – {h:02}:{m:02}", when(start, lang)),
    }
}

/// The `Intl.DateTimeFormat` options [`when`] writes with: Danish time whatever the device's
/// zone (see `crate::time`).
pub const WHEN_FIELDS: [(&str, &str); 6] = [
    ("weekday", "short"),
    ("day", "numeric"),
    ("month", "short"),
    ("hour", "2-digit"),
    ("minute", "2-digit"),
    ("timeZone", "Europe/Copenhagen"),
];

/// [`WHEN_FIELDS`] with the year, for a time in another year than now.
pub const WHEN_YEAR_FIELDS: [(&str, &str); 7] = [
    ("weekday", "short"),
    ("day", "numeric"),
    ("month", "short"),
    ("year", "numeric"),
    ("hour", "2-digit"),
    ("minute", "2-digit"),
    ("timeZone", "Europe/Copenhagen"),
];

/// A date and time in Danish time, e.g. "lør. 12. dec. kl. 14.00"; with the year when it is
/// not this year's ("fre. 8. jan. 2027 kl. 16.00": a meeting planned in December for January).
pub fn when(millis: i64, lang: Lang) -> String {
    thread_local! {
        static FORMATS: Formats = const { std::cell::RefCell::new([None, None]) };
        static YEAR_FORMATS: Formats = const { std::cell::RefCell::new([None, None]) };
    }
    let year = |at: i64| samskab_model::local_time::local(at).year;
    if year(millis) == year(crate::time::now()) {
        format_with(&FORMATS, &WHEN_FIELDS, millis as f64, lang).unwrap_or_default()
    } else {
        format_with(&YEAR_FORMATS, &WHEN_YEAR_FIELDS, millis as f64, lang).unwrap_or_default()
    }
}
