//! A volunteer's profile as a reader sees it: in the CV bank, and in the owner's preview on
//! Mit CV.

use leptos::prelude::*;
use samskab_model::local_time;
use samskab_model::profile::{CertificateStatus, Profile, skill_label};

use crate::i18n::{self, Msg, use_i18n};
use crate::time;

/// A profile as a reader sees it: in the CV bank, and in the owner's preview.
#[component]
pub fn CvCard(profile: Profile, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    let i18n = use_i18n();
    let today = local_time::date(time::now());
    let certified = profile.child_certificate.valid_on(&today);
    let requested = profile.child_certificate.status == CertificateStatus::Requested;
    let until = profile.child_certificate.valid_until.clone();
    let p = profile.clone();
    let slots = move || {
        p.availability
            .slots()
            .map(|(d, part)| format!("{} {}", d.label(i18n.lang()), part.label(i18n.lang())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let p = profile.clone();
    let skills = move || {
        p.skills
            .iter()
            .map(|s| skill_label(s, i18n.lang()).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let p = profile.clone();
    let areas = move || {
        p.areas
            .iter()
            .map(|a| a.label(i18n.lang()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let towns = profile.towns.join(", ");
    let travel = profile.travel_km;
    let periods = profile.away.clone();
    let away = move || {
        periods
            .iter()
            .map(|p| {
                let lang = i18n.lang();
                format!("{} – {}", i18n::day(&p.from, lang), i18n::day(&p.to, lang))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let experience = profile.experience.clone();
    let has_availability = !profile.availability.is_empty();
    view! {
        <article class="card cv-card" data-testid="cv-card" aria-label=profile.name.clone()>
            <h3>{profile.name.clone()}</h3>
            {(!profile.offer.is_empty()).then(|| view! { <p class="description">{profile.offer.clone()}</p> })}
            <dl class="facts">
                {(!towns.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Msg::CvWhere)}</dt>
                    <dd>{towns.clone()} " " {move || i18n::travel_label(travel, i18n.lang())}</dd>
                })}
                {(!profile.areas.is_empty()).then(|| view! { <dt>{move || i18n.t(Msg::CvInterests)}</dt><dd>{areas}</dd> })}
                {(!profile.skills.is_empty()).then(|| view! { <dt>{move || i18n.t(Msg::CvSkills)}</dt><dd data-testid="cv-skills">{skills}</dd> })}
                {(!profile.languages.is_empty()).then(|| view! { <dt>{move || i18n.t(Msg::CvLanguagesShort)}</dt><dd>{profile.languages.join(", ")}</dd> })}
                {has_availability.then(|| view! { <dt>{move || i18n.t(Msg::CvWhenReader)}</dt><dd>{slots}</dd> })}
                {(!profile.away.is_empty()).then(|| view! { <dt>{move || i18n.t(Msg::CvAwayReader)}</dt><dd>{away}</dd> })}
                {(!experience.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Msg::CvExperience)}</dt>
                    <dd><ul>{experience.iter().map(|e| view! {
                        <li>{e.organisation.clone()} {(!e.role.is_empty()).then(|| format!(", {}", e.role))}
                            " (" {e.from.clone()} "–" {e.to.clone()} ")"</li>
                    }).collect_view()}</ul></dd>
                })}
                {certified.then(|| view! {
                    <dt>{move || i18n.t(Msg::CvCertificate)}</dt>
                    <dd>{move || i18n::certificate_valid_until(&until, i18n.lang())}</dd>
                })}
                {requested.then(|| view! {
                    <dt>{move || i18n.t(Msg::CvCertificate)}</dt>
                    <dd>{move || i18n::certificate_label(CertificateStatus::Requested, i18n.lang())}</dd>
                })}
                {(!profile.phone.is_empty() || !profile.email.is_empty()).then(|| view! {
                    <dt>{move || i18n.t(Msg::Contact)}</dt>
                    <dd>
                        {(!profile.phone.is_empty()).then(|| view! {
                            <a href=format!("tel:{}", profile.phone.replace(' ', ""))>{profile.phone.clone()}</a>
                        })}
                        {(!profile.phone.is_empty() && !profile.email.is_empty()).then_some(" · ")}
                        {(!profile.email.is_empty()).then(|| view! {
                            <a href=format!("mailto:{}", profile.email)>{profile.email.clone()}</a>
                        })}
                    </dd>
                })}
            </dl>
            {children.map(|c| c())}
        </article>
    }
}
