//! The municipality's towns. Which towns exist is configuration of a deployment; the demo and
//! the defaults use the towns of Faxe Kommune on Zealand.

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
