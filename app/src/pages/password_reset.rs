//! "Glemt adgangskode": asking for a reset link (`/glemt-adgangskode`), choosing a new
//! password with one (`/nulstil-adgangskode#<token>`), and, for staff and admins, making a
//! link to hand a volunteer in person (a section of Min konto).
//!
//! The token travels in the URL's fragment, which the browser never sends to a server; the
//! page reads it once and takes it out of the address bar. Forms check what they can before
//! sending (the model's rules for e-mail and password), show a problem beside its field and
//! move focus to it; results are announced in a live region.

use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::account_fields::{self, PasswordError};
use wasm_bindgen::{JsCast, JsValue};

use crate::components::{focus_soon, page_title};
use crate::i18n::{self, Msg, use_i18n};
use crate::session::{self, SignInError};

pub const FORGOT_PATH: &str = "/glemt-adgangskode";
pub const RESET_PATH: &str = "/nulstil-adgangskode";

/// An e-mail field whose problem (if any) is shown beside it and tied to it.
#[component]
fn EmailField(
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    problem: RwSignal<Option<Msg>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <div class="field field-wide">
            <label for=id>{move || i18n.t(label)}</label>
            <input id=id type="email" autocomplete="username" required
                aria-invalid=move || problem.get().map(|_| "true")
                aria-describedby=move || problem.get().map(|_| described.clone())
                bind:value=value/>
            {move || problem.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{i18n.t(m)}</p> })}
        </div>
    }
}

/// `/glemt-adgangskode`: asks for a link by mail.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::ForgotTitle);
    let email = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Msg>);
    let failure = RwSignal::new(None::<SignInError>);
    let sent = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        sent.set(false);
        let value = email.get_untracked();
        if account_fields::email(&value).is_err() {
            problem.set(Some(Msg::EmailInvalid));
            focus_soon("forgot-email".into());
            return;
        }
        problem.set(None);
        if !crate::components::begin(busy) {
            return;
        }
        spawn_local(async move {
            let result = session::forgot_password(&value).await;
            busy.set(false);
            match result {
                Ok(()) => sent.set(true),
                Err(SignInError::Invalid) => {
                    problem.set(Some(Msg::EmailInvalid));
                    focus_soon("forgot-email".into());
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <section class="page login" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::ForgotTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::ForgotIntro)}</p>
            <form class="task-form" novalidate on:submit=submit>
                <EmailField id="forgot-email" label=Msg::FieldEmail value=email problem=problem/>
                <p class="form-actions field-wide">
                    <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                        {move || i18n.t(Msg::SendResetLink)}
                    </button>
                </p>
            </form>
            <p class="badge badge-ok" role="status" data-testid="forgot-result">
                {move || sent.get().then(|| i18n.t(Msg::ResetLinkSent))}
            </p>
            <div role="alert">
                {move || failure.get().map(|e| view! { <p class="error">{e.describe(i18n.lang())}</p> })}
            </div>
            <p class="links"><a href="/" rel="external">{move || i18n.t(Msg::BackToLogin)}</a></p>
        </section>
    }
}

/// The token in the address's fragment (64 hex digits), taken out of the address bar so that
/// it is not left in view or in the history.
fn take_token() -> Option<String> {
    let hash = window().location().hash().ok()?;
    let token = hash.trim_start_matches('#').to_owned();
    if token.is_empty() {
        return None;
    }
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(RESET_PATH));
    }
    (token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())).then_some(token)
}

/// `/nulstil-adgangskode#<token>`: choosing a new password with a link; afterwards the device
/// is signed in (the relay has ended every other session of the account).
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::ResetTitle);
    let Some(token) = take_token() else {
        return view! {
            <section class="page login" aria-labelledby="page-title">
                <h1 id="page-title">{move || i18n.t(Msg::ResetTitle)}</h1>
                <p class="error" role="alert">{move || i18n.t(Msg::ResetLinkIncomplete)}</p>
                <p class="links"><a href=FORGOT_PATH rel="external">{move || i18n.t(Msg::AskForNewLink)}</a></p>
            </section>
        }
        .into_any();
    };
    let password = RwSignal::new(String::new());
    let show = RwSignal::new(false);
    let problem = RwSignal::new(None::<Msg>);
    let failure = RwSignal::new(None::<SignInError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let value = password.get_untracked();
        let rule = match account_fields::password(&value) {
            Ok(()) => None,
            Err(PasswordError::TooShort) => Some(Msg::PasswordTooShort),
            Err(PasswordError::TooLong) => Some(Msg::PasswordTooLong),
        };
        problem.set(rule);
        if rule.is_some() {
            focus_soon("reset-password".into());
            return;
        }
        if !crate::components::begin(busy) {
            return;
        }
        let token = token.clone();
        spawn_local(async move {
            let result = session::reset_password(&token, &value).await;
            busy.set(false);
            match result {
                // Signed in: start the app afresh as this user.
                // The task list says so once it has loaded (`app::SaidBanner`).
                Ok(_) => {
                    if let Ok(Some(storage)) = window().session_storage() {
                        let _ = storage.set_item(crate::app::SAID_KEY, "password-changed");
                    }
                    let _ = window().location().replace("/opgaver");
                }
                Err(SignInError::PasswordTooShort) => {
                    problem.set(Some(Msg::PasswordTooShort));
                    focus_soon("reset-password".into());
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <section class="page login" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::ResetTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::ResetIntro)}</p>
            <form class="task-form" novalidate on:submit=submit>
                <div class="field field-wide">
                    <label for="reset-password">{move || i18n.t(Msg::NewPassword)}</label>
                    <input id="reset-password" autocomplete="new-password" required
                        type=move || if show.get() { "text" } else { "password" }
                        aria-invalid=move || problem.get().map(|_| "true")
                        aria-describedby=move || if problem.get().is_some() { "reset-password-error reset-password-hint" } else { "reset-password-hint" }
                        bind:value=password/>
                    <span id="reset-password-hint" class="muted">{move || i18n.t(Msg::PasswordHint)}</span>
                    {move || problem.get().map(|m| view! { <p class="field-error" id="reset-password-error">{i18n.t(m)}</p> })}
                </div>
                <div class="field field-check">
                    <input id="reset-show" type="checkbox" bind:checked=show/>
                    <label for="reset-show">{move || i18n.t(Msg::ShowPassword)}</label>
                </div>
                <p class="form-actions field-wide">
                    <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                        {move || i18n.t(Msg::SaveNewPassword)}
                    </button>
                </p>
            </form>
            <div role="alert" data-testid="reset-error">
                {move || failure.get().map(|e| view! {
                    <p class="error">{e.describe(i18n.lang())}</p>
                    {(e == SignInError::ResetInvalid).then(|| view! {
                        <p class="links"><a href=FORGOT_PATH rel="external">{i18n.t(Msg::AskForNewLink)}</a></p>
                    })}
                })}
            </div>
        </section>
    }
    .into_any()
}

/// `/nulstil-adgangskode` on a device that is signed in: the link is for a signed-out device
/// (using it here would leave this device's data under another account's session).
#[component]
pub fn ResetWhileSignedIn() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::ResetTitle);
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::ResetTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::ResetWhileSignedIn)}</p>
        </section>
    }
}

/// Copies `text` to the clipboard; false where the browser cannot (no clipboard API outside
/// secure contexts, or permission refused).
async fn copy_to_clipboard(text: &str) -> bool {
    let navigator = window().navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !has_clipboard {
        return false;
    }
    let promise = navigator.clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Min konto, for staff and admins: a one-time reset link for a volunteer (or coordinator),
/// to hand over in person.
#[component]
pub fn HandOutResetLink() -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Msg>);
    let failure = RwSignal::new(None::<SignInError>);
    let link = RwSignal::new(None::<session::HandedLink>);
    let copied = RwSignal::new(None::<Msg>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        copied.set(None);
        let value = email.get_untracked();
        if account_fields::email(&value).is_err() {
            problem.set(Some(Msg::EmailInvalid));
            focus_soon("handout-email".into());
            return;
        }
        problem.set(None);
        if !crate::components::begin(busy) {
            return;
        }
        spawn_local(async move {
            let result = session::reset_link(&value).await;
            busy.set(false);
            match result {
                Ok(made) => link.set(Some(made)),
                Err(e) => {
                    link.set(None);
                    let beside = match e {
                        SignInError::NoSuchAccount => Some(Msg::NoSuchAccount),
                        SignInError::Forbidden => Some(Msg::HandOutNotAllowed),
                        SignInError::Invalid => Some(Msg::EmailInvalid),
                        _ => None,
                    };
                    match beside {
                        Some(m) => {
                            problem.set(Some(m));
                            focus_soon("handout-email".into());
                        }
                        None => failure.set(Some(e)),
                    }
                }
            }
        });
    };
    let copy = move |_| {
        let Some(made) = link.get_untracked() else {
            return;
        };
        spawn_local(async move {
            if copy_to_clipboard(&made.url).await {
                copied.set(Some(Msg::LinkCopied));
            } else {
                // Selected, so Ctrl+C (or the phone's own menu) copies it.
                if let Some(input) = document()
                    .get_element_by_id("handout-link")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                {
                    let _ = input.focus();
                    input.select();
                }
                copied.set(Some(Msg::CopyByHand));
            }
        });
    };
    view! {
        <section class="handout" aria-labelledby="handout-title">
            <h2 id="handout-title">{move || i18n.t(Msg::HandOutTitle)}</h2>
            <p>{move || i18n.t(Msg::HandOutIntro)}</p>
            <form class="task-form" novalidate on:submit=submit>
                <EmailField id="handout-email" label=Msg::HandOutEmail value=email problem=problem/>
                <p class="form-actions field-wide">
                    <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                        {move || i18n.t(Msg::MakeResetLink)}
                    </button>
                </p>
            </form>
            <div role="status" data-testid="handout-result">
                {move || link.get().map(|made| {
                    let session::HandedLink { url, expires_at, name } = made;
                    let name = name.unwrap_or_default();
                    let expires_at = expires_at.unwrap_or_default();
                    view! {
                        <div class="field">
                            <label for="handout-link">{move || i18n::reset_link_for(&name, i18n.lang())}</label>
                            <div class="copy-row">
                                <input id="handout-link" type="text" readonly prop:value=url
                                    aria-describedby="handout-expiry"/>
                                <button type="button" class="button secondary" on:click=copy>{move || i18n.t(Msg::CopyLink)}</button>
                            </div>
                            <p id="handout-expiry" class="muted">
                                {move || i18n::link_works_until(&i18n::when(expires_at, i18n.lang()), i18n.lang())}
                            </p>
                        </div>
                    }
                })}
                <p class="muted">{move || copied.get().map(|m| i18n.t(m))}</p>
            </div>
            <div role="alert">
                {move || failure.get().map(|e| view! { <p class="error">{e.describe(i18n.lang())}</p> })}
            </div>
        </section>
    }
}
