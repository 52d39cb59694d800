//! The shell's texts: the header, the menu, the connection and sync status, the banners, and the
//! placeholder pages of the areas not built yet.
//!
//! Danish first; keep the wording plain (many users are elderly) and the English a faithful
//! equivalent, not a literal one.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The shell's texts.
    Shell;

    AppName => { da: "Samskab", en: "Samskab" },
    Tagline => { da: "Frivillighed i fællesskab", en: "Volunteering together" },
    SkipToContent => { da: "Gå til indhold", en: "Skip to content" },
    MainMenu => { da: "Hovedmenu", en: "Main menu" },
    LanguageLabel => { da: "Sprog i appen", en: "App language" },

    NavTasks => { da: "Opgaver", en: "Tasks" },
    NavCv => { da: "Mit CV", en: "My CV" },
    NavMeetings => { da: "Møder", en: "Meetings" },
    NavIdeas => { da: "Idéer", en: "Ideas" },
    NavGrants => { da: "Kaffepulje", en: "Coffee Fund" },

    ConnectionLabel => { da: "Forbindelse", en: "Connection" },
    Online => { da: "Online", en: "Online" },
    Offline => { da: "Offline", en: "Offline" },
    Connecting => { da: "Forbinder …", en: "Connecting …" },
    OfflineExplained => {
        da: "Du er offline. Samskab virker stadig, og det du gør, gemmes på enheden.",
        en: "You are offline. Samskab still works, and what you do is saved on this device.",
    },
    UpdateReady => { da: "Ny version klar - genindlæs", en: "New version ready - reload" },

    ComingSoon => { da: "Kommer snart", en: "Coming soon" },
    TasksIntro => {
        da: "Her finder du opgavebanken: frivillige opgaver i foreninger og kommunale centre. Du kan tilmelde dig en vagt, også uden net.",
        en: "This is where the task bank will be: volunteer tasks in associations and municipal centres. You will be able to sign up for a shift, even without a network.",
    },
    MeetingsIntro => {
        da: "Dialogmøder og koordinering mellem foreninger, ildsjæle og kommunen: tid, sted, dagsorden, referat og opfølgning. Virker også uden net.",
        en: "Dialogue and coordination meetings between associations, initiators and the municipality: time, place, agenda, minutes and follow-up. Works without a network too.",
    },
    IdeasIntro => {
        da: "Her kommer idékonkurrencerne: foreslå en idé, kommentér og støt andres.",
        en: "Idea competitions will be here: propose an idea, comment on and support others' ideas.",
    },
    GrantsIntro => {
        da: "Her kommer Kaffepuljen: søg et lille beløb til samarbejde, idéer, dialog og enkel koordinering.",
        en: "The Coffee Fund will be here: apply for a small grant for collaboration, ideas, dialogue and simple coordination.",
    },
    NotFoundTitle => { da: "Siden findes ikke", en: "Page not found" },
    NotFetchedTitle => { da: "Siden er ikke hentet endnu", en: "This page is not downloaded yet" },
    NotFetchedBody => {
        da: "Denne del af Samskab er ikke gemt på din enhed endnu, og den kunne ikke hentes nu. Den åbner af sig selv, når du er på nettet igen. Alt andet virker imens.",
        en: "This part of Samskab is not stored on your device yet, and it could not be fetched now. It opens by itself when you are online again. Everything else works meanwhile.",
    },
    TryAgain => { da: "Prøv igen", en: "Try again" },
    NotFoundBody => {
        da: "Den adresse findes ikke i Samskab. Brug menuen for at komme videre.",
        en: "That address does not exist in Samskab. Use the menu to go on.",
    },

    SyncSyncing => { da: "Synkroniserer …", en: "Syncing …" },
    SyncAllSaved => { da: "Alt er gemt på serveren", en: "Everything is saved on the server" },
    SyncLabel => { da: "Synkronisering", en: "Sync" },
    LogOut => { da: "Log ud", en: "Log out" },
    LogoutPending => {
        da: "Nogle ændringer er ikke sendt til serveren endnu. Logger du ud nu, går de tabt. Log ud alligevel?",
        en: "Some changes have not reached the server yet. If you log out now they are lost. Log out anyway?",
    },
    SignedInAs => { da: "Logget ind som", en: "Signed in as" },

    NavCvBank => { da: "CV-banken", en: "CV bank" },
}

/// "Henter 2.300 af 7.461 …" / "Fetching 2,300 of 7,461 …": a first sync's progress, the
/// count arrived rounded down to tens (hundreds from a thousand listed), so that the status
/// line (a live region) changes a few dozen times at most, not at every document.
pub fn fetching(arrived: usize, listed: usize, lang: Lang) -> String {
    let step = if listed >= 1_000 { 100 } else { 10 };
    let arrived = super::number(arrived / step * step, lang);
    let listed = super::number(listed, lang);
    match lang {
        Lang::Da => format!("Henter {arrived} af {listed} …"),
        Lang::En => format!("Fetching {arrived} of {listed} …"),
    }
}

/// "N ændringer venter" / "N changes waiting".
pub fn pending_changes(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Da, 1) => "1 ændring venter".into(),
        (Lang::Da, n) => format!("{n} ændringer venter"),
        (Lang::En, 1) => "1 change waiting".into(),
        (Lang::En, n) => format!("{n} changes waiting"),
    }
}
