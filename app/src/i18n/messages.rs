//! The catalog of UI texts. Danish first; keep the wording plain (many users are elderly) and
//! the English a faithful equivalent, not a literal one.

use super::{Lang, define_messages};

define_messages! {
    AppName => { da: "Samskab", en: "Samskab" },
    Tagline => { da: "Frivillighed i fællesskab", en: "Volunteering together" },
    SkipToContent => { da: "Gå til indhold", en: "Skip to content" },
    MainMenu => { da: "Hovedmenu", en: "Main menu" },
    LanguageLabel => { da: "Sprog", en: "Language" },
    Loading => { da: "Indlæser …", en: "Loading …" },

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
    CvIntro => {
        da: "Her kommer dit frivillig-CV: hvad du kan, hvad du brænder for, og hvornår du har tid. Du bestemmer selv, hvem der må se det.",
        en: "Your volunteer CV will be here: what you can do, what you care about and when you have time. You decide who may see it.",
    },
    MeetingsIntro => {
        da: "Her kommer dialogmøderne mellem foreninger, ildsjæle og kommunen: tid, sted, dagsorden og referat.",
        en: "Dialogue meetings between associations, initiators and the municipality will be here: time, place, agenda and minutes.",
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
    NotFoundBody => {
        da: "Den adresse findes ikke i Samskab. Brug menuen for at komme videre.",
        en: "That address does not exist in Samskab. Use the menu to go on.",
    },

    SyncOffline => { da: "Offline", en: "Offline" },
    SyncSyncing => { da: "Synkroniserer …", en: "Syncing …" },
    SyncAllSaved => { da: "Alt er gemt på serveren", en: "Everything is saved on the server" },
    SyncLabel => { da: "Synkronisering", en: "Sync" },
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
    FilterAll => { da: "Alle", en: "All" },
    FilterFree => { da: "Kun med ledige pladser", en: "Only with free places" },
    FilterFrom => { da: "Fra dato", en: "From date" },
    Search => { da: "Søg", en: "Search" },
    SearchHint => { da: "Titel, beskrivelse eller kompetence", en: "Title, description or skill" },
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
}
