//! Mit CV: the volunteer's own profile. Editing works offline (the profile is a document on the
//! device, saved to IndexedDB before the page says so); a preview shows what the staff see;
//! "Hvem har set mit CV" lists the relay's audit log of reads; "Hent mine data" downloads
//! everything Samskab holds about the user.
//!
//! Contact details are stored only when the volunteer shares them: a document travels whole,
//! so a detail hidden from readers must not be in it.
//!
//! - this file: the page and its form.
//! - `reads`: "Hvem har set mit CV", from the relay's audit log.
//!
//! The profile kind's side of the app ([`Editable`] for `ProfileKind`) is here too.

mod reads;

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::Area;
use samskab_model::profile::{
    CertificateStatus, ChildCertificate, Consent, CoordinatorConsent, DayPart, Experience, Period,
    Profile, ProfileKind, SKILLS, Weekday, profile_document_id, skill_label,
};

use crate::components::{CvCard, page_title};
use crate::i18n::{self, Msg, use_i18n};
use crate::session::use_session;
use crate::sync_client::use_sync;
use crate::time;
use reads::ReadLog;

/// Words separated by commas, trimmed, without empties or repeats.
fn words(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    text.split(',')
        .map(|w| w.trim().to_owned())
        .filter(|w| !w.is_empty() && seen.insert(w.to_lowercase()))
        .collect()
}

/// A row of a list the form edits (periods away, experience), with a key for the view.
#[derive(Debug, Clone, Copy)]
struct Row {
    key: u32,
    a: RwSignal<String>,
    b: RwSignal<String>,
    c: RwSignal<String>,
    d: RwSignal<String>,
}

impl Row {
    fn new(key: u32, values: [&str; 4]) -> Self {
        Self {
            key,
            a: RwSignal::new(values[0].to_owned()),
            b: RwSignal::new(values[1].to_owned()),
            c: RwSignal::new(values[2].to_owned()),
            d: RwSignal::new(values[3].to_owned()),
        }
    }
}

#[component]
pub fn MyCvPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    page_title(Msg::NavCv);
    // The form starts from the stored profile, so it waits until storage has been read.
    move || {
        if sync.view.loaded.get() {
            view! { <CvForm/> }.into_any()
        } else {
            view! { <section class="page"><p>{move || i18n.t(Msg::Loading)}</p></section> }
                .into_any()
        }
    }
}

#[component]
fn CvForm() -> impl IntoView {
    let i18n = use_i18n();
    let town_names = crate::towns::use_towns();
    let sync = use_sync();
    let Some(user) = use_session().user() else {
        return view! { <section class="page"><p>{move || i18n.t(Msg::Loading)}</p></section> }
            .into_any();
    };
    let existing = sync.profile(&user.id);
    let base = existing
        .clone()
        .unwrap_or_else(|| Profile::new(user.id.clone(), &user.name, time::now()));

    let name = RwSignal::new(base.name.clone());
    let offer = RwSignal::new(base.offer.clone());
    // A new CV starts from the account's phone, as from its e-mail (given at registration).
    let phone = RwSignal::new(if base.phone.is_empty() {
        user.phone.clone()
    } else {
        base.phone.clone()
    });
    let share_phone = RwSignal::new(!base.phone.is_empty());
    let email = RwSignal::new(if base.email.is_empty() {
        user.email.clone()
    } else {
        base.email.clone()
    });
    let share_email = RwSignal::new(!base.email.is_empty());
    let towns = RwSignal::new(base.towns.iter().cloned().collect::<BTreeSet<String>>());
    let travel = RwSignal::new(base.travel_km.to_string());
    let areas = RwSignal::new(base.areas.iter().copied().collect::<BTreeSet<Area>>());
    let curated: BTreeSet<String> = base
        .skills
        .iter()
        .filter(|s| SKILLS.iter().any(|(id, _, _)| id == s))
        .cloned()
        .collect();
    let free_tags = base
        .skills
        .iter()
        .filter(|s| !SKILLS.iter().any(|(id, _, _)| id == *s))
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let skills = RwSignal::new(curated);
    let tags = RwSignal::new(free_tags);
    let languages = RwSignal::new(base.languages.join(", "));
    let grid = RwSignal::new(base.availability);
    let next_key = StoredValue::new(0u32);
    let new_row = move |values: [&str; 4]| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        Row::new(key, values)
    };
    let away = RwSignal::new(
        base.away
            .iter()
            .map(|p| new_row([&p.from, &p.to, "", ""]))
            .collect::<Vec<_>>(),
    );
    let experience = RwSignal::new(
        base.experience
            .iter()
            .map(|e| new_row([&e.organisation, &e.role, &e.from, &e.to]))
            .collect::<Vec<_>>(),
    );
    let certificate = RwSignal::new(base.child_certificate.status);
    let certificate_until = RwSignal::new(base.child_certificate.valid_until.clone());
    let staff = RwSignal::new(base.consent.staff);
    let coordinators = RwSignal::new(base.consent.coordinators);
    let problems = RwSignal::new(Vec::<String>::new());
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);

    // The profile as the form describes it (untracked reads: called on save and by the preview,
    // which tracks what it needs itself).
    let owner = user.id.clone();
    let read_form = move || {
        let mut profile = sync.profile(&owner).unwrap_or_else(|| base.clone());
        profile.name = name.get().trim().to_owned();
        profile.offer = offer.get().trim().to_owned();
        profile.phone = if share_phone.get() {
            phone.get().trim().to_owned()
        } else {
            String::new()
        };
        profile.email = if share_email.get() {
            email.get().trim().to_owned()
        } else {
            String::new()
        };
        profile.towns = towns.get().into_iter().collect();
        profile.travel_km = travel.get().trim().parse().unwrap_or(0);
        profile.areas = areas.get().into_iter().collect();
        profile.skills = skills.get().into_iter().collect();
        profile.skills.extend(words(&tags.get()));
        profile.languages = words(&languages.get());
        profile.availability = grid.get();
        profile.away = away
            .get()
            .iter()
            .map(|r| Period {
                from: r.a.get(),
                to: r.b.get(),
            })
            .collect();
        profile.experience = experience
            .get()
            .iter()
            .map(|r| Experience {
                organisation: r.a.get().trim().to_owned(),
                role: r.b.get().trim().to_owned(),
                from: r.c.get().trim().to_owned(),
                to: r.d.get().trim().to_owned(),
            })
            .collect();
        profile.child_certificate = ChildCertificate {
            status: certificate.get(),
            valid_until: if certificate.get() == CertificateStatus::Approved {
                certificate_until.get()
            } else {
                String::new()
            },
        };
        profile.consent = Consent {
            staff: staff.get(),
            coordinators: coordinators.get(),
        };
        profile
    };
    let read_form = StoredValue::new(read_form);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang();
        let mut profile = untrack(|| read_form.with_value(|f| f()));
        profile.updated_at = time::now();
        if !crate::components::begin(busy) {
            return;
        }
        saved.set(false);
        problems.set(Vec::new());
        spawn_local(async move {
            // A profile lives at the id derived from its owner.
            let id = profile_document_id(&profile.owner);
            let result = sync.put::<ProfileKind>(id, profile).await;
            busy.set(false);
            match result {
                Ok(()) => saved.set(true),
                Err(e) => {
                    problems.set(e.sentences(lang));
                    // The list is at the top of a long form: taken there, the person sees
                    // why nothing was saved (and a screen reader reads it).
                    crate::components::focus_soon("cv-problems".into());
                }
            }
        });
    };

    let preview = move || {
        sync.view.version.track();
        read_form.with_value(|f| f())
    };

    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(Msg::NavCv)}</h1>
            <p>{move || i18n.t(Msg::CvIntro)}</p>
            {move || {
                let p = problems.get();
                (!p.is_empty()).then(|| view! {
                    <div class="error" role="alert" id="cv-problems" tabindex="-1" data-testid="form-problems">
                        <ul>{p.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            <form class="task-form cv-form" on:submit=submit>
                <fieldset class="field-wide">
                    <legend>{move || i18n.t(Msg::CvAboutYou)}</legend>
                    <div class="field">
                        <label for="cv-name">{move || i18n.t(Msg::CvName)}</label>
                        <input id="cv-name" type="text" required maxlength="100" autocomplete="name" bind:value=name/>
                    </div>
                    <div class="field field-wide">
                        <label for="cv-offer">{move || i18n.t(Msg::CvOffer)}</label>
                        <textarea id="cv-offer" rows="4" maxlength="2000"
                            prop:value=move || offer.get()
                            on:input=move |ev| offer.set(event_target_value(&ev))></textarea>
                    </div>
                </fieldset>

                <fieldset class="field-wide">
                    <legend>{move || i18n.t(Msg::CvContact)}</legend>
                    <p class="hint">{move || i18n.t(Msg::CvContactHint)}</p>
                    <div class="field">
                        <label for="cv-phone">{move || i18n.t(Msg::ContactPhone)}</label>
                        <input id="cv-phone" type="tel" autocomplete="tel" maxlength="120" bind:value=phone/>
                        <label class="check">
                            <input type="checkbox" id="cv-share-phone" bind:checked=share_phone/>
                            {move || i18n.t(Msg::CvSharePhone)}
                        </label>
                    </div>
                    <div class="field">
                        <label for="cv-email">{move || i18n.t(Msg::ContactEmail)}</label>
                        <input id="cv-email" type="email" autocomplete="email" maxlength="120" bind:value=email/>
                        <label class="check">
                            <input type="checkbox" id="cv-share-email" bind:checked=share_email/>
                            {move || i18n.t(Msg::CvShareEmail)}
                        </label>
                    </div>
                </fieldset>

                <fieldset class="field-wide">
                    <legend>{move || i18n.t(Msg::CvWhere)}</legend>
                    <div class="checks">
                        {move || town_names.names().into_iter().map(|town| {
                            let t2 = town.clone();
                            let t3 = town.clone();
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="towns" value=town.clone()
                                        prop:checked=move || towns.get().contains(&t3)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            towns.update(|s| { if on { s.insert(t2.clone()); } else { s.remove(&t2); } });
                                        }/>
                                    {town.clone()}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <div class="field">
                        <label for="cv-travel">{move || i18n.t(Msg::CvTravel)}</label>
                        <input id="cv-travel" type="number" min="0" max="200" inputmode="numeric" bind:value=travel/>
                    </div>
                </fieldset>

                <fieldset class="field-wide">
                    <legend>{move || i18n.t(Msg::CvInterests)}</legend>
                    <div class="checks">
                        {Area::ALL.iter().map(|area| {
                            let area = *area;
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="areas" value=area.as_str()
                                        prop:checked=move || areas.get().contains(&area)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            areas.update(|s| { if on { s.insert(area); } else { s.remove(&area); } });
                                        }/>
                                    {move || area.label(i18n.lang())}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>

                <fieldset class="field-wide">
                    <legend>{move || i18n.t(Msg::CvSkills)}</legend>
                    <div class="checks">
                        {SKILLS.iter().map(|(id, _, _)| {
                            let id = (*id).to_owned();
                            let i2 = id.clone();
                            let i3 = id.clone();
                            let label_id = id.clone();
                            view! {
                                <label class="check">
                                    <input type="checkbox" name="skills" value=id.clone()
                                        prop:checked=move || skills.get().contains(&i3)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            skills.update(|s| { if on { s.insert(i2.clone()); } else { s.remove(&i2); } });
                                        }/>
                                    {move || skill_label(&label_id, i18n.lang()).to_owned()}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <div class="field field-wide">
                        <label for="cv-tags">{move || i18n.t(Msg::CvTags)}</label>
                        <input id="cv-tags" type="text" bind:value=tags/>
                    </div>
                    <div class="field field-wide">
                        <label for="cv-languages">{move || i18n.t(Msg::CvLanguages)}</label>
                        <input id="cv-languages" type="text" bind:value=languages/>
                    </div>
                </fieldset>

                <fieldset class="field-wide">
                    <legend>{move || i18n.t(Msg::CvWhen)}</legend>
                    <table class="grid">
                        <thead>
                            <tr>
                                <td></td>
                                {DayPart::ALL.iter().map(|p| view! { <th scope="col">{move || p.label(i18n.lang())}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {Weekday::ALL.iter().map(|d| {
                                let day = *d;
                                view! {
                                    <tr>
                                        <th scope="row">{move || day.label(i18n.lang())}</th>
                                        {DayPart::ALL.iter().map(|p| {
                                            let part = *p;
                                            view! {
                                                <td><label class="grid-hit">
                                                    <input type="checkbox" class="grid-check"
                                                        data-slot=format!("{day}-{part}")
                                                        aria-label=move || format!("{} {}", day.label(i18n.lang()), part.label(i18n.lang()))
                                                        prop:checked=move || grid.get().contains(day, part)
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            grid.update(|g| g.set(day, part, on));
                                                        }/>
                                                </label></td>
                                            }
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <h3>{move || i18n.t(Msg::CvAway)}</h3>
                    <For each=move || away.get() key=|r| r.key let:row>
                        <div class="shift-row">
                            <div class="field">
                                <label for=format!("away-{}-from", row.key)>{move || i18n.t(Msg::CvFrom)}</label>
                                <input id=format!("away-{}-from", row.key) type="date" bind:value=row.a/>
                            </div>
                            <div class="field">
                                <label for=format!("away-{}-to", row.key)>{move || i18n.t(Msg::CvTo)}</label>
                                <input id=format!("away-{}-to", row.key) type="date" bind:value=row.b/>
                            </div>
                            <button type="button" class="button secondary"
                                on:click=move |_| away.update(|r| r.retain(|x| x.key != row.key))>
                                {move || i18n.t(Msg::Remove)}
                            </button>
                        </div>
                    </For>
                    <p>
                        <button type="button" class="button secondary"
                            on:click=move |_| away.update(|r| r.push(new_row(["", "", "", ""])))>
                            {move || i18n.t(Msg::CvAddAway)}
                        </button>
                    </p>
                </fieldset>

                <fieldset class="field-wide">
                    <legend>{move || i18n.t(Msg::CvExperience)}</legend>
                    <For each=move || experience.get() key=|r| r.key let:row>
                        <div class="shift-row">
                            <div class="field">
                                <label for=format!("exp-{}-org", row.key)>{move || i18n.t(Msg::CvExpOrganisation)}</label>
                                <input id=format!("exp-{}-org", row.key) type="text" bind:value=row.a/>
                            </div>
                            <div class="field">
                                <label for=format!("exp-{}-role", row.key)>{move || i18n.t(Msg::CvExpRole)}</label>
                                <input id=format!("exp-{}-role", row.key) type="text" bind:value=row.b/>
                            </div>
                            <div class="field">
                                <label for=format!("exp-{}-from", row.key)>{move || i18n.t(Msg::CvFromYear)}</label>
                                <input id=format!("exp-{}-from", row.key) type="text" inputmode="numeric" placeholder="2019" bind:value=row.c/>
                            </div>
                            <div class="field">
                                <label for=format!("exp-{}-to", row.key)>{move || i18n.t(Msg::CvToYear)}</label>
                                <input id=format!("exp-{}-to", row.key) type="text" inputmode="numeric" bind:value=row.d/>
                            </div>
                            <button type="button" class="button secondary"
                                on:click=move |_| experience.update(|r| r.retain(|x| x.key != row.key))>
                                {move || i18n.t(Msg::Remove)}
                            </button>
                        </div>
                    </For>
                    <p>
                        <button type="button" class="button secondary"
                            on:click=move |_| experience.update(|r| r.push(new_row(["", "", "", ""])))>
                            {move || i18n.t(Msg::CvAddExperience)}
                        </button>
                    </p>
                </fieldset>

                <fieldset class="field-wide">
                    <legend>{move || i18n.t(Msg::CvCertificate)}</legend>
                    <p class="hint">{move || i18n.t(Msg::CvCertificateHint)}</p>
                    <div class="field">
                        <label for="cv-certificate">{move || i18n.t(Msg::CvCertificateStatus)}</label>
                        <select id="cv-certificate" prop:value=move || certificate.get().as_str()
                            on:change=move |ev| if let Ok(s) = event_target_value(&ev).parse() { certificate.set(s) }>
                            {CertificateStatus::ALL.iter().map(|s| view! {
                                <option value=s.as_str()>{move || i18n::certificate_label(*s, i18n.lang())}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    {move || (certificate.get() == CertificateStatus::Approved).then(|| view! {
                        <div class="field">
                            <label for="cv-certificate-until">{move || i18n.t(Msg::CvValidUntil)}</label>
                            <input id="cv-certificate-until" type="date" bind:value=certificate_until/>
                        </div>
                    })}
                </fieldset>

                <fieldset class="field-wide consent">
                    <legend>{move || i18n.t(Msg::CvWhoMaySee)}</legend>
                    <label class="check">
                        <input type="checkbox" id="cv-consent-staff" bind:checked=staff/>
                        {move || i18n.t(Msg::CvConsentStaff)}
                    </label>
                    <p id="cv-coordinators-label">{move || i18n.t(Msg::CvConsentCoordinators)}</p>
                    <div role="radiogroup" aria-labelledby="cv-coordinators-label">
                        {CoordinatorConsent::ALL.iter().map(|c| {
                            let c = *c;
                            view! {
                                <label class="check">
                                    <input type="radio" name="coordinators" value=c.as_str()
                                        prop:checked=move || coordinators.get() == c
                                        on:change=move |_| coordinators.set(c)/>
                                    {move || i18n::coordinator_consent_label(c, i18n.lang())}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>

                <p class="form-actions field-wide">
                    <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                        {move || i18n.t(Msg::CvSave)}
                    </button>
                    <span role="status" data-testid="cv-saved">
                        {move || saved.get().then(|| i18n.t(Msg::CvSaved))}
                    </span>
                </p>
            </form>

            <h2>{move || i18n.t(Msg::CvPreview)}</h2>
            {move || (!staff.get()).then(|| view! { <p class="hint">{move || i18n.t(Msg::CvPreviewNoConsent)}</p> })}
            {move || view! { <CvCard profile=preview()/> }}

            <ReadLog/>

            <h2>{move || i18n.t(Msg::CvYourData)}</h2>
            <p>{move || i18n.t(Msg::CvExportHint)}</p>
            <p><a class="button secondary" href="/api/export" download="samskab-mine-data.json">{move || i18n.t(Msg::CvExport)}</a></p>
        </section>
    }
    .into_any()
}
