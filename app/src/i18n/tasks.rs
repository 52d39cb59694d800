//! Opgaver: the task list, a task's page, signing up, invitations and suggestions; and the words
//! for a task's state and one's place on a shift, which Koordinering uses too.
//!
//! Danish first; keep the wording plain (many users are elderly) and the English a faithful
//! equivalent, not a literal one.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The texts of the task pages.
    Tasks;

    FilterAll => { da: "Alle", en: "All" },
    FilterFree => { da: "Kun med ledige pladser", en: "Only with free places" },
    FilterFrom => { da: "Fra dato", en: "From date" },
    SearchHint => { da: "Titel, forening, beskrivelse eller kompetence", en: "Title, organisation, description or skill" },
    NoTasks => {
        da: "Ingen opgaver passer til din søgning. Prøv at fjerne et filter.",
        en: "No tasks match your search. Try removing a filter.",
    },
    NoTasksYet => {
        da: "Der er ingen opgaver på enheden endnu. De kommer, når enheden har forbindelse.",
        en: "There are no tasks on this device yet. They arrive when the device is online.",
    },
    MyTasks => { da: "Mine opgaver", en: "My tasks" },
    NoMyTasks => { da: "Du er ikke tilmeldt nogen vagter endnu.", en: "You have not signed up for any shifts yet." },
    Shifts => { da: "Vagter", en: "Shifts" },
    SignUp => { da: "Tilmeld", en: "Sign up" },
    Withdraw => { da: "Afmeld", en: "Withdraw" },
    SignUpWaitlist => { da: "Skriv mig på ventelisten", en: "Put me on the waiting list" },
    ShiftAddToCalendar => { da: "Tilføj til kalender", en: "Add to calendar" },
    ShiftAddToCalendarLabel => { da: "Tilføj vagten til kalender:", en: "Add the shift to your calendar:" },
    ShiftStartedClosed => {
        da: "Vagten er begyndt, så der er lukket for tilmelding.",
        en: "The shift has started, so sign-up is closed.",
    },
    ConfirmWithdrawQuestion => {
        da: "Vil du give din plads fra dig? Den går videre til den første på ventelisten.",
        en: "Give up your place? It goes to the first on the waiting list.",
    },
    ConfirmWithdrawYes => { da: "Ja, afmeld mig", en: "Yes, withdraw me" },
    ConfirmWithdrawNo => { da: "Nej, behold pladsen", en: "No, keep my place" },
    WithdrawnNotice => { da: "Du er afmeldt.", en: "You have withdrawn." },
    Undo => { da: "Fortryd", en: "Undo" },
    MoreFilters => { da: "Flere filtre", en: "More filters" },
    PastTasks => { da: "Tidligere opgaver", en: "Earlier tasks" },
    NoPastTasks => { da: "Der er ingen tidligere opgaver.", en: "There are no earlier tasks." },
    Confirmed => { da: "Bekræftet", en: "Confirmed" },
    Declined => { da: "Afvist af koordinator", en: "Declined by the coordinator" },
    Place => { da: "Sted", en: "Place" },
    Contact => { da: "Kontakt", en: "Contact" },
    Skills => { da: "Kompetencer", en: "Skills" },
    BackToTasks => { da: "Tilbage til opgaver", en: "Back to tasks" },
    TaskNotFound => {
        da: "Opgaven findes ikke på enheden. Den kommer måske, når enheden har forbindelse.",
        en: "The task is not on this device. It may arrive when the device is online.",
    },
    Cancelled => { da: "Aflyst", en: "Cancelled" },
    YouAre => { da: "Du tilmelder dig som", en: "You sign up as" },

    FilterSkill => { da: "Kompetence", en: "Skill" },
    CoordinateLink => { da: "Koordinerer du? Opret og styr opgaver", en: "Coordinator? Create and manage tasks" },
    StatusDraft => { da: "Kladde", en: "Draft" },
    StatusPublished => { da: "Offentliggjort", en: "Published" },
    StatusFinished => { da: "Afsluttet", en: "Finished" },

    InvitationsForYou => { da: "Invitationer til dig", en: "Invitations for you" },
    SuggestionsForYou => { da: "Forslag til dig", en: "Suggestions for you" },
    FillCvForSuggestions => {
        da: "Udfyld dit CV for at få forslag til opgaver.",
        en: "Fill in your CV to get task suggestions.",
    },
    NoSuggestions => { da: "Ingen opgaver passer til dit CV lige nu.", en: "No tasks fit your CV right now." },
    YouAreInvited => { da: "Du er inviteret", en: "You are invited" },
    AcceptTaskInvitation => { da: "Ja tak, tilmeld mig", en: "Yes, sign me up" },
    DeclineInvitation => { da: "Nej tak", en: "No, thank you" },
    InvitationAccepted => { da: "Du har sagt ja tak og er tilmeldt vagten.", en: "You said yes and are signed up for the shift." },
    InvitationDeclined => { da: "Du har sagt nej tak til invitationen.", en: "You declined the invitation." },

    // The open task bank (visitors without an account) and the way from a task to signing up.
    OpenTaskBankIntro => {
        da: "Find en frivillig opgave, der passer til dig.",
        en: "Find a volunteer task that suits you.",
    },
    LogInOrRegister => { da: "Log ind eller opret en konto", en: "Log in or create an account" },
    LogInToSignUp => {
        da: "For at tilmelde dig skal du logge ind eller oprette en konto. Bagefter kommer du tilbage hertil.",
        en: "To sign up, log in or create an account. You will come back here afterwards.",
    },
    SignupSharesContact => {
        da: "Koordinatoren kan se dit navn og telefonnummer, når du tilmelder dig.",
        en: "The coordinator can see your name and phone number when you sign up.",
    },
    SignUpAfterLogin => {
        da: "Du er logget ind. Tryk på knappen for at tilmelde dig vagten.",
        en: "You are logged in. Press the button to sign up for the shift.",
    },
    LoadingTask => { da: "Henter opgaven …", en: "Fetching the task …" },
    LoadingTasks => { da: "Henter opgaverne …", en: "Fetching the tasks …" },
    OpenTasksUnreachable => {
        da: "Opgaverne kan ikke hentes lige nu. Prøv igen, når du har forbindelse.",
        en: "The tasks cannot be fetched right now. Try again when you are online.",
    },
}

/// "Venteliste nr. 2" / "Waiting list no. 2".
pub fn waitlist_place(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Venteliste nr. {n}"),
        Lang::En => format!("Waiting list no. {n}"),
    }
}

/// What a sign-up came to, for the live region: "Du er tilmeldt. Bekræftet." and so on.
pub fn signup_result(place: samskab_model::Place, lang: Lang) -> String {
    use samskab_model::Place;
    match (place, lang) {
        (Place::Confirmed, Lang::Da) => "Du er tilmeldt og har en plads.".into(),
        (Place::Confirmed, Lang::En) => "You are signed up and have a place.".into(),
        (Place::Waitlisted(n), Lang::Da) => format!("Du er skrevet på ventelisten som nr. {n}."),
        (Place::Waitlisted(n), Lang::En) => format!("You are on the waiting list as no. {n}."),
        (_, Lang::Da) => "Du er tilmeldt.".into(),
        (_, Lang::En) => "You are signed up.".into(),
    }
}

/// "2 af 3 pladser besat" / "2 of 3 places taken".
pub fn places_taken(taken: usize, capacity: u64, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("{taken} af {capacity} pladser besat"),
        Lang::En => format!("{taken} of {capacity} places taken"),
    }
}

/// "3 ledige pladser" / "3 free places".
pub fn free_places(n: u64, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Da, 0) => "Fuldt booket – venteliste".into(),
        (Lang::Da, 1) => "1 ledig plads".into(),
        (Lang::Da, n) => format!("{n} ledige pladser"),
        (Lang::En, 0) => "Full – waiting list".into(),
        (Lang::En, 1) => "1 free place".into(),
        (Lang::En, n) => format!("{n} free places"),
    }
}

/// The task list's count, said when it changes: "1.000 opgaver", or "Viser 50 af 1.000
/// opgaver" while "Vis flere" shows more.
pub fn tasks_shown(shown: usize, total: usize, lang: Lang) -> String {
    let (n, of) = (super::number(shown, lang), super::number(total, lang));
    match (lang, total) {
        (Lang::Da, 1) => "1 opgave".into(),
        (Lang::En, 1) => "1 task".into(),
        (Lang::Da, _) if shown >= total => format!("{of} opgaver"),
        (Lang::En, _) if shown >= total => format!("{of} tasks"),
        (Lang::Da, _) => format!("Viser {n} af {of} opgaver"),
        (Lang::En, _) => format!("Showing {n} of {of} tasks"),
    }
}

/// A task status as users read it.
pub fn status_label(status: samskab_model::TaskStatus, lang: Lang) -> &'static str {
    use samskab_model::TaskStatus;
    match status {
        TaskStatus::Draft => Msg::StatusDraft.text(lang),
        TaskStatus::Published => Msg::StatusPublished.text(lang),
        TaskStatus::Cancelled => Msg::Cancelled.text(lang),
        TaskStatus::Finished => Msg::StatusFinished.text(lang),
    }
}

/// "Vagt 2" / "Shift 2".
pub fn shift_label(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Vagt {n}"),
        Lang::En => format!("Shift {n}"),
    }
}

/// How a volunteer is named to a coordinator until accounts give names: "Frivillig abc123".
pub fn volunteer_label(person: &str, lang: Lang) -> String {
    let short = person.strip_prefix("frivillig-").unwrap_or(person);
    match lang {
        Lang::Da => format!("Frivillig {short}"),
        Lang::En => format!("Volunteer {short}"),
    }
}

/// "Du er inviteret til vagten lør. 12. dec. kl. 10.00." / in English.
pub fn invited_to(when: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Du er inviteret til vagten {when}."),
        Lang::En => format!("You are invited to the shift {when}."),
    }
}
