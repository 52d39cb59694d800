//! The task bank's text search: which tasks a volunteer's words find. Every word must be
//! found somewhere in the task (title, description, place, skills) or in the name of the
//! organisation behind it, so "fodbold" finds the football club's kiosk shift though the word
//! is nowhere in the task itself. Case does not matter (Danish letters included).

use crate::task::Task;

/// Whether `query` finds `task`, whose organisation is called `organisation_name`. An empty
/// query finds everything.
pub fn matches(task: &Task, organisation_name: &str, query: &str) -> bool {
    matches_fields(
        [
            task.title.as_str(),
            task.description.as_str(),
            task.place.as_str(),
            organisation_name,
        ]
        .into_iter()
        .chain(task.skills.iter().map(String::as_str)),
        query,
    )
}

/// Whether every word of `query` is found in one of `fields` (shared with the open task
/// bank's projection, [`crate::public_task::PublicTask::matches`]).
pub fn matches_fields<'a>(fields: impl IntoIterator<Item = &'a str>, query: &str) -> bool {
    let haystack: Vec<String> = fields.into_iter().map(str::to_lowercase).collect();
    query
        .split_whitespace()
        .map(str::to_lowercase)
        .all(|word| haystack.iter().any(|field| field.contains(&word)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::Area;

    fn kiosk() -> Task {
        let mut t = Task::draft(
            "haslev-fodbold".parse().unwrap(),
            "Kioskvagt til hjemmekamp",
            Area::Sport,
            0,
        );
        t.description = "Sælg kaffe og pølser, når førsteholdet spiller hjemme.".into();
        t.place = "Haslev Idrætscenter".into();
        t.skills = vec!["madlavning".into()];
        t
    }

    #[test]
    fn the_organisation_name_finds_a_task_that_does_not_mention_it() {
        let t = kiosk();
        assert!(matches(&t, "Haslev Fodboldklub", "fodbold"));
        assert!(matches(&t, "Haslev Fodboldklub", "FODBOLDKLUB"));
        assert!(!matches(&t, "Naturgruppen Karise", "fodbold"));
    }

    #[test]
    fn every_word_must_be_found_somewhere_and_case_does_not_matter() {
        let t = kiosk();
        let org = "Haslev Fodboldklub";
        assert!(matches(&t, org, ""));
        assert!(matches(&t, org, "  "));
        assert!(matches(&t, org, "fodbold kiosk"));
        assert!(matches(&t, org, "PØLSER"));
        assert!(matches(&t, org, "idrætscenter madlavning"));
        assert!(!matches(&t, org, "fodbold banko"));
    }
}
