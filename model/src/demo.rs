//! Demo data: a dozen realistic tasks from organisations in the demo municipality (Faxe
//! Kommune's towns), in Danish. Ids are fixed so that seeding twice adds nothing; times are
//! relative to `now` so the tasks always lie in the coming weeks.

use crate::ids::{DocumentId, ShiftId};
use crate::task::{Area, Contact, Millis, Shift, Task, TaskStatus};

const HOUR: Millis = 60 * 60 * 1000;
const DAY: Millis = 24 * HOUR;

/// The demo organisations: (id, name). Until organisations are documents of their own
/// (accounts), coordinators pick from these.
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
}
