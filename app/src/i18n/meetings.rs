//! Møder and Grupper: meetings from planning to follow-up, and the groups they belong to.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The texts of the meeting and group pages.
    Meetings;

    MeetingsComing => { da: "Kommende møder", en: "Coming meetings" },
    MeetingsPast => { da: "Afholdte møder", en: "Past meetings" },
    MeetingsNoneComing => { da: "Ingen kommende møder på enheden.", en: "No coming meetings on this device." },
    MeetingsNonePast => { da: "Ingen afholdte møder på enheden.", en: "No past meetings on this device." },
    MeetingsAll => { da: "Alle møder", en: "All meetings" },
    MeetingPlan => { da: "Planlæg et møde", en: "Plan a meeting" },
    MeetingNotHere => { da: "Mødet findes ikke på enheden (endnu).", en: "The meeting is not on this device (yet)." },
    MeetingDraft => { da: "Kladde", en: "Draft" },
    MeetingPublished => { da: "Offentliggjort", en: "Published" },
    MeetingHeld => { da: "Afholdt", en: "Held" },
    MeetingMinutesPublished => { da: "Referat offentliggjort", en: "Minutes published" },
    MeetingCancelled => { da: "Aflyst", en: "Cancelled" },
    MeetingIsCancelled => { da: "Mødet er aflyst.", en: "The meeting is cancelled." },
    MeetingYouCome => { da: "Du kommer", en: "You are coming" },
    MeetingYouMaybe => { da: "Du kommer måske", en: "You might come" },
    MeetingYouDont => { da: "Du kommer ikke", en: "You are not coming" },
    MeetingYouSaidYes => { da: "Du sagde ja", en: "You said yes" },
    MeetingYouSaidMaybe => { da: "Du sagde måske", en: "You said maybe" },
    MeetingYouSaidNo => { da: "Du sagde nej", en: "You said no" },
    MeetingYouWaited => { da: "Du var på ventelisten", en: "You were on the waitlist" },
    MeetingWhen => { da: "Tid", en: "When" },
    MeetingWhere => { da: "Sted", en: "Where" },
    MeetingStepFree => { da: "Niveaufri adgang", en: "Step-free access" },
    MeetingHearingLoop => { da: "Teleslynge", en: "Hearing loop" },
    MeetingOnline => { da: "Online", en: "Online" },
    MeetingGroups => { da: "Grupper", en: "Groups" },
    MeetingSeats => { da: "Pladser", en: "Seats" },
    MeetingAnswerTitle => { da: "Kommer du?", en: "Are you coming?" },
    MeetingYes => { da: "Ja, jeg kommer", en: "Yes, I am coming" },
    MeetingAnswersYes => { da: "Kommer", en: "Coming" },
    MeetingAnswersMaybe => { da: "Måske", en: "Maybe" },
    MeetingAnswersNo => { da: "Kommer ikke", en: "Not coming" },
    MeetingMaybe => { da: "Måske", en: "Maybe" },
    MeetingNo => { da: "Nej", en: "No" },
    MeetingOnBehalf => { da: "Jeg kommer for", en: "I am coming for" },
    MeetingOnBehalfMyself => { da: "Mig selv", en: "Myself" },
    MeetingNameShown => {
        da: "Dit navn og dit svar kan ses af alle, der kan se mødet.",
        en: "Your name and your answer can be seen by everyone who can see the meeting.",
    },
    NeedsMine => { da: "Dine behov", en: "Your needs" },
    NeedsLabel => {
        da: "Har du behov, værterne skal kende? (fx kørestol, tolk, kost)",
        en: "Do you have needs the hosts should know of? (e.g. wheelchair, interpreter, diet)",
    },
    NeedsPrivate => {
        da: "Kun mødets værter kan se det, du skriver her.",
        en: "Only the meeting's hosts can see what you write here.",
    },
    NeedsSave => { da: "Gem behov", en: "Save needs" },
    NeedsSaved => {
        da: "Dine behov er gemt. Kun værterne kan se dem.",
        en: "Your needs are saved. Only the hosts can see them.",
    },
    NeedsTitle => { da: "Deltagernes behov", en: "Participants' needs" },
    NeedsNone => { da: "Ingen har skrevet behov.", en: "No one has written any needs." },
    NeedsHostsOnly => {
        da: "Kun mødets værter ser denne liste.",
        en: "Only the meeting's hosts see this list.",
    },
    AgendaTitle => { da: "Dagsorden", en: "Agenda" },
    AgendaEmpty => { da: "Dagsordenen er ikke lagt endnu.", en: "The agenda is not set yet." },
    AgendaProposals => { da: "Forslag til dagsordenen", en: "Proposals for the agenda" },
    AgendaAccept => { da: "Tag med", en: "Accept" },
    AgendaDecline => { da: "Afvis", en: "Decline" },
    AgendaAccepted => { da: "Punktet er på dagsordenen.", en: "The item is on the agenda." },
    AgendaDeclined => { da: "Forslaget er afvist.", en: "The proposal is declined." },
    AgendaPropose => { da: "Foreslå et punkt", en: "Propose an item" },
    AgendaAdd => { da: "Tilføj et punkt", en: "Add an item" },
    AgendaAddSend => { da: "Tilføj punktet", en: "Add the item" },
    AgendaRemoved => { da: "Punktet er taget af dagsordenen.", en: "The item is off the agenda." },
    AgendaMoved => { da: "Dagsordenen er ændret.", en: "The agenda is changed." },
    AgendaUp => { da: "Op", en: "Up" },
    AgendaDown => { da: "Ned", en: "Down" },
    AgendaRemove => { da: "Fjern", en: "Remove" },
    AgendaItemTitle => { da: "Punkt", en: "Item" },
    AgendaItemNote => { da: "Uddybning (valgfri)", en: "Details (optional)" },
    AgendaSend => { da: "Send forslaget", en: "Send the proposal" },
    AgendaProposed => {
        da: "Forslaget er gemt på enheden. Værterne ser det, når der er forbindelse.",
        en: "The proposal is saved on this device. The hosts see it when there is a connection.",
    },
    AgendaTitleMissing => { da: "Skriv punktet.", en: "Write the item." },
    AgendaWithdraw => { da: "Træk tilbage", en: "Withdraw" },
    AgendaWithdrawn => { da: "Forslaget er trukket tilbage.", en: "The proposal is withdrawn." },
    MeetingHostTitle => { da: "For værter", en: "For hosts" },
    MeetingEdit => { da: "Ret mødet", en: "Edit the meeting" },
    MeetingPublish => { da: "Offentliggør mødet", en: "Publish the meeting" },
    MeetingPublishedNotice => { da: "Mødet er offentliggjort.", en: "The meeting is published." },
    MeetingMarkHeld => { da: "Marker som afholdt", en: "Mark as held" },
    MeetingHeldNotice => { da: "Mødet er afholdt. Skriv og godkend referatet.", en: "The meeting is held. Write and approve the minutes." },
    MinutesApprove => { da: "Godkend og offentliggør referatet", en: "Approve and publish the minutes" },
    MinutesApproved => { da: "Referatet er godkendt og offentliggjort.", en: "The minutes are approved and published." },
    MeetingCancel => { da: "Aflys mødet", en: "Cancel the meeting" },
    MeetingCancelQuestion => {
        da: "Vil du aflyse mødet? Alle, der har svaret, kan se, at det er aflyst.",
        en: "Cancel the meeting? Everyone who answered can see that it is cancelled.",
    },
    MeetingCancelYes => { da: "Ja, aflys mødet", en: "Yes, cancel the meeting" },
    MeetingHeldQuestion => {
        da: "Mødet er ikke begyndt endnu. Vil du markere det som afholdt alligevel?",
        en: "The meeting has not begun yet. Mark it as held anyway?",
    },
    MeetingHeldYes => { da: "Ja, marker som afholdt", en: "Yes, mark as held" },
    MeetingHeldNo => { da: "Nej, ikke endnu", en: "No, not yet" },
    MeetingCancelNo => { da: "Nej, behold mødet", en: "No, keep the meeting" },
    MeetingCancelledNotice => { da: "Mødet er aflyst.", en: "The meeting is cancelled." },
    MeetingNextWeeks => { da: "Næste møde om (uger)", en: "Next meeting in (weeks)" },
    MeetingNextRule => { da: "Hvornår er næste møde?", en: "When is the next meeting?" },
    MeetingNextInWeeks => { da: "Om et antal uger", en: "In a number of weeks" },
    MeetingNextMonthly => { da: "Samme ugedag i næste måned", en: "The same weekday next month" },
    MeetingPlanNext => { da: "Planlæg næste møde i serien", en: "Plan the next meeting of the series" },
    CheckInTitle => { da: "Tjek ind ved døren", en: "Check in at the door" },
    CheckInSearch => { da: "Søg efter navn", en: "Search by name" },
    CheckIn => { da: "Tjek ind", en: "Check in" },
    CheckedIn => { da: "Tjekket ind", en: "Checked in" },
    CheckInDone => { da: "Tjekket ind.", en: "Checked in." },
    WalkInName => { da: "Deltager uden tilmelding", en: "Walk-in" },
    WalkInAdd => { da: "Tilføj og tjek ind", en: "Add and check in" },
    MinutesTitle => { da: "Referat", en: "Minutes" },
    MinutesLabel => {
        da: "Referat (gemmes, når du går videre fra feltet; flere kan skrive samtidig)",
        en: "Minutes (saved when you leave the field; several people can write at once)",
    },
    MinutesSave => { da: "Gem referatet", en: "Save the minutes" },
    MinutesSaved => { da: "Referatet er gemt.", en: "The minutes are saved." },
    DecisionsTitle => { da: "Beslutninger", en: "Decisions" },
    DecisionsNone => { da: "Ingen beslutninger endnu.", en: "No decisions yet." },
    DecisionText => { da: "Beslutning", en: "Decision" },
    DecisionAdd => { da: "Tilføj beslutning", en: "Add decision" },
    DecisionAdded => { da: "Beslutningen er tilføjet.", en: "The decision is added." },
    ActionsTitle => { da: "Opfølgning", en: "Action items" },
    ActionsNone => { da: "Ingen åbne opfølgningspunkter.", en: "No open action items." },
    ActionAddTitle => { da: "Nyt opfølgningspunkt", en: "New action item" },
    ActionTitle => { da: "Hvad skal gøres", en: "What is to be done" },
    ActionOwner => { da: "Ansvarlig", en: "Owner" },
    ActionNoOwner => { da: "Ingen endnu", en: "No one yet" },
    ActionDue => { da: "Frist (valgfri)", en: "Due (optional)" },
    ActionAdd => { da: "Tilføj opfølgningspunkt", en: "Add action item" },
    ActionAdded => { da: "Opfølgningspunktet er tilføjet.", en: "The action item is added." },
    ActionStateSaved => { da: "Status er gemt.", en: "The state is saved." },
    ActionMakeTask => { da: "Opret som opgave", en: "Create as a task" },
    ActionTaskLink => { da: "Se opgaven", en: "See the task" },
    MeetingTitleLabel => { da: "Mødets titel", en: "The meeting's title" },
    MeetingTypeLabel => { da: "Slags møde", en: "Kind of meeting" },
    MeetingPurpose => { da: "Formål", en: "Purpose" },
    MeetingDate => { da: "Dato", en: "Date" },
    MeetingFrom => { da: "Fra", en: "From" },
    MeetingTo => { da: "Til", en: "To" },
    MeetingAddress => { da: "Adresse", en: "Address" },
    MeetingRoom => { da: "Lokale", en: "Room" },
    MeetingOnlineLabel => { da: "Link til at deltage online (valgfrit)", en: "Link to join online (optional)" },
    MeetingAudience => { da: "Hvem er mødet for?", en: "Who is the meeting for?" },
    MeetingAudiencePublic => { da: "Alle i Samskab", en: "Everyone in Samskab" },
    MeetingAudienceGroups => { da: "Medlemmerne af de valgte grupper", en: "The members of the chosen groups" },
    MeetingAudienceInvited => { da: "Kun inviterede personer", en: "Only invited people" },
    MeetingInvited => { da: "Inviterede personer", en: "Invited people" },
    MeetingInvitedHint => {
        da: "De inviterede kan se mødet, uanset hvem mødet ellers er for.",
        en: "Those invited can see the meeting, whoever else it is for.",
    },
    MeetingInvitedNone => { da: "Ingen er inviteret endnu.", en: "No one is invited yet." },
    MeetingGroupsHint => { da: "Mødet hører til disse grupper:", en: "The meeting belongs to these groups:" },
    MeetingCapacity => { da: "Antal pladser (tom: ingen grænse)", en: "Seats (empty: no limit)" },
    MeetingSave => { da: "Gem mødet", en: "Save the meeting" },
    MeetingTimeInvalid => { da: "Skriv dato og tidspunkter.", en: "Enter the date and times." },
    GroupsTitle => { da: "Grupper", en: "Groups" },
    GroupsIntro => {
        da: "Koordinationsgruppen og områdernes grupper af foreninger. Du ser de grupper, du er med i.",
        en: "The coordination group and the areas' groups of associations. You see the groups you are in.",
    },
    GroupsNone => { da: "Du er ikke med i nogen grupper på enheden.", en: "You are in no groups on this device." },
    GroupNotHere => { da: "Gruppen findes ikke på enheden (endnu).", en: "The group is not on this device (yet)." },
    GroupNewName => { da: "Ny gruppes navn", en: "New group's name" },
    GroupCreate => { da: "Opret gruppe", en: "Create group" },
    GroupOrganisations => { da: "Medlemsorganisationer", en: "Member organisations" },
    GroupPeople => { da: "Personer", en: "People" },
    GroupNoPeople => { da: "Ingen personer er medlemmer i egen ret.", en: "No people are members in their own right." },
    PeopleFindStaff => { da: "Find en person (navn eller e-mail)", en: "Find a person (name or e-mail)" },
    PeopleFindByEmail => { da: "Personens e-mail", en: "The person's e-mail" },
    PeopleSearch => { da: "Søg", en: "Search" },
    PeopleNoneFound => { da: "Ingen fundet.", en: "No one found." },
    PeopleOffline => {
        da: "Søgningen kræver netværk. Prøv igen, når du er online.",
        en: "Searching needs a network. Try again when you are online.",
    },
    PeopleUnknownName => { da: "(navn ukendt)", en: "(name unknown)" },
    GroupAddOrganisation => { da: "Tilføj organisation", en: "Add organisation" },
    GroupChoose => { da: "Vælg", en: "Choose" },
    GroupAdd => { da: "Tilføj", en: "Add" },
    GroupRemove => { da: "Fjern", en: "Remove" },
    GroupSaved => { da: "Gruppen er gemt.", en: "The group is saved." },
    GroupMinutes => { da: "Referater", en: "Minutes" },
    GroupNoMinutes => { da: "Ingen offentliggjorte referater endnu.", en: "No published minutes yet." },
    GroupOpenActions => { da: "Åbne opfølgningspunkter", en: "Open action items" },
    CalendarTitle => { da: "Min kalender", en: "My calendar" },
    CalendarIntro => {
        da: "Få dine møder og vagter i din egen kalender (Google, Outlook, iPhone) med en påmindelse dagen før. Linket er privat: del det ikke.",
        en: "Get your meetings and shifts in your own calendar (Google, Outlook, iPhone) with a reminder the day before. The link is private: do not share it.",
    },
    CalendarMake => { da: "Lav et kalenderlink", en: "Make a calendar link" },
    CalendarRenew => { da: "Lav et nyt kalenderlink (det gamle holder op med at virke)", en: "Make a new calendar link (the old one stops working)" },
    CalendarStop => { da: "Stop kalenderlinket", en: "Stop the calendar link" },
    CalendarUrl => { da: "Dit kalenderlink (abonnér på det i din kalender-app)", en: "Your calendar link (subscribe to it in your calendar app)" },
    CalendarCopy => { da: "Kopiér linket", en: "Copy the link" },
    CalendarCopied => { da: "Linket er kopieret.", en: "The link is copied." },
    CalendarMade => {
        da: "Dit kalenderlink er klar. Det vises kun nu: kopiér det til din kalender-app.",
        en: "Your calendar link is ready. It is shown only now: copy it to your calendar app.",
    },
    CalendarStopped => { da: "Kalenderlinket virker ikke længere.", en: "The calendar link no longer works." },
    CalendarFailed => { da: "Kalenderlinket kunne ikke laves. Prøv igen.", en: "The calendar link could not be made. Try again." },
    MeetingAddToCalendar => { da: "Tilføj til kalender", en: "Add to calendar" },
}

/// "Nr. 2 på ventelisten".
pub fn meeting_waitlist_place(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Nr. {n} på ventelisten"),
        Lang::En => format!("Number {n} on the waitlist"),
    }
}

/// "Se hvem der har svaret (3)": the list of answers, folded.
pub fn who_answered(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Se hvem der har svaret ({n})"),
        Lang::En => format!("See who has answered ({n})"),
    }
}

/// "12 af 30 pladser taget · 2 på venteliste" / "12 kommer".
pub fn meeting_seats(taken: usize, capacity: u64, waiting: usize, lang: Lang) -> String {
    let mut out = match (capacity, lang) {
        (0, Lang::Da) => format!("{taken} kommer (ingen grænse)"),
        (0, Lang::En) => format!("{taken} coming (no limit)"),
        (c, Lang::Da) => format!("{taken} af {c} pladser taget"),
        (c, Lang::En) => format!("{taken} of {c} seats taken"),
    };
    if waiting > 0 {
        out += &match lang {
            Lang::Da => format!(" · {waiting} på venteliste"),
            Lang::En => format!(" · {waiting} on the waitlist"),
        };
    }
    out
}

/// "tor. 17. dec. kl. 16.00 til 18.00".
pub fn meeting_when(start: i64, end: i64, lang: Lang) -> String {
    let until = crate::time::time_input(end).replace(':', ".");
    match lang {
        Lang::Da => format!("{} til {until}", super::when(start, lang)),
        Lang::En => format!(
            "{} to {}",
            super::when(start, lang),
            crate::time::time_input(end)
        ),
    }
}

pub fn minutes_planned(minutes: u64, lang: Lang) -> String {
    match lang {
        Lang::Da => format!(" ({minutes} min.)"),
        Lang::En => format!(" ({minutes} min)"),
    }
}

/// "Flyt «Velkomst» op" and its kin: what a host's button does to one agenda item.
pub fn agenda_item_label(action: Msg, title: &str, lang: Lang) -> String {
    match (action, lang) {
        (Msg::AgendaUp, Lang::Da) => format!("Flyt «{title}» op"),
        (Msg::AgendaUp, Lang::En) => format!("Move «{title}» up"),
        (Msg::AgendaDown, Lang::Da) => format!("Flyt «{title}» ned"),
        (Msg::AgendaDown, Lang::En) => format!("Move «{title}» down"),
        (_, Lang::Da) => format!("Fjern «{title}» fra dagsordenen"),
        (_, Lang::En) => format!("Remove «{title}» from the agenda"),
    }
}

pub fn agenda_accept_label(title: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Tag «{title}» med på dagsordenen"),
        Lang::En => format!("Accept «{title}» on the agenda"),
    }
}

pub fn agenda_decline_label(title: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Afvis «{title}»"),
        Lang::En => format!("Decline «{title}»"),
    }
}

pub fn checked_in_count(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Da, 1) => "1 er tjekket ind".into(),
        (Lang::Da, n) => format!("{n} er tjekket ind"),
        (Lang::En, 1) => "1 checked in".into(),
        (Lang::En, n) => format!("{n} checked in"),
    }
}

pub fn check_in_label(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Tjek {name} ind"),
        Lang::En => format!("Check {name} in"),
    }
}

/// A due date `YYYY-MM-DD` as the app writes dates: "frist 15. jan. 2027" / "due 15 Jan
/// 2027" (as a CV's dates read, [`super::day`]).
pub fn due_label(due: &str, lang: Lang) -> String {
    let day = super::day(due, lang);
    match lang {
        Lang::Da => format!("frist {day}"),
        Lang::En => format!("due {day}"),
    }
}

pub fn action_state_label(title: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Status for «{title}»"),
        Lang::En => format!("State of «{title}»"),
    }
}

/// The description of a task made from an action item.
pub fn task_from_meeting(meeting: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Opfølgning fra mødet «{meeting}»."),
        Lang::En => format!("Follow-up from the meeting «{meeting}»."),
    }
}

pub fn group_members(people: usize, organisations: usize, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("{organisations} organisationer · {people} personer"),
        Lang::En => format!("{organisations} organisations · {people} people"),
    }
}

pub fn uninvite_label(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Fjern {name} fra de inviterede"),
        Lang::En => format!("Remove {name} from those invited"),
    }
}

pub fn add_person_label(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Tilføj {name}"),
        Lang::En => format!("Add {name}"),
    }
}

pub fn people_found(n: usize, lang: Lang) -> String {
    match (lang, n) {
        (Lang::Da, 1) => "1 person fundet.".into(),
        (Lang::Da, n) => format!("{n} personer fundet."),
        (Lang::En, 1) => "1 person found.".into(),
        (Lang::En, n) => format!("{n} people found."),
    }
}

pub fn remove_member_label(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Fjern {name} fra gruppen"),
        Lang::En => format!("Remove {name} from the group"),
    }
}
