//! Suggestions: which tasks fit a volunteer ([`tasks_for`]), and which volunteers fit a task
//! ([`volunteers_for`]). Both sides use the same fit, computed on the device from the
//! documents it holds, so a volunteer and a coordinator see the same reasons.
//!
//! A task can be suggested only through a shift the volunteer could take: a published task's
//! shift that starts after `now`, has a free place ([`Roster`]) and does not fall on a day the
//! volunteer is away. A volunteer who has any sign-up entry on the task (signed up, waiting,
//! declined or withdrawn) has already answered it and is not asked again. Among those shifts,
//! the fit is scored with [`weights`]; a task or person with no fit at all is not suggested.
//!
//! Consent is not checked here: the relay only sends a device the profiles its user may read
//! (by the profile's consent; the rules are in [`crate::authz`]), so every profile that
//! reaches [`volunteers_for`] may be shown to that user.

use crate::ids::{DocumentId, PersonId, ShiftId};
use crate::lang::Lang;
use crate::local_time;
use crate::profile::{Availability, DayPart, Profile, SKILLS, Weekday, skill_label};
use crate::public_task::PublicTask;
use crate::roster::Roster;
use crate::task::{Area, Millis, Task, TaskStatus};
use crate::towns::{self, Towns};

/// How much each kind of fit adds to a suggestion's score.
///
/// An area of interest is what the volunteer chose to be asked about, so it weighs most on its
/// own. Each wanted skill they have weighs nearly as much, and several add up: a task that
/// needs what they can do is where they help most. Place and time say that they *can* come
/// rather than that they want to, and weigh half an area; their own town counts more than one
/// within their travel distance.
pub mod weights {
    /// The task's area is one of the volunteer's areas.
    pub const AREA: u32 = 4;
    /// Per skill the task asks for that the volunteer has (a valid børneattest counts as one
    /// when the task asks for it).
    pub const SKILL: u32 = 3;
    /// The task is in one of the volunteer's towns.
    pub const OWN_TOWN: u32 = 2;
    /// The task is in a town within the volunteer's travel distance of one of theirs.
    pub const NEARBY_TOWN: u32 = 1;
    /// The shift overlaps the volunteer's availability grid (in Danish local time).
    pub const TIME: u32 = 2;
}

/// Task skill words that ask for a børneattest; profiles answer them with their certificate,
/// not with a tag.
const CERTIFICATE_TAGS: &[&str] = &["børneattest", "boerneattest"];

/// Why something was suggested; one per kind of fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Area(Area),
    /// A skill by its [`skill_key`].
    Skill(String),
    /// An approved børneattest valid on the shift's day, which the task asks for.
    ChildCertificate,
    /// The task's town, which is the volunteer's own or within their travel distance.
    Town(String),
    /// The first slot of the volunteer's grid the shift overlaps.
    Time(Weekday, DayPart),
}

impl Reason {
    /// The reason as a few words that fit in a list: "idræt", "førstehjælp", "Haslev",
    /// "lørdag formiddag".
    pub fn label(&self, lang: Lang) -> String {
        match self {
            Reason::Area(area) => lower_first(area.label(lang)),
            Reason::Skill(skill) => lower_first(skill_label(skill, lang)),
            Reason::ChildCertificate => match lang {
                Lang::Da => "børneattest".into(),
                Lang::En => "child protection certificate".into(),
            },
            Reason::Town(town) => town.clone(),
            Reason::Time(day, part) => format!("{} {}", day.label(lang), part.label(lang)),
        }
    }
}

/// A label as a word inside a sentence: the first letter lowercased, unless the word is an
/// abbreviation ("IT-hjælp" stays, "Kørekort B" becomes "kørekort B").
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), second) if !second.is_some_and(char::is_uppercase) => {
            first.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_owned(),
    }
}

/// One suggestion: a task (by its document id) for a volunteer, or a volunteer (by person id)
/// for a task, with the shift that fits best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion<T> {
    pub item: T,
    /// The best-fitting shift the volunteer could take (the earliest among equals).
    pub shift: ShiftId,
    /// That shift's start.
    pub start: Millis,
    /// The sum of [`weights`] that apply; always more than zero.
    pub score: u32,
    /// Area, skills, børneattest, town and time, in that order.
    pub reasons: Vec<Reason>,
}

impl<T> Suggestion<T> {
    /// The reasons as one line: "Matcher: idræt, Haslev, lørdag formiddag".
    pub fn reason_line(&self, lang: Lang) -> String {
        let lead = match lang {
            Lang::Da => "Matcher",
            Lang::En => "Matches",
        };
        let labels: Vec<String> = self.reasons.iter().map(|r| r.label(lang)).collect();
        format!("{lead}: {}", labels.join(", "))
    }
}

/// Text equal up to case. (ASCII first: most ids and tags are, and it is far quicker.)
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The curated skill `skill` names, by id or by either label, in any case.
fn curated(skill: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    // Profiles store curated skills by id, so an exact id is the common case.
    SKILLS.iter().find(|(id, _, _)| *id == skill).or_else(|| {
        SKILLS
            .iter()
            .find(|(id, da, en)| [id, da, en].iter().any(|word| same_text(word, skill)))
    })
}

/// The word a skill is compared by: a curated skill's id whether it is written as its id or
/// as its Danish or English label, in any case ("Kørekort B" is `koerekort-b`); a free tag
/// trimmed and lowercased. Tasks and profiles may write the same skill either way.
pub fn skill_key(skill: &str) -> String {
    let skill = skill.trim();
    curated(skill).map_or_else(|| skill.to_lowercase(), |(id, _, _)| (*id).to_owned())
}

/// A skill a task asks for, ready to compare with a profile's skills without allocating.
struct WantedSkill {
    key: String,
    curated: Option<&'static (&'static str, &'static str, &'static str)>,
}

impl WantedSkill {
    fn is(&self, skill: &str) -> bool {
        let skill = skill.trim();
        match self.curated {
            Some((id, da, en)) => [id, da, en].iter().any(|word| same_text(word, skill)),
            None => same_text(&self.key, skill),
        }
    }
}

/// A shift a volunteer could take, prepared once per task.
struct OpenShift<'t> {
    id: &'t ShiftId,
    start: Millis,
    /// The parts of the week it overlaps, in local time.
    slots: Availability,
    /// Every local date it touches, `YYYY-MM-DD`.
    dates: Vec<String>,
}

/// Who has a sign-up entry of any state on a task: they are not suggested it.
enum Answered<'t> {
    /// Those of the task's rosters.
    Task(&'t Task),
    /// The one person matched against a task seen as [`PublicTask`], which names no one.
    Me(bool),
}

impl Answered<'_> {
    fn by(&self, person: &PersonId) -> bool {
        match self {
            Answered::Task(task) => task.shifts.values().any(|s| s.signups.contains_key(person)),
            Answered::Me(answered) => *answered,
        }
    }
}

/// A task with what matching needs of it worked out once.
struct Prepared<'t> {
    area: Area,
    town_name: &'t str,
    answered: Answered<'t>,
    /// The municipality's towns, for the volunteer's travel distance.
    known: &'t Towns,
    skills: Vec<WantedSkill>,
    needs_certificate: bool,
    /// Where the task's town is, when it is a known town.
    town: Option<(f64, f64)>,
    /// Starting after `now` with a free place, earliest first.
    shifts: Vec<OpenShift<'t>>,
}

const HALF_DAY: Millis = 12 * 60 * 60 * 1000;

/// The local dates `[start, end)` touches. Steps of half a day cannot skip a date, even on the
/// 23-hour day when summer time begins.
fn dates(start: Millis, end: Millis) -> Vec<String> {
    let mut dates = vec![local_time::date(start)];
    let mut push = |d: String| {
        if dates.last() != Some(&d) {
            dates.push(d);
        }
    };
    let mut at = start + HALF_DAY;
    // A month is far longer than any real shift; the bound only keeps a bad one cheap.
    for _ in 0..62 {
        if at >= end {
            break;
        }
        push(local_time::date(at));
        at += HALF_DAY;
    }
    push(local_time::date((end - 1).max(start)));
    dates
}

impl<'t> Prepared<'t> {
    fn new(task: &'t Task, known: &'t Towns, now: Millis) -> Self {
        let shifts = task
            .shifts
            .iter()
            .filter(|(_, s)| Roster::of(s).free(s) > 0)
            .map(|(id, s)| (id, s.start, s.end));
        Self::of(
            task.area,
            &task.town,
            &task.skills,
            Answered::Task(task),
            shifts,
            known,
            now,
        )
    }

    /// `task` as anyone sees it, for the one volunteer whose sign-up entries `answered`
    /// says whether there are any.
    fn public(task: &'t PublicTask, answered: bool, known: &'t Towns, now: Millis) -> Self {
        let shifts = task
            .shifts
            .iter()
            .filter(|s| s.free() > 0)
            .map(|s| (&s.id, s.start, s.end));
        Self::of(
            task.area,
            &task.town,
            &task.skills,
            Answered::Me(answered),
            shifts,
            known,
            now,
        )
    }

    /// From the parts of a task matching reads; `shifts` are those with a free place.
    fn of(
        area: Area,
        town_name: &'t str,
        wanted: &[String],
        answered: Answered<'t>,
        shifts: impl Iterator<Item = (&'t ShiftId, Millis, Millis)>,
        known: &'t Towns,
        now: Millis,
    ) -> Self {
        let mut skills = Vec::new();
        let mut needs_certificate = false;
        for skill in wanted {
            let key = skill_key(skill);
            if CERTIFICATE_TAGS.contains(&key.as_str()) {
                needs_certificate = true;
            } else if !key.is_empty() && !skills.iter().any(|s: &WantedSkill| s.key == key) {
                skills.push(WantedSkill {
                    curated: curated(&key),
                    key,
                });
            }
        }
        let mut shifts: Vec<OpenShift<'t>> = shifts
            .filter(|(_, start, end)| *start > now && end > start)
            .map(|(id, start, end)| OpenShift {
                id,
                start,
                slots: local_time::slots(start, end),
                dates: dates(start, end),
            })
            .collect();
        shifts.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(b.id)));
        Prepared {
            area,
            town_name,
            answered,
            known,
            skills,
            needs_certificate,
            town: known.coordinates(town_name),
            shifts,
        }
    }

    /// How well `profile` fits: the best shift (index into `shifts`), its score and reasons.
    /// `item` suggested for `profile`'s fit with this task, if it fits at all.
    fn suggest<T>(&self, item: T, profile: &Profile) -> Option<Suggestion<T>> {
        let (i, score, reasons) = self.fit(profile)?;
        let shift = &self.shifts[i];
        Some(Suggestion {
            item,
            shift: shift.id.clone(),
            start: shift.start,
            score,
            reasons,
        })
    }

    fn fit(&self, profile: &Profile) -> Option<(usize, u32, Vec<Reason>)> {
        if self.answered.by(&profile.owner) {
            return None;
        }
        let mut score = 0;
        let mut reasons = Vec::new();
        if profile.areas.contains(&self.area) {
            score += weights::AREA;
            reasons.push(Reason::Area(self.area));
        }
        for wanted in &self.skills {
            if profile.skills.iter().any(|s| wanted.is(s)) {
                score += weights::SKILL;
                reasons.push(Reason::Skill(wanted.key.clone()));
            }
        }
        let town = town_fit(profile, self.known, self.town_name, self.town);
        let mut best: Option<(usize, u32)> = None;
        for (i, shift) in self.shifts.iter().enumerate() {
            if shift.dates.iter().any(|d| profile.away_on(d)) {
                continue;
            }
            let mut here = 0;
            if self.needs_certificate && profile.child_certificate.valid_on(&shift.dates[0]) {
                here += weights::SKILL;
            }
            if shift.slots.overlaps(profile.availability) {
                here += weights::TIME;
            }
            // Shifts are in start order, so the first of equal scores is the earliest.
            if best.is_none_or(|(_, b)| here > b) {
                best = Some((i, here));
            }
        }
        let (i, here) = best?;
        let shift = &self.shifts[i];
        if self.needs_certificate && profile.child_certificate.valid_on(&shift.dates[0]) {
            reasons.push(Reason::ChildCertificate);
        }
        if let Some(points) = town {
            score += points;
            reasons.push(Reason::Town(self.town_name.trim().to_owned()));
        }
        let common = Availability(shift.slots.0 & profile.availability.0);
        if let Some((day, part)) = common.slots().next() {
            reasons.push(Reason::Time(day, part));
        }
        score += here;
        (score > 0).then_some((i, score, reasons))
    }
}

/// Whether a task in `town` (at `at`, when known) is in one of the volunteer's towns or
/// within their travel distance of one, and what that adds.
fn town_fit(profile: &Profile, known: &Towns, town: &str, at: Option<(f64, f64)>) -> Option<u32> {
    let town = town.trim();
    if town.is_empty() {
        return None;
    }
    if profile.towns.iter().any(|t| same_text(t.trim(), town)) {
        return Some(weights::OWN_TOWN);
    }
    let at = at?;
    // Travel distances are whole km and small; the cast is exact.
    let reach = profile.travel_km as f64;
    profile
        .towns
        .iter()
        .filter_map(|t| known.coordinates(t))
        .any(|home| towns::haversine_km(home, at) <= reach)
        .then_some(weights::NEARBY_TOWN)
}

/// The tasks to suggest to the volunteer whose profile this is, best first: score, then the
/// earliest start of the suggested shift, then document id, so every device lists them in the
/// same order. Only published tasks are considered (see the module documentation for which
/// shifts count).
pub fn tasks_for<'t>(
    profile: &Profile,
    tasks: impl IntoIterator<Item = (&'t DocumentId, &'t Task)>,
    towns: &Towns,
    now: Millis,
) -> Vec<Suggestion<DocumentId>> {
    let mut found: Vec<Suggestion<DocumentId>> = tasks
        .into_iter()
        .filter(|(_, task)| task.status == TaskStatus::Published)
        .filter_map(|(id, task)| Prepared::new(task, towns, now).suggest(*id, profile))
        .collect();
    rank(&mut found);
    found
}

/// [`tasks_for`] over tasks as anyone sees them (a device's index of its tasks), for the
/// volunteer whose profile this is; `answered` says of each task whether they have a sign-up
/// entry on it of any state. The same suggestions, in the same order, as from the documents.
pub fn public_tasks_for<'t>(
    profile: &Profile,
    tasks: impl IntoIterator<Item = (&'t PublicTask, bool)>,
    towns: &Towns,
    now: Millis,
) -> Vec<Suggestion<DocumentId>> {
    let mut found: Vec<Suggestion<DocumentId>> = tasks
        .into_iter()
        .filter(|(task, _)| task.status == TaskStatus::Published)
        .filter_map(|(task, answered)| {
            Prepared::public(task, answered, towns, now).suggest(task.id, profile)
        })
        .collect();
    rank(&mut found);
    found
}

/// Best first: score, then the earliest start of the shift that fits, then the item.
fn rank<T: Ord>(found: &mut [Suggestion<T>]) {
    found.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.start.cmp(&b.start))
            .then_with(|| a.item.cmp(&b.item))
    });
}

/// The volunteers to suggest to a coordinator for `task`, best first: score, then the
/// earliest start of the shift that fits them, then person id.
///
/// Drafts are matched too, so a coordinator can see who might come before publishing; a
/// cancelled or finished task has no one to suggest. Profiles are not filtered on consent:
/// the relay sends a device only the profiles its user may read.
pub fn volunteers_for<'p>(
    task: &Task,
    profiles: impl IntoIterator<Item = &'p Profile>,
    towns: &Towns,
    now: Millis,
) -> Vec<Suggestion<PersonId>> {
    if matches!(task.status, TaskStatus::Cancelled | TaskStatus::Finished) {
        return Vec::new();
    }
    let prepared = Prepared::new(task, towns, now);
    if prepared.shifts.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<Suggestion<PersonId>> = profiles
        .into_iter()
        .filter_map(|profile| prepared.suggest(profile.owner.clone(), profile))
        .collect();
    rank(&mut found);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{CertificateStatus, ChildCertificate, Period};
    use crate::task::{Shift, Signup, SignupState};

    const MINUTE: Millis = 60_000;
    const HOUR: Millis = 60 * MINUTE;
    const DAY: Millis = 24 * HOUR;

    /// A UTC instant (days from civil as in `local_time`).
    fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> Millis {
        let y = if mo <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(mo);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * DAY + h * HOUR + mi * MINUTE
    }

    /// Saturday 28 November 2026, 10:00 to 12:00 local (winter: UTC+1).
    fn saturday_morning() -> (Millis, Millis) {
        (utc(2026, 11, 28, 9, 0), utc(2026, 11, 28, 11, 0))
    }

    /// Tuesday 24 November 2026, 19:00 to 21:00 local.
    fn tuesday_evening() -> (Millis, Millis) {
        (utc(2026, 11, 24, 18, 0), utc(2026, 11, 24, 20, 0))
    }

    const NOW: Millis = 1_790_000_000_000; // 2026-09-21, before every shift here

    fn person(s: &str) -> PersonId {
        s.parse().unwrap()
    }

    fn doc(n: u8) -> DocumentId {
        DocumentId::from_bytes([n; 16])
    }

    fn task(area: Area, town: &str, skills: &[&str], shifts: &[(Millis, Millis, u64)]) -> Task {
        let mut t = Task::draft("haslev-fodbold".parse().unwrap(), "Opgave", area, NOW);
        t.town = town.into();
        t.skills = skills.iter().map(|s| (*s).to_owned()).collect();
        for (n, (start, end, places)) in shifts.iter().enumerate() {
            t.shifts.insert(
                format!("vagt-{}", n + 1).parse().unwrap(),
                Shift::new(*start, *end, *places),
            );
        }
        t.status = TaskStatus::Published;
        t
    }

    fn anna() -> Profile {
        let mut p = Profile::new(person("anna"), "Anna Holm", NOW);
        p.towns = vec!["Haslev".into()];
        p.travel_km = 5;
        p.areas = vec![Area::Sport];
        p.skills = vec!["foerstehjaelp".into(), "kage".into()];
        p.availability
            .set(Weekday::Saturday, DayPart::Morning, true);
        p
    }

    fn sign_up(t: &mut Task, shift: &str, who: &str, state: SignupState) {
        let shift = t
            .shifts
            .get_mut(&shift.parse::<ShiftId>().unwrap())
            .unwrap();
        shift.signups.insert(person(who), Signup { state, at: NOW });
    }

    /// The suggestions from the documents, checked against those from the tasks as anyone
    /// sees them (a device's index), which must be the same in every test.
    fn suggest(profile: &Profile, tasks: &[(DocumentId, Task)]) -> Vec<Suggestion<DocumentId>> {
        let found = tasks_for(
            profile,
            tasks.iter().map(|(id, t)| (id, t)),
            &Towns::demo(),
            NOW,
        );
        let public: Vec<(PublicTask, bool)> = tasks
            .iter()
            .map(|(id, t)| {
                let answered = t
                    .shifts
                    .values()
                    .any(|s| s.signups.contains_key(&profile.owner));
                (PublicTask::project(*id, t, ""), answered)
            })
            .collect();
        let from_public = public_tasks_for(
            profile,
            public.iter().map(|(t, a)| (t, *a)),
            &Towns::demo(),
            NOW,
        );
        assert_eq!(
            found, from_public,
            "the index's suggestions are the documents'"
        );
        found
    }

    #[test]
    fn ranks_by_fit_and_leaves_out_tasks_that_do_not_fit() {
        let (s, e) = saturday_morning();
        let (ts, te) = tuesday_evening();
        let tasks = vec![
            // Area and town and time: 4 + 2 + 2.
            (doc(1), task(Area::Sport, "Haslev", &[], &[(s, e, 2)])),
            // Area, skill, town, time: 4 + 3 + 2 + 2.
            (
                doc(2),
                task(Area::Sport, "Haslev", &["Førstehjælp"], &[(s, e, 2)]),
            ),
            // Only the skill, far away at another time: 3.
            (
                doc(3),
                task(Area::Culture, "Karise", &["førstehjælp"], &[(ts, te, 2)]),
            ),
            // Nothing: another area, town and time, no skill.
            (doc(4), task(Area::Culture, "Karise", &[], &[(ts, te, 2)])),
            // A draft is not suggested, however well it fits.
            (doc(5), {
                let mut t = task(Area::Sport, "Haslev", &[], &[(s, e, 2)]);
                t.status = TaskStatus::Draft;
                t
            }),
        ];
        let got = suggest(&anna(), &tasks);
        let order: Vec<_> = got.iter().map(|g| (g.item, g.score)).collect();
        assert_eq!(order, vec![(doc(2), 11), (doc(1), 8), (doc(3), 3)]);
        assert_eq!(
            got[0].reasons,
            vec![
                Reason::Area(Area::Sport),
                Reason::Skill("foerstehjaelp".into()),
                Reason::Town("Haslev".into()),
                Reason::Time(Weekday::Saturday, DayPart::Morning),
            ]
        );
    }

    #[test]
    fn ties_are_broken_by_start_then_id_whatever_the_input_order() {
        let (s, e) = saturday_morning();
        let later = (s + 7 * DAY, e + 7 * DAY);
        let mut tasks = vec![
            (
                doc(9),
                task(Area::Sport, "Haslev", &[], &[(later.0, later.1, 1)]),
            ),
            (doc(7), task(Area::Sport, "Haslev", &[], &[(s, e, 1)])),
            (doc(8), task(Area::Sport, "Haslev", &[], &[(s, e, 1)])),
        ];
        let expected = vec![doc(7), doc(8), doc(9)];
        for _ in 0..3 {
            let got: Vec<_> = suggest(&anna(), &tasks).iter().map(|g| g.item).collect();
            assert_eq!(got, expected);
            tasks.rotate_left(1);
        }
    }

    #[test]
    fn an_empty_profile_gets_no_suggestions_and_suggests_no_one() {
        let (s, e) = saturday_morning();
        let empty = Profile::new(person("tom"), "Tom", NOW);
        let t = task(Area::Sport, "Haslev", &["førstehjælp"], &[(s, e, 2)]);
        let tasks = vec![(doc(1), t.clone())];
        assert!(suggest(&empty, &tasks).is_empty());
        assert!(volunteers_for(&t, [&empty], &Towns::demo(), NOW).is_empty());
        // And nothing to match against is no problem either.
        assert!(suggest(&anna(), &[]).is_empty());
        let shiftless = task(Area::Sport, "Haslev", &[], &[]);
        assert!(volunteers_for(&shiftless, [&anna()], &Towns::demo(), NOW).is_empty());
    }

    #[test]
    fn shifts_on_days_away_are_left_out() {
        let (s, e) = saturday_morning();
        let next = (s + 7 * DAY, e + 7 * DAY, 2);
        let tasks = vec![(doc(1), task(Area::Sport, "Haslev", &[], &[(s, e, 2), next]))];
        let mut p = anna();
        p.away = vec![Period {
            from: "2026-11-27".into(),
            to: "2026-11-28".into(),
        }];
        let got = suggest(&p, &tasks);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].shift.as_str(), "vagt-2");
        assert_eq!(got[0].start, next.0);
        // Away for both: nothing.
        p.away[0].to = "2026-12-31".into();
        assert!(suggest(&p, &tasks).is_empty());
    }

    #[test]
    fn a_shift_over_midnight_is_away_on_both_days() {
        // Friday 22:00 to Saturday 02:00 local; away on the Saturday only.
        let (s, e) = (utc(2026, 11, 27, 21, 0), utc(2026, 11, 28, 1, 0));
        let tasks = vec![(doc(1), task(Area::Sport, "Haslev", &[], &[(s, e, 2)]))];
        let mut p = anna();
        assert_eq!(suggest(&p, &tasks).len(), 1);
        p.away = vec![Period {
            from: "2026-11-28".into(),
            to: "2026-11-28".into(),
        }];
        assert!(suggest(&p, &tasks).is_empty());
    }

    #[test]
    fn availability_is_read_in_danish_local_time() {
        let p = anna(); // Saturday morning, 06:00-12:00 local
        // 10:30 to 11:30 UTC on a Saturday: 11:30 local in winter (morning), 12:30 local in
        // summer (afternoon).
        let winter = task(
            Area::Sport,
            "Haslev",
            &[],
            &[(utc(2026, 11, 28, 10, 30), utc(2026, 11, 28, 11, 30), 1)],
        );
        let summer = task(
            Area::Sport,
            "Haslev",
            &[],
            &[(utc(2027, 7, 3, 10, 30), utc(2027, 7, 3, 11, 30), 1)],
        );
        let got = suggest(&p, &[(doc(1), winter)]);
        assert_eq!(got[0].score, 8);
        assert_eq!(
            got[0].reasons.last(),
            Some(&Reason::Time(Weekday::Saturday, DayPart::Morning))
        );
        let got = suggest(&p, &[(doc(1), summer)]);
        assert_eq!(got[0].score, 6);
        assert_eq!(got[0].reasons.last(), Some(&Reason::Town("Haslev".into())));
    }

    #[test]
    fn full_past_and_already_answered_shifts_are_left_out() {
        let (s, e) = saturday_morning();
        let mut full = task(Area::Sport, "Haslev", &[], &[(s, e, 1)]);
        sign_up(&mut full, "vagt-1", "bo", SignupState::SignedUp);
        assert!(suggest(&anna(), &[(doc(1), full.clone())]).is_empty());
        // When Bo withdraws, the place is free again.
        sign_up(&mut full, "vagt-1", "bo", SignupState::Withdrawn);
        assert_eq!(suggest(&anna(), &[(doc(1), full.clone())]).len(), 1);

        // Anna herself signed up (or withdrew): she has answered the task already.
        let mut mine = task(
            Area::Sport,
            "Haslev",
            &[],
            &[(s, e, 5), (s + DAY, e + DAY, 5)],
        );
        sign_up(&mut mine, "vagt-2", "anna", SignupState::Withdrawn);
        assert!(suggest(&anna(), &[(doc(1), mine.clone())]).is_empty());
        assert!(volunteers_for(&mine, [&anna()], &Towns::demo(), NOW).is_empty());

        // A shift that has begun is not offered.
        let past = task(Area::Sport, "Haslev", &[], &[(NOW - HOUR, NOW + HOUR, 5)]);
        assert!(suggest(&anna(), &[(doc(1), past)]).is_empty());
    }

    #[test]
    fn reason_line_in_danish_and_english() {
        let (s, e) = saturday_morning();
        let t = task(
            Area::Sport,
            "Haslev",
            &["førstehjælp", "kørekort B"],
            &[(s, e, 2)],
        );
        let mut p = anna();
        p.skills.push("Koerekort-B".into());
        let got = suggest(&p, &[(doc(1), t)]);
        assert_eq!(
            got[0].reason_line(Lang::Da),
            "Matcher: idræt, førstehjælp, kørekort B, Haslev, lørdag formiddag"
        );
        assert_eq!(
            got[0].reason_line(Lang::En),
            "Matches: sport, first aid, driving licence (B), Haslev, Saturday morning"
        );
        let area_only = Suggestion {
            item: (),
            shift: "vagt-1".parse().unwrap(),
            start: s,
            score: weights::AREA,
            reasons: vec![Reason::Area(Area::Nature), Reason::Skill("IT-hjælp".into())],
        };
        assert_eq!(
            area_only.reason_line(Lang::Da),
            "Matcher: natur og miljø, IT-hjælp"
        );
    }

    #[test]
    fn towns_within_travel_distance_count_less_than_ones_own() {
        let (ts, te) = tuesday_evening();
        let faxe = task(Area::Culture, "Faxe", &[], &[(ts, te, 2)]);
        let mut p = anna();
        assert!(suggest(&p, &[(doc(1), faxe.clone())]).is_empty()); // 12 km, travels 5
        p.travel_km = 15;
        let got = suggest(&p, &[(doc(1), faxe.clone())]);
        assert_eq!(got[0].score, weights::NEARBY_TOWN);
        assert_eq!(got[0].reason_line(Lang::Da), "Matcher: Faxe");
        p.towns.push("faxe".into());
        assert_eq!(suggest(&p, &[(doc(1), faxe)])[0].score, weights::OWN_TOWN);
    }

    #[test]
    fn a_valid_child_certificate_answers_a_task_that_asks_for_one() {
        let (s, e) = saturday_morning();
        let t = task(
            Area::ChildrenYouth,
            "Karise",
            &["børneattest"],
            &[(s, e, 2)],
        );
        let mut p = anna();
        p.availability = Availability::default();
        assert!(suggest(&p, &[(doc(1), t.clone())]).is_empty());
        p.child_certificate = ChildCertificate {
            status: CertificateStatus::Approved,
            valid_until: "2026-11-28".into(),
        };
        let got = suggest(&p, &[(doc(1), t.clone())]);
        assert_eq!(got[0].score, weights::SKILL);
        assert_eq!(got[0].reason_line(Lang::Da), "Matcher: børneattest");
        // Expired by the shift's day: no longer a fit.
        p.child_certificate.valid_until = "2026-11-27".into();
        assert!(suggest(&p, &[(doc(1), t)]).is_empty());
    }

    #[test]
    fn volunteers_for_a_task_ranked_and_without_those_signed_up() {
        let (s, e) = saturday_morning();
        let mut t = task(Area::Sport, "Haslev", &["førstehjælp"], &[(s, e, 3)]);
        let anna = anna(); // area, skill, town, time: 11
        let mut bo = Profile::new(person("bo"), "Bo", NOW);
        bo.towns = vec!["Haslev".into()]; // town: 2
        let mut cim = bo.clone();
        cim.owner = person("cim");
        cim.name = "Cim".into();
        let mut dan = Profile::new(person("dan"), "Dan", NOW);
        dan.towns = vec!["Karise".into()]; // nothing
        let mut eva = anna.clone();
        eva.owner = person("eva");
        sign_up(&mut t, "vagt-1", "eva", SignupState::SignedUp);
        let profiles = [&dan, &cim, &eva, &bo, &anna];
        let got: Vec<_> = volunteers_for(&t, profiles, &Towns::demo(), NOW)
            .into_iter()
            .map(|g| (g.item.to_string(), g.score))
            .collect();
        assert_eq!(
            got,
            vec![("anna".into(), 11), ("bo".into(), 2), ("cim".into(), 2)]
        );
        t.status = TaskStatus::Cancelled;
        assert!(volunteers_for(&t, profiles, &Towns::demo(), NOW).is_empty());
    }

    #[test]
    fn skill_keys_join_ids_labels_and_tags() {
        assert_eq!(skill_key("Kørekort B"), "koerekort-b");
        assert_eq!(skill_key(" first AID "), "foerstehjaelp");
        assert_eq!(skill_key("IT-HJÆLP"), "it-hjaelp");
        assert_eq!(skill_key("Kage"), "kage");
        assert_eq!(lower_first("Førstehjælp"), "førstehjælp");
        assert_eq!(lower_first("IT help"), "IT help");
        assert_eq!(lower_first(""), "");
    }
}
