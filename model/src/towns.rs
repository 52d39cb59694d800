//! The municipality's towns. Which towns exist is configuration of a deployment; the demo and
//! the defaults use the towns of Faxe Kommune on Zealand. Each demo town has approximate
//! coordinates so that matching can tell whether a task lies within a volunteer's travel
//! distance.

/// Towns of the demo municipality, largest first.
pub const DEMO_TOWNS: &[&str] = &[
    "Haslev",
    "Faxe",
    "Faxe Ladeplads",
    "Karise",
    "Rønnede",
    "Dalby",
    "Terslev",
    "Kongsted",
    "Tureby",
];

/// Approximate centres of the demo towns: (name, latitude, longitude) in degrees, good to a
/// kilometre or so, which is all a travel distance in whole kilometres needs.
pub const DEMO_TOWN_COORDINATES: &[(&str, f64, f64)] = &[
    ("Haslev", 55.3236, 11.9643),
    ("Faxe", 55.2556, 12.1190),
    ("Faxe Ladeplads", 55.2200, 12.1600),
    ("Karise", 55.3025, 12.2170),
    ("Rønnede", 55.2590, 12.0180),
    ("Dalby", 55.3330, 12.0600),
    ("Terslev", 55.3630, 11.9940),
    ("Kongsted", 55.2870, 12.0700),
    ("Tureby", 55.3720, 12.0830),
];

/// Mean radius of the Earth in km.
const EARTH_RADIUS_KM: f64 = 6_371.0;

/// A town's coordinates, by name (case and surrounding spaces ignored).
pub fn coordinates(town: &str) -> Option<(f64, f64)> {
    let town = town.trim();
    let found = DEMO_TOWN_COORDINATES
        .iter()
        .find(|(name, _, _)| *name == town)
        .or_else(|| {
            DEMO_TOWN_COORDINATES.iter().find(|(name, _, _)| {
                name.chars()
                    .flat_map(char::to_lowercase)
                    .eq(town.chars().flat_map(char::to_lowercase))
            })
        });
    found.map(|(_, lat, lon)| (*lat, *lon))
}

/// The great-circle distance between two (latitude, longitude) points in km (haversine).
pub fn haversine_km((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let dphi = (lat2 - lat1).to_radians();
    let dlambda = (lon2 - lon1).to_radians();
    let h = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlambda / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The distance between two known towns in km, as the crow flies; `None` when either town is
/// unknown. Roads are longer, but a volunteer's "how far will you travel" is a rough answer
/// too.
pub fn distance_km(a: &str, b: &str) -> Option<f64> {
    Some(haversine_km(coordinates(a)?, coordinates(b)?))
}

/// One town of the municipality, with the approximate centre distances are measured from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Town {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// The municipality's towns: configuration of the relay (`--towns`), delivered to every
/// device (`GET /api/towns`), largest first.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Towns {
    pub towns: Vec<Town>,
}

/// The most towns a municipality may configure (the CV bank's search keeps them as bits).
pub const MAX_TOWNS: usize = 64;

impl Towns {
    /// The demo municipality's towns (Faxe Kommune).
    pub fn demo() -> Self {
        Towns {
            towns: DEMO_TOWN_COORDINATES
                .iter()
                .map(|(name, lat, lon)| Town {
                    name: (*name).to_owned(),
                    lat: *lat,
                    lon: *lon,
                })
                .collect(),
        }
    }

    /// Why this list cannot be a municipality's towns, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.towns.is_empty() {
            return Some("no towns".into());
        }
        if self.towns.len() > MAX_TOWNS {
            return Some(format!("more than {MAX_TOWNS} towns"));
        }
        for (i, town) in self.towns.iter().enumerate() {
            let name = town.name.trim();
            if name.is_empty() || name.chars().count() > 60 {
                return Some(format!("town {}: a name of 1 to 60 characters", i + 1));
            }
            if !(-90.0..=90.0).contains(&town.lat) || !(-180.0..=180.0).contains(&town.lon) {
                return Some(format!("{name}: latitude or longitude out of range"));
            }
            if self.towns[..i].iter().any(|t| same_name(&t.name, name)) {
                return Some(format!("{name} is listed twice"));
            }
        }
        None
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.towns.iter().map(|t| t.name.as_str())
    }

    /// A town's coordinates, by name (case and surrounding spaces ignored).
    pub fn coordinates(&self, town: &str) -> Option<(f64, f64)> {
        self.towns
            .iter()
            .find(|t| same_name(&t.name, town))
            .map(|t| (t.lat, t.lon))
    }

    /// The index of a town by name (case and surrounding spaces ignored).
    pub fn index(&self, town: &str) -> Option<usize> {
        self.towns.iter().position(|t| same_name(&t.name, town))
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .eq(b.trim().chars().flat_map(char::to_lowercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_towns_is_checked_and_read_by_name() {
        let demo = Towns::demo();
        assert_eq!(demo.problem(), None);
        assert_eq!(demo.coordinates(" haslev"), coordinates("Haslev"));
        assert_eq!(demo.index("FAXE"), Some(1));
        assert_eq!(demo.names().count(), DEMO_TOWNS.len());
        let mut twice = demo.clone();
        twice.towns.push(demo.towns[0].clone());
        assert!(twice.problem().is_some());
        let mut far = demo.clone();
        far.towns[0].lat = 123.0;
        assert!(far.problem().is_some());
        assert!(Towns { towns: Vec::new() }.problem().is_some());
        let json = serde_json::to_string(&demo).unwrap();
        assert_eq!(serde_json::from_str::<Towns>(&json).unwrap(), demo);
    }

    #[test]
    fn every_demo_town_has_coordinates() {
        for town in DEMO_TOWNS {
            assert!(coordinates(town).is_some(), "{town}");
        }
        assert_eq!(DEMO_TOWN_COORDINATES.len(), DEMO_TOWNS.len());
    }

    #[test]
    fn distances_are_plausible() {
        assert_eq!(distance_km("Haslev", "Haslev"), Some(0.0));
        assert_eq!(distance_km("haslev ", "Haslev"), Some(0.0));
        assert_eq!(distance_km("Haslev", "Roskilde"), None);
        assert_eq!(distance_km("Atlantis", "Atlantis"), None);
        // Haslev to Faxe is about 12 km as the crow flies; Faxe to Faxe Ladeplads about 5.
        let hf = distance_km("Haslev", "Faxe").unwrap_or_default();
        assert!((10.0..14.0).contains(&hf), "{hf}");
        assert_eq!(distance_km("Faxe", "Haslev"), Some(hf));
        let fl = distance_km("Faxe", "Faxe Ladeplads").unwrap_or_default();
        assert!((3.0..7.0).contains(&fl), "{fl}");
        // No two demo towns are more than about 20 km apart.
        for a in DEMO_TOWNS {
            for b in DEMO_TOWNS {
                let d = distance_km(a, b).unwrap_or(f64::MAX);
                assert!(d < 20.0, "{a}-{b}: {d}");
            }
        }
    }
}
