//! "Hvem har set mit CV" on Mit CV: who read the user's profile, when, and from which device.

use leptos::prelude::*;

use crate::i18n::{self, Msg, use_i18n};

/// "Hvem har set mit CV": the relay's audit log of reads of this user's profile (needs the
/// network; it lives at the relay, where the reads happen).
#[component]
pub(super) fn ReadLog() -> impl IntoView {
    let i18n = use_i18n();
    let reads = LocalResource::new(crate::session::profile_reads);
    view! {
        <h2>{move || i18n.t(Msg::CvWhoHasSeen)}</h2>
        <p class="hint">{move || i18n.t(Msg::CvWhoHasSeenHint)}</p>
        {move || match reads.get() {
            None => view! { <p>{move || i18n.t(Msg::Loading)}</p> }.into_any(),
            Some(Err(_)) => view! { <p>{move || i18n.t(Msg::CvReadsOffline)}</p> }.into_any(),
            Some(Ok(entries)) if entries.is_empty() => {
                view! { <p data-testid="cv-reads-empty">{move || i18n.t(Msg::CvNoReads)}</p> }.into_any()
            }
            Some(Ok(entries)) => view! {
                <table class="reads" data-testid="cv-reads">
                    <thead><tr>
                        <th scope="col">{move || i18n.t(Msg::CvReadWho)}</th>
                        <th scope="col">{move || i18n.t(Msg::CvReadWhen)}</th>
                        <th scope="col">{move || i18n.t(Msg::CvReadDevice)}</th>
                    </tr></thead>
                    <tbody>
                        {entries.into_iter().map(|e| {
                            let role = e.reader_role;
                            // A reader who has since been erased is kept in the log without a name.
                            let erased = e.reader_name.is_empty();
                            let name = e.reader_name.clone();
                            let directory = crate::organisations::use_directory();
                            let orgs = e.organisations.iter().map(|o| o.parse().map_or_else(|_| o.clone(), |id| directory.name(&id))).collect::<Vec<_>>().join(", ");
                            view! {
                                <tr>
                                    <td>{move || if erased { i18n.t(Msg::ErasedReader).to_owned() } else { name.clone() }} " (" {move || i18n::role_label(role, i18n.lang())} {(!orgs.is_empty()).then(|| format!(", {orgs}"))} ")"</td>
                                    <td>{move || i18n::when(e.at, i18n.lang())}</td>
                                    <td>{i18n::device_label(&e.user_agent)} " · " <code>{e.device.clone()}</code></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any(),
        }}
    }
}
