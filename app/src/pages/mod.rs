//! The app's pages. Each area of the strategy gets its own module (a folder once it has more
//! than one screen) as it is built; until then [`AreaPage`] says what will be there.
//!
//! - [`tasks`]: Opgaver, the task bank as a volunteer (or a visitor) sees it.
//! - [`coordinate`]: Koordinering, the organisation's tasks, the task form and the roster.
//! - [`cv`]: Mit CV, the volunteer's own profile.
//! - [`cvbank`]: CV-banken, searching the profiles staff and coordinators may read.
//! - [`organisations`]: Organisationer, each organisation's own page and its form.
//! - [`meetings`]: Møder and Grupper: meetings from planning to follow-up, and their groups.
//! - [`inbox`]: Beskeder, the person's notices and how they want them.
//! - [`account`], [`password_reset`]: logging in, invitations, Min konto, passwords.
//! - [`on_demand`]: the routes of the pages loaded when first opened (a wasm chunk each).
//!
//! Pages depend on the shared [`crate::components`], never on each other's insides; where one
//! page shows another's panel (a task's page shows the coordinator's panel) the dependency
//! goes one way.

pub mod account;
pub mod coordinate;
pub mod cv;
pub mod cvbank;
pub mod inbox;
pub mod meetings;
pub mod on_demand;
pub mod organisations;
pub mod password_reset;
pub mod privacy;
pub mod tasks;

use leptos::prelude::*;

use crate::components::page_title;
use crate::i18n::{Msg, use_i18n};

/// The areas in the main menu, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Tasks,
    Cv,
    Meetings,
    Ideas,
    Grants,
}

impl Area {
    pub const ALL: [Area; 5] = [
        Area::Tasks,
        Area::Cv,
        Area::Meetings,
        Area::Ideas,
        Area::Grants,
    ];

    /// The area's URL; Danish words, as the addresses users see and share.
    pub fn path(self) -> &'static str {
        match self {
            Area::Tasks => "/opgaver",
            Area::Cv => "/cv",
            Area::Meetings => "/moeder",
            Area::Ideas => "/ideer",
            Area::Grants => "/kaffepulje",
        }
    }

    pub fn title(self) -> Msg {
        match self {
            Area::Tasks => Msg::NavTasks,
            Area::Cv => Msg::NavCv,
            Area::Meetings => Msg::NavMeetings,
            Area::Ideas => Msg::NavIdeas,
            Area::Grants => Msg::NavGrants,
        }
    }

    fn intro(self) -> Msg {
        match self {
            Area::Tasks => Msg::TasksIntro,
            Area::Cv => Msg::CvIntro,
            Area::Meetings => Msg::MeetingsIntro,
            Area::Ideas => Msg::IdeasIntro,
            Area::Grants => Msg::GrantsIntro,
        }
    }

    /// A decorative symbol beside the menu label (hidden from screen readers).
    pub fn icon(self) -> &'static str {
        match self {
            Area::Tasks => "☰",
            Area::Cv => "☺",
            Area::Meetings => "☏",
            Area::Ideas => "✦",
            Area::Grants => "☕",
        }
    }
}

/// The placeholder page of an area that is not built yet.
#[component]
pub fn AreaPage(area: Area) -> impl IntoView {
    let i18n = use_i18n();
    page_title(area.title());
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(area.title())}</h1>
            <p class="lead">{move || i18n.t(area.intro())}</p>
            <p class="badge">{move || i18n.t(Msg::ComingSoon)}</p>
        </section>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    page_title(Msg::NotFoundTitle);
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::NotFoundTitle)}</h1>
            <p class="lead">{move || i18n.t(Msg::NotFoundBody)}</p>
        </section>
    }
}
