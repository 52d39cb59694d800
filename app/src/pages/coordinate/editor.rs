//! The task form: `/opgaver/ny` creates, `/opgaver/:id/rediger` edits. The model's rules are
//! checked on a scratch task before saving, so every problem shows at once beside its field;
//! an edit is laid onto the task as it is now, keeping sign-ups that arrived meanwhile.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use samskab_model::task::{Contact, TaskKind, TaskStatus};
use samskab_model::{
    Area, DocumentId, OrganisationId, ShiftForm, ShiftId, Task, TaskError, TaskForm,
};
use wasm_bindgen::JsCast;

use super::org_tasks::chosen_org;
use crate::components::page_title;
use crate::i18n::{self, Msg, use_i18n};
use crate::organisations::use_directory;
use crate::session::use_session;
use crate::settings;
use crate::sync_client::{ChangeError, SyncClient, use_sync};
use crate::time;

/// One shift row of the form, as typed.
#[derive(Clone, Copy)]
struct ShiftRow {
    key: u32,
    id: StoredValue<Option<ShiftId>>,
    date: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    capacity: RwSignal<String>,
}

impl ShiftRow {
    fn new(key: u32, shift: Option<&ShiftForm>) -> Self {
        ShiftRow {
            key,
            id: StoredValue::new(shift.and_then(|s| s.id.clone())),
            date: RwSignal::new(shift.map(|s| time::date_input(s.start)).unwrap_or_default()),
            from: RwSignal::new(shift.map(|s| time::time_input(s.start)).unwrap_or_default()),
            to: RwSignal::new(shift.map(|s| time::time_input(s.end)).unwrap_or_default()),
            capacity: RwSignal::new(shift.map_or_else(|| "1".into(), |s| s.capacity.to_string())),
        }
    }

    /// The id of the row's first input that is empty or does not parse, for its message.
    fn first_empty(&self) -> String {
        let date = self.date.get_untracked();
        let part = if date.is_empty() {
            "date"
        } else if time::to_millis(&date, &self.from.get_untracked()).is_none() {
            "from"
        } else if time::to_millis(&date, &self.to.get_untracked()).is_none() {
            "to"
        } else {
            "capacity"
        };
        format!("shift-{}-{part}", self.key)
    }

    /// The row as a shift of the form; `None` when a field is missing or does not parse.
    fn read(&self) -> Option<ShiftForm> {
        let date = self.date.get_untracked();
        let start = time::to_millis(&date, &self.from.get_untracked())?;
        let end = time::to_millis(&date, &self.to.get_untracked())?;
        let capacity = self.capacity.get_untracked().trim().parse().ok()?;
        Some(ShiftForm {
            id: self.id.get_value(),
            start,
            end,
            capacity,
        })
    }
}

fn fresh_shift_id() -> ShiftId {
    let random: String = DocumentId::random()
        .to_string()
        .to_ascii_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(10)
        .collect();
    format!("vagt-{random}")
        .parse()
        .unwrap_or_else(|_| fallback_shift_id())
}

fn fallback_shift_id() -> ShiftId {
    #[allow(clippy::expect_used)]
    "vagt".parse().expect("a valid literal id")
}

/// The task form: `/opgaver/ny` creates, `/opgaver/:id/rediger` edits. It starts from the
/// stored task, so it waits until the device's storage has been read.
#[component]
pub fn TaskEditor() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    move || {
        if sync.view.loaded.get() {
            view! { <TaskEditorForm/> }.into_any()
        } else {
            view! { <section class="page"><p>{move || i18n.t(Msg::Loading)}</p></section> }
                .into_any()
        }
    }
}

/// A problem with the form, and the id of the field it is about (none for the form as a whole).
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    field: Option<String>,
    text: String,
}

/// The field of the form a model problem is about; `rows` maps shift ids to their row keys.
fn field_of(problem: &TaskError, rows: &[(ShiftId, u32)]) -> Option<String> {
    let row = |id: &ShiftId, part: &str| {
        rows.iter()
            .find(|(s, _)| s == id)
            .map(|(_, key)| format!("shift-{key}-{part}"))
    };
    match problem {
        TaskError::TitleEmpty => Some("task-title".into()),
        TaskError::TooLong { field, .. } => Some(
            match *field {
                "title" => "task-title",
                "description" => "task-description",
                "place" => "task-place",
                "town" => "task-town",
                "skill" => "task-skills",
                _ => "task-contact-name",
            }
            .into(),
        ),
        TaskError::TooManySkills(_) => Some("task-skills".into()),
        TaskError::EndNotAfterStart(id) => row(id, "to"),
        TaskError::ShiftStarted(id) => row(id, "date"),
        TaskError::NoCapacity(id) | TaskError::CapacityTooLarge { shift: id, .. } => {
            row(id, "capacity")
        }
        _ => None,
    }
}

/// `aria-invalid` and `aria-describedby` of a field, and its message beside it.
fn invalid(problems: RwSignal<Vec<Problem>>, field: &str) -> Option<String> {
    problems.with(|p| {
        p.iter()
            .find(|p| p.field.as_deref() == Some(field))
            .map(|p| p.text.clone())
    })
}

/// The message beside a field, `id`-error, when the field has a problem.
#[component]
fn FieldError(#[prop(into)] field: String, problems: RwSignal<Vec<Problem>>) -> impl IntoView {
    let id = format!("{field}-error");
    move || {
        invalid(problems, &field)
            .map(|text| view! { <p class="field-error" id=id.clone()>{text}</p> })
    }
}

/// Moves focus to the first field marked invalid (in page order), else to the summary, once
/// the marks are on the page.
fn focus_first_problem() {
    leptos::prelude::request_animation_frame(|| {
        let target = document()
            .query_selector(".task-form [aria-invalid=\"true\"]")
            .ok()
            .flatten()
            .or_else(|| document().get_element_by_id("form-problems"));
        if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    });
}

#[component]
fn TaskEditorForm() -> impl IntoView {
    let towns = crate::towns::use_towns();
    let i18n = use_i18n();
    let sync = use_sync();
    let session = use_session();
    let directory = use_directory();
    let params = use_params_map();
    let editing: Option<DocumentId> = params
        .read_untracked()
        .get("id")
        .and_then(|s| s.parse().ok());
    page_title(if editing.is_some() {
        Msg::EditTask
    } else {
        Msg::NewTask
    });
    let user = session.user();
    let existing = editing.and_then(|id| sync.document::<TaskKind>(&id));
    let form = existing.as_ref().map(TaskForm::of);
    // Whom the task is for: fixed for an existing task; for a new one the only organisation
    // the user runs, or the one chosen in the form (starting from the Koordinering page's).
    let fixed_org = existing.as_ref().map(|t| t.organisation.clone());
    let choices = Memo::new(move |_| {
        user.as_ref()
            .map(|u| directory.coordinated_by(u))
            .unwrap_or_default()
    });
    let picked = RwSignal::new(settings::coordinated_org());
    let editing_existing = fixed_org.is_some();
    let org = Memo::new(move |_| {
        fixed_org
            .clone()
            .or_else(|| chosen_org(&choices.get(), picked.get()))
    });
    let several = move || !editing_existing && choices.with(|c| c.len() > 1);

    let title = RwSignal::new(form.as_ref().map(|f| f.title.clone()).unwrap_or_default());
    let description = RwSignal::new(
        form.as_ref()
            .map(|f| f.description.clone())
            .unwrap_or_default(),
    );
    let area = RwSignal::new(form.as_ref().map_or(Area::Other, |f| f.area));
    let town = RwSignal::new(form.as_ref().map_or_else(
        || towns.names().into_iter().next().unwrap_or_default(),
        |f| f.town.clone(),
    ));
    // A new task's town is the largest town, once the device knows the towns.
    Effect::new(move |_| {
        if town.get_untracked().is_empty()
            && let Some(first) = towns.names().into_iter().next()
        {
            town.set(first);
        }
    });
    let place = RwSignal::new(form.as_ref().map(|f| f.place.clone()).unwrap_or_default());
    let skills = RwSignal::new(form.as_ref().map(|f| f.skills.clone()).unwrap_or_default());
    // A new task's contact is the coordinator, until they write someone else.
    let contact = form.as_ref().map_or_else(
        || {
            session
                .user()
                .map(|u| Contact {
                    name: u.name,
                    phone: u.phone,
                    email: u.email,
                })
                .unwrap_or_default()
        },
        |f| f.contact.clone(),
    );
    let contact_name = RwSignal::new(contact.name);
    let contact_phone = RwSignal::new(contact.phone);
    let contact_email = RwSignal::new(contact.email);
    let next_key = StoredValue::new(0u32);
    let new_row = move |shift: Option<&ShiftForm>| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        ShiftRow::new(key, shift)
    };
    let initial: Vec<ShiftRow> = match &form {
        Some(f) if !f.shifts.is_empty() => f.shifts.iter().map(|s| new_row(Some(s))).collect(),
        _ => vec![new_row(None)],
    };
    let rows = RwSignal::new(initial);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let busy = RwSignal::new(false);
    let navigate = use_navigate();

    let save = move |publish: bool| {
        let lang = i18n.lang();
        let mut found = Vec::new();
        let mut shifts = Vec::new();
        let mut keys = Vec::new();
        for row in rows.get_untracked() {
            // Every row gets its shift id now, so that a problem the model finds with a shift
            // can be shown beside that row.
            let id = row.id.get_value().unwrap_or_else(|| {
                let id = fresh_shift_id();
                row.id.set_value(Some(id.clone()));
                id
            });
            keys.push((id, row.key));
            match row.read() {
                Some(shift) => shifts.push(shift),
                None => found.push(Problem {
                    field: Some(row.first_empty()),
                    text: Msg::ShiftIncomplete.text(lang).into(),
                }),
            }
        }
        let org = org.get_untracked();
        if org.is_none() {
            found.push(Problem {
                field: Some("task-org".into()),
                text: Msg::ChooseOrgProblem.text(lang).into(),
            });
        }
        let form = TaskForm {
            title: title.get_untracked(),
            description: description.get_untracked(),
            area: area.get_untracked(),
            town: town.get_untracked(),
            place: place.get_untracked(),
            skills: skills.get_untracked(),
            contact: Contact {
                name: contact_name.get_untracked(),
                phone: contact_phone.get_untracked(),
                email: contact_email.get_untracked(),
            },
            shifts,
        };
        let now = time::now();
        // The model's rules, checked on a scratch task, so that every problem shows at once.
        let mut scratch = existing_or_draft(sync, editing, org.clone(), &form, now);
        let model = scratch
            .apply_form(&form, now, fresh_shift_id)
            .and_then(|()| {
                // Publishing's own rule (no shift that has started) once the form itself is fine.
                match scratch.publish_problems(now) {
                    p if publish && !p.is_empty() => Err(p),
                    _ => Ok(()),
                }
            });
        if let Err(model) = model {
            // With a row unreadable, "needs a shift" would only repeat its message.
            let rows_ok = found.iter().all(|p| p.field.as_deref() == Some("task-org"));
            found.extend(
                model
                    .iter()
                    .filter(|p| rows_ok || !matches!(p, TaskError::PublishedWithoutShifts))
                    .map(|p| Problem {
                        field: field_of(p, &keys),
                        text: p.describe(lang),
                    }),
            );
        }
        if !found.is_empty() {
            problems.set(found);
            focus_first_problem();
            return;
        }
        let Some(org) = org else { return };
        if !crate::components::begin(busy) {
            return;
        }
        problems.set(Vec::new());
        let navigate = navigate.clone();
        spawn_local(async move {
            let now = time::now();
            let result = match editing {
                Some(id) => sync
                    .update::<TaskKind>(id, |task| {
                        task.apply_form(&form, now, fresh_shift_id)?;
                        if publish {
                            task.publish(now)?;
                        }
                        Ok(())
                    })
                    .await
                    .map(|()| id),
                None => {
                    let mut task = Task::draft(org, &form.title, form.area, now);
                    let ready = task
                        .apply_form(&form, now, fresh_shift_id)
                        .and_then(|()| if publish { task.publish(now) } else { Ok(()) });
                    match ready {
                        Ok(()) => sync.create::<TaskKind>(task).await,
                        Err(p) => Err(ChangeError::Invalid(p)),
                    }
                }
            };
            busy.set(false);
            match result {
                Ok(id) => navigate(&format!("/opgaver/{id}"), Default::default()),
                Err(ChangeError::Invalid(model)) => {
                    problems.set(
                        model
                            .iter()
                            .map(|p| Problem {
                                field: field_of(p, &keys),
                                text: p.describe(lang),
                            })
                            .collect(),
                    );
                    focus_first_problem();
                }
                Err(e) => {
                    problems.set(
                        e.sentences(lang)
                            .into_iter()
                            .map(|text| Problem { field: None, text })
                            .collect(),
                    );
                    focus_first_problem();
                }
            }
        });
    };
    let is_draft = existing
        .as_ref()
        .is_none_or(|t| t.status == TaskStatus::Draft);
    let back = editing.map_or_else(|| "/koordinering".to_owned(), |id| format!("/opgaver/{id}"));
    // Both the form's submit and the publish button save.
    let save = std::rc::Rc::new(save);
    let submit = {
        let save = save.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            save(false);
        }
    };
    // The attributes that tie a field to its message.
    let bad = move |field: &'static str| move || invalid(problems, field).map(|_| "true");
    let described = move |field: &'static str| {
        move || invalid(problems, field).map(|_| format!("{field}-error"))
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <p><A href=back.clone() attr:class="standalone">"← " {move || i18n.t(Msg::Discard)}</A></p>
            <h1 id="page-title">{move || i18n.t(if editing.is_some() { Msg::EditTask } else { Msg::NewTask })}</h1>
            {move || {
                let p = problems.get();
                // Announced as an alert only when no field takes the focus to tell it.
                let general = p.iter().all(|p| p.field.is_none());
                (!p.is_empty()).then(|| view! {
                    <div class="error" id="form-problems" tabindex="-1" data-testid="form-problems"
                        role=general.then_some("alert")>
                        <p>{i18n.t(Msg::FormHasProblems)}</p>
                        <ul>{p.into_iter().map(|p| view! { <li>{p.text}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            <form class="task-form" novalidate on:submit=submit>
                <div class="field field-wide" data-testid="task-org">
                    {move || if several() {
                        view! {
                            <label for="task-org">{move || i18n.t(Msg::FieldOrganisation)}</label>
                            <select id="task-org" aria-invalid=bad("task-org") aria-describedby=described("task-org")
                                on:change=move |ev| {
                                    let chosen = event_target_value(&ev).parse::<OrganisationId>().ok();
                                    settings::set_coordinated_org(chosen.as_ref());
                                    picked.set(chosen);
                                }>
                                <option value="">{move || i18n.t(Msg::ChooseOrg)}</option>
                                {choices.get().into_iter().map(|o| {
                                    let selected = org.get_untracked().as_ref() == Some(&o.id);
                                    view! { <option value=o.id.to_string() selected=selected>{o.name}</option> }
                                }).collect_view()}
                            </select>
                            <FieldError field="task-org" problems/>
                        }.into_any()
                    } else {
                        match org.get() {
                            Some(o) => view! {
                                <p class="field-static">
                                    <span class="field-static-label">{move || i18n.t(Msg::FieldOrganisation)}</span>
                                    " "<strong>{directory.name(&o)}</strong>
                                </p>
                            }.into_any(),
                            None => view! {
                                <p class="field-static" id="task-org" tabindex="-1" aria-invalid=bad("task-org") aria-describedby=described("task-org")>
                                    {move || i18n.t(Msg::NoOrganisationsYet)}
                                </p>
                                <FieldError field="task-org" problems/>
                            }.into_any(),
                        }
                    }}
                </div>
                <div class="field field-wide">
                    <label for="task-title">{move || i18n.t(Msg::FieldTitle)}</label>
                    <input id="task-title" type="text" required maxlength="120" bind:value=title
                        aria-invalid=bad("task-title") aria-describedby=described("task-title")/>
                    <FieldError field="task-title" problems/>
                </div>
                <div class="field field-wide">
                    <label for="task-description">{move || i18n.t(Msg::FieldDescription)}</label>
                    <textarea id="task-description" rows="5" maxlength="5000"
                        aria-invalid=bad("task-description") aria-describedby=described("task-description")
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    <FieldError field="task-description" problems/>
                </div>
                <div class="field">
                    <label for="task-area">{move || i18n.t(Msg::FilterArea)}</label>
                    <select id="task-area" prop:value=move || area.get().as_str()
                        on:change=move |ev| if let Ok(a) = event_target_value(&ev).parse() { area.set(a) }>
                        {Area::ALL.iter().map(|a| view! {
                            <option value=a.as_str()>{move || a.label(i18n.lang())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="task-town">{move || i18n.t(Msg::FilterTown)}</label>
                    <select id="task-town" prop:value=move || town.get()
                        aria-invalid=bad("task-town") aria-describedby=described("task-town")
                        on:change=move |ev| town.set(event_target_value(&ev))>
                        <crate::components::TownOptions chosen=town/>
                    </select>
                    <FieldError field="task-town" problems/>
                </div>
                <div class="field field-wide">
                    <label for="task-place">{move || i18n.t(Msg::Place)}</label>
                    <input id="task-place" type="text" maxlength="200" bind:value=place
                        aria-invalid=bad("task-place") aria-describedby=described("task-place")/>
                    <FieldError field="task-place" problems/>
                </div>
                <div class="field field-wide">
                    <label for="task-skills">{move || i18n.t(Msg::FieldSkills)}</label>
                    <input id="task-skills" type="text" bind:value=skills
                        aria-invalid=bad("task-skills") aria-describedby=described("task-skills")/>
                    <FieldError field="task-skills" problems/>
                </div>
                <p class="muted field-wide">{move || i18n.t(Msg::ContactIsPublic)}</p>
                <div class="field">
                    <label for="task-contact-name">{move || i18n.t(Msg::ContactName)}</label>
                    <input id="task-contact-name" type="text" autocomplete="name" bind:value=contact_name
                        aria-invalid=bad("task-contact-name") aria-describedby=described("task-contact-name")/>
                    <FieldError field="task-contact-name" problems/>
                </div>
                <div class="field">
                    <label for="task-contact-phone">{move || i18n.t(Msg::ContactPhone)}</label>
                    <input id="task-contact-phone" type="tel" autocomplete="tel" bind:value=contact_phone/>
                </div>
                <div class="field">
                    <label for="task-contact-email">{move || i18n.t(Msg::ContactEmail)}</label>
                    <input id="task-contact-email" type="email" autocomplete="email" bind:value=contact_email/>
                </div>

                <h2 class="field-wide">{move || i18n.t(Msg::Shifts)}</h2>
                <For each=move || rows.get().into_iter().enumerate() key=|(i, r)| (*i, r.key) let:((index, row))>
                    <fieldset class="shift-row field-wide" data-testid="shift-row">
                        <legend>{move || i18n::shift_label(index + 1, i18n.lang())}</legend>
                        <ShiftInput row part="date" kind="date" label=Msg::ShiftDate value=row.date problems/>
                        <ShiftInput row part="from" kind="time" label=Msg::ShiftFrom value=row.from problems/>
                        <ShiftInput row part="to" kind="time" label=Msg::ShiftTo value=row.to problems/>
                        <ShiftInput row part="capacity" kind="number" label=Msg::ShiftCapacity value=row.capacity problems/>
                        <button type="button" class="button secondary"
                            on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>
                            {move || i18n.t(Msg::RemoveShift)}
                        </button>
                    </fieldset>
                </For>
                <p class="field-wide">
                    <button type="button" class="button secondary"
                        on:click=move |_| rows.update(|r| r.push(new_row(None)))>
                        {move || i18n.t(Msg::AddShift)}
                    </button>
                </p>

                <p class="form-actions field-wide">
                    {if is_draft {
                        view! {
                            <button type="submit" class="button secondary" aria-disabled=move || busy.get().to_string()>
                                {move || i18n.t(Msg::SaveDraft)}
                            </button>
                            <button type="button" class="button primary" aria-disabled=move || busy.get().to_string()
                                on:click={
                                    let save = save.clone();
                                    move |_| save(true)
                                }>
                                {move || i18n.t(Msg::SaveAndPublish)}
                            </button>
                        }.into_any()
                    } else {
                        view! {
                            <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                                {move || i18n.t(Msg::SaveChanges)}
                            </button>
                        }.into_any()
                    }}
                </p>
            </form>
        </section>
    }
}

/// One input of a shift row, with its message beside it.
#[component]
fn ShiftInput(
    row: ShiftRow,
    part: &'static str,
    kind: &'static str,
    label: Msg,
    value: RwSignal<String>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("shift-{}-{part}", row.key);
    let error_id = format!("{id}-error");
    let bad = {
        let id = id.clone();
        move || invalid(problems, &id).map(|_| "true")
    };
    let described = {
        let id = id.clone();
        move || invalid(problems, &id).map(|_| error_id.clone())
    };
    let number = kind == "number";
    view! {
        <div class="field">
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input id=id.clone() type=kind bind:value=value
                min=number.then_some("1") max=number.then_some("1000")
                inputmode=number.then_some("numeric")
                aria-invalid=bad aria-describedby=described/>
            <FieldError field=id problems/>
        </div>
    }
}

/// The task the form is checked against before saving: the stored one when editing, else a
/// new draft for `org` (a placeholder organisation when none is chosen yet: only the form's
/// own fields are judged here).
fn existing_or_draft(
    sync: SyncClient,
    editing: Option<DocumentId>,
    org: Option<OrganisationId>,
    form: &TaskForm,
    now: i64,
) -> Task {
    editing
        .and_then(|id| sync.document::<TaskKind>(&id))
        .unwrap_or_else(|| {
            let org = org.unwrap_or_else(placeholder_org);
            Task::draft(org, &form.title, form.area, now)
        })
}

fn placeholder_org() -> OrganisationId {
    #[allow(clippy::expect_used)]
    "organisation".parse().expect("a valid literal id")
}
