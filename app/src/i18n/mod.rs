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

/// What a sign-up came to, for the live region: "Du er tilmeldt. Bekræftet." and so on.
pub fn signup_result(place: samskab_model::Place, lang: Lang) -> String {
    use samskab_model::Place;
    match (place, lang) {
        (Place::Confirmed, Lang::Da) => "Du er tilmeldt og har en plads.".into(),
        (Place::Confirmed, Lang::En) => "You are signed up and have a place.".into(),
        (Place::Waitlisted(n), Lang::Da) => format!("Du er skrevet på ventelisten som nr. {n}."),
        (Place::Waitlisted(n), Lang::En) => format!("You are on the waiting list as no. {n}."),
        (_, Lang::Da) => "Du er tilmeldt.".into(),
        (_, Lang::En) => "You are signed up.".into(),
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

/// A role as users read it.
pub fn role_label(role: samskab_model::authz::Role, lang: Lang) -> &'static str {
    use samskab_model::authz::Role;
    match (role, lang) {
        (Role::Volunteer, Lang::Da) => "frivillig",
        (Role::Volunteer, Lang::En) => "volunteer",
        (Role::Coordinator, Lang::Da) => "koordinator",
        (Role::Coordinator, Lang::En) => "coordinator",
        (Role::Staff, Lang::Da) => "kommunens personale",
        (Role::Staff, Lang::En) => "municipal staff",
        (Role::Admin, Lang::Da) => "administrator",
        (Role::Admin, Lang::En) => "administrator",
    }
}

/// A børneattest state as users read it.
pub fn certificate_label(
    status: samskab_model::profile::CertificateStatus,
    lang: Lang,
) -> &'static str {
    use samskab_model::profile::CertificateStatus as S;
    match (status, lang) {
        (S::None, Lang::Da) => "Ingen børneattest",
        (S::None, Lang::En) => "No child protection certificate",
        (S::Requested, Lang::Da) => "Børneattest er anmodet",
        (S::Requested, Lang::En) => "Certificate requested",
        (S::Approved, Lang::Da) => "Godkendt børneattest",
        (S::Approved, Lang::En) => "Approved certificate",
    }
}

/// "Godkendt til 2027-06-30" / "Approved until 2027-06-30".
pub fn certificate_valid_until(date: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Godkendt til {date}"),
        Lang::En => format!("Approved until {date}"),
    }
}

/// Which coordinators may see a CV, as the volunteer chooses it.
pub fn coordinator_consent_label(
    consent: samskab_model::profile::CoordinatorConsent,
    lang: Lang,
) -> &'static str {
    use samskab_model::profile::CoordinatorConsent as C;
    match (consent, lang) {
        (C::All, Lang::Da) => "Koordinatorer i alle foreninger",
        (C::All, Lang::En) => "Coordinators of every association",
        (C::SignedUp, Lang::Da) => "Kun koordinatorer i foreninger, jeg har meldt mig til",
        (C::SignedUp, Lang::En) => "Only coordinators of associations I have signed up with",
        (C::Nobody, Lang::Da) => "Ingen koordinatorer",
        (C::Nobody, Lang::En) => "No coordinators",
    }
}

/// "(op til 10 km væk)" / "(up to 10 km away)".
pub fn travel_label(km: u64, lang: Lang) -> String {
    match (lang, km) {
        (Lang::Da, 0) => "(kun i byen)".into(),
        (Lang::En, 0) => "(in town only)".into(),
        (Lang::Da, km) => format!("(op til {km} km væk)"),
        (Lang::En, km) => format!("(up to {km} km away)"),
    }
}

/// A browser and system named from a User-Agent, roughly: "Chrome · Android".
pub fn device_label(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(k, _)| user_agent.contains(k))
    .map_or("?", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "Mac"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| user_agent.contains(k))
    .map_or("?", |(_, name)| name);
    format!("{browser} · {system}")
}

/// "12 frivillige fundet" / "12 volunteers found".
pub fn volunteers_found(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Da, 1) => "1 frivillig fundet".into(),
        (Lang::Da, n) => format!("{n} frivillige fundet"),
        (Lang::En, 1) => "1 volunteer found".into(),
        (Lang::En, n) => format!("{n} volunteers found"),
    }
}

/// "Du er inviteret til vagten lør. 12. dec. kl. 10.00." / in English.
pub fn invited_to(when: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Du er inviteret til vagten {when}."),
        Lang::En => format!("You are invited to the shift {when}."),
    }
}

/// "For mange forsøg. Vent 2 minutter, og prøv igen." with the relay's real wait, rounded up
/// to whole minutes from a minute on and to whole hours from an hour on.
pub fn too_many_attempts(seconds: u64, lang: Lang) -> String {
    let (n, unit_da, units_da, unit_en) = if seconds < 60 {
        (seconds.max(1), "sekund", "sekunder", "second")
    } else if seconds < 3600 {
        (seconds.div_ceil(60), "minut", "minutter", "minute")
    } else {
        (seconds.div_ceil(3600), "time", "timer", "hour")
    };
    match lang {
        Lang::Da => {
            let unit = if n == 1 { unit_da } else { units_da };
            format!("For mange forsøg. Vent {n} {unit}, og prøv igen.")
        }
        Lang::En => {
            let s = if n == 1 { "" } else { "s" };
            format!("Too many attempts. Wait {n} {unit_en}{s} and try again.")
        }
    }
}

/// "Linket virker til lør. 12. dec. kl. 14.00." / in English.
pub fn link_works_until(when: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Linket virker én gang, til {when}."),
        Lang::En => format!("The link works once, until {when}."),
    }
}

/// "Link til at nulstille adgangskoden for Anna" / in English.
pub fn reset_link_for(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Link til at nulstille adgangskoden for {name}"),
        Lang::En => format!("Link to reset the password of {name}"),
    }
}
