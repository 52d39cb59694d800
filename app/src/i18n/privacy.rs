//! Privacy: "Slet min konto", staff erasure on request, and the two pages a Danish public site
//! must publish: the privacy policy (Privatlivspolitik) and the accessibility statement
//! (Tilgængelighedserklæring). The policy's periods are the relay's retention defaults
//! (`server/src/retention.rs`); change both together.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The texts of erasure and the legal pages.
    Privacy;

    FooterPrivacy => { da: "Privatlivspolitik", en: "Privacy policy" },
    FooterAccessibility => { da: "Tilgængelighedserklæring", en: "Accessibility statement" },
    FooterLabel => { da: "Om Samskab", en: "About Samskab" },

    DeleteAccountTitle => { da: "Slet min konto", en: "Delete my account" },
    DeleteAccountWarning => {
        da: "Når du sletter din konto, slettes dit CV, dine tilmeldinger, dine svar på møder, dine behov til møder, dine beskeder og din konto på serveren og på alle dine enheder. Det kan ikke fortrydes. Koordinatorerne kan stadig se, at en plads på en vagt var taget, men ikke af hvem. Punkter, beslutninger og opfølgninger, du har skrevet på møder, bliver stående under navnet \"Slettet bruger\".",
        en: "Deleting your account deletes your CV, your sign-ups, your answers to meetings, your needs for meetings, your messages and your account on the server and on all your devices. It cannot be undone. Coordinators can still see that a place on a shift was taken, but not by whom. Agenda items, decisions and action items you wrote at meetings stay, signed \"Deleted user\".",
    },
    DeleteAccountExportFirst => {
        da: "Hent en kopi af dine data først",
        en: "Download a copy of your data first",
    },
    DeleteAccountPassword => {
        da: "Skriv din adgangskode for at bekræfte",
        en: "Enter your password to confirm",
    },
    DeleteAccountButton => { da: "Slet min konto for altid", en: "Delete my account for good" },
    DeleteAccountOffline => {
        da: "Du skal have forbindelse til serveren for at slette din konto.",
        en: "You need a connection to the server to delete your account.",
    },
    AccountDeleted => {
        da: "Din konto og dine data er slettet.",
        en: "Your account and your data have been deleted.",
    },

    ErasedReader => { da: "Slettet bruger", en: "Deleted user" },
    EraseTitle => { da: "Slet en person efter anmodning", en: "Erase a person on request" },
    EraseIntro => {
        da: "Sletter personens konto, CV og tilmeldinger overalt. Skriv grunden; den gemmes i sletteloggen. Skriv ikke personens navn i grunden.",
        en: "Erases the person's account, CV and sign-ups everywhere. Write the reason; it is kept in the erasure log. Do not write the person's name in the reason.",
    },
    EraseEmail => { da: "Personens e-mail", en: "The person's email" },
    EraseReason => { da: "Grund (fx \"anmodning pr. brev 3. dec.\")", en: "Reason (e.g. \"request by letter, 3 Dec\")" },
    EraseReasonMissing => { da: "Skriv en grund.", en: "Write a reason." },
    EraseButton => { da: "Slet personen", en: "Erase the person" },
    EraseDone => {
        da: "Personen er slettet. Det står i sletteloggen.",
        en: "The person has been erased. It is recorded in the erasure log.",
    },

    PrivacyTitle => { da: "Privatlivspolitik", en: "Privacy policy" },
    PrivacyIntro => {
        da: "Samskab drives af kommunen, som er dataansvarlig. Her står, hvad vi gemmer om dig, hvorfor, hvor længe, hvem der ser det, og hvilke rettigheder du har.",
        en: "Samskab is run by the municipality, which is the data controller. This page says what we store about you, why, for how long, who sees it, and what your rights are.",
    },
    PrivacyWhatTitle => { da: "Hvad vi gemmer", en: "What we store" },
    PrivacyWhat => {
        da: "Din konto (navn, e-mail, telefon hvis du giver den, adgangskoden krypteret), dit CV hvis du udfylder det, dine tilmeldinger til vagter og svar på møder, de behov du skriver til et mødes værter, dine beskeder (fx at et møde er aflyst) og hvordan du vil have dem, hvornår du sidst brugte Samskab, og en log over hvem der har set dit CV. Kun du kan se dine beskeder; de slettes efter 180 dage. Dine behov til et møde ser kun du og mødets værter.",
        en: "Your account (name, email, phone if you give it, the password encrypted), your CV if you fill it in, your sign-ups for shifts and answers to meetings, the needs you write to a meeting's hosts, your notices (e.g. that a meeting is cancelled) and how you want them, when you last used Samskab, and a log of who has seen your CV. Only you can see your notices; they are deleted after 180 days. Only you and the meeting's hosts see your needs for a meeting.",
    },
    PrivacyWhyTitle => { da: "Hvorfor", en: "Why" },
    PrivacyWhy => {
        da: "For at foreninger og kommunen kan finde frivillige til opgaver og holde styr på vagter. Grundlaget er dit samtykke (CV'et) og kommunens opgave med at understøtte frivilligt arbejde.",
        en: "So that associations and the municipality can find volunteers for tasks and keep track of shifts. The basis is your consent (the CV) and the municipality's task of supporting volunteering.",
    },
    PrivacyWhoTitle => { da: "Hvem ser det", en: "Who sees it" },
    PrivacyWho => {
        da: "Dit CV ser kun dem, du har givet lov i Mit CV (personale, koordinatorer). Koordinatoren for en opgave ser dit navn og telefonnummer, når du er tilmeldt. Hver gang andre ser dit CV, bliver det logget, og du kan se loggen under Mit CV.",
        en: "Only those you allow in My CV (staff, coordinators) see your CV. A task's coordinator sees your name and phone number while you are signed up. Every time someone else sees your CV it is logged, and you can see the log under My CV.",
    },
    PrivacyHowLongTitle => { da: "Hvor længe", en: "For how long" },
    PrivacyHowLong => {
        da: "Loggen over hvem der har set dit CV: 1 år. Navne på tilmeldinger til afsluttede opgaver: 3 år efter sidste vagt, derefter kun antal. Din konto: indtil du sletter den, eller 3 år efter du sidst brugte Samskab (du får en e-mail 30 dage før). Udløbne sessioner og links slettes, når de udløber.",
        en: "The log of who has seen your CV: 1 year. Names on sign-ups for finished tasks: 3 years after the last shift, then only the counts. Your account: until you delete it, or 3 years after you last used Samskab (you get an email 30 days before). Expired sessions and links are deleted when they expire.",
    },
    PrivacyRightsTitle => { da: "Dine rettigheder", en: "Your rights" },
    PrivacyRights => {
        da: "Du kan se og hente alle dine data (Mit CV, \"Hent mine data\"), rette dem, trække samtykke tilbage og slette din konto (Min konto, \"Slet min konto\"). Du kan også bede kommunen om at slette dig, og du kan klage til Datatilsynet.",
        en: "You can see and download all your data (My CV, \"Download my data\"), correct it, withdraw consent and delete your account (My account, \"Delete my account\"). You can also ask the municipality to erase you, and you can complain to the Danish Data Protection Agency (Datatilsynet).",
    },
    PrivacyErasureTitle => { da: "Når du sletter din konto", en: "When you delete your account" },
    PrivacyErasure => {
        da: "Din konto, dit CV og dine tilmeldinger slettes på serveren med det samme, og fra hver enhed, der har en kopi, næste gang den får forbindelse, også efter lang tid uden net. På opgaverne står der kun, at en plads var taget. Loggen over hvem der har set andres CV beholder, at det skete, men ikke hvem du var.",
        en: "Your account, your CV and your sign-ups are deleted on the server at once, and from every device that holds a copy the next time it connects, even after a long time offline. The tasks only show that a place was taken. The log of who has seen other people's CVs keeps that it happened, not who you were.",
    },

    AccessibilityTitle => { da: "Tilgængelighedserklæring", en: "Accessibility statement" },
    AccessibilityIntro => {
        da: "Kommunen ønsker, at alle kan bruge Samskab. Samskab er lavet til at følge WCAG 2.1 på niveau AA, som lov om tilgængelighed af offentlige organers websteder og mobilapplikationer kræver.",
        en: "The municipality wants everyone to be able to use Samskab. Samskab is built to meet WCAG 2.1 level AA, as the Danish act on the accessibility of public sector websites and mobile applications requires.",
    },
    AccessibilityStatusTitle => { da: "Status", en: "Status" },
    AccessibilityStatus => {
        da: "Delvist overholdt. Siderne kan bruges med tastatur og skærmlæser, har store knapper, tekst der kan forstørres til 200 %, og virker på en skærm på 320 pixels. Vi tester i en rigtig browser ved hver ændring. Kendte mangler: kort over opgaver findes ikke, og nogle sider er endnu kun delvist testet med skærmlæser.",
        en: "Partly compliant. The pages can be used with a keyboard and a screen reader, have large buttons, text that can be enlarged to 200 %, and work on a 320 pixel screen. We test in a real browser with every change. Known gaps: there is no map of tasks, and some pages are only partly tested with a screen reader so far.",
    },
    AccessibilityContactTitle => { da: "Fandt du en fejl?", en: "Found a problem?" },
    AccessibilityContact => {
        da: "Skriv til kommunens frivilligkoordinator, så retter vi det. Får du ikke svar, kan du klage til Digitaliseringsstyrelsen via was.digst.dk.",
        en: "Write to the municipality's volunteer coordinator and we will fix it. If you get no answer, you can complain to the Danish Agency for Digital Government via was.digst.dk.",
    },
}
