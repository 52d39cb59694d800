//! What a coordinator edits in the task form, and how an edit is laid onto the current task.
//!
//! The form starts from a snapshot, but volunteers keep signing up while a coordinator types,
//! on this device or another. So saving never writes the snapshot back: it takes the task as it
//! is now and changes only the fields the form owns. Sign-ups and decisions are never touched,
//! and a shift someone is signed up for cannot be deleted (cancel the task instead).

use crate::ids::ShiftId;
use crate::task::{Area, Contact, Millis, Shift, Task, TaskError};

/// The editable fields of a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskForm {
    pub title: String,
    pub description: String,
    pub area: Area,
    pub town: String,
    pub place: String,
    /// As typed: comma-separated.
    pub skills: String,
    pub contact: Contact,
    pub shifts: Vec<ShiftForm>,
}

/// One shift row of the form; `id` is `None` for a row added in this edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftForm {
    pub id: Option<ShiftId>,
    pub start: Millis,
    pub end: Millis,
    pub capacity: u64,
}

impl TaskForm {
    /// The form filled from a task, shifts in time order.
    pub fn of(task: &Task) -> Self {
        let mut shifts: Vec<ShiftForm> = task
            .shifts
            .iter()
            .map(|(id, s)| ShiftForm {
                id: Some(id.clone()),
                start: s.start,
                end: s.end,
                capacity: s.capacity,
            })
            .collect();
        shifts.sort_by_key(|s| s.start);
        TaskForm {
            title: task.title.clone(),
            description: task.description.clone(),
            area: task.area,
            town: task.town.clone(),
            place: task.place.clone(),
            skills: task.skills.join(", "),
            contact: task.contact.clone(),
            shifts,
        }
    }

    /// The skills as a list: split at commas, trimmed, empty ones and repeats dropped.
    pub fn skill_list(&self) -> Vec<String> {
        let mut skills: Vec<String> = Vec::new();
        for skill in self.skills.split(',').map(str::trim) {
            if !skill.is_empty() && !skills.iter().any(|s| s.eq_ignore_ascii_case(skill)) {
                skills.push(skill.to_owned());
            }
        }
        skills
    }
}

impl Task {
    /// Lays the form onto the task as it is now. New shift rows get ids from `fresh_id` (random
    /// ones, so that two coordinators adding a shift offline do not collide). Returns the
    /// problems the result would have, without changing anything, if there are any.
    pub fn apply_form(
        &mut self,
        form: &TaskForm,
        now: Millis,
        mut fresh_id: impl FnMut() -> ShiftId,
    ) -> Result<(), Vec<TaskError>> {
        let mut next = self.clone();
        next.title = form.title.trim().to_owned();
        next.description = form.description.trim().to_owned();
        next.area = form.area;
        next.town = form.town.trim().to_owned();
        next.place = form.place.trim().to_owned();
        next.skills = form.skill_list();
        next.contact = Contact {
            name: form.contact.name.trim().to_owned(),
            phone: form.contact.phone.trim().to_owned(),
            email: form.contact.email.trim().to_owned(),
        };
        let mut problems = Vec::new();
        let kept: Vec<&ShiftId> = form.shifts.iter().filter_map(|s| s.id.as_ref()).collect();
        let removed: Vec<ShiftId> = next
            .shifts
            .keys()
            .filter(|id| !kept.contains(id))
            .cloned()
            .collect();
        for id in removed {
            if next.shifts.get(&id).is_some_and(|s| !s.signups.is_empty()) {
                problems.push(TaskError::ShiftHasSignups(id));
            } else {
                next.shifts.remove(&id);
            }
        }
        for row in &form.shifts {
            // A shift added now, or moved to another start, must not have started: that is
            // how a shift in the past gets in. One that is left as it was keeps its time.
            let started = row.start <= now;
            match row
                .id
                .as_ref()
                .and_then(|id| next.shifts.get_mut(id).map(|s| (id, s)))
            {
                Some((id, shift)) => {
                    if started && shift.start != row.start {
                        problems.push(TaskError::ShiftStarted(id.clone()));
                    }
                    shift.start = row.start;
                    shift.end = row.end;
                    shift.capacity = row.capacity;
                }
                None => {
                    let id = row.id.clone().unwrap_or_else(&mut fresh_id);
                    if started {
                        problems.push(TaskError::ShiftStarted(id.clone()));
                    }
                    next.shifts
                        .insert(id, Shift::new(row.start, row.end, row.capacity));
                }
            }
        }
        next.updated_at = now;
        problems.extend(next.problems());
        if !problems.is_empty() {
            return Err(problems);
        }
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PersonId;
    use crate::task::{Signup, SignupState, TaskStatus};

    const H: Millis = 3_600_000;

    fn task() -> Task {
        let mut t = Task::draft("klub".parse().unwrap(), "Kiosk", Area::Sport, 0);
        t.shifts
            .insert("vagt-1".parse().unwrap(), Shift::new(10 * H, 12 * H, 1));
        t.shifts
            .insert("vagt-2".parse().unwrap(), Shift::new(20 * H, 22 * H, 1));
        t.status = TaskStatus::Published;
        t
    }

    fn fresh() -> impl FnMut() -> ShiftId {
        let mut n = 0;
        move || {
            n += 1;
            format!("ny-{n}").parse().unwrap()
        }
    }

    #[test]
    fn an_edit_changes_its_fields_and_keeps_sign_ups_made_meanwhile() {
        let snapshot = task();
        let mut form = TaskForm::of(&snapshot);
        form.description = "  Ny tekst ".into();
        form.skills = "kasse, Kasse , ,madlavning".into();
        form.shifts[0].capacity = 3;
        form.shifts.push(ShiftForm {
            id: None,
            start: 30 * H,
            end: 31 * H,
            capacity: 2,
        });

        // Meanwhile a volunteer signed up on the current task.
        let mut current = snapshot.clone();
        let anna: PersonId = "anna".parse().unwrap();
        current
            .shifts
            .get_mut(&"vagt-1".parse().unwrap())
            .unwrap()
            .signups
            .insert(
                anna.clone(),
                Signup {
                    state: SignupState::SignedUp,
                    at: 5,
                },
            );

        current.apply_form(&form, 99, fresh()).unwrap();
        assert_eq!(current.description, "Ny tekst");
        assert_eq!(current.skills, vec!["kasse", "madlavning"]);
        assert_eq!(current.updated_at, 99);
        let first = &current.shifts[&"vagt-1".parse().unwrap()];
        assert_eq!(first.capacity, 3);
        assert!(first.signups.contains_key(&anna));
        assert_eq!(current.shifts[&"ny-1".parse().unwrap()].capacity, 2);
        assert_eq!(current.shifts.len(), 3);
    }

    #[test]
    fn a_shift_with_sign_ups_cannot_be_deleted_and_a_bad_form_changes_nothing() {
        let mut current = task();
        current
            .shifts
            .get_mut(&"vagt-2".parse().unwrap())
            .unwrap()
            .signups
            .insert(
                "bent".parse().unwrap(),
                Signup {
                    state: SignupState::Withdrawn,
                    at: 1,
                },
            );
        let before = current.clone();

        let mut form = TaskForm::of(&current);
        form.shifts
            .retain(|s| s.id.as_ref().unwrap().as_str() == "vagt-1");
        form.title = "   ".into();
        let problems = current.apply_form(&form, 5, fresh()).unwrap_err();
        assert!(problems.contains(&TaskError::ShiftHasSignups("vagt-2".parse().unwrap())));
        assert!(problems.contains(&TaskError::TitleEmpty));
        assert_eq!(current, before);

        // A shift nobody signed up for can go.
        let mut form = TaskForm::of(&current);
        form.shifts
            .retain(|s| s.id.as_ref().unwrap().as_str() == "vagt-2");
        current.apply_form(&form, 6, fresh()).unwrap();
        assert_eq!(current.shifts.len(), 1);
    }

    #[test]
    fn a_shift_cannot_be_added_or_moved_into_the_past_but_a_past_one_may_stay() {
        // The task's first shift (10 to 12 h) has passed at 15 h; its second has not.
        let now = 15 * H;
        let mut current = task();
        let before = current.clone();
        let mut form = TaskForm::of(&current);
        form.shifts.push(ShiftForm {
            id: None,
            start: 14 * H,
            end: 16 * H,
            capacity: 1,
        });
        let problems = current.apply_form(&form, now, fresh()).unwrap_err();
        assert_eq!(
            problems,
            vec![TaskError::ShiftStarted("ny-1".parse().unwrap())]
        );
        assert_eq!(current, before);

        // Moving the future shift to an hour ago is refused too.
        let mut form = TaskForm::of(&current);
        form.shifts[1].start = 14 * H;
        let problems = current.apply_form(&form, now, fresh()).unwrap_err();
        assert_eq!(
            problems,
            vec![TaskError::ShiftStarted("vagt-2".parse().unwrap())]
        );

        // Editing the description keeps the past shift as it is, and is saved.
        let mut form = TaskForm::of(&current);
        form.description = "Ny tekst".into();
        current.apply_form(&form, now, fresh()).unwrap();
        assert_eq!(current.shifts[&"vagt-1".parse().unwrap()].start, 10 * H);
    }

    #[test]
    fn end_before_start_is_reported() {
        let mut current = task();
        let mut form = TaskForm::of(&current);
        form.shifts[1].end = form.shifts[1].start - H;
        let problems = current.apply_form(&form, 5, fresh()).unwrap_err();
        assert!(matches!(problems[..], [TaskError::EndNotAfterStart(_)]));
    }
}
