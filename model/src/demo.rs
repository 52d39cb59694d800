//! Demo data: a dozen realistic tasks from organisations in the demo municipality (Faxe
//! Kommune's towns) and forty volunteer profiles, in Danish. Ids are fixed so that seeding
//! twice adds nothing; times are relative to `now` so the tasks always lie in the coming weeks
//! and periods away fall around them. [`synthetic_profiles`] generates any number more, for
//! benchmarks.

mod meetings;
mod synthetic;

pub use meetings::{
    COORDINATION_GROUP, ELDER_CARE_GROUP, ELDER_CARE_SERIES, groups, meetings, needs,
};
pub use synthetic::{XorShift, synthetic_profiles};

use crate::ids::{DocumentId, PersonId, ShiftId};
use crate::kinds::organisation::{Category, Organisation};
use crate::local_time;
use crate::profile::{
    Availability, CertificateStatus, ChildCertificate, Consent, CoordinatorConsent, DayPart,
    Experience, Period, Profile, Weekday,
};
use crate::task::{Area, Contact, Millis, Shift, Task, TaskStatus};
// Short names keep the profile table below one area list per line.
use Area::{ChildrenYouth as Kids, Culture, Elderly, Health, Nature, Other, Social, Sport};

const HOUR: Millis = 60 * 60 * 1000;
const DAY: Millis = 24 * HOUR;

/// The demo organisations: (id, name). The relay creates them in its organisation table
/// (membership) and seeds their documents ([`organisation_documents`]).
pub const ORGANISATIONS: &[(&str, &str)] = &[
    ("haslev-fodbold", "Haslev Fodboldklub"),
    (
        "faxe-plejecenter-venner",
        "Vennekredsen ved Plejecenter Solgården",
    ),
    ("haslev-bibliotek", "Haslev Bibliotek"),
    ("naturgruppen-karise", "Naturgruppen Karise"),
    (
        "aktivitetscenter-haslev",
        "Aktivitetscenter Haslev (Faxe Kommune)",
    ),
    ("dalby-borgerforening", "Dalby Borgerforening"),
];

/// How the demo organisations describe themselves: (id, category, town, description,
/// contact name, phone, e-mail). The relay seeds their documents with `--demo`.
const ORGANISATION_DETAILS: &[(&str, Category, &str, &str, &str, &str, &str)] = &[
    (
        "haslev-fodbold",
        Category::Association,
        "Haslev",
        "Fodbold for børn, unge og voksne på Haslev Stadion. Frivillige står for kiosk, \
         kampdage, stævner og kørsel til udekampe.",
        "Mette Holm",
        "20 11 22 33",
        "frivillig@haslev-fodbold.dk",
    ),
    (
        "faxe-plejecenter-venner",
        Category::Association,
        "Faxe",
        "Vi giver beboerne på Plejecenter Solgården gode stunder: gåture, højtlæsning, \
         sang, udflugter og en kop kaffe.",
        "Birthe Lund",
        "30 44 55 66",
        "venner@solgaarden.dk",
    ),
    (
        "haslev-bibliotek",
        Category::MunicipalCentre,
        "Haslev",
        "Bibliotekets frivillige hjælper med lektiecafé, it-hjælp og arrangementer.",
        "Jonas Berg",
        "56 20 30 40",
        "bibliotek@faxekommune.dk",
    ),
    (
        "naturgruppen-karise",
        Category::Association,
        "Karise",
        "Naturpleje, affaldsindsamling og naturvandringer omkring Karise.",
        "Søren Dahl",
        "40 12 34 56",
        "natur@karise.dk",
    ),
    (
        "aktivitetscenter-haslev",
        Category::MunicipalCentre,
        "Haslev",
        "Kommunalt aktivitetscenter for ældre med værksteder, motion og fællesspisning.",
        "Anne Kjær",
        "56 20 50 60",
        "aktivitetscenter@faxekommune.dk",
    ),
    (
        "dalby-borgerforening",
        Category::Association,
        "Dalby",
        "Borgerforeningen samler byen om fester, byforskønnelse og forsamlingshuset.",
        "Lars Mikkelsen",
        "22 33 44 55",
        "kontakt@dalby-borgerforening.dk",
    ),
];

/// The demo organisations' own documents, as they describe themselves.
pub fn organisation_documents(now: Millis) -> Vec<Organisation> {
    ORGANISATIONS
        .iter()
        .filter_map(|(id, name)| {
            let organisation = id.parse().ok()?;
            let details = ORGANISATION_DETAILS.iter().find(|d| d.0 == *id);
            let category = details.map_or(Category::Association, |d| d.1);
            let mut doc = Organisation::new(organisation, name, category, now);
            if let Some((_, _, town, description, contact, phone, email)) = details {
                doc.town = (*town).into();
                doc.description = (*description).into();
                doc.contact = Contact {
                    name: (*contact).into(),
                    phone: (*phone).into(),
                    email: (*email).into(),
                };
            }
            Some(doc)
        })
        .collect()
}

/// An organisation's name, or its id when it is not a demo organisation.
pub fn organisation_name(id: &str) -> &str {
    ORGANISATIONS
        .iter()
        .find(|(o, _)| *o == id)
        .map_or(id, |(_, name)| name)
}

struct Spec {
    org: &'static str,
    title: &'static str,
    description: &'static str,
    area: Area,
    town: &'static str,
    place: &'static str,
    skills: &'static [&'static str],
    contact: (&'static str, &'static str, &'static str),
    /// (days from today, start hour, hours, places)
    shifts: &'static [(i64, i64, i64, u64)],
}

const SPECS: &[Spec] = &[
    Spec {
        org: "haslev-fodbold",
        title: "Kioskvagt til hjemmekamp",
        description: "Hjælp med at sælge kaffe, kage og pølser i kiosken, når førsteholdet spiller hjemme. Du bliver sat ind i kassen på fem minutter.",
        area: Area::Sport,
        town: "Haslev",
        place: "Haslev Idrætscenter, Frederiksgade 2",
        skills: &["madlavning"],
        contact: ("Bo Jensen", "20 11 22 33", "bo@demo.samskab.dk"),
        shifts: &[(3, 12, 3, 2), (10, 12, 3, 2)],
    },
    Spec {
        org: "haslev-fodbold",
        title: "Hjælpetræner for U9-drenge",
        description: "Vi mangler en voksen, der vil hjælpe træneren tirsdag eftermiddag. Du behøver ikke kunne spille fodbold, bare kunne lide børn.",
        area: Area::ChildrenYouth,
        town: "Haslev",
        place: "Kunstgræsbanen ved Haslev Idrætscenter",
        skills: &["træner", "børneattest"],
        contact: ("Bo Jensen", "20 11 22 33", "bo@demo.samskab.dk"),
        shifts: &[(5, 16, 2, 1), (12, 16, 2, 1)],
    },
    Spec {
        org: "faxe-plejecenter-venner",
        title: "Besøgsven til beboer på plejecenter",
        description: "En hyggelig snak, et spil kort eller en gåtur i haven. Vennekredsen på plejecentret søger faste besøgsvenner til beboere, der sjældent får besøg.",
        area: Area::Elderly,
        town: "Faxe",
        place: "Plejecenter Solgården, Faxe",
        skills: &["besøgsven"],
        contact: ("Grethe Holm", "30 44 55 66", "grethe@demo.samskab.dk"),
        shifts: &[(2, 14, 2, 3), (9, 14, 2, 3)],
    },
    Spec {
        org: "faxe-plejecenter-venner",
        title: "Kørsel til fredagsbanko",
        description: "Kør to-tre ældre fra Faxe Ladeplads til banko i aktivitetscentret og hjem igen. Kørepenge efter statens takst.",
        area: Area::Elderly,
        town: "Faxe Ladeplads",
        place: "Afhentning på Strandvejen, Faxe Ladeplads",
        skills: &["kørekort B"],
        contact: ("Grethe Holm", "30 44 55 66", "grethe@demo.samskab.dk"),
        shifts: &[(4, 13, 4, 2)],
    },
    Spec {
        org: "haslev-bibliotek",
        title: "Lektiecafé for 4.-7. klasse",
        description: "Hjælp børn med dansk, matematik og engelsk i bibliotekets lektiecafé. Vi sørger for frugt og kaffe.",
        area: Area::ChildrenYouth,
        town: "Haslev",
        place: "Haslev Bibliotek, Jernbanegade 7",
        skills: &["lektiehjælp", "børneattest"],
        contact: ("Lise Mortensen", "56 20 30 40", "lise@demo.samskab.dk"),
        shifts: &[(1, 15, 2, 4), (8, 15, 2, 4), (15, 15, 2, 4)],
    },
    Spec {
        org: "haslev-bibliotek",
        title: "IT-hjælp til seniorer",
        description: "Hjælp ældre borgere med MitID, e-Boks og billeder på telefonen. Tålmodighed er vigtigere end ekspertise.",
        area: Area::Elderly,
        town: "Haslev",
        place: "Haslev Bibliotek, mødelokale 1",
        skills: &["IT-hjælp"],
        contact: ("Lise Mortensen", "56 20 30 40", "lise@demo.samskab.dk"),
        shifts: &[(6, 10, 2, 2)],
    },
    Spec {
        org: "naturgruppen-karise",
        title: "Affaldsindsamling langs åen",
        description: "Vi samler affald langs Tryggevælde Å. Handsker, poser og kaffe stilles til rådighed. Tag gummistøvler på.",
        area: Area::Nature,
        town: "Karise",
        place: "P-pladsen ved Karise Kirke",
        skills: &[],
        contact: ("Morten Vang", "40 12 34 56", "morten@demo.samskab.dk"),
        shifts: &[(7, 9, 3, 15)],
    },
    Spec {
        org: "naturgruppen-karise",
        title: "Pleje af blomstereng",
        description: "Slå og rive den vilde blomstereng, så der bliver plads til blomster og insekter næste år.",
        area: Area::Nature,
        town: "Rønnede",
        place: "Engen bag Rønnede Skole",
        skills: &["håndværk"],
        contact: ("Morten Vang", "40 12 34 56", "morten@demo.samskab.dk"),
        shifts: &[(14, 10, 4, 6)],
    },
    Spec {
        org: "aktivitetscenter-haslev",
        title: "Køkkenhjælp til fællesspisning",
        description: "Hjælp med at lave mad til 60 gæster til torsdagens fællesspisning i aktivitetscentret. Vi følger en fast opskrift.",
        area: Area::Social,
        town: "Haslev",
        place: "Aktivitetscenter Haslev, Bøgevej 1",
        skills: &["madlavning"],
        contact: ("Karen Dahl", "56 20 11 00", "karen@demo.samskab.dk"),
        shifts: &[(2, 15, 4, 3), (9, 15, 4, 3)],
    },
    Spec {
        org: "aktivitetscenter-haslev",
        title: "Gå-makker i Gåklubben",
        description: "Gå en tur på 3-5 km med en lille gruppe og snak undervejs. Godt for både krop og humør.",
        area: Area::Health,
        town: "Haslev",
        place: "Mødested ved Aktivitetscenter Haslev",
        skills: &[],
        contact: ("Karen Dahl", "56 20 11 00", "karen@demo.samskab.dk"),
        shifts: &[(1, 10, 1, 2), (3, 10, 1, 2), (8, 10, 1, 2)],
    },
    Spec {
        org: "aktivitetscenter-haslev",
        title: "Førstehjælper til byfesten",
        description: "Stå klar ved førstehjælpsteltet til Haslev Byfest. Du skal have et gyldigt førstehjælpsbevis.",
        area: Area::Culture,
        town: "Haslev",
        place: "Torvet, Haslev",
        skills: &["førstehjælp"],
        contact: ("Karen Dahl", "56 20 11 00", "karen@demo.samskab.dk"),
        shifts: &[(20, 11, 5, 2), (20, 16, 5, 2)],
    },
    Spec {
        org: "dalby-borgerforening",
        title: "Opsætning af telte til sankthans",
        description: "Hjælp med at sætte telte, borde og bænke op til sankthansaften på sportspladsen i Dalby.",
        area: Area::Culture,
        town: "Dalby",
        place: "Dalby Sportsplads",
        skills: &["håndværk"],
        contact: ("Anders Krogh", "28 76 54 32", "anders@demo.samskab.dk"),
        shifts: &[(11, 9, 4, 8)],
    },
];

/// The demo tasks, all published, with their fixed document ids. `now` is Unix ms.
pub fn tasks(now: Millis) -> Vec<(DocumentId, Task)> {
    let today = now - now.rem_euclid(DAY);
    SPECS
        .iter()
        .enumerate()
        .filter_map(|(i, spec)| {
            let mut id = [0x5a; 16];
            id[15] = u8::try_from(i).ok()?;
            let mut task = Task::draft(spec.org.parse().ok()?, spec.title, spec.area, now);
            task.description = spec.description.into();
            task.town = spec.town.into();
            task.place = spec.place.into();
            task.skills = spec.skills.iter().map(|s| (*s).to_owned()).collect();
            task.contact = Contact {
                name: spec.contact.0.into(),
                phone: spec.contact.1.into(),
                email: spec.contact.2.into(),
            };
            for (n, (days, hour, hours, places)) in spec.shifts.iter().enumerate() {
                // Local hours are given for Danish time; UTC is one hour behind in winter.
                let start = today + days * DAY + (hour - 1) * HOUR;
                let shift_id: ShiftId = format!("vagt-{}", n + 1).parse().ok()?;
                task.shifts
                    .insert(shift_id, Shift::new(start, start + hours * HOUR, *places));
            }
            task.status = TaskStatus::Published;
            Some((DocumentId::from_bytes(id), task))
        })
        .collect()
}

/// A demo volunteer's børneattest, relative to today.
#[derive(Clone, Copy)]
enum Cert {
    None,
    Requested,
    /// Approved, valid for this many days from today (negative: expired that long ago).
    Approved(i64),
}

struct ProfileSpec {
    name: &'static str,
    towns: &'static [&'static str],
    travel_km: u64,
    areas: &'static [Area],
    skills: &'static [&'static str],
    languages: &'static [&'static str],
    /// Available slots as stored words (`"loer-formiddag"`), separated by spaces.
    slots: &'static str,
    /// Periods away: (days from today it begins, days it lasts).
    away: &'static [(i64, i64)],
    /// (organisation id from [`ORGANISATIONS`] or a name, role, from, to)
    experience: &'static [(&'static str, &'static str, &'static str, &'static str)],
    offer: &'static str,
    certificate: Cert,
    /// Whether the volunteer shares a phone number and an email address.
    contact: bool,
}

const PROFILES: &[ProfileSpec] = &[
    ProfileSpec {
        name: "Karen Lund",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[Elderly, Social],
        skills: &["besoegsven", "madlavning", "kage"],
        languages: &["dansk"],
        slots: "man-eftermiddag ons-eftermiddag tor-eftermiddag",
        away: &[],
        experience: &[("faxe-plejecenter-venner", "Besøgsven", "2019", "")],
        offer: "Jeg er pensioneret sygeplejerske og kommer gerne forbi til en snak og en kop kaffe med ældre, der sidder meget alene.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Mads Kristensen",
        towns: &["Haslev"],
        travel_km: 5,
        areas: &[Sport, Kids],
        skills: &["traener", "foerstehjaelp", "dommer"],
        languages: &["dansk", "engelsk"],
        slots: "tir-eftermiddag tor-eftermiddag loer-formiddag",
        away: &[],
        experience: &[("haslev-fodbold", "Ungdomstræner", "2016", "")],
        offer: "Træner U11 og hjælper gerne til ved stævner og hjemmekampe i weekenden.",
        certificate: Cert::Approved(400),
        contact: true,
    },
    ProfileSpec {
        name: "Yasmin Al-Sayed",
        towns: &["Faxe"],
        travel_km: 15,
        areas: &[Kids, Social],
        skills: &["lektiehjaelp", "tolkning"],
        languages: &["dansk", "arabisk", "engelsk"],
        slots: "man-aften ons-aften",
        away: &[(10, 7)],
        experience: &[("haslev-bibliotek", "Lektiehjælper", "2022", "")],
        offer: "Jeg læser til lærer og hjælper gerne med lektier. Jeg kan også tolke mellem arabisk og dansk.",
        certificate: Cert::Approved(200),
        contact: true,
    },
    ProfileSpec {
        name: "Jens Thomsen",
        towns: &["Karise"],
        travel_km: 20,
        areas: &[Nature],
        skills: &["havearbejde", "haandvaerk", "motorsav"],
        languages: &["dansk"],
        slots: "loer-formiddag soen-formiddag",
        away: &[],
        experience: &[("naturgruppen-karise", "Arbejdsleder", "2018", "")],
        offer: "Har egen motorsav og trailer. Hjælper gerne med naturpleje og med at holde stierne fri.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Olena Shevchenko",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[Elderly, Culture],
        skills: &["madlavning", "musik", "strikning"],
        languages: &["ukrainsk", "engelsk", "dansk"],
        slots: "man-formiddag tir-formiddag ons-formiddag",
        away: &[],
        experience: &[],
        offer: "Jeg kom til Haslev i 2022 og vil gerne lære flere at kende. Jeg synger i kor og laver gerne mad.",
        certificate: Cert::Requested,
        contact: true,
    },
    ProfileSpec {
        name: "Birgitte Holm",
        towns: &["Faxe Ladeplads"],
        travel_km: 10,
        areas: &[Elderly, Health],
        skills: &["koerekort-b", "besoegsven", "gåture"],
        languages: &["dansk"],
        slots: "tir-formiddag fre-formiddag fre-eftermiddag",
        away: &[(3, 14)],
        experience: &[("faxe-plejecenter-venner", "Chauffør til banko", "2020", "")],
        offer: "Jeg har bil og kører gerne ældre til aktiviteter og lægebesøg.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Henrik Madsen",
        towns: &["Haslev"],
        travel_km: 15,
        areas: &[Culture, Other],
        skills: &["haandvaerk", "koerekort-b", "lydteknik"],
        languages: &["dansk", "tysk"],
        slots: "fre-aften loer-formiddag loer-eftermiddag loer-aften",
        away: &[],
        experience: &[("dalby-borgerforening", "Teltopsætning", "2015", "2023")],
        offer: "Tømrer. Jeg bygger gerne scener og sætter telte op til byfester.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Fatima Hassan",
        towns: &["Haslev"],
        travel_km: 5,
        areas: &[Kids, Social],
        skills: &["boernepasning", "madlavning", "tolkning"],
        languages: &["arabisk", "dansk"],
        slots: "ons-eftermiddag tor-eftermiddag",
        away: &[],
        experience: &[],
        offer: "Mor til tre. Jeg passer gerne børn under arrangementer og hjælper familier, der taler arabisk.",
        certificate: Cert::Approved(90),
        contact: false,
    },
    ProfileSpec {
        name: "Lars Pedersen",
        towns: &["Rønnede"],
        travel_km: 25,
        areas: &[Sport, Health],
        skills: &["foerstehjaelp", "traener", "svømning"],
        languages: &["dansk", "engelsk"],
        slots: "man-aften tir-aften tor-aften",
        away: &[],
        experience: &[("DGI Midt- og Vestsjælland", "Instruktør", "2012", "2020")],
        offer: "Uddannet førstehjælpsinstruktør. Står gerne for førstehjælpen ved stævner og løb.",
        certificate: Cert::Approved(-30),
        contact: true,
    },
    ProfileSpec {
        name: "Anne-Marie Nielsen",
        towns: &["Dalby"],
        travel_km: 10,
        areas: &[Culture, Elderly],
        skills: &["regnskab", "kommunikation", "it-hjaelp"],
        languages: &["dansk", "engelsk"],
        slots: "man-formiddag ons-formiddag",
        away: &[],
        experience: &[("dalby-borgerforening", "Kasserer", "2017", "")],
        offer: "Har været kasserer i borgerforeningen i mange år og hjælper gerne andre foreninger med regnskabet.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Peter Sørensen",
        towns: &["Terslev"],
        travel_km: 15,
        areas: &[Nature, Other],
        skills: &["havearbejde", "fugle"],
        languages: &["dansk"],
        slots: "loer-formiddag",
        away: &[(-2, 10)],
        experience: &[],
        offer: "Jeg kender fuglene i Tryggevælde Ådal og viser gerne rundt på en tur.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Sofie Andersen",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[Kids, Culture],
        skills: &["lektiehjaelp", "musik", "boernepasning", "guitar"],
        languages: &["dansk", "engelsk", "tysk"],
        slots: "man-eftermiddag tir-eftermiddag",
        away: &[],
        experience: &[("haslev-bibliotek", "Lektiecafé", "2023", "")],
        offer: "Gymnasieelev. Hjælper med matematik og engelsk og spiller guitar.",
        certificate: Cert::Approved(300),
        contact: true,
    },
    ProfileSpec {
        name: "Ahmad Karimi",
        towns: &["Faxe"],
        travel_km: 10,
        areas: &[Sport, Kids],
        skills: &["traener", "tolkning"],
        languages: &["dari", "engelsk", "dansk"],
        slots: "tir-eftermiddag tor-eftermiddag soen-formiddag",
        away: &[],
        experience: &[("haslev-fodbold", "Hjælpetræner", "2021", "")],
        offer: "Spiller fodbold og cricket. Vil gerne træne børn og hjælpe nye familier med at finde en forening.",
        certificate: Cert::Requested,
        contact: false,
    },
    ProfileSpec {
        name: "Grethe Jørgensen",
        towns: &["Karise"],
        travel_km: 5,
        areas: &[Elderly, Culture],
        skills: &["besoegsven", "strikning", "kortspil"],
        languages: &["dansk"],
        slots: "tir-eftermiddag tor-eftermiddag",
        away: &[],
        experience: &[("Ældre Sagen Faxe", "Besøgsven", "2014", "")],
        offer: "Strikker og spiller gerne kort med beboerne på plejecentret.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Thomas Rasmussen",
        towns: &["Haslev"],
        travel_km: 30,
        areas: &[Other, Culture],
        skills: &["it-hjaelp", "kommunikation", "fotografering"],
        languages: &["dansk", "engelsk"],
        slots: "ons-aften loer-eftermiddag",
        away: &[],
        experience: &[],
        offer: "Webudvikler. Hjælper gerne foreninger med hjemmeside, Facebook og billeder fra arrangementer.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Maja Christensen",
        towns: &["Faxe Ladeplads"],
        travel_km: 10,
        areas: &[Nature, Kids],
        skills: &["havearbejde", "boernepasning"],
        languages: &["dansk", "engelsk"],
        slots: "loer-formiddag soen-formiddag soen-eftermiddag",
        away: &[(20, 14)],
        experience: &[("naturgruppen-karise", "Naturvejleder", "2020", "2022")],
        offer: "Biolog på barsel. Laver gerne naturaktiviteter for børn ved stranden.",
        certificate: Cert::Approved(500),
        contact: false,
    },
    ProfileSpec {
        name: "Niels Poulsen",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[Elderly, Other],
        skills: &["it-hjaelp", "koerekort-b"],
        languages: &["dansk"],
        slots: "man-formiddag tir-formiddag ons-formiddag tor-formiddag fre-formiddag",
        away: &[],
        experience: &[("haslev-bibliotek", "IT-hjælper", "2019", "")],
        offer: "Pensioneret IT-medarbejder fra kommunen. Hjælper gerne med MitID, e-Boks og telefonen.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Hanne Larsen",
        towns: &["Rønnede"],
        travel_km: 15,
        areas: &[Health, Social],
        skills: &["foerstehjaelp", "madlavning", "yoga"],
        languages: &["dansk", "engelsk"],
        slots: "ons-formiddag fre-formiddag",
        away: &[],
        experience: &[],
        offer: "Fysioterapeut. Står gerne for en gåtur eller stolegymnastik en gang om ugen.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Kasper Olsen",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[Sport],
        skills: &["dommer", "foerstehjaelp", "kiosk"],
        languages: &["dansk"],
        slots: "loer-formiddag loer-eftermiddag soen-formiddag soen-eftermiddag",
        away: &[],
        experience: &[("haslev-fodbold", "Kioskansvarlig", "2020", "")],
        offer: "Står gerne i kiosken eller som linjedommer, når klubben spiller hjemme.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Iryna Bondarenko",
        towns: &["Faxe"],
        travel_km: 10,
        areas: &[Kids, Culture],
        skills: &["tolkning", "boernepasning", "musik"],
        languages: &["ukrainsk", "russisk", "engelsk"],
        slots: "man-eftermiddag ons-eftermiddag fre-eftermiddag",
        away: &[],
        experience: &[],
        offer: "Musiklærer fra Kharkiv. Tolker gerne mellem ukrainsk og engelsk og underviser børn i klaver.",
        certificate: Cert::Approved(150),
        contact: false,
    },
    ProfileSpec {
        name: "Erik Frederiksen",
        towns: &["Dalby"],
        travel_km: 20,
        areas: &[Culture, Nature],
        skills: &["haandvaerk", "koerekort-b", "havearbejde", "traktor"],
        languages: &["dansk", "tysk"],
        slots: "loer-formiddag loer-eftermiddag",
        away: &[(5, 3)],
        experience: &[("dalby-borgerforening", "Bestyrelsesmedlem", "2010", "")],
        offer: "Har traktor og trailer og kan hjælpe med tunge ting til arrangementer.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Lene Mortensen",
        towns: &["Haslev"],
        travel_km: 5,
        areas: &[Elderly, Social],
        skills: &["madlavning", "bagning"],
        languages: &["dansk"],
        slots: "tor-eftermiddag tor-aften",
        away: &[],
        experience: &[("aktivitetscenter-haslev", "Køkkenhjælp", "2018", "")],
        offer: "Jeg elsker at lave mad til mange og hjælper gerne ved fællesspisningen.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Omar Abdi",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[Sport, Social],
        skills: &["traener", "tolkning", "koerekort-b", "basketball"],
        languages: &["somali", "dansk", "engelsk", "arabisk"],
        slots: "man-aften ons-aften loer-eftermiddag",
        away: &[],
        experience: &[],
        offer: "Tidligere basketballspiller. Vil gerne starte et træningshold for unge.",
        certificate: Cert::Requested,
        contact: true,
    },
    ProfileSpec {
        name: "Camilla Berg",
        towns: &["Karise"],
        travel_km: 10,
        areas: &[Culture, Kids],
        skills: &["musik", "kommunikation", "plakater"],
        languages: &["dansk", "engelsk"],
        slots: "fre-aften loer-aften",
        away: &[],
        experience: &[("Karise Musikforening", "Koncertarrangør", "2016", "")],
        offer: "Laver plakater og opslag og hjælper gerne ved koncerter.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Jørgen Hansen",
        towns: &["Tureby"],
        travel_km: 15,
        areas: &[Nature, Elderly],
        skills: &["havearbejde", "haandvaerk"],
        languages: &["dansk"],
        slots: "tir-formiddag tor-formiddag",
        away: &[],
        experience: &[("naturgruppen-karise", "Frivillig", "2019", "")],
        offer: "Pensioneret landmand. Hjælper ældre med haven, når de ikke selv kan.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Louise Kjær",
        towns: &["Faxe"],
        travel_km: 10,
        areas: &[Health, Elderly],
        skills: &["foerstehjaelp", "besoegsven"],
        languages: &["dansk", "engelsk"],
        slots: "man-aften tir-aften",
        away: &[(14, 7)],
        experience: &[],
        offer: "Sygeplejerske. Kommer gerne som besøgsven på en hverdagsaften.",
        certificate: Cert::Approved(700),
        contact: true,
    },
    ProfileSpec {
        name: "Mikkel Jakobsen",
        towns: &["Haslev"],
        travel_km: 40,
        areas: &[Other, Culture],
        skills: &["lydteknik", "it-hjaelp", "koerekort-b"],
        languages: &["dansk", "engelsk"],
        slots: "fre-aften loer-aften",
        away: &[],
        experience: &[],
        offer: "Har et lydanlæg og kører det gerne ud til byfester og koncerter i hele kommunen.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Ingrid Schmidt",
        towns: &["Faxe Ladeplads"],
        travel_km: 10,
        areas: &[Culture, Elderly],
        skills: &["tolkning", "lokalhistorie"],
        languages: &["tysk", "dansk", "engelsk"],
        slots: "man-formiddag ons-formiddag",
        away: &[],
        experience: &[("Faxe Lokalhistoriske Arkiv", "Arkivfrivillig", "2015", "")],
        offer: "Tysk af fødsel. Viser gerne tyske turister rundt og hjælper i lokalarkivet.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Rasmus Vestergaard",
        towns: &["Kongsted"],
        travel_km: 15,
        areas: &[Sport, Nature],
        skills: &["foerstehjaelp", "cykelreparation"],
        languages: &["dansk"],
        slots: "soen-formiddag",
        away: &[],
        experience: &[],
        offer: "Cykelrytter. Laver små reparationer på cykler og hjælper gerne ved motionsløb.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Emma Kirkegaard",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[Kids, Sport],
        skills: &["boernepasning", "traener", "svømning"],
        languages: &["dansk", "engelsk"],
        slots: "tir-eftermiddag tor-eftermiddag",
        away: &[(30, 10)],
        experience: &[("FDF Haslev", "Leder", "2021", "")],
        offer: "FDF-leder og livredder. Hjælper gerne ved børneaktiviteter og i svømmehallen.",
        certificate: Cert::Approved(365),
        contact: true,
    },
    ProfileSpec {
        name: "Poul Eriksen",
        towns: &["Rønnede"],
        travel_km: 10,
        areas: &[Elderly],
        skills: &["koerekort-b", "besoegsven", "skak"],
        languages: &["dansk"],
        slots: "tir-eftermiddag ons-eftermiddag",
        away: &[],
        experience: &[("faxe-plejecenter-venner", "Chauffør", "2017", "2024")],
        offer: "Spiller gerne skak og kører folk til og fra aktiviteter.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Zainab Mohammadi",
        towns: &["Faxe"],
        travel_km: 10,
        areas: &[Social, Health],
        skills: &["madlavning", "tolkning"],
        languages: &["dari", "farsi", "engelsk"],
        slots: "ons-formiddag",
        away: &[],
        experience: &[],
        offer: "Kok. Laver gerne afghansk mad til en fællesspisning.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Kirsten Møller",
        towns: &["Haslev"],
        travel_km: 5,
        areas: &[Culture, Elderly],
        skills: &["kommunikation", "regnskab", "højtlæsning"],
        languages: &["dansk", "engelsk", "tysk"],
        slots: "man-eftermiddag",
        away: &[],
        experience: &[("haslev-bibliotek", "Oplæser", "2016", "")],
        offer: "Læser gerne højt for ældre og skriver referater for foreninger.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Anders Bach",
        towns: &["Terslev"],
        travel_km: 20,
        areas: &[Nature, Sport],
        skills: &["havearbejde", "foerstehjaelp", "koerekort-b"],
        languages: &["dansk"],
        slots: "loer-formiddag soen-formiddag",
        away: &[],
        experience: &[],
        offer: "Går meget i naturen og hjælper gerne ved affaldsindsamlinger og orienteringsløb.",
        certificate: Cert::Approved(-200),
        contact: false,
    },
    ProfileSpec {
        name: "Nadia Petersen",
        towns: &["Dalby"],
        travel_km: 10,
        areas: &[Kids],
        skills: &["lektiehjaelp", "boernepasning"],
        languages: &["dansk", "engelsk", "fransk"],
        slots: "man-eftermiddag ons-eftermiddag",
        away: &[],
        experience: &[],
        offer: "Lærerstuderende. Hjælper gerne i lektiecaféen og med børn ved arrangementer.",
        certificate: Cert::Approved(250),
        contact: true,
    },
    ProfileSpec {
        name: "Ole Dam",
        towns: &["Faxe"],
        travel_km: 20,
        areas: &[Culture, Other],
        skills: &["haandvaerk", "koerekort-b", "el-arbejde"],
        languages: &["dansk"],
        slots: "",
        away: &[],
        experience: &[("Faxe Bryggerimuseum", "Rundviser", "2012", "2019")],
        offer: "Pensioneret elektriker. Ring, så finder vi en dag.",
        certificate: Cert::None,
        contact: true,
    },
    ProfileSpec {
        name: "Victoria Lindqvist",
        towns: &["Karise"],
        travel_km: 15,
        areas: &[Health, Sport],
        skills: &["yoga", "foerstehjaelp"],
        languages: &["dansk", "svensk", "engelsk"],
        slots: "tir-aften tor-aften",
        away: &[],
        experience: &[],
        offer: "Yogalærer. Holder gerne gratis yoga for seniorer.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Mohammed Saleh",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[Social, Kids],
        skills: &["tolkning", "lektiehjaelp", "it-hjaelp"],
        languages: &["arabisk", "dansk", "engelsk"],
        slots: "man-aften tir-aften ons-aften",
        away: &[],
        experience: &[("Røde Kors Haslev", "Tolk", "2018", "")],
        offer: "Tolker arabisk og hjælper med lektier og digital post.",
        certificate: Cert::Requested,
        contact: true,
    },
    ProfileSpec {
        name: "Susanne Friis",
        towns: &["Faxe Ladeplads", "Faxe"],
        travel_km: 10,
        areas: &[Elderly, Nature],
        skills: &["havearbejde", "besoegsven"],
        languages: &["dansk"],
        slots: "ons-formiddag tor-formiddag",
        away: &[],
        experience: &[],
        offer: "Hjælper gerne ældre med haven og tager dem med på en gåtur.",
        certificate: Cert::None,
        contact: false,
    },
    ProfileSpec {
        name: "Bo Kristiansen",
        towns: &["Haslev"],
        travel_km: 10,
        areas: &[],
        skills: &[],
        languages: &["dansk"],
        slots: "",
        away: &[],
        experience: &[],
        offer: "",
        certificate: Cert::None,
        contact: false,
    },
];

/// An availability grid from stored words such as `"loer-formiddag man-aften"`; a word that is
/// not one is skipped (the test below checks there are none).
fn grid(words: &str) -> Availability {
    let mut grid = Availability::default();
    for word in words.split_whitespace() {
        let parsed: Option<(Weekday, DayPart)> = word
            .split_once('-')
            .and_then(|(d, p)| Some((d.parse().ok()?, p.parse().ok()?)));
        if let Some((day, part)) = parsed {
            grid.set(day, part, true);
        }
    }
    grid
}

/// A demo email address from a name: "Jørgen Hansen" is `joergen.hansen@demo.samskab.dk`.
fn demo_email(name: &str) -> String {
    let mut local = String::new();
    for c in name.to_lowercase().chars() {
        match c {
            'æ' | 'ä' => local.push_str("ae"),
            'ø' | 'ö' => local.push_str("oe"),
            'å' => local.push_str("aa"),
            ' ' => local.push('.'),
            'a'..='z' | '0'..='9' | '-' => local.push(c),
            _ => {}
        }
    }
    format!("{local}@demo.samskab.dk")
}

/// The owner of the `n`th demo profile, from 1: `demo-frivillig-01`.
pub fn demo_volunteer(n: usize) -> Option<PersonId> {
    format!("demo-frivillig-{n:02}").parse().ok()
}

/// The forty demo volunteer profiles, owned by `demo-frivillig-01` to `demo-frivillig-40`.
/// Dates (periods away, børneattest validity) are relative to `now`.
///
/// Consent is spread evenly and deterministically: every other volunteer shares with staff,
/// and in turn with all coordinators, with those of their own organisations, or with none, so
/// each combination (including fully private) occurs six or seven times.
pub fn profiles(now: Millis) -> Vec<Profile> {
    let day = |days: i64| local_time::date(now + days * DAY);
    PROFILES
        .iter()
        .enumerate()
        .filter_map(|(i, spec)| {
            let n = i64::try_from(i).ok()?;
            let mut p = Profile::new(demo_volunteer(i + 1)?, spec.name, now - (60 + 3 * n) * DAY);
            p.updated_at = now - n * DAY;
            if spec.contact {
                p.phone = format!(
                    "{} {:02} {:02} {:02}",
                    20 + n % 10,
                    (n * 37 + 5) % 100,
                    (n * 53 + 11) % 100,
                    (n * 71 + 29) % 100
                );
                p.email = demo_email(spec.name);
            }
            p.towns = spec.towns.iter().map(|t| (*t).to_owned()).collect();
            p.travel_km = spec.travel_km;
            p.areas = spec.areas.to_vec();
            p.skills = spec.skills.iter().map(|s| (*s).to_owned()).collect();
            p.languages = spec.languages.iter().map(|s| (*s).to_owned()).collect();
            p.availability = grid(spec.slots);
            p.away = spec
                .away
                .iter()
                .map(|(from, days)| Period {
                    from: day(*from),
                    to: day(from + days - 1),
                })
                .collect();
            p.experience = spec
                .experience
                .iter()
                .map(|(org, role, from, to)| Experience {
                    organisation: organisation_name(org).to_owned(),
                    role: (*role).to_owned(),
                    from: (*from).to_owned(),
                    to: (*to).to_owned(),
                })
                .collect();
            p.offer = spec.offer.into();
            p.child_certificate = match spec.certificate {
                Cert::None => ChildCertificate::NONE,
                Cert::Requested => ChildCertificate {
                    status: CertificateStatus::Requested,
                    valid_until: String::new(),
                },
                Cert::Approved(days) => ChildCertificate {
                    status: CertificateStatus::Approved,
                    valid_until: day(days),
                },
            };
            p.consent = Consent {
                staff: i % 2 == 0,
                coordinators: [
                    CoordinatorConsent::All,
                    CoordinatorConsent::SignedUp,
                    CoordinatorConsent::Nobody,
                ][(i / 2) % 3],
            };
            Some(p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_task_is_valid_and_in_the_future() {
        let now = 1_800_000_000_000;
        let tasks = tasks(now);
        assert_eq!(tasks.len(), SPECS.len());
        for (_, task) in &tasks {
            assert_eq!(task.problems(), vec![], "{}", task.title);
            assert!(task.first_start().unwrap() > now - DAY);
            assert!(
                crate::towns::DEMO_TOWNS.contains(&task.town.as_str()),
                "{}",
                task.town
            );
        }
        for spec in SPECS {
            assert_ne!(
                organisation_name(spec.org),
                spec.org,
                "{} has no name",
                spec.org
            );
        }
        let mut ids: Vec<_> = tasks.iter().map(|(id, _)| *id).collect();
        ids.dedup();
        assert_eq!(ids.len(), SPECS.len());
    }

    #[test]
    fn every_demo_profile_is_valid_and_varied() {
        let now = 1_800_000_000_000;
        let today = local_time::date(now);
        let profiles = profiles(now);
        assert_eq!(profiles.len(), 40);
        for (i, p) in profiles.iter().enumerate() {
            assert_eq!(p.validate(), Ok(()), "{}", p.name);
            assert_eq!(p.owner.as_str(), format!("demo-frivillig-{:02}", i + 1));
            for town in &p.towns {
                assert!(crate::towns::DEMO_TOWNS.contains(&town.as_str()), "{town}");
            }
            if !p.email.is_empty() {
                assert!(p.email.ends_with("@demo.samskab.dk"), "{}", p.email);
                assert!(p.email.is_ascii(), "{}", p.email);
            }
        }
        for spec in PROFILES {
            let words = spec.slots.split_whitespace().count();
            assert_eq!(grid(spec.slots).slots().count(), words, "{}", spec.slots);
        }
        let count = |f: &dyn Fn(&Profile) -> bool| profiles.iter().filter(|p| f(p)).count();
        assert_eq!(count(&|p| p.consent.staff), 20);
        for c in CoordinatorConsent::ALL {
            let n = count(&|p| p.consent.coordinators == *c);
            assert!((12..=14).contains(&n), "{c}: {n}");
        }
        assert!(count(&|p| !p.consent.is_shared()) >= 5);
        assert!(count(&|p| p.email.is_empty()) >= 10);
        assert!(count(&|p| !p.email.is_empty()) >= 10);
        assert!(count(&|p| p.away_on(&today)) >= 1);
        assert!(count(&|p| p.child_certificate.valid_on(&today)) >= 5);
        assert!(
            count(
                &|p| p.child_certificate.status == CertificateStatus::Approved
                    && !p.child_certificate.valid_on(&today)
            ) >= 1
        );
        for lang in ["engelsk", "arabisk", "tysk", "ukrainsk"] {
            assert!(
                count(&|p| p.languages.iter().any(|l| l == lang)) >= 1,
                "{lang}"
            );
        }
        assert_eq!(profiles, self::profiles(now), "deterministic");
    }

    #[test]
    fn demo_profiles_and_tasks_find_each_other() {
        use crate::matching::{tasks_for, volunteers_for};
        let now = 1_800_000_000_000;
        let tasks = tasks(now);
        let profiles = profiles(now);
        let suggested = profiles
            .iter()
            .filter(|p| {
                !tasks_for(
                    p,
                    tasks.iter().map(|(id, t)| (id, t)),
                    &crate::towns::Towns::demo(),
                    now,
                )
                .is_empty()
            })
            .count();
        assert!(suggested >= 30, "{suggested} of 40 get suggestions");
        for (_, task) in &tasks {
            let found = volunteers_for(task, &profiles, &crate::towns::Towns::demo(), now);
            assert!(!found.is_empty(), "no one for {}", task.title);
        }
    }

    #[test]
    fn every_demo_organisation_has_a_valid_document() {
        let docs = organisation_documents(0);
        assert_eq!(docs.len(), ORGANISATIONS.len());
        for doc in &docs {
            assert_eq!(doc.validate(), Ok(()), "{}", doc.name);
            assert!(!doc.description.is_empty(), "{}", doc.name);
        }
    }
}
