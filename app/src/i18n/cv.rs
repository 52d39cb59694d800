//! Mit CV and CV-banken: the volunteer's profile, its preview, who has read it, and searching the
//! profiles one may read.
//!
//! Danish first; keep the wording plain (many users are elderly) and the English a faithful
//! equivalent, not a literal one.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The texts of Mit CV and CV-banken.
    Cv;

    CvIntro => {
        da: "Dit frivillig-CV: hvad du kan, hvad du brænder for, og hvornår du har tid. Du bestemmer selv, hvem der må se det, og du kan altid trække dit samtykke tilbage.",
        en: "Your volunteer CV: what you can do, what you care about and when you have time. You decide who may see it, and you can always withdraw your consent.",
    },

    All => { da: "Alle", en: "All" },
    Remove => { da: "Fjern", en: "Remove" },

    CvAboutYou => { da: "Om dig", en: "About you" },
    CvName => { da: "Navn", en: "Name" },
    CvOffer => { da: "Hvad jeg gerne vil tilbyde", en: "What I would like to offer" },
    CvContact => { da: "Kontakt", en: "Contact" },
    CvContactHint => {
        da: "Telefon og e-mail gemmes kun i dit CV, hvis du vælger at dele dem. Så kan de, der må se dit CV, kontakte dig.",
        en: "Phone and email are kept in your CV only if you choose to share them. Then those who may see your CV can contact you.",
    },
    CvSharePhone => { da: "Del mit telefonnummer", en: "Share my phone number" },
    CvShareEmail => { da: "Del min e-mail", en: "Share my email" },
    CvWhere => { da: "Hvor", en: "Where" },
    CvTravel => { da: "Hvor langt vil du køre (km)", en: "How far will you travel (km)" },
    CvInterests => { da: "Interesser", en: "Interests" },
    CvSkills => { da: "Kompetencer", en: "Skills" },
    CvTags => { da: "Andre kompetencer (adskilt med komma)", en: "Other skills (separated by commas)" },
    CvLanguages => { da: "Sprog (adskilt med komma)", en: "Languages (separated by commas)" },
    CvLanguagesShort => { da: "Sprog", en: "Languages" },
    CvWhen => { da: "Hvornår har du tid", en: "When you have time" },
    CvAway => { da: "Perioder hvor du er væk", en: "Periods away" },
    // The same, as someone else reads the CV (CV-banken).
    CvWhenReader => { da: "Har tid", en: "Available" },
    CvAwayReader => { da: "Væk", en: "Away" },
    CvFrom => { da: "Fra", en: "From" },
    CvTo => { da: "Til", en: "To" },
    CvAddAway => { da: "Tilføj periode", en: "Add period" },
    CvExperience => { da: "Erfaring", en: "Experience" },
    CvExpOrganisation => { da: "Forening", en: "Association" },
    CvExpRole => { da: "Rolle", en: "Role" },
    CvFromYear => { da: "Fra (år)", en: "From (year)" },
    CvToYear => { da: "Til (år, tomt hvis stadig)", en: "To (year, empty if ongoing)" },
    CvAddExperience => { da: "Tilføj erfaring", en: "Add experience" },
    CvCertificate => { da: "Børneattest", en: "Child protection certificate" },
    CvCertificateHint => {
        da: "Samskab gemmer kun, om du har en børneattest, og hvornår den udløber – aldrig selve attesten.",
        en: "Samskab keeps only whether you have a certificate and when it expires – never the certificate itself.",
    },
    CvCertificateStatus => { da: "Status", en: "Status" },
    CvValidUntil => { da: "Gyldig til", en: "Valid until" },
    CvWhoMaySee => { da: "Hvem må se dit CV", en: "Who may see your CV" },
    CvConsentStaff => { da: "Kommunens personale må se mit CV", en: "The municipality's staff may see my CV" },
    CvConsentCoordinators => { da: "Koordinatorer i foreningerne:", en: "Coordinators in the associations:" },
    CvSave => { da: "Gem CV", en: "Save CV" },
    CvSaved => { da: "Gemt på enheden", en: "Saved on this device" },
    CvPreview => { da: "Sådan ser personalet dit CV", en: "How the staff see your CV" },
    CvPreviewNoConsent => {
        da: "Personalet kan ikke se dit CV nu, fordi du ikke har givet samtykke. Hvis du gør, ser de dette:",
        en: "The staff cannot see your CV now, because you have not consented. If you do, they see this:",
    },
    CvWhoHasSeen => { da: "Hvem har set mit CV", en: "Who has seen my CV" },
    CvWhoHasSeenHint => {
        da: "Hver gang serveren sender dit CV til en andens enhed, bliver det skrevet her.",
        en: "Every time the server sends your CV to someone else's device, it is written here.",
    },
    CvReadsOffline => { da: "Listen kan kun hentes, når du er online.", en: "The list can be fetched only when you are online." },
    CvNoReads => { da: "Ingen har set dit CV endnu.", en: "No one has seen your CV yet." },
    CvReadWho => { da: "Hvem", en: "Who" },
    CvReadWhen => { da: "Hvornår", en: "When" },
    CvReadDevice => { da: "Enhed", en: "Device" },
    CvYourData => { da: "Dine data", en: "Your data" },
    CvExportHint => {
        da: "Hent alt, hvad Samskab har om dig: din konto, dit CV, dine tilmeldinger og hvem der har set dit CV. Kræver forbindelse.",
        en: "Download everything Samskab holds about you: your account, your CV, your sign-ups and who has seen your CV. Needs a connection.",
    },
    CvExport => { da: "Hent mine data", en: "Download my data" },
    CvBankIntro => {
        da: "Frivillige, der har givet dig lov til at se deres CV. Søgningen sker på enheden og virker også offline.",
        en: "Volunteers who have allowed you to see their CV. The search runs on this device and works offline too.",
    },
    CvBankNotForYou => {
        da: "CV-banken er for kommunens personale og foreningernes koordinatorer.",
        en: "The CV bank is for the municipality's staff and the associations' coordinators.",
    },
    CvBankClear => { da: "Ryd søgning og filtre", en: "Clear search and filters" },
    CvDay => { da: "Ugedag", en: "Weekday" },
    CvPartOfDay => { da: "Tid på dagen", en: "Time of day" },
    CvValidCertificate => { da: "Gyldig børneattest", en: "Valid certificate" },
    InviteToTask => { da: "Inviter til opgave", en: "Invite to a task" },
    InviteWhichTask => { da: "Opgave", en: "Task" },
    InviteWhichShift => { da: "Vagt", en: "Shift" },
    InviteAlreadyOn => { da: "allerede tilmeldt", en: "already signed up" },
    InviteOutsideTimes => { da: "uden for tiderne i CV'et", en: "outside the times in the CV" },
    InviteAway => { da: "væk den dag ifølge CV'et", en: "away that day, says the CV" },
    SendInvitation => { da: "Send invitation", en: "Send invitation" },
    InvitationSent => { da: "Invitationen er sendt", en: "The invitation is sent" },
    InvitationChoose => { da: "Vælg en opgave og en vagt.", en: "Choose a task and a shift." },
    PossibleVolunteers => { da: "Mulige frivillige", en: "Possible volunteers" },
    NoPossibleVolunteers => {
        da: "Ingen frivillige i CV-banken passer til opgaven endnu.",
        en: "No volunteers in the CV bank fit this task yet.",
    },
    Invite => { da: "Inviter", en: "Invite" },
    Invited => { da: "Inviteret", en: "Invited" },
}

/// A børneattest state as users read it.
pub fn certificate_label(
    status: samskab_model::profile::CertificateStatus,
    lang: Lang,
) -> &'static str {
    use samskab_model::profile::CertificateStatus as S;
    match (status, lang) {
        (S::None, Lang::Da) => "Ingen børneattest",
        (S::None, Lang::En) => "No child protection certificate",
        (S::Requested, Lang::Da) => "Børneattest er anmodet",
        (S::Requested, Lang::En) => "Certificate requested",
        (S::Approved, Lang::Da) => "Godkendt børneattest",
        (S::Approved, Lang::En) => "Approved certificate",
    }
}

/// "Godkendt til 30. jun. 2027" / "Approved until 30 Jun 2027".
pub fn certificate_valid_until(date: &str, lang: Lang) -> String {
    let date = super::day(date, lang);
    match lang {
        Lang::Da => format!("Godkendt til {date}"),
        Lang::En => format!("Approved until {date}"),
    }
}

/// Which coordinators may see a CV, as the volunteer chooses it.
pub fn coordinator_consent_label(
    consent: samskab_model::profile::CoordinatorConsent,
    lang: Lang,
) -> &'static str {
    use samskab_model::profile::CoordinatorConsent as C;
    match (consent, lang) {
        (C::All, Lang::Da) => "Koordinatorer i alle foreninger",
        (C::All, Lang::En) => "Coordinators of every association",
        (C::SignedUp, Lang::Da) => "Kun koordinatorer i foreninger, jeg har meldt mig til",
        (C::SignedUp, Lang::En) => "Only coordinators of associations I have signed up with",
        (C::Nobody, Lang::Da) => "Ingen koordinatorer",
        (C::Nobody, Lang::En) => "No coordinators",
    }
}

/// "(op til 10 km væk)" / "(up to 10 km away)".
pub fn travel_label(km: u64, lang: Lang) -> String {
    match (lang, km) {
        (Lang::Da, 0) => "(kun i byen)".into(),
        (Lang::En, 0) => "(in town only)".into(),
        (Lang::Da, km) => format!("(op til {km} km væk)"),
        (Lang::En, km) => format!("(up to {km} km away)"),
    }
}

/// A browser and system named from a User-Agent, roughly: "Chrome · Android".
pub fn device_label(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(k, _)| user_agent.contains(k))
    .map_or("?", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "Mac"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| user_agent.contains(k))
    .map_or("?", |(_, name)| name);
    format!("{browser} · {system}")
}

/// "12 frivillige fundet" / "12 volunteers found", and while "Vis flere" shows more, how
/// many are shown: "2.300 frivillige fundet. Viser 50.".
pub fn volunteers_found(n: usize, shown: usize, lang: Lang) -> String {
    let found = match (lang, n) {
        (Lang::Da, 1) => "1 frivillig fundet".into(),
        (Lang::Da, n) => format!("{} frivillige fundet", super::number(n, lang)),
        (Lang::En, 1) => "1 volunteer found".into(),
        (Lang::En, n) => format!("{} volunteers found", super::number(n, lang)),
    };
    if shown >= n {
        return found;
    }
    let shown = super::number(shown, lang);
    match lang {
        Lang::Da => format!("{found}. Viser {shown}."),
        Lang::En => format!("{found}. Showing {shown}."),
    }
}
