//! The volunteer's profile document (frivillig-CV): what they offer, when, where, and who may
//! see it. Owned by the volunteer alone: only they write it, and the relay lets others read it
//! only as its consent says (see [`crate::kinds::profile::rules::may_read_profile`]).
//!
//! Each person has at most one profile, at a document id derived from their person id
//! ([`profile_document_id`]), so a device finds its user's profile without asking anyone and
//! two devices of the same user that create it offline create the same document.
//!
//! Contact details are in the document only when the volunteer shares them: a document is
//! replicated whole, so a detail hidden from readers must not be in it at all.

use autosurgeon::{Hydrate, Reconcile};

use crate::ids::{DocumentId, PersonId};
use crate::kinds::{DocumentKind, KindTag};
use crate::lang::Lang;
use crate::task::{Area, Millis};
use crate::text_enum::text_enum;

pub use crate::kinds::profile::ProfileKind;

/// The schema marker every profile document carries at `kind`.
pub const PROFILE_KIND: &str = ProfileKind::KIND;
/// The schema version this code writes.
pub const PROFILE_SCHEMA: u64 = ProfileKind::SCHEMA;

/// Limits, shared by the form and the relay's validation.
pub mod limits {
    pub const NAME: usize = 100;
    pub const CONTACT_FIELD: usize = 120;
    pub const TAG: usize = 60;
    pub const TAGS: usize = 40;
    pub const TOWNS: usize = 20;
    pub const TRAVEL_KM: u64 = 200;
    pub const OFFER: usize = 2_000;
    pub const EXPERIENCE: usize = 30;
    pub const PERIODS: usize = 30;
}

/// The curated skills and knowledge (stored as these words; free tags are allowed beside them).
pub const SKILLS: &[(&str, &str, &str)] = &[
    ("foerstehjaelp", "Førstehjælp", "First aid"),
    ("koerekort-b", "Kørekort B", "Driving licence (B)"),
    ("it-hjaelp", "IT-hjælp", "IT help"),
    ("madlavning", "Madlavning", "Cooking"),
    ("traener", "Træner", "Coach"),
    ("besoegsven", "Besøgsven", "Visiting friend"),
    ("lektiehjaelp", "Lektiehjælp", "Homework help"),
    ("haandvaerk", "Håndværk", "Crafts and repairs"),
    ("musik", "Musik", "Music"),
    ("regnskab", "Regnskab", "Bookkeeping"),
    ("kommunikation", "Kommunikation", "Communication"),
    ("havearbejde", "Havearbejde", "Gardening"),
    ("boernepasning", "Børnepasning", "Childcare"),
    ("tolkning", "Tolkning", "Interpreting"),
];

/// A skill's name as users read it: the curated label, or a free tag as written.
pub fn skill_label(skill: &str, lang: Lang) -> &str {
    SKILLS
        .iter()
        .find(|(id, _, _)| *id == skill)
        .map_or(skill, |(_, da, en)| match lang {
            Lang::Da => da,
            Lang::En => en,
        })
}

text_enum!(
    /// Which coordinators may see a profile.
    CoordinatorConsent {
        /// Coordinators of every organisation.
        All = "alle",
        /// Coordinators of organisations whose tasks the volunteer has signed up for.
        SignedUp = "mine-foreninger",
        /// No coordinator.
        Nobody = "ingen",
    }
);

/// Who may see the profile besides its owner.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct Consent {
    /// The municipality's staff (and admins).
    pub staff: bool,
    pub coordinators: CoordinatorConsent,
}

impl Consent {
    /// No one but the owner: the default until the volunteer chooses.
    pub const PRIVATE: Consent = Consent {
        staff: false,
        coordinators: CoordinatorConsent::Nobody,
    };

    pub fn is_shared(self) -> bool {
        self.staff || self.coordinators != CoordinatorConsent::Nobody
    }
}

text_enum!(
    Weekday {
        Monday = "man",
        Tuesday = "tir",
        Wednesday = "ons",
        Thursday = "tor",
        Friday = "fre",
        Saturday = "loer",
        Sunday = "soen",
    }
);

impl Weekday {
    /// Monday is 0.
    pub fn index(self) -> usize {
        Weekday::ALL.iter().position(|d| *d == self).unwrap_or(0)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        let (da, en) = match self {
            Weekday::Monday => ("mandag", "Monday"),
            Weekday::Tuesday => ("tirsdag", "Tuesday"),
            Weekday::Wednesday => ("onsdag", "Wednesday"),
            Weekday::Thursday => ("torsdag", "Thursday"),
            Weekday::Friday => ("fredag", "Friday"),
            Weekday::Saturday => ("lørdag", "Saturday"),
            Weekday::Sunday => ("søndag", "Sunday"),
        };
        match lang {
            Lang::Da => da,
            Lang::En => en,
        }
    }
}

text_enum!(
    /// Parts of a day, in local time.
    DayPart {
        /// 06:00 to 12:00.
        Morning = "formiddag",
        /// 12:00 to 17:00.
        Afternoon = "eftermiddag",
        /// 17:00 to 23:00.
        Evening = "aften",
    }
);

impl DayPart {
    /// The local minutes of the day the part covers, `[start, end)`.
    pub fn minutes(self) -> (u32, u32) {
        match self {
            DayPart::Morning => (6 * 60, 12 * 60),
            DayPart::Afternoon => (12 * 60, 17 * 60),
            DayPart::Evening => (17 * 60, 23 * 60),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (DayPart::Morning, Lang::Da) => "formiddag",
            (DayPart::Morning, Lang::En) => "morning",
            (DayPart::Afternoon, Lang::Da) => "eftermiddag",
            (DayPart::Afternoon, Lang::En) => "afternoon",
            (DayPart::Evening, Lang::Da) => "aften",
            (DayPart::Evening, Lang::En) => "evening",
        }
    }
}

/// The weekday x part-of-day grid as a set of bits: bit `day * 3 + part`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Availability(pub u32);

impl Availability {
    pub const ALL: Availability = Availability((1 << 21) - 1);

    fn bit(day: Weekday, part: DayPart) -> u32 {
        let part = DayPart::ALL.iter().position(|p| *p == part).unwrap_or(0);
        1 << (day.index() * 3 + part)
    }

    pub fn contains(self, day: Weekday, part: DayPart) -> bool {
        self.0 & Self::bit(day, part) != 0
    }

    pub fn set(&mut self, day: Weekday, part: DayPart, on: bool) {
        if on {
            self.0 |= Self::bit(day, part);
        } else {
            self.0 &= !Self::bit(day, part);
        }
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn overlaps(self, other: Availability) -> bool {
        self.0 & other.0 != 0
    }

    /// The slots that are set, Monday morning first.
    pub fn slots(self) -> impl Iterator<Item = (Weekday, DayPart)> {
        Weekday::ALL
            .iter()
            .flat_map(|d| DayPart::ALL.iter().map(move |p| (*d, *p)))
            .filter(move |(d, p)| self.contains(*d, *p))
    }
}

/// Exported as the same words as stored.
impl serde::Serialize for Availability {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.slots().map(|(d, p)| format!("{d}-{p}")))
    }
}

impl Availability {
    /// From its words, such as `"loer-formiddag"`; `Err` names the first word that is not one.
    fn from_words(words: Vec<String>) -> Result<Self, String> {
        let mut grid = Availability::default();
        for word in words {
            let parsed = word
                .split_once('-')
                .and_then(|(d, p)| Some((d.parse().ok()?, p.parse().ok()?)));
            let Some((day, part)) = parsed else {
                return Err(word);
            };
            grid.set(day, part, true);
        }
        Ok(grid)
    }
}

/// Read back from the same words (the device's CV index keeps profiles this way).
impl<'de> serde::Deserialize<'de> for Availability {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let words: Vec<String> = serde::Deserialize::deserialize(deserializer)?;
        Availability::from_words(words).map_err(|word| {
            serde::de::Error::custom(format!("not a weekday-part such as loer-formiddag: {word}"))
        })
    }
}

/// Stored as a list of words such as `"loer-formiddag"`, readable in the document.
impl Reconcile for Availability {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: autosurgeon::Reconciler>(&self, r: R) -> Result<(), R::Error> {
        let words: Vec<String> = self.slots().map(|(d, p)| format!("{d}-{p}")).collect();
        words.reconcile(r)
    }
}

impl Hydrate for Availability {
    fn hydrate_seq<D: autosurgeon::ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
    ) -> Result<Self, autosurgeon::HydrateError> {
        let words: Vec<String> = Vec::hydrate_seq(doc, obj)?;
        Availability::from_words(words).map_err(|word| {
            autosurgeon::HydrateError::unexpected("a weekday-part such as loer-formiddag", word)
        })
    }
}

/// A calendar date, `YYYY-MM-DD`, checked.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s[..4].parse::<u32>().is_ok()
        && s[5..7].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && s[8..].parse::<u32>().is_ok_and(|d| (1..=31).contains(&d))
}

/// Dates the volunteer is away, both days included.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

impl Period {
    /// Whether `date` (`YYYY-MM-DD`) is inside the period (ISO dates compare as text).
    pub fn contains(&self, date: &str) -> bool {
        self.from.as_str() <= date && date <= self.to.as_str()
    }
}

/// Volunteering done before: where, as what, from and to (`YYYY` or `YYYY-MM`; `to` empty
/// while it goes on).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize,
)]
pub struct Experience {
    pub organisation: String,
    pub role: String,
    pub from: String,
    pub to: String,
}

text_enum!(
    /// The state of a børneattest (child protection certificate). Only this metadata is kept,
    /// never the certificate itself.
    CertificateStatus {
        None = "ingen",
        Requested = "anmodet",
        Approved = "godkendt",
    }
);

/// Børneattest metadata.
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct ChildCertificate {
    pub status: CertificateStatus,
    /// For [`CertificateStatus::Approved`]: the last day it is valid, `YYYY-MM-DD`.
    pub valid_until: String,
}

impl ChildCertificate {
    pub const NONE: ChildCertificate = ChildCertificate {
        status: CertificateStatus::None,
        valid_until: String::new(),
    };

    /// Whether it is approved and still valid on `today` (`YYYY-MM-DD`).
    pub fn valid_on(&self, today: &str) -> bool {
        self.status == CertificateStatus::Approved && self.valid_until.as_str() >= today
    }
}

/// A profile document.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    /// Always [`PROFILE_KIND`]: hydrating any other kind of document as a profile fails here.
    pub kind: KindTag<ProfileKind>,
    pub schema: u64,
    /// The volunteer; fixed at creation, and the only writer.
    pub owner: PersonId,
    pub name: String,
    /// Shared with those who may read the profile; empty when not shared.
    pub phone: String,
    /// Shared with those who may read the profile; empty when not shared.
    pub email: String,
    /// Towns the volunteer can help in (the municipality's towns).
    pub towns: Vec<String>,
    /// How far they will travel from those towns, in km (0: only in the towns themselves).
    pub travel_km: u64,
    /// Areas of interest.
    pub areas: Vec<Area>,
    /// Curated skill words ([`SKILLS`]) and free tags.
    pub skills: Vec<String>,
    pub languages: Vec<String>,
    pub availability: Availability,
    pub away: Vec<Period>,
    pub experience: Vec<Experience>,
    /// "Hvad jeg gerne vil tilbyde".
    pub offer: String,
    pub child_certificate: ChildCertificate,
    pub consent: Consent,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// The id of `person`'s profile document: the first 16 bytes of SHA-256 over a fixed prefix
/// and the person id. Anyone can compute it; reading it is what the relay guards.
pub fn profile_document_id(person: &PersonId) -> DocumentId {
    crate::ids::derived_document_id(b"samskab-profile:", person.as_str())
}

/// Why a profile is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("schema {0} is newer than this version of Samskab understands")]
    NewerSchema(u64),
    #[error("the name is missing")]
    NameMissing,
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} has more than {max} entries")]
    TooMany { field: &'static str, max: usize },
    #[error("the travel distance is more than {0} km")]
    TooFar(u64),
    #[error("{0:?} is not a date (YYYY-MM-DD)")]
    BadDate(String),
    #[error("a period away ends before it begins")]
    PeriodBackwards,
    #[error("the email address is not valid")]
    BadEmail,
    #[error("an approved børneattest needs the date it is valid until")]
    CertificateDate,
    #[error("an experience entry needs an organisation")]
    ExperienceOrganisation,
    #[error("an experience entry ends in a year before it begins")]
    ExperienceBackwards,
}

impl ProfileError {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (ProfileError::NewerSchema(_), Lang::Da) => {
                "CV'et er skrevet af en nyere udgave af Samskab. Opdatér appen.".into()
            }
            (ProfileError::NameMissing, Lang::Da) => "Skriv dit navn.".into(),
            (ProfileError::TooLong { field, max }, Lang::Da) => {
                format!("{} må højst være {max} tegn.", field_da(field))
            }
            (ProfileError::TooMany { field, max }, Lang::Da) => {
                format!("{} må højst have {max} punkter.", field_da(field))
            }
            (ProfileError::TooFar(max), Lang::Da) => {
                format!("Afstanden kan højst være {max} km.")
            }
            (ProfileError::BadDate(d), Lang::Da) => {
                format!("{d:?} er ikke en dato (ÅÅÅÅ-MM-DD).")
            }
            (ProfileError::PeriodBackwards, Lang::Da) => {
                "En periode væk slutter, før den begynder.".into()
            }
            (ProfileError::BadEmail, Lang::Da) => "E-mailadressen er ikke gyldig.".into(),
            (ProfileError::CertificateDate, Lang::Da) => {
                "En godkendt børneattest skal have en dato, den gælder til.".into()
            }
            (ProfileError::ExperienceOrganisation, Lang::Da) => {
                "Skriv foreningen ved hver erfaring.".into()
            }
            (ProfileError::ExperienceBackwards, Lang::Da) => {
                "En erfaring slutter i et år, før den begynder.".into()
            }
            (other, Lang::En) => crate::lang::sentence(&other.to_string()),
        }
    }
}

fn field_da(field: &str) -> &'static str {
    match field {
        "name" => "Navnet",
        "phone" => "Telefonnummeret",
        "email" => "E-mailadressen",
        "towns" => "Byerne",
        "skills" => "Kompetencerne",
        "languages" => "Sprogene",
        "offer" => "Teksten om hvad du vil tilbyde",
        "experience" => "Erfaringen",
        "away" => "Perioderne væk",
        _ => "Feltet",
    }
}

impl Profile {
    /// A new, private profile for `owner`.
    pub fn new(owner: PersonId, name: &str, now: Millis) -> Self {
        Self {
            kind: KindTag::new(),
            schema: PROFILE_SCHEMA,
            owner,
            name: name.into(),
            phone: String::new(),
            email: String::new(),
            towns: Vec::new(),
            travel_km: 10,
            areas: Vec::new(),
            skills: Vec::new(),
            languages: vec!["dansk".into()],
            availability: Availability::default(),
            away: Vec::new(),
            experience: Vec::new(),
            offer: String::new(),
            child_certificate: ChildCertificate::NONE,
            consent: Consent::PRIVATE,
            created_at: now,
            updated_at: now,
        }
    }

    /// Every problem, in form order (empty when valid).
    pub fn problems(&self) -> Vec<ProfileError> {
        use limits as l;
        let mut problems = Vec::new();
        if self.schema > PROFILE_SCHEMA {
            problems.push(ProfileError::NewerSchema(self.schema));
        }
        if self.name.trim().is_empty() {
            problems.push(ProfileError::NameMissing);
        }
        let mut long = |field: &'static str, value: &str, max: usize| {
            if value.chars().count() > max {
                problems.push(ProfileError::TooLong { field, max });
            }
        };
        long("name", &self.name, l::NAME);
        long("phone", &self.phone, l::CONTACT_FIELD);
        long("email", &self.email, l::CONTACT_FIELD);
        long("offer", &self.offer, l::OFFER);
        for tag in self.towns.iter().chain(&self.skills).chain(&self.languages) {
            long("skills", tag, l::TAG);
        }
        for e in &self.experience {
            long("experience", &e.organisation, l::TAG * 2);
            long("experience", &e.role, l::TAG * 2);
        }
        let mut many = |field: &'static str, len: usize, max: usize| {
            if len > max {
                problems.push(ProfileError::TooMany { field, max });
            }
        };
        many("towns", self.towns.len(), l::TOWNS);
        many("skills", self.skills.len(), l::TAGS);
        many("languages", self.languages.len(), l::TAGS);
        many("experience", self.experience.len(), l::EXPERIENCE);
        many("away", self.away.len(), l::PERIODS);
        if self.travel_km > l::TRAVEL_KM {
            problems.push(ProfileError::TooFar(l::TRAVEL_KM));
        }
        let email = self.email.trim();
        if !email.is_empty()
            && !email
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.starts_with('.'))
        {
            problems.push(ProfileError::BadEmail);
        }
        for p in &self.away {
            for d in [&p.from, &p.to] {
                if !is_date(d) {
                    problems.push(ProfileError::BadDate(d.clone()));
                }
            }
            if is_date(&p.from) && is_date(&p.to) && p.to < p.from {
                problems.push(ProfileError::PeriodBackwards);
            }
        }
        if self
            .experience
            .iter()
            .any(|e| e.organisation.trim().is_empty())
        {
            problems.push(ProfileError::ExperienceOrganisation);
        }
        // Years are free text ("2019", "nu"); two years the wrong way round are a slip.
        let year = |s: &str| {
            s.trim()
                .parse::<u32>()
                .ok()
                .filter(|y| (1900..=2200).contains(y))
        };
        if self
            .experience
            .iter()
            .any(|e| matches!((year(&e.from), year(&e.to)), (Some(from), Some(to)) if to < from))
        {
            problems.push(ProfileError::ExperienceBackwards);
        }
        let cert = &self.child_certificate;
        if cert.status == CertificateStatus::Approved && !is_date(&cert.valid_until) {
            problems.push(ProfileError::CertificateDate);
        }
        problems
    }

    pub fn validate(&self) -> Result<(), ProfileError> {
        crate::kinds::first_problem(self.problems())
    }

    /// Whether the volunteer is away on `date` (`YYYY-MM-DD`).
    pub fn away_on(&self, date: &str) -> bool {
        self.away.iter().any(|p| p.contains(date))
    }
}

#[cfg(test)]
mod tests {
    use automerge::AutoCommit;

    use super::*;

    fn anna() -> Profile {
        let mut p = Profile::new("anna".parse().unwrap(), "Anna Holm", 1_000);
        p.towns = vec!["Haslev".into()];
        p.areas = vec![Area::Sport, Area::Elderly];
        p.skills = vec!["foerstehjaelp".into(), "kage".into()];
        p.availability
            .set(Weekday::Saturday, DayPart::Morning, true);
        p.availability.set(Weekday::Tuesday, DayPart::Evening, true);
        p.away = vec![Period {
            from: "2026-12-20".into(),
            to: "2027-01-02".into(),
        }];
        p.child_certificate = ChildCertificate {
            status: CertificateStatus::Approved,
            valid_until: "2027-06-30".into(),
        };
        p.consent = Consent {
            staff: true,
            coordinators: CoordinatorConsent::SignedUp,
        };
        p
    }

    #[test]
    fn round_trips_through_automerge() {
        let profile = anna();
        let mut doc = AutoCommit::new();
        autosurgeon::reconcile(&mut doc, &profile).unwrap();
        let back: Profile = autosurgeon::hydrate(&doc).unwrap();
        assert_eq!(back, profile);
        let slots: Vec<String> =
            autosurgeon::hydrate_prop(&doc, automerge::ROOT, "availability").unwrap();
        assert_eq!(slots, vec!["tir-aften", "loer-formiddag"]);
    }

    #[test]
    fn round_trips_through_json_and_refuses_another_kind() {
        let profile = anna();
        let json = serde_json::to_string(&profile).unwrap();
        let back: Profile = serde_json::from_str(&json).unwrap();
        assert_eq!(back, profile);
        let other = json.replace("\"kind\":\"profil\"", "\"kind\":\"opgave\"");
        assert_ne!(other, json);
        assert!(serde_json::from_str::<Profile>(&other).is_err());
        let bad_slot = json.replace("loer-formiddag", "loer-midnat");
        assert!(serde_json::from_str::<Profile>(&bad_slot).is_err());
    }

    #[test]
    fn validation_names_each_problem() {
        assert_eq!(anna().problems(), vec![]);
        let mut p = anna();
        p.name = " ".into();
        p.email = "nope".into();
        p.travel_km = 500;
        p.away[0].to = "2026-12-01".into();
        p.child_certificate.valid_until = String::new();
        assert_eq!(
            p.problems(),
            vec![
                ProfileError::NameMissing,
                ProfileError::TooFar(limits::TRAVEL_KM),
                ProfileError::BadEmail,
                ProfileError::PeriodBackwards,
                ProfileError::CertificateDate,
            ]
        );
    }

    #[test]
    fn experience_years_the_wrong_way_round_are_a_problem_free_text_is_not() {
        let entry = |from: &str, to: &str| Experience {
            organisation: "Røde Kors Haslev".into(),
            role: "Besøgsven".into(),
            from: from.into(),
            to: to.into(),
        };
        let mut p = anna();
        p.experience = vec![
            entry("2015", "2019"),
            entry("2019", "nu"),
            entry("2020", "2020"),
        ];
        assert_eq!(p.problems(), vec![]);
        p.experience.push(entry("2019", "2015"));
        assert_eq!(p.problems(), vec![ProfileError::ExperienceBackwards]);
    }

    #[test]
    fn away_and_certificate_by_date() {
        let p = anna();
        assert!(p.away_on("2026-12-24"));
        assert!(p.away_on("2027-01-02"));
        assert!(!p.away_on("2027-01-03"));
        assert!(p.child_certificate.valid_on("2027-06-30"));
        assert!(!p.child_certificate.valid_on("2027-07-01"));
        assert!(!ChildCertificate::NONE.valid_on("2000-01-01"));
    }

    #[test]
    fn profile_ids_are_stable_and_distinct() {
        let a = profile_document_id(&"anna".parse().unwrap());
        assert_eq!(a, profile_document_id(&"anna".parse().unwrap()));
        assert_ne!(a, profile_document_id(&"bent".parse().unwrap()));
    }
}
