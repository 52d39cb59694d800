//! The form with which an organisation's coordinators (and staff) keep its page up to date.
//! Saved on the device first; the relay takes it only from those who run the organisation.

use leptos::prelude::*;
use leptos::task::spawn_local;
use samskab_model::kinds::organisation::{
    Category, Organisation, OrganisationKind, limits, organisation_document_id,
};

use crate::components::TownOptions;
use crate::i18n::{Msg, use_i18n};
use crate::sync_client::use_sync;
use crate::time;

#[component]
pub fn OrganisationForm(organisation: Organisation) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let name = RwSignal::new(organisation.name.clone());
    let category = RwSignal::new(organisation.category);
    let cvr = RwSignal::new(organisation.cvr.clone());
    let town = RwSignal::new(organisation.town.clone());
    let description = RwSignal::new(organisation.description.clone());
    let contact_name = RwSignal::new(organisation.contact.name.clone());
    let contact_phone = RwSignal::new(organisation.contact.phone.clone());
    let contact_email = RwSignal::new(organisation.contact.email.clone());
    let problems = RwSignal::new(Vec::<String>::new());
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let id = organisation_document_id(&organisation.organisation);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = i18n.lang();
        if !crate::components::begin(busy) {
            return;
        }
        saved.set(false);
        problems.set(Vec::new());
        let edit = move |o: &mut Organisation| {
            o.name = name.get_untracked().trim().to_owned();
            o.category = category.get_untracked();
            // Written as people write it ("12 34 56 78"), stored as its 8 digits.
            o.cvr = cvr.get_untracked().split_whitespace().collect();
            o.town = town.get_untracked();
            o.description = description.get_untracked().trim().to_owned();
            o.contact.name = contact_name.get_untracked().trim().to_owned();
            o.contact.phone = contact_phone.get_untracked().trim().to_owned();
            o.contact.email = contact_email.get_untracked().trim().to_owned();
            o.updated_at = time::now();
            let found = o.problems();
            if found.is_empty() { Ok(()) } else { Err(found) }
        };
        spawn_local(async move {
            let result = sync.update::<OrganisationKind>(id, edit).await;
            busy.set(false);
            match result {
                Ok(()) => saved.set(true),
                Err(e) => problems.set(e.sentences(lang)),
            }
        });
    };

    let text_field = move |id: &'static str,
                           label: Msg,
                           value: RwSignal<String>,
                           max: usize,
                           kind: &'static str| {
        view! {
            <div class="field">
                <label for=id>{move || i18n.t(label)}</label>
                <input id=id type=kind maxlength=max.to_string()
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))/>
            </div>
        }
    };

    view! {
        <form class="task-form" on:submit=submit aria-labelledby="organisation-form-title">
            <h2 id="organisation-form-title">{move || i18n.t(Msg::OrganisationEdit)}</h2>
            {move || {
                let p = problems.get();
                (!p.is_empty()).then(|| view! {
                    <div class="error field-wide" role="alert" data-testid="form-problems">
                        <ul>{p.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    </div>
                })
            }}
            {text_field("organisation-name", Msg::OrganisationName, name, limits::NAME, "text")}
            <div class="field">
                <label for="organisation-category">{move || i18n.t(Msg::OrganisationCategory)}</label>
                <select id="organisation-category" prop:value=move || category.get().as_str()
                    on:change=move |ev| if let Ok(c) = event_target_value(&ev).parse() { category.set(c) }>
                    {Category::ALL.iter().map(|c| view! {
                        <option value=c.as_str()>{move || c.label(i18n.lang())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="organisation-town">{move || i18n.t(Msg::OrganisationTown)}</label>
                <select id="organisation-town" prop:value=move || town.get()
                    on:change=move |ev| town.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Msg::NoTown)}</option>
                    <TownOptions chosen=town/>
                </select>
            </div>
            {text_field("organisation-cvr", Msg::OrganisationCvr, cvr, 8, "text")}
            <div class="field field-wide">
                <label for="organisation-description">{move || i18n.t(Msg::OrganisationDescription)}</label>
                <textarea id="organisation-description" rows="5" maxlength=limits::DESCRIPTION.to_string()
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            </div>
            <fieldset class="field-wide">
                <legend>{move || i18n.t(Msg::OrganisationContact)}</legend>
                <p class="muted">{move || i18n.t(Msg::OrganisationContactPublic)}</p>
                {text_field("organisation-contact-name", Msg::OrganisationContactName, contact_name, limits::CONTACT_FIELD, "text")}
                {text_field("organisation-contact-phone", Msg::OrganisationContactPhone, contact_phone, limits::CONTACT_FIELD, "tel")}
                {text_field("organisation-contact-email", Msg::OrganisationContactEmail, contact_email, limits::CONTACT_FIELD, "email")}
            </fieldset>
            <div class="field-wide">
                <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                    {move || i18n.t(Msg::OrganisationSave)}
                </button>
                <span role="status" data-testid="organisation-saved">
                    {move || saved.get().then(|| i18n.t(Msg::OrganisationSaved))}
                </span>
            </div>
        </form>
    }
}
