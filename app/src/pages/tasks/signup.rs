//! Signing up for a shift, withdrawing (asked first when a place is held, undoable for a few
//! seconds), and answering a coordinator's invitation. Each writes the person's own entry in
//! the task document through the sync client.

use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::task::{InvitationAnswer, Signup, SignupState, TaskKind};
use samskab_model::{DocumentId, PersonId, Place, Roster, ShiftId};

use crate::components::focus_soon;
use crate::i18n::{self, Msg, use_i18n};
use crate::sync_client::{ChangeError, use_sync};
use crate::time;

/// The sign-up state of a task's page that must outlive a re-render of the page (which
/// happens whenever the task document changes): the question before giving up a place, the
/// offer to undo a withdrawal, and the live region's text.
#[derive(Debug, Clone, Copy)]
pub(super) struct SignupUi {
    pub(super) asking: RwSignal<Option<ShiftId>>,
    /// The shift just withdrawn from, the sign-up time it had, and which withdrawal (so that
    /// an older timer does not end a newer offer).
    pub(super) undo: RwSignal<Option<(ShiftId, i64, u64)>>,
    pub(super) notice: RwSignal<String>,
}

/// How long "Fortryd" is offered after a withdrawal.
const UNDO_MS: u32 = 8_000;

/// Tilmeld, "Skriv mig på ventelisten" or Afmeld for one shift; giving up a held place asks
/// first, and a withdrawal can be undone for a few seconds. Focus stays on the shift's button
/// (or moves to the question or "Fortryd" beside it), and the result is announced.
#[component]
pub(super) fn SignupControls(
    id: DocumentId,
    shift: ShiftId,
    /// The signed-in person, whose entry this writes.
    me: PersonId,
    place: Place,
    full: bool,
    /// This person's sign-up time on the shift, if they have an entry.
    at: Option<i64>,
    error: RwSignal<Option<String>>,
    ui: SignupUi,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let busy = RwSignal::new(false);
    let signed_up = matches!(
        place,
        Place::Confirmed | Place::Waitlisted(_) | Place::Declined
    );
    let button_id = format!("signup-{shift}");
    let yes_id = format!("signup-{shift}-yes");
    let undo_id = format!("signup-{shift}-undo");

    // Writes this person's entry on the shift, then announces what it came to.
    let write = {
        let shift = shift.clone();
        move |state: SignupState, at: i64, focus: String| {
            let (shift, me) = (shift.clone(), me.clone());
            if !crate::components::begin(busy) {
                return;
            }
            error.set(None);
            spawn_local(async move {
                let result = sync
                    .change::<TaskKind>(id, |task| {
                        if let Some(s) = task.shifts.get_mut(&shift) {
                            s.signups.insert(me.clone(), Signup { state, at });
                        }
                    })
                    .await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        let lang = i18n.lang();
                        let text = if state == SignupState::Withdrawn {
                            Msg::WithdrawnNotice.text(lang).to_owned()
                        } else {
                            let place = sync
                                .document::<TaskKind>(&id)
                                .and_then(|t| {
                                    t.shifts.get(&shift).map(|s| Roster::of(s).place_of(s, &me))
                                })
                                .unwrap_or(Place::NotSignedUp);
                            i18n::signup_result(place, lang)
                        };
                        ui.notice.set(text);
                    }
                    Err(e) => {
                        let msg = match e {
                            ChangeError::Storage(e) if e.is_quota() => Msg::StorageFull,
                            _ => Msg::StorageFailed,
                        };
                        error.set(Some(i18n.t(msg).to_owned()));
                    }
                }
                focus_soon(focus);
            });
        }
    };

    let withdraw = {
        let (write, shift, button_id, undo_id) = (
            write.clone(),
            shift.clone(),
            button_id.clone(),
            undo_id.clone(),
        );
        move || {
            ui.asking.set(None);
            let token = js_sys::Math::random().to_bits();
            ui.undo.set(at.map(|at| (shift.clone(), at, token)));
            write(SignupState::Withdrawn, time::now(), undo_id.clone());
            let (button_id, undo_id) = (button_id.clone(), undo_id.clone());
            gloo_timers::callback::Timeout::new(UNDO_MS, move || {
                // The page may be gone by now: then there is nothing to end.
                if ui
                    .undo
                    .try_get_untracked()
                    .flatten()
                    .is_some_and(|(_, _, t)| t == token)
                {
                    let had_focus = document()
                        .active_element()
                        .is_some_and(|e| e.id() == undo_id);
                    ui.undo.try_set(None);
                    if had_focus {
                        focus_soon(button_id);
                    }
                }
            })
            .forget();
        }
    };

    let offering_undo = {
        let shift = shift.clone();
        move || {
            ui.undo
                .with(|u| u.as_ref().is_some_and(|(s, _, _)| *s == shift))
        }
    };
    let asking = {
        let shift = shift.clone();
        move || ui.asking.with(|a| a.as_ref() == Some(&shift))
    };

    move || {
        if !signed_up && offering_undo() {
            let write = write.clone();
            let button_id = button_id.clone();
            view! {
                <p class="form-actions">
                    <button type="button" id=undo_id.clone() class="button primary" aria-disabled=move || busy.get().to_string()
                        on:click=move |_| {
                            if busy.get_untracked() {
                                return;
                            }
                            let Some((_, old, _)) = ui.undo.get_untracked() else { return };
                            ui.undo.set(None);
                            // Undo means as if never withdrawn: the old sign-up time keeps the
                            // person's place in the order, when the relay will accept it (a time
                            // since this page's connection opened); else they join at the end.
                            let at = if sync.connected_since().is_some_and(|since| old >= since) {
                                old
                            } else {
                                time::now()
                            };
                            write(SignupState::SignedUp, at, button_id.clone());
                        }>
                        {move || i18n.t(Msg::Undo)}
                    </button>
                </p>
            }
            .into_any()
        } else if signed_up && asking() {
            let withdraw = withdraw.clone();
            let button_id = button_id.clone();
            view! {
                <div class="confirm-step" role="group" aria-labelledby=format!("{yes_id}-question")>
                    <p id=format!("{yes_id}-question")>{move || i18n.t(Msg::ConfirmWithdrawQuestion)}</p>
                    <p class="form-actions">
                        <button type="button" id=yes_id.clone() class="button danger" on:click=move |_| withdraw()>
                            {move || i18n.t(Msg::ConfirmWithdrawYes)}
                        </button>
                        <button type="button" class="button secondary" on:click=move |_| {
                            ui.asking.set(None);
                            focus_soon(button_id.clone());
                        }>
                            {move || i18n.t(Msg::ConfirmWithdrawNo)}
                        </button>
                    </p>
                </div>
            }
            .into_any()
        } else {
            let (write, withdraw, shift, yes_id, button_id) = (
                write.clone(),
                withdraw.clone(),
                shift.clone(),
                yes_id.clone(),
                button_id.clone(),
            );
            let label = if signed_up {
                Msg::Withdraw
            } else if full {
                Msg::SignUpWaitlist
            } else {
                Msg::SignUp
            };
            view! {
                <button type="button" id=button_id.clone() class=if signed_up { "button secondary" } else { "button primary" }
                    aria-disabled=move || busy.get().to_string()
                    on:click=move |_| {
                        if !signed_up {
                            ui.undo.set(None);
                            write(SignupState::SignedUp, time::now(), button_id.clone());
                        } else if place == Place::Confirmed {
                            // A held place is asked about first: one tap must not give it away.
                            ui.asking.set(Some(shift.clone()));
                            focus_soon(yes_id.clone());
                        } else {
                            withdraw();
                        }
                    }>
                    {move || i18n.t(label)}
                </button>
            }
            .into_any()
        }
    }
}

/// An open invitation on the task's page: accept (signs up for the shift) or decline.
#[component]
pub(super) fn InvitationPanel(
    id: DocumentId,
    shift: ShiftId,
    /// The invited (signed-in) person.
    me: PersonId,
    start: i64,
    error: RwSignal<Option<String>>,
    /// The page's status line: what the answer did is said there.
    notice: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let answer = move |accept: bool| {
        let (shift, me) = (shift.clone(), me.clone());
        let row = format!("shift-{shift}");
        spawn_local(async move {
            let at = js_sys::Date::now() as i64;
            let result = sync
                .change::<TaskKind>(id, |task| {
                    if accept && let Some(s) = task.shifts.get_mut(&shift) {
                        s.signups.insert(
                            me.clone(),
                            Signup {
                                state: SignupState::SignedUp,
                                at,
                            },
                        );
                    }
                    if let Some(i) = task.invitations.get_mut(&me) {
                        i.answer = if accept {
                            InvitationAnswer::Accepted
                        } else {
                            InvitationAnswer::Declined
                        };
                    }
                })
                .await;
            if result.is_err() {
                error.set(Some(i18n.t(Msg::StorageFailed).to_owned()));
                return;
            }
            // The panel is gone with the answer: the status line says what it did, and focus
            // goes to the shift it was about (read out with its new state). Not to the shift's
            // own button: after a yes that is "Afmeld", and a second press of Enter would start
            // undoing the answer just given.
            notice.set(
                i18n.t(if accept {
                    Msg::InvitationAccepted
                } else {
                    Msg::InvitationDeclined
                })
                .to_owned(),
            );
            focus_soon(row);
        });
    };
    let accept = answer.clone();
    view! {
        <section class="panel invitation" aria-labelledby="invitation-title" data-testid="invitation">
            <h2 id="invitation-title">{move || i18n.t(Msg::YouAreInvited)}</h2>
            <p>{move || i18n::invited_to(&i18n::when(start, i18n.lang()), i18n.lang())}</p>
            <p class="form-actions">
                <button type="button" class="button primary" on:click=move |_| accept(true)>
                    {move || i18n.t(Msg::AcceptTaskInvitation)}
                </button>
                <button type="button" class="button secondary" on:click=move |_| answer(false)>
                    {move || i18n.t(Msg::DeclineInvitation)}
                </button>
            </p>
        </section>
    }
}
