//! The municipality's towns as the options of a select (see [`crate::towns`]).

use leptos::prelude::*;

use crate::towns::use_towns;

/// The towns as `<option>`s of a select whose value is `chosen`. A value that is no longer
/// among the towns (a task written before the municipality's list changed) stays choosable,
/// and the chosen one stays selected when the list arrives after the select was drawn.
#[component]
pub fn TownOptions(chosen: RwSignal<String>) -> impl IntoView {
    let towns = use_towns();
    move || {
        let mut names = towns.names();
        let current = chosen.get_untracked();
        if !current.is_empty() && !names.contains(&current) {
            names.push(current);
        }
        names
            .into_iter()
            .map(|town| {
                let (value, this) = (town.clone(), town.clone());
                view! {
                    <option value=value prop:selected=move || chosen.get() == this>{town}</option>
                }
            })
            .collect_view()
    }
}
