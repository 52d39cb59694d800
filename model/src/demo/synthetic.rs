//! Synthetic volunteer profiles in any number, for benchmarks: varied names, towns, skills,
//! availability, periods away, experience and consent (about half share with staff), drawn from
//! a seeded xorshift generator so that every run with the same seed measures the same data.
//! Owners are `bench-00000`, `bench-00001`, … so they never collide with the demo volunteers.

use crate::local_time;
use crate::profile::{
    Availability, CertificateStatus, ChildCertificate, Consent, CoordinatorConsent, Experience,
    Period, Profile, SKILLS,
};
use crate::task::{Area, Millis};
use crate::towns::DEMO_TOWNS;

const DAY: Millis = 24 * 60 * 60 * 1000;

/// Marsaglia's xorshift64: deterministic on every platform, good enough to vary test data, not
/// for anything that must be unpredictable.
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from `seed` (0, which would only ever give 0, is replaced by a fixed seed).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x5eed_cafe_f00d_0000
        } else {
            seed
        })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with a probability of `p` percent.
    pub fn percent(&mut self, p: u64) -> bool {
        self.next_u64() % 100 < p
    }
}

const FIRST: &[&str] = &[
    "Anna", "Mette", "Karen", "Hanne", "Lene", "Susanne", "Kirsten", "Camilla", "Maja", "Sofie",
    "Emma", "Ida", "Louise", "Birgitte", "Grethe", "Inge", "Yasmin", "Fatima", "Olena", "Iryna",
    "Zainab", "Nadia", "Ingrid", "Victoria", "Jens", "Peter", "Lars", "Mads", "Henrik", "Niels",
    "Thomas", "Kasper", "Rasmus", "Mikkel", "Anders", "Erik", "Jørgen", "Poul", "Ole", "Bo",
    "Søren", "Morten", "Ahmad", "Omar", "Mohammed", "Ali", "Taras", "Dmytro", "Klaus", "Frederik",
];

const LAST: &[&str] = &[
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Holm",
    "Lund",
    "Kjær",
    "Dam",
    "Bach",
    "Friis",
    "Berg",
    "Vestergaard",
    "Kirkegaard",
    "Al-Sayed",
    "Hassan",
    "Karimi",
    "Abdi",
    "Saleh",
    "Shevchenko",
    "Bondarenko",
    "Kovalenko",
    "Schmidt",
    "Lindqvist",
    "Mohammadi",
];

/// Free tags beside the curated skills.
const TAGS: &[&str] = &[
    "kage",
    "motorsav",
    "guitar",
    "fotografering",
    "cykelreparation",
    "svømning",
    "strikning",
    "bagning",
    "dommer",
    "kiosk",
    "lydteknik",
    "plakater",
    "yoga",
    "skak",
    "kortspil",
    "fugle",
    "lokalhistorie",
    "traktor",
];

const LANGUAGES: &[&str] = &[
    "engelsk", "tysk", "arabisk", "ukrainsk", "fransk", "svensk", "somali", "dari", "polsk",
];

const OFFERS: &[&str] = &[
    "Jeg er pensioneret og har god tid i hverdagene.",
    "Jeg har bil og kører gerne.",
    "Hjælper gerne med lektier i dansk og matematik.",
    "Laver gerne mad til mange mennesker.",
    "Kan passe børn under arrangementer.",
    "Har erfaring med førstehjælp fra mit arbejde.",
    "Vil gerne møde nye mennesker i byen.",
    "Kan tolke og hjælpe nye familier til rette.",
    "Hjælper med haven og små reparationer.",
    "Spiller musik og synger i kor.",
    "Står gerne i kiosken til kampe.",
    "Kan hjælpe med hjemmesider og sociale medier.",
];

const ORGS: &[&str] = &[
    "Haslev Fodboldklub",
    "Vennekredsen ved Plejecenter Solgården",
    "Haslev Bibliotek",
    "Naturgruppen Karise",
    "Røde Kors Faxe",
    "Ældre Sagen Faxe",
    "FDF Haslev",
    "Dalby Borgerforening",
];

const ROLES: &[&str] = &[
    "Træner",
    "Besøgsven",
    "Kasserer",
    "Chauffør",
    "Lektiehjælper",
    "Køkkenhjælp",
];

/// `n` varied profiles owned by `bench-00000` onwards, the same for the same `seed` and `now`.
/// Created a day before `now`; periods away and børneattest dates lie around `now`.
pub fn synthetic_profiles(n: usize, seed: u64, now: Millis) -> Vec<Profile> {
    let mut rng = XorShift::new(seed);
    (0..n)
        .filter_map(|i| {
            let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
            // Always a valid person id: lowercase letters, a dash and digits.
            let owner = format!("bench-{i:05}").parse().ok()?;
            let mut p = Profile::new(owner, &name, now - DAY);
            if rng.percent(50) {
                p.phone = format!("2{} {:02} {:02} {:02}", i % 10, i % 97, i % 89, i % 83);
                p.email = format!("bench{i}@demo.samskab.dk");
            }
            p.towns = (0..1 + rng.below(2))
                .map(|_| (*rng.pick(DEMO_TOWNS)).to_owned())
                .collect();
            p.travel_km = *rng.pick(&[0, 5, 10, 10, 15, 20, 30]);
            p.areas = (0..1 + rng.below(3))
                .map(|_| *rng.pick(Area::ALL))
                .collect();
            p.skills = (0..1 + rng.below(4))
                .map(|_| {
                    if rng.percent(70) {
                        rng.pick(SKILLS).0.to_owned()
                    } else {
                        (*rng.pick(TAGS)).to_owned()
                    }
                })
                .collect();
            if rng.percent(40) {
                p.languages.push((*rng.pick(LANGUAGES)).to_owned());
            }
            if rng.percent(60) {
                p.languages.push("engelsk".into());
            }
            // About a third of the 21 slots.
            p.availability =
                Availability((rng.next_u64() & rng.next_u64() & ((1 << 21) - 1)) as u32);
            for _ in 0..rng.below(3) {
                let from = now + (rng.below(90) as Millis - 10) * DAY;
                let to = from + rng.below(21) as Millis * DAY;
                p.away.push(Period {
                    from: local_time::date(from),
                    to: local_time::date(to),
                });
            }
            for _ in 0..rng.below(4) {
                let from = 2005 + rng.below(20);
                p.experience.push(Experience {
                    organisation: (*rng.pick(ORGS)).to_owned(),
                    role: (*rng.pick(ROLES)).to_owned(),
                    from: from.to_string(),
                    to: if rng.percent(50) {
                        String::new()
                    } else {
                        (from + 1 + rng.below(5)).to_string()
                    },
                });
            }
            p.offer = (0..1 + rng.below(3))
                .map(|_| *rng.pick(OFFERS))
                .collect::<Vec<_>>()
                .join(" ");
            p.child_certificate = match rng.below(4) {
                0 => ChildCertificate {
                    status: CertificateStatus::Approved,
                    valid_until: local_time::date(now + (rng.below(900) as Millis - 200) * DAY),
                },
                1 => ChildCertificate {
                    status: CertificateStatus::Requested,
                    valid_until: String::new(),
                },
                _ => ChildCertificate::NONE,
            };
            p.consent = Consent {
                staff: rng.percent(50),
                coordinators: *rng.pick(CoordinatorConsent::ALL),
            };
            Some(p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_800_000_000_000;

    #[test]
    fn same_seed_same_profiles_and_every_one_valid() {
        let profiles = synthetic_profiles(500, 7, NOW);
        assert_eq!(profiles, synthetic_profiles(500, 7, NOW));
        assert_ne!(profiles, synthetic_profiles(500, 8, NOW));
        assert_eq!(profiles.len(), 500);
        for p in &profiles {
            assert_eq!(p.problems(), Vec::new(), "{}", p.owner);
        }
        let owners: std::collections::BTreeSet<_> = profiles.iter().map(|p| &p.owner).collect();
        assert_eq!(owners.len(), 500, "owners are distinct");
    }

    #[test]
    fn about_half_share_with_staff() {
        let staff = synthetic_profiles(2_000, 0x5eed, NOW)
            .iter()
            .filter(|p| p.consent.staff)
            .count();
        assert!((800..1_200).contains(&staff), "{staff} of 2000");
    }

    #[test]
    fn seed_zero_still_varies() {
        let profiles = synthetic_profiles(20, 0, NOW);
        assert!(profiles.iter().any(|p| p.name != profiles[0].name));
    }
}
