//! Beskeder: the person's inbox (what the relay told them about their meetings and shifts)
//! and how they want to be told.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The texts of the inbox and its settings.
    Inbox;

    InboxTitle => { da: "Beskeder", en: "Notices" },
    InboxIntro => {
        da: "Her står, når et møde eller en vagt, du er med i, bliver ændret eller aflyst, når du får en plads eller bliver inviteret til en vagt, og påmindelser før du skal af sted.",
        en: "Here you see when a meeting or shift you are part of is changed or cancelled, when you get a place or are invited to a shift, and reminders before you go.",
    },
    InboxNone => {
        da: "Ingen beskeder endnu. Når der sker noget med dine møder og vagter, står det her.",
        en: "No notices yet. When something happens to your meetings and shifts, it shows here.",
    },
    InboxUnreadCount => { da: "ulæste", en: "unread" },
    InboxUnreadOne => { da: "ulæst", en: "unread" },
    InboxNew => { da: "Ulæst", en: "Unread" },
    InboxOpen => { da: "Åbn", en: "Open" },
    InboxMarkAllRead => { da: "Markér alle som læst", en: "Mark all as read" },
    InboxReceived => { da: "Modtaget", en: "Received" },
    InboxMailed => { da: "Også sendt som e-mail", en: "Also sent by e-mail" },
    InboxSettingsTitle => { da: "Sådan får du beskeder", en: "How you get notices" },
    InboxByEmail => { da: "Her i appen og som e-mail", en: "Here in the app and by e-mail" },
    InboxAppOnly => { da: "Kun her i appen", en: "Only here in the app" },
    InboxChannelLegend => { da: "Beskeder", en: "Notices" },
    InboxReminderLabel => { da: "Påmind mig før møder og vagter", en: "Remind me before meetings and shifts" },
    InboxReminderNone => { da: "Ingen påmindelser", en: "No reminders" },
    InboxReminder2h => { da: "2 timer før", en: "2 hours before" },
    InboxReminder24h => { da: "1 dag før", en: "1 day before" },
    InboxReminder48h => { da: "2 dage før", en: "2 days before" },
    InboxReminderWeek => { da: "1 uge før", en: "1 week before" },
    InboxSaved => { da: "Gemt.", en: "Saved." },
    InboxSettingsOffline => {
        da: "Gemt på denne enhed. Det sendes, når du har forbindelse igen.",
        en: "Saved on this device. It is sent when you are online again.",
    },
}
