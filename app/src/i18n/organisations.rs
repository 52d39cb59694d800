//! Organisationer: the organisations' own pages, and the form their coordinators keep them
//! up to date with.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The texts of the organisation pages.
    Organisations;

    OrganisationsTitle => { da: "Organisationer", en: "Organisations" },
    OrganisationsIntro => {
        da: "Foreningerne og de kommunale centre, der har opgaver i Samskab.",
        en: "The associations and municipal centres with tasks in Samskab.",
    },
    OrganisationsNone => {
        da: "Der er ingen organisationer på enheden endnu. De kommer, når der er forbindelse.",
        en: "There are no organisations on this device yet. They arrive when there is a connection.",
    },
    OrganisationNotHere => {
        da: "Organisationen findes ikke på enheden (endnu).",
        en: "The organisation is not on this device (yet).",
    },
    OrganisationCategory => { da: "Slags organisation", en: "Kind of organisation" },
    OrganisationCvr => { da: "CVR-nummer (valgfrit)", en: "CVR number (optional)" },
    OrganisationCvrShort => { da: "CVR", en: "CVR" },
    OrganisationTown => { da: "By", en: "Town" },
    OrganisationDescription => { da: "Om organisationen", en: "About the organisation" },
    OrganisationContact => { da: "Kontakt", en: "Contact" },
    OrganisationContactName => { da: "Kontaktperson", en: "Contact person" },
    OrganisationContactPhone => { da: "Telefon", en: "Phone" },
    OrganisationContactEmail => { da: "E-mail", en: "Email" },
    OrganisationContactPublic => {
        da: "Alle, der er logget ind, kan se kontaktoplysningerne.",
        en: "Everyone who is logged in can see the contact details.",
    },
    OrganisationName => { da: "Navn", en: "Name" },
    OrganisationTasks => { da: "Opgaver", en: "Tasks" },
    OrganisationNoTasks => { da: "Ingen offentliggjorte opgaver lige nu.", en: "No published tasks right now." },
    OrganisationEdit => { da: "Ret organisationens side", en: "Edit the organisation's page" },
    OrganisationSave => { da: "Gem organisationen", en: "Save the organisation" },
    // Whether it has reached the server is the header's sync line's to say ("Alt er gemt på
    // serveren" or "1 ændring venter"): said here too, it was wrong whenever online.
    OrganisationSaved => { da: "Gemt på enheden.", en: "Saved on this device." },
    OrganisationPage => { da: "Organisationens side", en: "The organisation's page" },
    NoTown => { da: "Ingen by", en: "No town" },
    AllOrganisations => { da: "Alle organisationer", en: "All organisations" },
}
