//! The root component: provides the app-wide contexts (language, the session, and for a
//! signed-in device the sync client and the organisations; for a visitor the open task bank)
//! and lays out the shell around the routed page.

use leptos::prelude::*;
use leptos_router::components::{A, Redirect, Route, Router, Routes};
use leptos_router::{Lazy, path};
use wasm_bindgen::JsCast;

use crate::connectivity::{self, Connection};
use crate::i18n::{I18n, Lang, Msg, use_i18n};
use crate::pages::account::SessionExpiredBanner;
use crate::pages::tasks::{TaskDetail, TaskList};
use crate::pages::{Area, AreaPage, NotFound, on_demand};
use crate::session::{self, Session};
use crate::sync_client::{SyncClient, SyncStatus, SyncView};
use crate::{i18n, pwa, settings, sign_out};

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::new(settings::initial_lang());
    provide_context(i18n);
    // Keep <html lang> true to the texts shown: screen readers pick their voice from it.
    Effect::new(move |_| {
        let lang = i18n.lang();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.tag());
        }
    });
    let connection = connectivity::watch();
    let update_ready = pwa::register();
    session::follow_other_tabs();
    provide_context(crate::towns::TownList::start());
    // Who the app is for is read when it starts; signing in starts it again in place (see
    // [`Entered`]), and everything below is made anew for the person.
    let entered = Entered(RwSignal::new(0));
    provide_context(entered);
    move || {
        let entered = entered.0.get() > 0;
        // An owner of its own for each start, kept until the next: the contexts provided for
        // a visitor (the open task bank) must not be found by the app started once they have
        // signed in, and cleaning an owner up disposes its values but keeps its contexts.
        let owner = Owner::new();
        let app = owner.with(|| view! { <AppFor connection update_ready entered/> });
        on_cleanup(move || drop(owner));
        app
    }
}

/// Signing in from a visitor's page ([`Entered::enter`]): how many times this page has.
#[derive(Debug, Clone, Copy)]
pub struct Entered(RwSignal<u32>);

impl Entered {
    /// The visitor has signed in (the relay's answer is remembered as the session): the app
    /// starts again as them, on `path`, without loading the page again. The page's code stays,
    /// the sync engine's chunk too (the login page fetches it while the person types), and a
    /// new device starts syncing at once; a reload would compile both again first (a new staff
    /// device started syncing about 0.9 s later after the login's answer).
    pub fn enter(self, path: &str) {
        let replaced = window()
            .history()
            .and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path)));
        if replaced.is_err() || self.0.try_update(|n| *n += 1).is_none() {
            let _ = window().location().replace(path);
        }
    }
}

/// The app for whoever this device has signed in, or for a visitor: the session, the sync
/// client or the open task bank, the header and the routes. `entered`: made because the
/// visitor has just signed in, not at the page's start.
#[component]
fn AppFor(
    connection: ReadSignal<Connection>,
    update_ready: ReadSignal<bool>,
    entered: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = Session::start();
    provide_context(session);
    let user = session.user();
    if user.is_none() {
        // Signed in elsewhere on this browser (or by a tool through the cookie), or the
        // remembered user was cleared: ask the relay once.
        leptos::task::spawn_local(async {
            if let Ok(Some(_)) = session::me().await {
                let _ = window().location().reload();
            }
        });
    }
    let sync = user.as_ref().map(|u| SyncClient::start(u.id.clone()));
    if let Some(sync) = sync {
        pwa::keep_areas();
        provide_context(sync);
        provide_context(crate::organisations::Directory::start(sync));
    } else {
        // A visitor without an account browses the open task bank.
        provide_context(crate::open_catalog::OpenCatalog::start());
    }

    view! {
        <Router>
            // The router would treat "#main" as a navigation; the link's job is the focus.
            <a class="skip-link" href="#main" on:click=|ev| {
                ev.prevent_default();
                focus_main(false);
            }>{move || i18n.t(Msg::SkipToContent)}</a>
            <FocusOnNavigate entered/>
            <header class="app-header">
                <div class="brand">
                    <img class="brand-logo" src="/icons/icon.svg" alt="" width="40" height="40"/>
                    <div>
                        <span class="brand-name">{move || i18n.t(Msg::AppName)}</span>
                        <span class="brand-tagline">{move || i18n.t(Msg::Tagline)}</span>
                    </div>
                </div>
                <ConnectionStatus connection/>
                {sync.map(|sync| view! { <SyncStatusLine sync=sync.view/> })}
                <LanguageSwitch/>
                {match user.clone() {
                    Some(user) => view! { <UserMenu user sync/> }.into_any(),
                    None => view! { <LogInLink/> }.into_any(),
                }}
            </header>
            <UpdateBanner update_ready/>
            {sync.map(|sync| view! {
                <SessionExpiredBanner expired=sync.view.expired/>
                <ProblemBanner sync=sync.view/>
                <SaidBanner/>
            })}
            {user.is_some().then(|| view! { <Navigation/> })}
            <main id="main" tabindex="-1">
                {if user.is_none() {
                    // Without an account: the open task bank, logging in and invitations;
                    // any other page asks to log in first and comes back after.
                    view! {
                <Routes fallback=|| view! { <on_demand::LoginInPlace/> }>
                    <Route path=path!("/") view=|| view! { <Redirect path="/opgaver"/> }/>
                    <Route path=path!("/opgaver") view=TaskList/>
                    <Route path=path!("/opgaver/ny") view=on_demand::LoginInPlace/>
                    <Route path=path!("/opgaver/:id") view=TaskDetail/>
                    <Route path=path!("/log-ind") view=on_demand::LoginInPlace/>
                    <Route path=path!("/invitation/:code") view={Lazy::<on_demand::Invitation>::new()}/>
                    <Route path=path!("/glemt-adgangskode") view={Lazy::<on_demand::ForgotPassword>::new()}/>
                    <Route path=path!("/nulstil-adgangskode") view={Lazy::<on_demand::ResetPassword>::new()}/>
                    <Route path=path!("/privatlivspolitik") view={Lazy::<on_demand::Privacy>::new()}/>
                    <Route path=path!("/tilgaengelighed") view={Lazy::<on_demand::Accessibility>::new()}/>
                    <Route path=path!("/konto-slettet") view={Lazy::<on_demand::AccountDeleted>::new()}/>
                </Routes>
                    }.into_any()
                } else {
                    view! {
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=|| view! { <Redirect path="/opgaver"/> }/>
                    <Route path=path!("/log-ind") view=|| view! { <Redirect path="/opgaver"/> }/>
                    <Route path=path!("/opgaver") view=TaskList/>
                    <Route path=path!("/opgaver/ny") view={Lazy::<on_demand::TaskEditor>::new()}/>
                    <Route path=path!("/opgaver/:id") view=TaskDetail/>
                    <Route path=path!("/opgaver/:id/rediger") view={Lazy::<on_demand::TaskEditor>::new()}/>
                    <Route path=path!("/koordinering") view={Lazy::<on_demand::Coordination>::new()}/>
                    <Route path=path!("/konto") view={Lazy::<on_demand::Account>::new()}/>
                    <Route path=path!("/beskeder") view={Lazy::<on_demand::Inbox>::new()}/>
                    <Route path=path!("/nulstil-adgangskode") view={Lazy::<on_demand::ResetWhileSignedIn>::new()}/>
                    <Route path=path!("/cv") view={Lazy::<on_demand::MyCv>::new()}/>
                    <Route path=path!("/cv-banken") view={Lazy::<on_demand::CvBank>::new()}/>
                    <Route path=path!("/organisationer") view={Lazy::<on_demand::Organisations>::new()}/>
                    <Route path=path!("/organisationer/:id") view={Lazy::<on_demand::Organisation>::new()}/>
                    <Route path=path!("/moeder") view={Lazy::<on_demand::Meetings>::new()}/>
                    <Route path=path!("/moeder/ny") view={Lazy::<on_demand::NewMeeting>::new()}/>
                    <Route path=path!("/moeder/:id") view={Lazy::<on_demand::Meeting>::new()}/>
                    <Route path=path!("/moeder/:id/rediger") view={Lazy::<on_demand::EditMeeting>::new()}/>
                    <Route path=path!("/grupper") view={Lazy::<on_demand::Groups>::new()}/>
                    <Route path=path!("/grupper/:id") view={Lazy::<on_demand::Group>::new()}/>
                    <Route path=path!("/ideer") view=|| view! { <AreaPage area=Area::Ideas/> }/>
                    <Route path=path!("/kaffepulje") view=|| view! { <AreaPage area=Area::Grants/> }/>
                    <Route path=path!("/privatlivspolitik") view={Lazy::<on_demand::Privacy>::new()}/>
                    <Route path=path!("/tilgaengelighed") view={Lazy::<on_demand::Accessibility>::new()}/>
                </Routes>
                    }.into_any()
                }}
            </main>
            <crate::pages::privacy::Footer/>
        </Router>
    }
}

/// The page's heading, once it is the page's own (not a placeholder shown while the page's
/// code loads).
const PAGE_HEADING: &str = "main h1:not([data-placeholder])";

/// Moves focus into the page: to its heading (`heading`), else to `main` itself. Screen
/// readers then start reading the new page, and keyboard users go on from there instead of
/// from the top of the document.
fn focus_main(heading: bool) {
    let doc = document();
    let target = heading
        .then(|| doc.query_selector(PAGE_HEADING).ok().flatten())
        .flatten()
        .or_else(|| doc.get_element_by_id("main"));
    if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        if !el.has_attribute("tabindex") {
            let _ = el.set_attribute("tabindex", "-1");
        }
        let _ = el.focus();
    }
}

/// Focus for the page just navigated to (`path`): its heading. A page loaded on demand
/// renders only once its code has arrived, so until its heading is there focus waits on
/// `main`, and moves to the heading when it appears: every 50 ms for up to 10 s, while the
/// person is still on that page and has not moved focus themselves.
fn focus_new_page(now_at: Memo<String>, path: String, attempt: u32) {
    let doc = document();
    // The router's location, not the address bar's: a page loaded on demand is committed to
    // the address bar only once its code has arrived.
    if now_at.try_get_untracked().as_deref() != Some(path.as_str()) {
        return;
    }
    // Until the address bar shows the new page, the heading in `main` may be the old page's.
    let shown = window().location().pathname().ok().as_deref() == Some(path.as_str());
    let heading = doc
        .query_selector(PAGE_HEADING)
        .ok()
        .flatten()
        .filter(|_| shown);
    let waiting_on_main = || doc.active_element().is_some_and(|e| e.id() == "main");
    match heading {
        Some(_) if attempt == 0 || waiting_on_main() => focus_main(true),
        Some(_) => {}
        None => {
            if attempt == 0 {
                focus_main(false);
            }
            if attempt < 200 && (attempt == 0 || waiting_on_main()) {
                gloo_timers::callback::Timeout::new(50, move || {
                    focus_new_page(now_at, path, attempt + 1)
                })
                .forget();
            }
        }
    }
}

/// After each navigation within the app (not the first page load, where the browser's own
/// start is right), focus goes to the new page's heading; so it does on the page the app
/// opens once the visitor has signed in (`entered`), where focus was on the login form.
#[component]
fn FocusOnNavigate(entered: bool) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.as_ref().map_or(entered, |p| *p != path) {
            let target = path.clone();
            let now_at = location.pathname;
            request_animation_frame(move || focus_new_page(now_at, target, 0));
        }
        path
    });
}

/// For a visitor: "Log ind", coming back to the page they are on.
#[component]
fn LogInLink() -> impl IntoView {
    let i18n = use_i18n();
    let location = leptos_router::hooks::use_location();
    let href = move || {
        location.pathname.track();
        location.search.track();
        let l = window().location();
        let here = format!(
            "{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        );
        if here == "/log-ind" || here.starts_with("/log-ind?") || here == "/opgaver" {
            "/log-ind".to_owned()
        } else {
            format!(
                "/log-ind?next={}",
                String::from(js_sys::encode_uri_component(&here))
            )
        }
    };
    view! {
        <div class="user-menu">
            <A href=href attr:class="button small secondary" attr:data-testid="login-link">{move || i18n.t(Msg::LogIn)}</A>
        </div>
    }
}

#[component]
fn Navigation() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="app-nav" aria-label=move || i18n.t(Msg::MainMenu)>
            <ul>
                {Area::ALL
                    .into_iter()
                    .map(|area| {
                        view! {
                            <li>
                                <A href=area.path()>
                                    <span class="nav-icon" aria-hidden="true">{area.icon()}</span>
                                    <span class="nav-label">{move || i18n.t(area.title())}</span>
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The connection indicator: a word and a shape, never colour alone, announced politely when
/// it changes.
#[component]
fn ConnectionStatus(connection: ReadSignal<Connection>) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || match connection.get() {
        Connection::Checking => i18n.t(Msg::Connecting),
        Connection::Online => i18n.t(Msg::Online),
        Connection::Offline => i18n.t(Msg::Offline),
    };
    view! {
        <p
            class="connection"
            role="status"
            data-testid="connection"
            data-state=move || connection.get().as_str()
            title=move || (connection.get() == Connection::Offline).then(|| i18n.t(Msg::OfflineExplained))
        >
            <span class="visually-hidden">{move || i18n.t(Msg::ConnectionLabel)} ": "</span>
            <span class="connection-dot" aria-hidden="true"></span>
            <span class="connection-label">{label}</span>
        </p>
    }
}

/// Who is signed in, and logging out (which removes their data from this device).
#[component]
fn UserMenu(user: session::SignedIn, sync: Option<SyncClient>) -> impl IntoView {
    let i18n = use_i18n();
    let session = session::use_session();
    let busy = RwSignal::new(false);
    let logout = move |_| {
        let pending =
            sync.is_some_and(|s| matches!(s.view.status.get_untracked(), SyncStatus::Pending(_)));
        if pending
            && !window()
                .confirm_with_message(i18n.t(Msg::LogoutPending))
                .unwrap_or(false)
        {
            return;
        }
        if !crate::components::begin(busy) {
            return;
        }
        leptos::task::spawn_local(async move {
            sign_out::sign_out(session, sync).await;
            let _ = window().location().replace("/");
        });
    };
    view! {
        <div class="user-menu">
            <crate::pages::inbox::InboxLink person=user.id.clone()/>
            <A href="/konto" attr:class="user-name">
                <span class="visually-hidden">{move || i18n.t(Msg::SignedInAs)} " "</span>{user.name.clone()}
            </A>
            <button type="button" class="button small secondary" data-testid="logout"
                aria-disabled=move || busy.get().to_string() on:click=logout>{move || i18n.t(Msg::LogOut)}</button>
        </div>
    }
}

/// The `sessionStorage` key under which a page that ends in a full load (setting a new
/// password from a reset link) leaves what the next page should say.
pub const SAID_KEY: &str = "samskab-said";

/// What the page before the last full load left to say (once): "password-changed".
#[component]
fn SaidBanner() -> impl IntoView {
    let i18n = use_i18n();
    let storage = window().session_storage().ok().flatten();
    let said = storage
        .as_ref()
        .and_then(|s| s.get_item(SAID_KEY).ok().flatten());
    if let Some(s) = &storage {
        let _ = s.remove_item(SAID_KEY);
    }
    let shown = RwSignal::new(said.as_deref() == Some("password-changed"));
    view! {
        {move || shown.get().then(|| view! {
            <div class="problem-banner said-banner" role="status" data-testid="said">
                <p>{move || i18n.t(Msg::PasswordChangedSignedIn)}</p>
                <button type="button" class="button small secondary" on:click=move |_| shown.set(false)>"OK"</button>
            </div>
        })}
    }
}

/// A problem the user should know about: storage full, or a change the relay refused.
#[component]
fn ProblemBanner(sync: SyncView) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let problem = sync.problem.get()?;
        Some(match problem.split_once(':') {
            Some(("refused", code)) => {
                samskab_model::authz::Refusal::describe_code(code, i18n.lang())
            }
            _ if problem == "quota" => i18n.t(Msg::StorageFull).to_owned(),
            _ => i18n.t(Msg::StorageFailed).to_owned(),
        })
    };
    view! {
        {move || text().map(|t| view! {
            <div class="problem-banner" role="alert" data-testid="problem">
                <p>{t}</p>
                <button type="button" class="button small secondary" on:click=move |_| sync.problem.set(None)>"OK"</button>
            </div>
        })}
    }
}

/// Where this device's changes are: "Alt er gemt på serveren", "N ændringer venter", ...
/// Whether the relay is reachable is the connection indicator's to say, once: this line is
/// empty when the device is not connected and nothing waits.
#[component]
fn SyncStatusLine(sync: SyncView) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match sync.status.get() {
        SyncStatus::Idle => None,
        SyncStatus::Pending(n) => Some(i18n::pending_changes(n, i18n.lang())),
        SyncStatus::Syncing => Some(i18n.t(Msg::SyncSyncing).to_owned()),
        SyncStatus::Fetching(arrived, listed) => Some(i18n::fetching(arrived, listed, i18n.lang())),
        SyncStatus::AllSaved => Some(i18n.t(Msg::SyncAllSaved).to_owned()),
    };
    let state = move || match sync.status.get() {
        SyncStatus::Idle => "idle",
        SyncStatus::Pending(_) => "pending",
        SyncStatus::Syncing | SyncStatus::Fetching(..) => "syncing",
        SyncStatus::AllSaved => "saved",
    };
    view! {
        // The live region stays in place; only its words come and go.
        <p class="sync-status" role="status" data-testid="sync-status" data-state=state>
            {move || text().map(|text| view! {
                <span class="visually-hidden">{move || i18n.t(Msg::SyncLabel)} ": "</span>
                <span data-testid="sync-text">{text}</span>
            })}
        </p>
    }
}

/// Danish and English as a pair of toggle buttons: both always visible, each labelled in its
/// own language so that someone who reads neither the current one can still find theirs.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="language-switch" role="group" aria-label=move || i18n.t(Msg::LanguageLabel)>
            {Lang::ALL
                .into_iter()
                .map(|lang| {
                    view! {
                        <button
                            type="button"
                            lang=lang.tag()
                            aria-pressed=move || (i18n.lang() == lang).to_string()
                            on:click=move |_| {
                                i18n.set_lang(lang);
                                settings::store_lang(lang);
                            }
                        >
                            {lang.endonym()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn UpdateBanner(update_ready: ReadSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || update_ready.get()>
            <div class="update-banner" role="alert">
                <button type="button" on:click=|_| pwa::activate_update()>
                    {move || i18n.t(Msg::UpdateReady)}
                </button>
            </div>
        </Show>
    }
}
