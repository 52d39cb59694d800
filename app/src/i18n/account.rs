//! Logging in, creating an account, invitations, Min konto and passwords.
//!
//! Danish first; keep the wording plain (many users are elderly) and the English a faithful
//! equivalent, not a literal one.

use super::{Lang, Msg, define_messages};

define_messages! {
    /// The texts of the account pages.
    Account;

    LogIn => { da: "Log ind", en: "Log in" },
    CreateAccount => { da: "Opret konto", en: "Create account" },
    RegisterPrivacy => {
        da: "Kommunen gemmer dit navn, din e-mail og dit telefonnummer, så koordinatorerne kan kontakte dig om de opgaver, du melder dig til. Du kan altid hente eller slette dine data under Min konto. Læs mere:",
        en: "The municipality keeps your name, e-mail and phone number so that coordinators can contact you about the tasks you sign up for. You can download or delete your data at any time under My account. Read more:",
    },
    LoginIntro => {
        da: "Log ind for at se opgaver og tilmelde dig. Bagefter virker Samskab også uden net.",
        en: "Log in to see tasks and sign up. After that Samskab works offline too.",
    },
    RegisterIntro => {
        da: "Som frivillig opretter du selv en konto. Koordinatorer og personale bliver inviteret.",
        en: "Volunteers create their own account. Coordinators and staff are invited.",
    },
    HaveAccount => { da: "Har du en konto? Log ind", en: "Have an account? Log in" },
    NoAccount => { da: "Ny frivillig? Opret en konto", en: "New volunteer? Create an account" },
    FieldEmail => { da: "E-mail", en: "Email" },
    FieldPassword => { da: "Adgangskode", en: "Password" },
    FieldName => { da: "Navn", en: "Name" },
    FieldPhoneOptional => { da: "Telefon (valgfrit)", en: "Phone (optional)" },
    PasswordHint => { da: "Mindst 10 tegn.", en: "At least 10 characters." },
    BadCredentials => { da: "Forkert e-mail eller adgangskode.", en: "Wrong email or password." },
    WrongCurrentPassword => { da: "Den nuværende adgangskode er forkert.", en: "The current password is wrong." },
    EmailTaken => {
        da: "Der findes allerede en konto med den e-mail. Log ind i stedet.",
        en: "An account with that email exists. Log in instead.",
    },
    PasswordTooShort => { da: "Adgangskoden skal have mindst 10 tegn.", en: "The password needs at least 10 characters." },
    SignInOffline => {
        da: "Serveren kan ikke nås. Du skal have forbindelse for at logge ind.",
        en: "The server cannot be reached. You need a connection to log in.",
    },
    InvalidInput => { da: "Tjek felterne, og prøv igen.", en: "Check the fields and try again." },
    SessionExpired => {
        da: "Du er blevet logget ud af serveren. Skriv din adgangskode for at synkronisere igen – dine ændringer er gemt på enheden.",
        en: "The server has logged you out. Enter your password to sync again – your changes are saved on this device.",
    },

    InvitationTitle => { da: "Du er inviteret til Samskab", en: "You are invited to Samskab" },
    InvitationIntro => {
        da: "Opret din konto for at tage imod invitationen. Linket virker én gang.",
        en: "Create your account to accept the invitation. The link works once.",
    },
    AcceptInvitation => { da: "Opret konto og tag imod", en: "Create account and accept" },
    InvitationInvalid => {
        da: "Invitationen er brugt eller udløbet. Bed om et nyt link.",
        en: "The invitation has been used or has expired. Ask for a new link.",
    },
    NotAllowed => { da: "Det har din rolle ikke adgang til.", en: "Your role does not allow this." },
    InviteCoordinator => { da: "Inviter en koordinator", en: "Invite a coordinator" },
    InvitationLink => {
        da: "Send dette link til den nye koordinator (virker én gang i 14 dage)",
        en: "Send this link to the new coordinator (works once, for 14 days)",
    },

    ForgotPassword => { da: "Glemt adgangskode?", en: "Forgot your password?" },
    ForgotTitle => { da: "Glemt adgangskode", en: "Forgotten password" },
    ForgotIntro => {
        da: "Skriv den e-mail, du bruger i Samskab. Så sender vi dig et link, så du kan vælge en ny adgangskode.",
        en: "Enter the email you use in Samskab. We will send you a link to choose a new password.",
    },
    SendResetLink => { da: "Send link", en: "Send link" },
    ResetLinkSent => {
        da: "Hvis der findes en konto med den e-mail, har vi sendt et link. Se i din indbakke (også uønsket post).",
        en: "If there is an account with that email, we have sent a link. Look in your inbox (and the spam folder).",
    },
    BackToLogin => { da: "Tilbage til log ind", en: "Back to log in" },
    EmailInvalid => { da: "Skriv en gyldig e-mail-adresse, fx navn@eksempel.dk.", en: "Enter a valid email address, e.g. name@example.com." },
    PasswordTooLong => { da: "Adgangskoden er for lang.", en: "The password is too long." },
    ResetTitle => { da: "Vælg en ny adgangskode", en: "Choose a new password" },
    ResetIntro => {
        da: "Skriv din nye adgangskode. Bagefter er du logget ind, og dine andre enheder bliver logget ud.",
        en: "Enter your new password. Afterwards you are logged in, and your other devices are logged out.",
    },
    ShowPassword => { da: "Vis adgangskode", en: "Show password" },
    SaveNewPassword => { da: "Gem ny adgangskode", en: "Save new password" },
    ResetInvalid => {
        da: "Linket er brugt eller udløbet. Bed om et nyt link.",
        en: "The link has been used or has expired. Ask for a new link.",
    },
    ResetLinkIncomplete => {
        da: "Linket er ikke helt. Åbn hele linket fra mailen, eller bed om et nyt.",
        en: "The link is incomplete. Open the whole link from the email, or ask for a new one.",
    },
    AskForNewLink => { da: "Bed om et nyt link", en: "Ask for a new link" },
    ResetWhileSignedIn => {
        da: "Du er logget ind på denne enhed. Log ud først, hvis du vil bruge linket til at nulstille en adgangskode.",
        en: "You are logged in on this device. Log out first if you want to use the link to reset a password.",
    },
    HandOutTitle => { da: "Nulstil adgangskode for en frivillig", en: "Reset a volunteer's password" },
    HandOutIntro => {
        da: "Lav et link, som du giver personen, fx på skærmen eller på papir. Linket virker én gang i 24 timer.",
        en: "Make a link to give the person, e.g. on screen or on paper. The link works once, for 24 hours.",
    },
    HandOutEmail => { da: "Den frivilliges e-mail", en: "The volunteer's email" },
    MakeResetLink => { da: "Lav link", en: "Make link" },
    CopyLink => { da: "Kopiér link", en: "Copy link" },
    LinkCopied => { da: "Linket er kopieret.", en: "The link is copied." },
    CopyByHand => { da: "Linket er markeret. Kopiér det med Ctrl+C.", en: "The link is selected. Copy it with Ctrl+C." },
    NoSuchAccount => { da: "Der findes ingen konto med den e-mail.", en: "There is no account with that email." },
    HandOutNotAllowed => {
        da: "Du kan ikke nulstille adgangskoden for den konto.",
        en: "You cannot reset the password of that account.",
    },

    MyAccount => { da: "Min konto", en: "My account" },
    ChangePassword => { da: "Skift adgangskode", en: "Change password" },
    CurrentPassword => { da: "Nuværende adgangskode", en: "Current password" },
    NewPassword => { da: "Ny adgangskode", en: "New password" },
    PasswordChangedSignedIn => {
        da: "Din adgangskode er skiftet, og du er logget ind.",
        en: "Your password is changed, and you are signed in.",
    },
    PasswordChanged => {
        da: "Adgangskoden er skiftet. Dine andre enheder er logget ud.",
        en: "The password is changed. Your other devices are logged out.",
    },
    LogInToContinue => {
        da: "Log ind for at fortsætte. Bagefter kommer du tilbage til siden.",
        en: "Log in to continue. You will come back to the page afterwards.",
    },
}

/// A role as users read it.
pub fn role_label(role: samskab_model::authz::Role, lang: Lang) -> &'static str {
    use samskab_model::authz::Role;
    match (role, lang) {
        (Role::Volunteer, Lang::Da) => "frivillig",
        (Role::Volunteer, Lang::En) => "volunteer",
        (Role::Coordinator, Lang::Da) => "koordinator",
        (Role::Coordinator, Lang::En) => "coordinator",
        (Role::Staff, Lang::Da) => "kommunens personale",
        (Role::Staff, Lang::En) => "municipal staff",
        (Role::Admin, Lang::Da) => "administrator",
        (Role::Admin, Lang::En) => "administrator",
    }
}

/// "For mange forsøg. Vent 2 minutter, og prøv igen." with the relay's real wait, rounded up
/// to whole minutes from a minute on and to whole hours from an hour on.
pub fn too_many_attempts(seconds: u64, lang: Lang) -> String {
    let (n, unit_da, units_da, unit_en) = if seconds < 60 {
        (seconds.max(1), "sekund", "sekunder", "second")
    } else if seconds < 3600 {
        (seconds.div_ceil(60), "minut", "minutter", "minute")
    } else {
        (seconds.div_ceil(3600), "time", "timer", "hour")
    };
    match lang {
        Lang::Da => {
            let unit = if n == 1 { unit_da } else { units_da };
            format!("For mange forsøg. Vent {n} {unit}, og prøv igen.")
        }
        Lang::En => {
            let s = if n == 1 { "" } else { "s" };
            format!("Too many attempts. Wait {n} {unit_en}{s} and try again.")
        }
    }
}

/// "Linket virker til lør. 12. dec. kl. 14.00." / in English.
pub fn link_works_until(when: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Linket virker én gang, til {when}."),
        Lang::En => format!("The link works once, until {when}."),
    }
}

/// "Link til at nulstille adgangskoden for Anna" / in English.
pub fn reset_link_for(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("Link til at nulstille adgangskoden for {name}"),
        Lang::En => format!("Link to reset the password of {name}"),
    }
}
