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
    ShowMore => { da: "Vis flere", en: "Show more" },
}

/// A count as each language writes it: "2.300" in Danish, "2,300" in English.
pub fn number(n: usize, lang: Lang) -> String {
    let digits = n.to_string();
    let separator = match lang {
        Lang::Da => '.',
        Lang::En => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}
