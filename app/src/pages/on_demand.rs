//! The pages whose code is loaded when first opened, not with the app: every area but the
//! shell, the task list and a task's page (which a volunteer on a slow line needs first).
//!
//! Each is a route type for the router's `Lazy::<Route>::new()`. With the `split` feature
//! (the release build, `cargo xtask dist`) the page's view is a `#[lazy]` function: the xtask
//! cuts it and the code only it uses out of the main wasm into a chunk of its own (with
//! `wasm_split_cli_support`), which the router fetches before it shows the page for the first
//! time and the service worker keeps for offline use. Without the feature (`--dev` builds, the
//! browser unit tests) the same routes render the page directly, so nothing else changes.
//!
//! A chunk that cannot be fetched (the device went offline before the service worker kept it)
//! must not stop the app: a failed load panics in leptos's own `#[lazy]`, and a panic aborts
//! the whole wasm module. So the views are split with `wasm_split` directly, as `fallible`:
//! the failure comes back as an error and the route shows [`NotFetched`], a page that says so
//! and tries again when the network is back (the failure is not cached: the next call
//! fetches afresh).

use std::future::Future;

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::components::page_title;
use crate::i18n::{Msg, use_i18n};

/// A page's code could not be fetched.
#[derive(Debug, Clone, Copy)]
pub struct ChunkMissing;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkMissing
    }
}

/// In place of a page whose code is not on the device and could not be fetched: says so, and
/// loads the page again once the network is back (or when asked).
#[component]
pub fn NotFetched() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::NotFetchedTitle);
    let again = || {
        let _ = window().location().reload();
    };
    let online = window_event_listener(leptos::ev::online, move |_| again());
    on_cleanup(move || online.remove());
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::NotFetchedTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::NotFetchedBody)}</p>
            <button type="button" class="button primary" on:click=move |_| again()>
                {move || i18n.t(Msg::TryAgain)}
            </button>
        </section>
    }
}

/// `area: route => view_fn => page;`: a unit struct `route` implementing [`LazyRoute`] whose
/// view is `page`, rendered by `view_fn`. With the `split` feature the views of one `area` go
/// to one chunk, loaded when the first of them opens (code two areas share goes to a chunk
/// both load). The function's name is given, not derived: the split tool names the exports
/// after it, so each must be unique in the crate.
macro_rules! on_demand {
    ($($(#[$doc:meta])* $area:ident: $route:ident => $view:ident => $page:expr;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $route;

        // With `wasm_split` the call goes through an import the split tool links to the
        // chunk's export (the macro writes that FFI; our code stays free of `unsafe`).
        #[cfg_attr(
            feature = "split",
            leptos::wasm_split::wasm_split($area, wasm_split_path = ::leptos::wasm_split, fallible)
        )]
        fn $view() -> Result<AnyView, ChunkMissing> {
            Ok($page.into_any())
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            #[cfg(feature = "split")]
            fn view(_this: Self) -> impl Future<Output = AnyView> {
                async { $view().await.unwrap_or_else(|ChunkMissing| view! { <NotFetched/> }.into_any()) }
            }

            #[cfg(not(feature = "split"))]
            fn view(_this: Self) -> impl Future<Output = AnyView> {
                std::future::ready($view().unwrap_or_else(|ChunkMissing| view! { <NotFetched/> }.into_any()))
            }
        }
    )*};
}

on_demand! {
    /// Koordinering: the organisation's tasks.
    coordinate: Coordination => coordination_view => view! { <crate::pages::coordinate::CoordinationPage/> };
    /// The task form (`/opgaver/ny`, `/opgaver/:id/rediger`).
    coordinate: TaskEditor => task_editor_view => view! { <crate::pages::coordinate::TaskEditor/> };
    /// Mit CV.
    cv: MyCv => my_cv_view => view! { <crate::pages::cv::MyCvPage/> };
    /// CV-banken.
    cvbank: CvBank => cv_bank_view => view! { <crate::pages::cvbank::CvBankPage/> };
    /// Organisationer.
    organisations: Organisations => organisations_view => view! { <crate::pages::organisations::OrganisationsPage/> };
    /// One organisation's page.
    organisations: Organisation => organisation_view => view! { <crate::pages::organisations::OrganisationPage/> };
    /// Møder.
    meetings: Meetings => meetings_view => view! { <crate::pages::meetings::MeetingsPage/> };
    /// A new meeting.
    meetings: NewMeeting => new_meeting_view => view! { <crate::pages::meetings::NewMeetingPage/> };
    /// One meeting.
    meetings: Meeting => meeting_view => view! { <crate::pages::meetings::MeetingPage/> };
    /// A meeting's form.
    meetings: EditMeeting => edit_meeting_view => view! { <crate::pages::meetings::EditMeetingPage/> };
    /// Grupper.
    meetings: Groups => groups_view => view! { <crate::pages::meetings::GroupsPage/> };
    /// One group.
    meetings: Group => group_view => view! { <crate::pages::meetings::GroupPage/> };
    /// Min konto (with staff erasure).
    account: Account => account_view => view! { <crate::pages::account::AccountPage/> };
    /// Beskeder (the envelope in the header stays in the main wasm).
    inbox: Inbox => inbox_view => view! { <crate::pages::inbox::InboxPage/> };
    /// Logging in or creating an account (a visitor's; also in place of any page that needs an
    /// account, see [`LoginInPlace`]).
    login: Login => login_view => view! { <crate::pages::account::LoginPage/> };
    /// Creating an invited account.
    login: Invitation => invitation_view => view! { <crate::pages::account::InvitationRoute/> };
    /// "Glemt adgangskode".
    account: ForgotPassword => forgot_password_view => view! { <crate::pages::password_reset::ForgotPasswordPage/> };
    /// A new password from a reset link.
    account: ResetPassword => reset_password_view => view! { <crate::pages::password_reset::ResetPasswordPage/> };
    /// A reset link opened while signed in.
    account: ResetWhileSignedIn => reset_while_signed_in_view => view! { <crate::pages::password_reset::ResetWhileSignedIn/> };
    /// Privatlivspolitik.
    legal: Privacy => privacy_view => view! { <crate::pages::privacy::PrivacyPage/> };
    /// Tilgængelighedserklæring.
    legal: Accessibility => accessibility_view => view! { <crate::pages::privacy::AccessibilityPage/> };
    /// After deleting one's account.
    legal: AccountDeleted => account_deleted_view => view! { <crate::pages::privacy::AccountDeletedPage/> };
}

/// The login form, for `/log-ind` and in place of a page a visitor cannot open (the routes'
/// fallback). Until its chunk is here the page shows what the first paint showed (its
/// heading, introduction and a loading line, `public/index.html`): without it, the painted
/// heading went when the app started and the page stayed empty until the form came (0.9 s on
/// a throttled mobile line). Its heading is marked as a placeholder, so focus after a
/// navigation waits for the form's own (see `app::focus_new_page`).
#[component]
pub fn LoginInPlace() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::LogIn);
    // Not a `Suspense` (3 KB more of the main wasm): the placeholder goes when the form's
    // view is ready, in the same update that shows it.
    let arrived = RwSignal::new(false);
    let form = async move {
        let view = <Login as LazyRoute>::view(Login).await;
        arrived.set(true);
        view
    };
    view! {
        {move || (!arrived.get()).then(|| view! {
            <section class="page" aria-labelledby="page-title">
                <h1 id="page-title" data-placeholder="">{move || i18n.t(Msg::LogIn)}</h1>
                <p class="lead">{move || i18n.t(Msg::LoginIntro)}</p>
                <p class="muted" role="status">{move || i18n.t(Msg::Loading)}</p>
            </section>
        })}
        {Suspend::new(form)}
    }
}
