//! Words several areas share (a form's Search, Loading, a contact's phone and e-mail, why a
//! change was not saved). A text used by one area belongs in that area's file.
//!
//! Danish first; keep the wording plain (many users are elderly) and the English a faithful
//! equivalent, not a literal one.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// Words several areas share.
    Common;

    Loading => { da: "Indlæser …", en: "Loading …" },
    StorageFull => {
        da: "Enheden er løbet tør for plads, så ændringen blev ikke gemt. Frigør plads og prøv igen.",
        en: "The device is out of space, so the change was not saved. Free some space and try again.",
    },
    StorageFailed => {
        da: "Ændringen kunne ikke gemmes på enheden. Prøv igen.",
        en: "The change could not be saved on this device. Try again.",
    },
    FilterArea => { da: "Område", en: "Area" },
    FilterTown => { da: "By", en: "Town" },
    Search => { da: "Søg", en: "Search" },
    ContactPhone => { da: "Telefon", en: "Phone" },
    ContactEmail => { da: "E-mail", en: "Email" },
    Discard => { da: "Fortryd", en: "Discard" },
}
