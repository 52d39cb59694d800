//! The coordinator's panel on a task's page: publishing, finishing or cancelling the task, and
//! each shift's roster with names and phones, confirm, decline and undoing a decision.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use samskab_model::task::{Decision, DecisionEntry, TaskKind, TaskStatus};
use samskab_model::{DocumentId, PersonId, Roster, ShiftId, Task};

use crate::components::{PlaceBadge, focus_soon};
use crate::i18n::{self, Msg, use_i18n};
use crate::sync_client::use_sync;
use crate::time;

/// On a task's page, for the organisation's coordinator: status actions and sign-ups.
#[component]
pub fn CoordinatorPanel(
    id: DocumentId,
    task: Task,
    /// The signed-in coordinator, who signs the decisions.
    me: PersonId,
    /// The page's status line (outside what re-renders): what an action did is said there.
    notice: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let error = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let set_status = move |status: TaskStatus| {
        if status == TaskStatus::Cancelled
            && !window()
                .confirm_with_message(i18n.t(Msg::ConfirmCancelTask))
                .unwrap_or(false)
        {
            return;
        }
        if !crate::components::begin(busy) {
            return;
        }
        spawn_local(async move {
            let now = time::now();
            let result = sync
                .update::<TaskKind>(id, |t| {
                    if status == TaskStatus::Published {
                        // Not with a shift that has started: that one could not be signed up for.
                        return t.publish(now);
                    }
                    t.status = status;
                    t.updated_at = now;
                    let problems = t.problems();
                    if problems.is_empty() {
                        Ok(())
                    } else {
                        Err(problems)
                    }
                })
                .await;
            busy.set(false);
            // The button pressed is gone with the old status: focus goes to the status now
            // shown, and the status line says what happened.
            if result.is_ok() {
                notice.set(i18n::status_changed(status, i18n.lang()));
                focus_soon("task-status".into());
            }
            error.set(
                result
                    .err()
                    .map(|e| e.sentences(i18n.lang()))
                    .unwrap_or_default(),
            );
        });
    };
    let status = task.status;
    // Places are decided while the task runs; a finished or cancelled one keeps its roster
    // as it was.
    let deciding = matches!(status, TaskStatus::Draft | TaskStatus::Published);
    let contacts = crate::roster_contacts::of(id);
    let mut shifts: Vec<(ShiftId, samskab_model::task::Shift)> = task.shifts.into_iter().collect();
    shifts.sort_by_key(|(_, s)| s.start);

    view! {
        <section class="coordinator" aria-labelledby="coordinator-title" data-testid="coordinator">
            <h2 id="coordinator-title">{move || i18n.t(Msg::Coordinator)}</h2>
            <p>
                <span class="badge" id="task-status" tabindex="-1" data-testid="task-status">{move || i18n::status_label(status, i18n.lang())}</span>
            </p>
            {move || {
                let e = error.get();
                (!e.is_empty()).then(|| view! {
                    <div class="error" role="alert"><ul>{e.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul></div>
                })
            }}
            <p class="form-actions">
                <A href=format!("/opgaver/{id}/rediger") attr:class="button secondary">{move || i18n.t(Msg::EditTask)}</A>
                {(status == TaskStatus::Draft).then(|| view! {
                    <button type="button" class="button primary" aria-disabled=move || busy.get().to_string()
                        on:click=move |_| set_status(TaskStatus::Published)>{move || i18n.t(Msg::Publish)}</button>
                })}
                {(status == TaskStatus::Published).then(|| view! {
                    <button type="button" class="button secondary" aria-disabled=move || busy.get().to_string()
                        on:click=move |_| set_status(TaskStatus::Finished)>{move || i18n.t(Msg::FinishTask)}</button>
                    <button type="button" class="button danger" aria-disabled=move || busy.get().to_string()
                        on:click=move |_| set_status(TaskStatus::Cancelled)>{move || i18n.t(Msg::CancelTask)}</button>
                })}
            </p>
            <h3>{move || i18n.t(Msg::SignupsHeading)}</h3>
            <p class="muted">{move || i18n.t(Msg::SignupsHint)}</p>
            {shifts.into_iter().enumerate().map(|(n, (sid, shift))| {
                let roster = Roster::of(&shift);
                let start = shift.start;
                let capacity = shift.capacity;
                let rows: Vec<(PersonId, samskab_model::Place, Option<Decision>)> = roster
                    .confirmed
                    .iter()
                    .chain(&roster.waitlist)
                    .chain(&roster.declined)
                    .map(|p| (p.clone(), roster.place_of(&shift, p), shift.decisions.get(p).map(|d| d.decision)))
                    .collect();
                let taken = roster.confirmed.len();
                view! {
                    <section class="shift" data-testid="manage-shift" aria-label=move || i18n::shift_label(n + 1, i18n.lang())>
                        <p class="shift-time">{move || i18n::shift_label(n + 1, i18n.lang())} " · " {move || i18n::when(start, i18n.lang())}</p>
                        <p>{move || i18n::places_taken(taken, capacity, i18n.lang())}</p>
                        {if rows.is_empty() {
                            view! { <p class="muted">{move || i18n.t(Msg::NoSignups)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="roster">
                                    {rows.into_iter().map(|(person, place, decision)| {
                                        view! { <RosterRow id shift=sid.clone() person me=me.clone() place decision contacts error notice deciding/> }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }
            }).collect_view()}
        </section>
    }
}

#[component]
fn RosterRow(
    id: DocumentId,
    shift: ShiftId,
    person: PersonId,
    /// The signed-in coordinator.
    me: PersonId,
    place: samskab_model::Place,
    decision: Option<Decision>,
    /// Names and phones of those signed up, as the relay gives them to this coordinator.
    contacts: ReadSignal<samskab_model::roster_contact::RosterContacts>,
    error: RwSignal<Vec<String>>,
    notice: RwSignal<String>,
    /// Whether the coordinator may still decide (the task is not over).
    deciding: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let label = person.to_string();
    let who = person.clone();
    let contact = move || contacts.with(|c| c.of(&who).cloned());
    let phone = {
        let contact = contact.clone();
        move || contact().map(|c| c.phone).filter(|p| !p.is_empty())
    };
    let name_id = format!("roster-{shift}-{person}");
    // The name the volunteer shared by signing up; else (offline, never fetched) the name on
    // their CV if it is on this device; else a short id.
    let name = {
        let contact = contact.clone();
        move || {
            contact()
                .map(|c| c.name)
                .or_else(|| {
                    label
                        .parse()
                        .ok()
                        .and_then(|p| sync.profile(&p))
                        .map(|p| p.name)
                })
                .unwrap_or_else(|| i18n::volunteer_label(&label, i18n.lang()))
        }
    };
    let focus_after = name_id.clone();
    let decide = {
        let name = name.clone();
        move |decision: Option<Decision>| {
            let (shift, person, me) = (shift.clone(), person.clone(), me.clone());
            let (who, focus_after) = (name(), focus_after.clone());
            spawn_local(async move {
                let at = time::now();
                let result = sync
                    .change::<TaskKind>(id, |t| {
                        if let Some(s) = t.shifts.get_mut(&shift) {
                            match decision {
                                Some(decision) => {
                                    s.decisions.insert(
                                        person,
                                        DecisionEntry {
                                            decision,
                                            by: me,
                                            at,
                                        },
                                    );
                                }
                                None => {
                                    s.decisions.remove(&person);
                                }
                            }
                        }
                    })
                    .await;
                // The row is drawn anew with other buttons: focus goes to the person's name in
                // it, and the status line says what was decided.
                if result.is_ok() {
                    notice.set(i18n::decision_made(&who, decision, i18n.lang()));
                    focus_soon(focus_after);
                }
                error.set(
                    result
                        .err()
                        .map(|e| e.sentences(i18n.lang()))
                        .unwrap_or_default(),
                );
            });
        }
    };
    let decide_confirm = decide.clone();
    let decide_decline = decide.clone();
    // The buttons are described by the row's person's name, not only by what they do: a
    // screen reader's list of buttons otherwise reads "Bekræft" many times.
    let (confirm_by, decline_by, reset_by) = (name_id.clone(), name_id.clone(), name_id.clone());
    view! {
        <li class="roster-row" data-testid="roster-row">
            <span class="roster-name" id=name_id tabindex="-1" data-testid="roster-name">{name}</span>
            {move || phone().map(|p| view! {
                <a class="roster-phone" href=format!("tel:{}", p.replace(' ', ""))
                    aria-label=format!("{} {p}", i18n.t(Msg::Call))>{p.clone()}</a>
            })}
            <PlaceBadge place/>
            <span class="roster-actions" hidden=!deciding>
                {(decision != Some(Decision::Confirmed)).then(|| view! {
                    <button type="button" class="button small secondary" aria-describedby=confirm_by
                        on:click=move |_| decide_confirm(Some(Decision::Confirmed))>{move || i18n.t(Msg::ConfirmPerson)}</button>
                })}
                {(decision != Some(Decision::Declined)).then(|| view! {
                    <button type="button" class="button small secondary" aria-describedby=decline_by
                        on:click=move |_| decide_decline(Some(Decision::Declined))>{move || i18n.t(Msg::DeclinePerson)}</button>
                })}
                {decision.is_some().then(|| view! {
                    <button type="button" class="button small secondary" aria-describedby=reset_by
                        on:click=move |_| decide(None)>{move || i18n.t(Msg::ResetDecision)}</button>
                })}
            </span>
        </li>
    }
}
