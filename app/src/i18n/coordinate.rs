//! Koordinering: the organisation's tasks, the task form, and the coordinator's panel on a
//! task's page.
//!
//! Danish first; keep the wording plain (many users are elderly) and the English a faithful
//! equivalent, not a literal one.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The texts of Koordinering.
    Coordinate;

    NavCoordinate => { da: "Koordinering", en: "Coordination" },
    CoordinateIntro => {
        da: "Opret og styr opgaver for din forening eller dit center. Det virker også uden net; ændringerne sendes, når der er forbindelse.",
        en: "Create and manage tasks for your association or centre. It works offline too; changes are sent when there is a connection.",
    },
    CoordinateFor => { da: "Jeg koordinerer for", en: "I coordinate for" },
    ChooseOrg => { da: "Vælg organisation", en: "Choose organisation" },
    FieldOrganisation => { da: "Organisation", en: "Organisation" },
    ChooseOrgProblem => {
        da: "Vælg, hvilken organisation opgaven er for.",
        en: "Choose the organisation the task is for.",
    },
    NoOrganisationsYet => {
        da: "Listen over organisationer er ikke hentet endnu. Den kommer, når enheden har forbindelse.",
        en: "The list of organisations has not arrived yet. It comes when the device is online.",
    },
    FormHasProblems => { da: "Ret det markerede, og prøv igen:", en: "Correct what is marked and try again:" },
    NoOrgTasks => { da: "Organisationen har ingen opgaver endnu.", en: "The organisation has no tasks yet." },
    NewTask => { da: "Opret opgave", en: "Create task" },
    EditTask => { da: "Rediger opgave", en: "Edit task" },
    Coordinator => { da: "Koordinator", en: "Coordinator" },
    FieldTitle => { da: "Titel", en: "Title" },
    FieldDescription => { da: "Beskrivelse", en: "Description" },
    FieldSkills => { da: "Kompetencer (adskil med komma)", en: "Skills (separate with commas)" },
    ContactName => { da: "Kontaktperson", en: "Contact person" },
    ShiftDate => { da: "Dato", en: "Date" },
    ShiftFrom => { da: "Fra kl.", en: "From" },
    ShiftTo => { da: "Til kl.", en: "To" },
    ShiftCapacity => { da: "Pladser", en: "Places" },
    AddShift => { da: "Tilføj vagt", en: "Add shift" },
    RemoveShift => { da: "Fjern vagten", en: "Remove shift" },
    ShiftIncomplete => {
        da: "Udfyld dato, tidspunkter og antal pladser for hver vagt.",
        en: "Fill in the date, times and number of places for every shift.",
    },
    SaveDraft => { da: "Gem som kladde", en: "Save as draft" },
    SaveAndPublish => { da: "Gem og offentliggør", en: "Save and publish" },
    SaveChanges => { da: "Gem ændringer", en: "Save changes" },
    Publish => { da: "Offentliggør", en: "Publish" },
    CancelTask => { da: "Aflys opgaven", en: "Cancel the task" },
    FinishTask => { da: "Marker som afsluttet", en: "Mark as finished" },
    ConfirmCancelTask => {
        da: "Vil du aflyse opgaven? De tilmeldte kan se, at den er aflyst.",
        en: "Cancel the task? Those signed up will see that it is cancelled.",
    },
    SignupsHeading => { da: "Tilmeldinger", en: "Sign-ups" },
    SignupsHint => {
        da: "Bekræft giver en fast plads, også ud over antallet. Afvis tager personen af vagten. Rækkefølgen er den, de tilmeldte sig i.",
        en: "Confirm gives a firm place, even beyond the number of places. Decline takes the person off the shift. The order is the order they signed up in.",
    },
    ConfirmPerson => { da: "Bekræft", en: "Confirm" },
    DeclinePerson => { da: "Afvis", en: "Decline" },
    ResetDecision => { da: "Nulstil", en: "Reset" },
    NoSignups => { da: "Ingen tilmeldte endnu.", en: "No sign-ups yet." },
    OnlyCoordinators => {
        da: "Koordinering er for foreningernes koordinatorer og kommunens personale.",
        en: "Coordination is for the associations' coordinators and the municipality's staff.",
    },
    Call => { da: "Ring til", en: "Call" },
    ContactIsPublic => {
        da: "Kontaktpersonen vises på opgaven, også for dem uden en konto.",
        en: "The contact person is shown on the task, also to people without an account.",
    },
}

/// Said (the page's status line) after the coordinator changed the task's status.
pub fn status_changed(status: samskab_model::TaskStatus, lang: Lang) -> String {
    let word = super::status_label(status, lang).to_lowercase();
    match lang {
        Lang::Da => format!("Opgaven er nu {word}."),
        Lang::En => format!("The task is now {word}."),
    }
}

/// Said after the coordinator decided about one person on a shift (`None`: the decision was
/// reset to the order of sign-up).
pub fn decision_made(
    name: &str,
    decision: Option<samskab_model::task::Decision>,
    lang: Lang,
) -> String {
    use samskab_model::task::Decision;
    match (decision, lang) {
        (Some(Decision::Confirmed), Lang::Da) => format!("{name} er bekræftet."),
        (Some(Decision::Declined), Lang::Da) => format!("{name} er afvist."),
        (None, Lang::Da) => format!("Afgørelsen om {name} er nulstillet."),
        (Some(Decision::Confirmed), Lang::En) => format!("{name} is confirmed."),
        (Some(Decision::Declined), Lang::En) => format!("{name} is declined."),
        (None, Lang::En) => format!("The decision about {name} is reset."),
    }
}
