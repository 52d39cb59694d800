//! The CV bank's search: staff and coordinators looking through the profiles their device
//! holds, by free text and by filters, results in name order.
//!
//! The search runs on every keystroke over what may be many thousands of profiles, so the
//! work that does not depend on the query is done once, in [`CvIndex::new`]: each profile's
//! searchable text lowercased into one string, its skills as [`skill_key`]s, the towns it
//! reaches, its areas as bits, and the order by name. A keystroke is then one pass over
//! prepared data with no allocation per profile, and while the user types on,
//! [`CvIndex::refine`] passes over only the previous keystroke's results.
//!
//! Which profiles a device holds is the relay's business (by each profile's consent; the
//! rules are in [`crate::authz`]); the search shows whatever it is given.

use std::collections::HashMap;
use std::sync::Arc;

use crate::Lang;
use crate::matching::skill_key;
use crate::profile::{Availability, CertificateStatus, Profile, skill_label};
use crate::task::Area;
use crate::towns::{self, Towns};

/// What to look for. Every part that is set must hold (AND); an empty query finds everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CvQuery {
    /// Words that must each occur, in any case, in the name, skills (as written, as ids and as
    /// Danish and English labels), offer text, experience, languages or towns.
    pub text: String,
    /// Skills the person must all have (ids, labels or free tags, in any case).
    pub skills: Vec<String>,
    /// Areas of which the person must be interested in at least one.
    pub areas: Vec<Area>,
    /// Towns of which the person must reach at least one: live or help there, or travel there
    /// within their distance.
    pub towns: Vec<String>,
    /// Slots of which the person must be available in at least one (none set: no filter).
    pub availability: Availability,
    /// Languages the person must all speak (in any case).
    pub languages: Vec<String>,
    /// Only people with an approved børneattest valid today.
    pub valid_certificate: bool,
}

impl CvQuery {
    /// Whether this query can only find profiles that `previous` found: the same filters, and
    /// text that begins with the previous text, as when the user types on. Then
    /// [`CvIndex::refine`] need look only through the previous results.
    pub fn narrows(&self, previous: &CvQuery) -> bool {
        self.skills == previous.skills
            && self.areas == previous.areas
            && self.towns == previous.towns
            && self.availability == previous.availability
            && self.languages == previous.languages
            && self.valid_certificate == previous.valid_certificate
            && self
                .text
                .to_lowercase()
                .starts_with(&previous.text.to_lowercase())
    }
}

// Known towns are bits of a `u64`.
const _: () = assert!(towns::MAX_TOWNS <= 64);

/// One profile, prepared for searching.
#[derive(Debug, Clone)]
struct Entry {
    /// Its position in the profiles the index was built from.
    at: usize,
    /// Every searchable field, lowercased, one per line.
    text: String,
    skills: Vec<String>,
    languages: Vec<String>,
    /// The municipality's towns ([`Towns`]) the person lists or can travel to, as bits.
    reach: u64,
    /// Towns the person lists that are not known towns, lowercased.
    other_towns: Vec<String>,
    areas: u16,
    availability: Availability,
    /// The last valid day of an approved børneattest.
    certificate_until: Option<String>,
}

fn area_bits(areas: &[Area]) -> u16 {
    areas.iter().fold(0, |bits, area| {
        let i = Area::ALL.iter().position(|a| a == area).unwrap_or(0);
        bits | 1 << i
    })
}

impl Entry {
    fn new(at: usize, p: &Profile, known: &Towns) -> Self {
        let mut text = String::with_capacity(256 + p.offer.len());
        let mut add = |s: &str| {
            text.push_str(s);
            text.push('\n');
        };
        add(&p.name);
        for skill in &p.skills {
            add(skill);
            let key = skill_key(skill);
            add(skill_label(&key, Lang::Da));
            add(skill_label(&key, Lang::En));
            add(&key);
        }
        add(&p.offer);
        for e in &p.experience {
            add(&e.organisation);
            add(&e.role);
        }
        for s in p.languages.iter().chain(&p.towns) {
            add(s);
        }
        let mut reach = 0;
        let mut other_towns = Vec::new();
        // Travel distances are whole km and small; the cast is exact.
        let km = p.travel_km as f64;
        for town in &p.towns {
            let Some(home) = known.coordinates(town) else {
                other_towns.push(town.trim().to_lowercase());
                continue;
            };
            for (i, t) in known.towns.iter().take(towns::MAX_TOWNS).enumerate() {
                if towns::haversine_km(home, (t.lat, t.lon)) <= km {
                    reach |= 1 << i;
                }
            }
        }
        Entry {
            at,
            text: text.to_lowercase(),
            skills: p.skills.iter().map(|s| skill_key(s)).collect(),
            languages: p
                .languages
                .iter()
                .map(|l| l.trim().to_lowercase())
                .collect(),
            reach,
            other_towns,
            areas: area_bits(&p.areas),
            availability: p.availability,
            certificate_until: (p.child_certificate.status == CertificateStatus::Approved)
                .then(|| p.child_certificate.valid_until.clone()),
        }
    }
}

/// A query lowercased and split once per search rather than once per profile.
struct Prepared {
    words: Vec<String>,
    skills: Vec<String>,
    areas: u16,
    /// Known towns asked for, as bits (see [`Entry::reach`]).
    towns: u64,
    /// Other towns asked for, lowercased.
    other_towns: Vec<String>,
    availability: Availability,
    languages: Vec<String>,
    valid_certificate: bool,
}

impl Prepared {
    fn new(q: &CvQuery, known: &Towns) -> Self {
        let lower = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| s.trim().to_lowercase())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let mut towns = 0;
        let mut other_towns = Vec::new();
        for town in lower(&q.towns) {
            match known.index(&town).filter(|i| *i < towns::MAX_TOWNS) {
                Some(i) => towns |= 1 << i,
                None => other_towns.push(town),
            }
        }
        Prepared {
            words: q
                .text
                .to_lowercase()
                .split_whitespace()
                .map(String::from)
                .collect(),
            skills: q
                .skills
                .iter()
                .map(|s| skill_key(s))
                .filter(|s| !s.is_empty())
                .collect(),
            areas: area_bits(&q.areas),
            towns,
            other_towns,
            availability: q.availability,
            languages: lower(&q.languages),
            valid_certificate: q.valid_certificate,
        }
    }

    /// Cheap tests first, the text last.
    fn admits(&self, e: &Entry, today: &str) -> bool {
        (self.areas == 0 || self.areas & e.areas != 0)
            && (self.availability.is_empty() || self.availability.overlaps(e.availability))
            && (!self.valid_certificate
                || e.certificate_until.as_deref().is_some_and(|u| u >= today))
            && self.skills.iter().all(|s| e.skills.contains(s))
            && self.languages.iter().all(|l| e.languages.contains(l))
            && (self.towns == 0 && self.other_towns.is_empty()
                || self.towns & e.reach != 0
                || self.other_towns.iter().any(|t| e.other_towns.contains(t)))
            && self.words.iter().all(|w| e.text.contains(w.as_str()))
    }
}

/// Profiles prepared for searching, in name order. It keeps no reference to the profiles:
/// results are positions in the sequence it was built from, so it can be kept beside them
/// and rebuilt when they change.
#[derive(Debug, Clone, Default)]
pub struct CvIndex {
    /// In name order.
    entries: Vec<Entry>,
    /// For each position in the input, its entry.
    by_position: Vec<usize>,
    /// The municipality's towns the index measured reach against.
    towns: Towns,
}

impl CvIndex {
    /// The index over `profiles`, with travel distances measured between `towns`.
    pub fn new<'a>(profiles: impl IntoIterator<Item = &'a Profile>, towns: &Towns) -> Self {
        let mut keyed: Vec<(String, &'a Profile, Entry)> = profiles
            .into_iter()
            .enumerate()
            .map(|(at, p)| (p.name.trim().to_lowercase(), p, Entry::new(at, p, towns)))
            .collect();
        // Plain lowercase order (æ, ø and å after z, as in Danish, though å sorts first of
        // the three); the owner breaks ties so the order is the same on every device.
        keyed.sort_by(|(a, pa, _), (b, pb, _)| a.cmp(b).then_with(|| pa.owner.cmp(&pb.owner)));
        CvIndex::from_sorted(keyed.into_iter().map(|(_, _, e)| e).collect(), towns)
    }

    /// The index over `profiles`, as [`CvIndex::new`] makes it, reusing this index's entry
    /// for every profile that is the very one (the same allocation) it was built from
    /// (`built_from`, in the order this index was built over): only new and changed profiles
    /// are prepared again. While a new staff device receives thousands of profiles, the bank
    /// is renewed every second; each renewal prepared every profile so far.
    pub fn renew(
        &self,
        built_from: &[Arc<Profile>],
        profiles: &[Arc<Profile>],
        towns: &Towns,
    ) -> Self {
        if *towns != self.towns || built_from.len() != self.by_position.len() {
            return CvIndex::new(profiles.iter().map(|p| &**p), towns);
        }
        let old: HashMap<*const Profile, &Entry> = built_from
            .iter()
            .zip(&self.by_position)
            .filter_map(|(p, i)| Some((Arc::as_ptr(p), self.entries.get(*i)?)))
            .collect();
        let mut keyed: Vec<(String, &Profile, Entry)> = profiles
            .iter()
            .enumerate()
            .map(|(at, p)| {
                let entry = match old.get(&Arc::as_ptr(p)) {
                    Some(entry) => Entry {
                        at,
                        ..(*entry).clone()
                    },
                    None => Entry::new(at, p, towns),
                };
                (p.name.trim().to_lowercase(), &**p, entry)
            })
            .collect();
        keyed.sort_by(|(a, pa, _), (b, pb, _)| a.cmp(b).then_with(|| pa.owner.cmp(&pb.owner)));
        CvIndex::from_sorted(keyed.into_iter().map(|(_, _, e)| e).collect(), towns)
    }

    fn from_sorted(entries: Vec<Entry>, towns: &Towns) -> Self {
        let mut by_position = vec![0; entries.len()];
        for (i, e) in entries.iter().enumerate() {
            by_position[e.at] = i;
        }
        CvIndex {
            entries,
            by_position,
            towns: towns.clone(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The positions (in the sequence the index was built from) of the profiles the query
    /// finds, in name order. `today` is the local date, `YYYY-MM-DD`, for the børneattest.
    pub fn search(&self, query: &CvQuery, today: &str) -> Vec<usize> {
        let q = Prepared::new(query, &self.towns);
        self.entries
            .iter()
            .filter(|e| q.admits(e, today))
            .map(|e| e.at)
            .collect()
    }
}

impl CvIndex {
    /// [`CvIndex::search`] among `previous` results only, for a query that
    /// [narrows](CvQuery::narrows) the one that found them: typing a word letter by letter,
    /// each keystroke looks through fewer profiles. The result is in the order of `previous`.
    pub fn refine(&self, previous: &[usize], query: &CvQuery, today: &str) -> Vec<usize> {
        let q = Prepared::new(query, &self.towns);
        previous
            .iter()
            .filter_map(|at| self.entries.get(*self.by_position.get(*at)?))
            .filter(|e| q.admits(e, today))
            .map(|e| e.at)
            .collect()
    }
}

/// The profiles `query` finds, in name order: a one-off [`CvIndex`]. To search again as the
/// user types, keep the index instead.
pub fn search<'a>(
    profiles: &'a [Profile],
    towns: &Towns,
    query: &CvQuery,
    today: &str,
) -> Vec<&'a Profile> {
    CvIndex::new(profiles, towns)
        .search(query, today)
        .into_iter()
        .filter_map(|i| profiles.get(i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{ChildCertificate, DayPart, Experience, Weekday};

    const TODAY: &str = "2026-11-20";

    fn profile(owner: &str, name: &str) -> Profile {
        Profile::new(owner.parse().unwrap(), name, 0)
    }

    /// Four people who differ in every field.
    fn people() -> Vec<Profile> {
        let mut ole = profile("ole", "Ole Sørensen");
        ole.towns = vec!["Haslev".into()];
        ole.travel_km = 0;
        ole.areas = vec![Area::Sport];
        ole.skills = vec!["foerstehjaelp".into(), "traener".into()];
        ole.availability
            .set(Weekday::Saturday, DayPart::Morning, true);
        ole.offer = "Jeg træner gerne et ungdomshold.".into();
        ole.child_certificate = ChildCertificate {
            status: CertificateStatus::Approved,
            valid_until: "2027-01-31".into(),
        };

        let mut amira = profile("amira", "Amira Haddad");
        amira.towns = vec!["Faxe".into()];
        amira.travel_km = 8; // Faxe Ladeplads and Rønnede, not Haslev
        amira.areas = vec![Area::Social, Area::ChildrenYouth];
        amira.skills = vec!["Tolkning".into(), "lektiehjælp".into()];
        amira.languages = vec!["dansk".into(), "Arabisk".into(), "engelsk".into()];
        amira
            .availability
            .set(Weekday::Tuesday, DayPart::Evening, true);
        amira.experience = vec![Experience {
            organisation: "Røde Kors Faxe".into(),
            role: "Lektiehjælper".into(),
            from: "2021".into(),
            to: String::new(),
        }];
        amira.child_certificate = ChildCertificate {
            status: CertificateStatus::Approved,
            valid_until: "2026-11-19".into(), // expired yesterday
        };

        let mut bent = profile("bent", "bent Ahlgren");
        bent.towns = vec!["Karise".into()];
        bent.areas = vec![Area::Nature];
        bent.skills = vec!["havearbejde".into(), "motorsav".into()];
        bent.availability
            .set(Weekday::Saturday, DayPart::Morning, true);
        bent.availability
            .set(Weekday::Sunday, DayPart::Morning, true);
        bent.offer = "Fældning og beskæring, har egen motorsav.".into();

        let mut olena = profile("olena", "Olena Kovalenko");
        olena.towns = vec!["Haslev".into()];
        olena.areas = vec![Area::Elderly];
        olena.skills = vec!["besoegsven".into(), "madlavning".into()];
        olena.languages = vec!["ukrainsk".into(), "engelsk".into()];
        olena
            .availability
            .set(Weekday::Monday, DayPart::Afternoon, true);
        olena.child_certificate = ChildCertificate {
            status: CertificateStatus::Requested,
            valid_until: String::new(),
        };
        vec![ole, amira, bent, olena]
    }

    fn names(query: &CvQuery) -> Vec<String> {
        search(&people(), &Towns::demo(), query, TODAY)
            .into_iter()
            .map(|p| p.owner.to_string())
            .collect()
    }

    fn text(t: &str) -> CvQuery {
        CvQuery {
            text: t.into(),
            ..CvQuery::default()
        }
    }

    /// Renewing reuses the entries of the very profiles the index was built from and
    /// prepares the rest: it finds what an index made anew finds, in the same order, though
    /// the profiles come in another order, one changed (a new allocation with the same
    /// owner) and two are new.
    #[test]
    fn a_renewed_index_finds_what_a_new_one_finds() {
        let towns = Towns::demo();
        let first: Vec<Arc<Profile>> = people().into_iter().take(2).map(Arc::new).collect();
        let index = CvIndex::new(first.iter().map(|p| &**p), &towns);
        let mut amira = (*first[1]).clone();
        amira.name = "Zenab Haddad".into();
        amira.skills.push("motorsav".into());
        let mut later: Vec<Arc<Profile>> = people().into_iter().skip(2).map(Arc::new).collect();
        later.push(Arc::new(amira));
        later.push(first[0].clone());
        let renewed = index.renew(&first, &later, &towns);
        let anew = CvIndex::new(later.iter().map(|p| &**p), &towns);
        let queries = [
            CvQuery::default(),
            text("motorsav"),
            text("haddad"),
            text("zenab"),
            text("ole"),
            text("amira"),
        ];
        for query in &queries {
            assert_eq!(
                renewed.search(query, TODAY),
                anew.search(query, TODAY),
                "{query:?}"
            );
        }
        assert_eq!(
            renewed.search(&text("motorsav"), TODAY).len(),
            2,
            "bent and the changed Amira"
        );
        // Other towns: made anew.
        let elsewhere = index.renew(&first, &later, &Towns::default());
        assert_eq!(elsewhere.search(&CvQuery::default(), TODAY).len(), 4);
    }

    #[test]
    fn an_empty_query_finds_everyone_in_name_order() {
        assert_eq!(
            names(&CvQuery::default()),
            vec!["amira", "bent", "ole", "olena"]
        );
        assert_eq!(names(&text("   ")), vec!["amira", "bent", "ole", "olena"]);
        assert!(search(&[], &Towns::demo(), &CvQuery::default(), TODAY).is_empty());
        assert!(CvIndex::new(&[], &Towns::demo()).is_empty());
    }

    #[test]
    fn text_finds_every_field_in_any_case() {
        assert_eq!(names(&text("SØRENSEN")), vec!["ole"]); // name
        assert_eq!(names(&text("førstehj")), vec!["ole"]); // skill id stored, label found
        assert_eq!(names(&text("first aid")), vec!["ole"]); // English label
        assert_eq!(names(&text("tolk")), vec!["amira"]); // a skill written as its label
        assert_eq!(names(&text("motorsav")), vec!["bent"]); // free tag and offer
        assert_eq!(names(&text("ungdomshold")), vec!["ole"]); // offer
        assert_eq!(names(&text("røde kors")), vec!["amira"]); // experience, two words
        assert_eq!(names(&text("lektiehjælper")), vec!["amira"]); // experience role
        assert_eq!(names(&text("ukrainsk")), vec!["olena"]); // language
        assert_eq!(names(&text("karise")), vec!["bent"]); // town
        assert_eq!(names(&text("engelsk haslev")), vec!["olena"]); // every word must occur
        assert!(names(&text("xyz")).is_empty());
    }

    #[test]
    fn skills_must_all_be_there() {
        let q = |skills: &[&str]| CvQuery {
            skills: skills.iter().map(|s| (*s).to_owned()).collect(),
            ..CvQuery::default()
        };
        assert_eq!(names(&q(&["Førstehjælp"])), vec!["ole"]);
        assert_eq!(names(&q(&["tolkning", "lektiehjaelp"])), vec!["amira"]);
        assert!(names(&q(&["tolkning", "foerstehjaelp"])).is_empty());
        assert_eq!(names(&q(&["MOTORSAV"])), vec!["bent"]);
    }

    #[test]
    fn areas_any_of() {
        let q = CvQuery {
            areas: vec![Area::Sport, Area::Nature],
            ..CvQuery::default()
        };
        assert_eq!(names(&q), vec!["bent", "ole"]);
    }

    #[test]
    fn towns_by_name_or_travel_distance() {
        let q = |towns: &[&str]| CvQuery {
            towns: towns.iter().map(|s| (*s).to_owned()).collect(),
            ..CvQuery::default()
        };
        // Bent in Karise travels 10 km (the default), which reaches Faxe; Amira lives there.
        assert_eq!(names(&q(&["faxe"])), vec!["amira", "bent"]);
        // Ole travels nowhere; Olena travels 10 km from Haslev, which reaches Terslev.
        assert_eq!(names(&q(&["Terslev"])), vec!["olena"]);
        assert_eq!(
            names(&q(&["Haslev", "Karise"])),
            vec!["bent", "ole", "olena"]
        );
    }

    #[test]
    fn availability_any_overlap() {
        let mut grid = Availability::default();
        grid.set(Weekday::Saturday, DayPart::Morning, true);
        grid.set(Weekday::Monday, DayPart::Afternoon, true);
        let q = CvQuery {
            availability: grid,
            ..CvQuery::default()
        };
        assert_eq!(names(&q), vec!["bent", "ole", "olena"]);
    }

    #[test]
    fn languages_must_all_be_spoken() {
        let q = |langs: &[&str]| CvQuery {
            languages: langs.iter().map(|s| (*s).to_owned()).collect(),
            ..CvQuery::default()
        };
        assert_eq!(names(&q(&["engelsk"])), vec!["amira", "olena"]);
        assert_eq!(names(&q(&["arabisk", "Engelsk"])), vec!["amira"]);
        assert_eq!(names(&q(&["dansk"])), vec!["amira", "bent", "ole"]);
    }

    #[test]
    fn only_certificates_valid_today() {
        let q = CvQuery {
            valid_certificate: true,
            ..CvQuery::default()
        };
        assert_eq!(names(&q), vec!["ole"]);
        // Amira's was valid until yesterday.
        let index = CvIndex::new(&people(), &Towns::demo());
        assert_eq!(index.search(&q, "2026-11-19"), vec![1, 0]);
    }

    #[test]
    fn filters_combine() {
        let mut grid = Availability::default();
        grid.set(Weekday::Saturday, DayPart::Morning, true);
        let q = CvQuery {
            text: "motor".into(),
            towns: vec!["Faxe".into()],
            availability: grid,
            areas: vec![Area::Nature],
            skills: vec!["havearbejde".into()],
            languages: vec!["dansk".into()],
            valid_certificate: false,
        };
        assert_eq!(names(&q), vec!["bent"]);
        let q = CvQuery {
            text: "ole".into(),
            areas: vec![Area::Sport],
            ..CvQuery::default()
        };
        // "ole" is in both Ole and Olena; only Ole is into sport.
        assert_eq!(names(&text("ole")), vec!["ole", "olena"]);
        assert_eq!(names(&q), vec!["ole"]);
        let q = CvQuery {
            valid_certificate: true,
            towns: vec!["Faxe".into()],
            ..CvQuery::default()
        };
        assert!(names(&q).is_empty());
    }

    #[test]
    fn typing_on_refines_the_previous_results() {
        let people = people();
        let index = CvIndex::new(&people, &Towns::demo());
        let mut previous = CvQuery::default();
        let mut found = index.search(&previous, TODAY);
        for typed in ["o", "ol", "ole", "ole ", "ole s", "ole sø", "ole sør"] {
            let query = text(typed);
            assert!(query.narrows(&previous), "{typed}");
            found = index.refine(&found, &query, TODAY);
            assert_eq!(found, index.search(&query, TODAY), "{typed}");
            previous = query;
        }
        assert_eq!(found, vec![0]);
        // Deleting a letter or changing a filter does not narrow.
        assert!(!text("ole").narrows(&text("ole s")));
        assert!(!text("Ole").narrows(&text("olx")));
        assert!(text("OLE").narrows(&text("ol")));
        let with_area = CvQuery {
            areas: vec![Area::Sport],
            ..text("ole s")
        };
        assert!(!with_area.narrows(&text("ole s")));
    }

    #[test]
    fn positions_refer_to_the_input_order() {
        let people = people();
        let index = CvIndex::new(people.iter(), &Towns::demo());
        assert_eq!(index.len(), 4);
        let found = index.search(&text("haslev"), TODAY);
        assert_eq!(found, vec![0, 3]);
        assert_eq!(people[3].name, "Olena Kovalenko");
    }
}
