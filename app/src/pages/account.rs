//! Logging in and creating a volunteer account. Shown instead of the app until someone is
//! signed in on this device; after that the app opens offline with their data.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::Entered;
use crate::components::page_title;
use crate::i18n::{Msg, use_i18n};
use crate::pages::password_reset::{FORGOT_PATH, HandOutResetLink};
use crate::session::{self, SignInError, use_session};
use crate::sync_client::use_sync;

/// A field for choosing a password, with the length rule as its description.
#[component]
fn NewPasswordField(id: &'static str, label: Msg, value: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let hint = format!("{id}-hint");
    view! {
        <div class="field field-wide">
            <label for=id>{move || i18n.t(label)}</label>
            <input id=id type="password" autocomplete="new-password" minlength="10" required
                aria-describedby=hint.clone() bind:value=value/>
            <span id=hint class="muted">{move || i18n.t(Msg::PasswordHint)}</span>
        </div>
    }
}

/// `/invitation/<code>`: creating an invited account (coordinator or staff).
#[component]
pub fn InvitationPage(code: String) -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::InvitationTitle);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<SignInError>);
    let busy = RwSignal::new(false);
    let entered = expect_context::<Entered>();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !crate::components::begin(busy) {
            return;
        }
        let code = code.clone();
        spawn_local(async move {
            let result = session::accept_invitation(
                &code,
                &name.get_untracked(),
                &email.get_untracked(),
                &password.get_untracked(),
            )
            .await;
            busy.set(false);
            match result {
                Ok(_) => entered.enter(&after_login()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="page login" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::InvitationTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::InvitationIntro)}</p>
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="login-error">{m.describe(i18n.lang())}</p> })}
            <form class="task-form" on:submit=submit on:focusin=move |_| engine_soon()>
                <div class="field field-wide">
                    <label for="invite-name">{move || i18n.t(Msg::FieldName)}</label>
                    <input id="invite-name" type="text" autocomplete="name" required bind:value=name/>
                </div>
                <div class="field field-wide">
                    <label for="invite-email">{move || i18n.t(Msg::FieldEmail)}</label>
                    <input id="invite-email" type="email" autocomplete="username" required bind:value=email/>
                </div>
                <NewPasswordField id="invite-password" label=Msg::FieldPassword value=password/>
                <p class="form-actions field-wide">
                    <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                        {move || i18n.t(Msg::AcceptInvitation)}
                    </button>
                </p>
            </form>
        </section>
    }
}

/// For those who run an organisation: an invitation link for a new coordinator of it.
#[component]
pub fn InviteCoordinator(organisation: String) -> impl IntoView {
    let i18n = use_i18n();
    let link = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<SignInError>);
    let on_click = move |_| {
        let organisation = organisation.clone();
        spawn_local(async move {
            match session::invite_coordinator(&organisation).await {
                Ok(url) => {
                    error.set(None);
                    link.set(Some(url));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="invite">
            <button type="button" class="button secondary" on:click=on_click>{move || i18n.t(Msg::InviteCoordinator)}</button>
            {move || error.get().map(|m| view! { <p class="error" role="alert">{m.describe(i18n.lang())}</p> })}
            {move || link.get().map(|url| view! {
                <div class="field field-wide">
                    <label for="invite-link">{i18n.t(Msg::InvitationLink)}</label>
                    <input id="invite-link" type="text" readonly prop:value=url data-testid="invite-link"/>
                </div>
            })}
        </div>
    }
}

/// Fetches the sync engine's chunk while the person fills in the form (once they start to),
/// so that the app they enter once signed in ([`Entered::enter`]) starts syncing at once.
/// A visitor who only looks at the form does not download it.
fn engine_soon() {
    #[cfg(feature = "split")]
    spawn_local(async {
        let _ = crate::sync_client::preload_engine().await;
    });
}

/// Where to go once signed in: the address's `next` (a path of this app: a task and shift
/// the visitor wanted to sign up for), else the page the login was shown in place of (a deep
/// link to Mit CV, say), else the task list.
fn after_login() -> String {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let next = search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "next")
        .and_then(|(_, v)| js_sys::decode_uri_component(v).ok())
        .map(String::from);
    let here = location.pathname().unwrap_or_default();
    let fallback = (here != "/log-ind" && here != "/" && !here.starts_with("/invitation/"))
        .then(|| format!("{here}{search}"));
    next.or(fallback)
        .filter(|p| is_local_path(p))
        .unwrap_or_else(|| "/opgaver".into())
}

/// A path on this origin: not `//host` or `/\\host` (which browsers read as another host),
/// not a scheme.
fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\")
}

/// Whether the login page stands in for another page (a deep link) or was sent here by a
/// "Tilmeld": it then says the person comes back afterwards.
fn returns_somewhere() -> bool {
    after_login() != "/opgaver"
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::LogIn);
    let registering = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<SignInError>);
    let busy = RwSignal::new(false);
    let entered = expect_context::<Entered>();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !crate::components::begin(busy) {
            return;
        }
        error.set(None);
        spawn_local(async move {
            let result = if registering.get_untracked() {
                session::register(
                    &name.get_untracked(),
                    &email.get_untracked(),
                    &phone.get_untracked(),
                    &password.get_untracked(),
                )
                .await
            } else {
                session::login(&email.get_untracked(), &password.get_untracked()).await
            };
            busy.set(false);
            match result {
                Ok(_) => entered.enter(&after_login()),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="page login" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(if registering.get() { Msg::CreateAccount } else { Msg::LogIn })}</h1>
            <p class="lead">{move || i18n.t(if registering.get() { Msg::RegisterIntro } else { Msg::LoginIntro })}</p>
            {returns_somewhere().then(|| view! { <p data-testid="login-returns">{move || i18n.t(Msg::LogInToContinue)}</p> })}
            {move || error.get().map(|m| view! { <p class="error" role="alert" data-testid="login-error">{m.describe(i18n.lang())}</p> })}
            <form class="task-form" on:submit=submit on:focusin=move |_| engine_soon()>
                {move || registering.get().then(|| view! {
                    <div class="field field-wide">
                        <label for="account-name">{move || i18n.t(Msg::FieldName)}</label>
                        <input id="account-name" type="text" autocomplete="name" required bind:value=name/>
                    </div>
                })}
                <div class="field field-wide">
                    <label for="account-email">{move || i18n.t(Msg::FieldEmail)}</label>
                    <input id="account-email" type="email" autocomplete="username" required bind:value=email/>
                </div>
                {move || registering.get().then(|| view! {
                    <div class="field field-wide">
                        <label for="account-phone">{move || i18n.t(Msg::FieldPhoneOptional)}</label>
                        <input id="account-phone" type="tel" autocomplete="tel" bind:value=phone/>
                    </div>
                })}
                <div class="field field-wide">
                    <label for="account-password">{move || i18n.t(Msg::FieldPassword)}</label>
                    <input id="account-password" type="password" required
                        autocomplete=move || if registering.get() { "new-password" } else { "current-password" }
                        minlength=move || if registering.get() { "10" } else { "1" }
                        aria-describedby="password-hint"
                        bind:value=password/>
                    <span id="password-hint" class="muted">{move || registering.get().then(|| i18n.t(Msg::PasswordHint))}</span>
                </div>
                // What an account keeps, said where it is made (GDPR art. 13), with the policy.
                {move || registering.get().then(|| view! {
                    <p class="field-wide muted" data-testid="register-privacy">
                        {move || i18n.t(Msg::RegisterPrivacy)} " "
                        <a href="/privatlivspolitik">{move || i18n.t(Msg::PrivacyTitle)}</a>
                    </p>
                })}
                <p class="form-actions field-wide">
                    <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                        {move || i18n.t(if registering.get() { Msg::CreateAccount } else { Msg::LogIn })}
                    </button>
                    <button type="button" class="button secondary" on:click=move |_| {
                        error.set(None);
                        registering.update(|r| *r = !*r);
                        // The form above changed (its heading and fields): focus to its first
                        // field, where the person goes on.
                        let first = if registering.get_untracked() { "account-name" } else { "account-email" };
                        crate::components::focus_soon(first.into());
                    }>
                        {move || i18n.t(if registering.get() { Msg::HaveAccount } else { Msg::NoAccount })}
                    </button>
                </p>
            </form>
            // A full page load (rel="external"): signed out, the page is chosen from the path.
            {move || (!registering.get()).then(|| view! {
                <p class="links">
                    <a href=FORGOT_PATH rel="external">{i18n.t(Msg::ForgotPassword)}</a>
                </p>
            })}
        </section>
    }
}

/// The password prompt when the relay no longer accepts this device's session.
#[component]
pub fn SessionExpiredBanner(expired: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<SignInError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(user) = session.user() else {
            return;
        };
        spawn_local(async move {
            match session::login(&user.email, &password.get_untracked()).await {
                Ok(user) => {
                    password.set(String::new());
                    error.set(None);
                    session.signed_in(user);
                    sync.resume();
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        {move || expired.get().then(|| view! {
            <form class="expired-banner" role="alert" data-testid="session-expired" on:submit=submit>
                <p>{i18n.t(Msg::SessionExpired)}</p>
                {move || error.get().map(|m| view! { <p class="error">{m.describe(i18n.lang())}</p> })}
                <div class="field">
                    <label for="expired-password">{i18n.t(Msg::FieldPassword)}</label>
                    <input id="expired-password" type="password" autocomplete="current-password" required bind:value=password/>
                </div>
                <button type="submit" class="button primary">{i18n.t(Msg::LogIn)}</button>
            </form>
        })}
    }
}

/// `/konto`: who is signed in, changing the password, and (staff) a reset link for a volunteer.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::MyAccount);
    let user = use_session().user();
    let staff = user.as_ref().is_some_and(|u| {
        matches!(
            u.role,
            samskab_model::authz::Role::Staff | samskab_model::authz::Role::Admin
        )
    });
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<(), SignInError>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        spawn_local(async move {
            let result = session::change_password(&old.get_untracked(), &new.get_untracked()).await;
            if result.is_ok() {
                old.set(String::new());
                new.set(String::new());
            }
            outcome.set(Some(result));
        });
    };
    view! {
        <section class="page login" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::MyAccount)}</h1>
            {user.map(|u| view! { <p class="lead">{u.name} " · " {u.email}</p> })}
            <h2>{move || i18n.t(Msg::ChangePassword)}</h2>
            {move || outcome.get().map(|o| match o {
                Ok(()) => view! { <p class="badge badge-ok" role="status">{i18n.t(Msg::PasswordChanged)}</p> }.into_any(),
                // The form asks for no e-mail: a wrong password is the current one.
                Err(SignInError::BadCredentials) => view! { <p class="error" role="alert">{i18n.t(Msg::WrongCurrentPassword)}</p> }.into_any(),
                Err(m) => view! { <p class="error" role="alert">{m.describe(i18n.lang())}</p> }.into_any(),
            })}
            <form class="task-form" on:submit=submit>
                <div class="field field-wide">
                    <label for="old-password">{move || i18n.t(Msg::CurrentPassword)}</label>
                    <input id="old-password" type="password" autocomplete="current-password" required bind:value=old/>
                </div>
                <NewPasswordField id="new-password" label=Msg::NewPassword value=new/>
                <p class="form-actions field-wide">
                    <button type="submit" class="button primary">{move || i18n.t(Msg::ChangePassword)}</button>
                </p>
            </form>
            <crate::pages::meetings::CalendarFeed/>
            {staff.then(|| view! { <HandOutResetLink/> })}
            {staff.then(|| view! { <crate::pages::privacy::EraseOnRequest/> })}
            <crate::pages::privacy::DeleteAccount/>
        </section>
    }
}

/// `/invitation/<code>`, the code from the address.
#[component]
pub fn InvitationRoute() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    let code = params.read_untracked().get("code").unwrap_or_default();
    view! { <InvitationPage code/> }
}
