//! Notices: the relay tells people what happened to the meetings and tasks they are part of,
//! in their inbox document and, if they want, by e-mail.
//!
//! A background task, every few seconds (`--notice-every-secs`):
//! 1. reads, on the engine thread, the meetings, tasks, groups and inboxes that changed since
//!    the last pass (comparing heads, so an unchanged document costs nothing);
//! 2. asks [`samskab_model::notices`] what each changed meeting and task tells whom (with
//!    the state the pass before saw, where there was one), and which reminders are due;
//! 3. writes the new notices into each person's inbox as a change of the relay's own (a
//!    notice already there under its key is never written again, so a restart repeats none);
//! 4. sends the notices whose owner chose e-mail and marks each one sent in the inbox. A
//!    mail that fails stays pending and is tried again five minutes later; one more than two
//!    days old is not sent at all (a reminder for yesterday helps no one).
//!
//! What it cannot do: a notice that needs the state before (a seat that came free, a
//! moved time) is lost if the relay stops between the change and the next pass.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use automerge::{ActorId, Automerge, ChangeHash, transaction::CommitOptions};
use clap::Args;
use samskab_model::ids::{DocumentId, GroupId, OrganisationId, PersonId};
use samskab_model::kinds::Kind;
use samskab_model::kinds::group::Group;
use samskab_model::kinds::inbox::{self, Inbox, MailState, Notice};
use samskab_model::kinds::meeting::Meeting;
use samskab_model::lang::Lang;
use samskab_model::notices::{self, Addressed, Directory};
use samskab_model::task::Task;

use crate::accounts::Accounts;
use crate::mail::{Mailer, OutgoingMail};
use crate::sync::SyncEngine;

const MINUTE_MS: i64 = 60 * 1000;
/// A failed mail is tried again after this long.
const MAIL_RETRY_MS: i64 = 5 * MINUTE_MS;
/// A notice older than this is not mailed any more.
const MAIL_UNTIL_MS: i64 = 2 * 24 * 60 * MINUTE_MS;

#[derive(Debug, Clone, Args)]
pub struct NoticeConfig {
    /// Seconds between two passes of the notices job.
    #[arg(long, env = "SAMSKAB_NOTICE_EVERY_SECS", default_value_t = 5)]
    pub notice_every_secs: u64,
}

impl Default for NoticeConfig {
    fn default() -> Self {
        Self {
            notice_every_secs: 5,
        }
    }
}

/// A document the pass hydrated because it changed.
enum Fresh {
    Meeting(Box<Meeting>),
    Task(Box<Task>),
    Group(Group),
    Inbox(Inbox),
}

/// What the job remembers between passes.
#[derive(Default)]
struct Seen {
    heads: Arc<HashMap<DocumentId, Vec<ChangeHash>>>,
    meetings: HashMap<DocumentId, Meeting>,
    tasks: HashMap<DocumentId, Task>,
    groups: HashMap<GroupId, Group>,
    group_of: HashMap<DocumentId, GroupId>,
    inboxes: HashMap<PersonId, Inbox>,
    owner_of: HashMap<DocumentId, PersonId>,
    /// Mails that failed, by (person, notice key): not before.
    retry: HashMap<(PersonId, String), i64>,
}

/// Group members and coordinators, from the groups the job holds and the accounts.
struct Lookup<'a> {
    groups: &'a HashMap<GroupId, Group>,
    accounts: &'a Accounts,
    coordinators: std::cell::RefCell<HashMap<OrganisationId, Vec<PersonId>>>,
}

impl Directory for Lookup<'_> {
    fn group_members(&self, group: &GroupId) -> Vec<PersonId> {
        let Some(g) = self.groups.get(group) else {
            return Vec::new();
        };
        let mut out: Vec<PersonId> = g.people.keys().cloned().collect();
        for organisation in g.organisations.keys() {
            out.extend(self.coordinators(organisation));
        }
        out
    }

    fn coordinators(&self, organisation: &OrganisationId) -> Vec<PersonId> {
        self.coordinators
            .borrow_mut()
            .entry(organisation.clone())
            .or_insert_with(|| {
                self.accounts
                    .coordinators_of(organisation)
                    .unwrap_or_default()
            })
            .clone()
    }
}

/// The relay's own actor for the changes it writes into inboxes.
fn relay_actor() -> ActorId {
    ActorId::from(b"samskab-relay-notices".as_slice())
}

/// Runs the job until the relay stops.
pub fn spawn(
    accounts: Arc<Accounts>,
    sync: SyncEngine,
    mailer: Mailer,
    public_url: String,
    config: NoticeConfig,
) {
    tokio::spawn(async move {
        let mut seen = Seen::default();
        let mut every = tokio::time::interval(Duration::from_secs(config.notice_every_secs.max(1)));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            seen = pass(seen, &accounts, &sync, &mailer, &public_url).await;
        }
    });
}

/// One pass; what it saw, for the next.
async fn pass(
    mut seen: Seen,
    accounts: &Arc<Accounts>,
    sync: &SyncEngine,
    mailer: &Mailer,
    public_url: &str,
) -> Seen {
    let known = seen.heads.clone();
    let Some((fresh, gone)) = sync.read(move |hub| changed_since(hub, &known)).await else {
        return seen;
    };
    let now = accounts.now_ms();
    let accounts_for = accounts.clone();
    let Ok((seen_after, due)) = tokio::task::spawn_blocking(move || {
        let due = absorb(&mut seen, fresh, gone, &accounts_for, now);
        (seen, due)
    })
    .await
    else {
        tracing::error!("notices: the pass failed");
        return Seen::default();
    };
    seen = seen_after;
    deliver(due, sync, now).await;
    mail(&mut seen, accounts, sync, mailer, public_url, now).await;
    seen
}

/// On the engine thread: the meetings, tasks, groups and inboxes whose heads are not those
/// in `known`, hydrated, and the known documents that are gone.
#[allow(clippy::type_complexity)]
fn changed_since(
    hub: &samskab_model::sync::Hub,
    known: &HashMap<DocumentId, Vec<ChangeHash>>,
) -> (
    Vec<(DocumentId, Vec<ChangeHash>, Option<Fresh>)>,
    Vec<DocumentId>,
) {
    let mut fresh = Vec::new();
    let mut present = 0;
    for (id, doc) in hub.documents() {
        let heads = doc.get_heads();
        if known.contains_key(id) {
            present += 1;
        }
        if known.get(id) == Some(&heads) {
            continue;
        }
        let hydrated = match Kind::of(doc) {
            Some(Kind::Meeting) => autosurgeon::hydrate(doc)
                .ok()
                .map(|m| Fresh::Meeting(Box::new(m))),
            Some(Kind::Task) => autosurgeon::hydrate(doc)
                .ok()
                .map(|t| Fresh::Task(Box::new(t))),
            Some(Kind::Group) => autosurgeon::hydrate(doc).ok().map(Fresh::Group),
            Some(Kind::Inbox) => autosurgeon::hydrate(doc).ok().map(Fresh::Inbox),
            _ => None,
        };
        fresh.push((*id, heads, hydrated));
    }
    let gone = if present == known.len() {
        Vec::new()
    } else {
        known
            .keys()
            .filter(|id| hub.document(id).is_none())
            .copied()
            .collect()
    };
    (fresh, gone)
}

/// Takes in what changed and returns the notices it makes (and the reminders now due),
/// without those already in their inbox.
fn absorb(
    seen: &mut Seen,
    fresh: Vec<(DocumentId, Vec<ChangeHash>, Option<Fresh>)>,
    gone: Vec<DocumentId>,
    accounts: &Accounts,
    now: i64,
) -> Vec<Addressed> {
    let first = seen.heads.is_empty();
    let heads = Arc::make_mut(&mut seen.heads);
    for id in &gone {
        heads.remove(id);
        seen.meetings.remove(id);
        seen.tasks.remove(id);
        if let Some(group) = seen.group_of.remove(id) {
            seen.groups.remove(&group);
        }
        if let Some(owner) = seen.owner_of.remove(id) {
            seen.inboxes.remove(&owner);
        }
    }
    // Groups and inboxes first: the events below are judged against them.
    let mut changed = Vec::new();
    for (id, h, doc) in fresh {
        heads.insert(id, h);
        match doc {
            Some(Fresh::Group(g)) => {
                seen.group_of.insert(id, g.group.clone());
                seen.groups.insert(g.group.clone(), g);
            }
            Some(Fresh::Inbox(i)) => {
                seen.owner_of.insert(id, i.owner.clone());
                seen.inboxes.insert(i.owner.clone(), i);
            }
            Some(other) => changed.push((id, other)),
            None => {}
        }
    }
    let lookup = Lookup {
        groups: &seen.groups,
        accounts,
        coordinators: Default::default(),
    };
    let mut out = Vec::new();
    for (id, doc) in changed {
        match doc {
            Fresh::Meeting(m) => {
                let before = if first { None } else { seen.meetings.get(&id) };
                out.extend(notices::meeting_notices(&id, before, &m, now, &lookup));
                seen.meetings.insert(id, *m);
            }
            Fresh::Task(t) => {
                let before = if first { None } else { seen.tasks.get(&id) };
                out.extend(notices::task_notices(&id, before, &t, now, &lookup));
                seen.tasks.insert(id, *t);
            }
            _ => {}
        }
    }
    let hours = |p: &PersonId| {
        seen.inboxes
            .get(p)
            .map_or(inbox::DEFAULT_REMINDER_HOURS, |i| i.settings.reminder_hours)
    };
    for (id, m) in &seen.meetings {
        out.extend(notices::meeting_reminders(id, m, now, &hours));
    }
    for (id, t) in &seen.tasks {
        out.extend(notices::task_reminders(id, t, now, &hours));
    }
    out.retain(|a| {
        seen.inboxes
            .get(&a.person)
            .is_none_or(|i| !i.notices.contains_key(&a.key))
    });
    // Only people who still have an account (not one being erased).
    let mut exists: HashMap<PersonId, bool> = HashMap::new();
    out.retain(|a| {
        *exists
            .entry(a.person.clone())
            .or_insert_with(|| matches!(accounts.user(&a.person), Ok(Some(_))))
    });
    out
}

/// Writes each person's new notices into their inbox, one change per person.
async fn deliver(due: Vec<Addressed>, sync: &SyncEngine, now: i64) {
    let mut by_person: BTreeMap<PersonId, Vec<(String, Notice)>> = BTreeMap::new();
    for a in due {
        by_person
            .entry(a.person)
            .or_default()
            .push((a.key, a.notice));
    }
    for (person, notices) in by_person {
        let count = notices.len();
        let owner = person.clone();
        let result = sync
            .write(inbox::inbox_document_id(&person), move |doc| {
                add_notices(doc, &owner, notices, now)
            })
            .await;
        match result {
            Ok(_) => tracing::debug!(count, "notices written"),
            Err(e) => tracing::warn!(error = %e, "cannot write notices into an inbox"),
        }
    }
}

/// Writes `notices` into the inbox `doc` of `owner` (making it from its fixed first change if
/// it is not there yet), each under its key unless that key is there already, and drops the
/// stale ones.
fn add_notices(doc: &mut Automerge, owner: &PersonId, notices: Vec<(String, Notice)>, now: i64) {
    if doc.get_heads().is_empty() {
        *doc = inbox::genesis(owner);
    }
    doc.set_actor(relay_actor());
    let Ok(mut inbox) = autosurgeon::hydrate::<_, Inbox>(doc) else {
        tracing::warn!("an inbox does not read as one; no notices written");
        return;
    };
    for (key, mut notice) in notices {
        if inbox.notices.contains_key(&key) {
            continue;
        }
        notice.mail = if inbox.settings.email {
            MailState::Pending
        } else {
            MailState::None
        };
        inbox.notices.insert(key, notice);
    }
    for key in inbox.stale(now) {
        inbox.notices.remove(&key);
    }
    commit(doc, &inbox, now);
}

fn commit(doc: &mut Automerge, inbox: &Inbox, now: i64) {
    let mut tx = doc.transaction();
    if let Err(e) = autosurgeon::reconcile(&mut tx, inbox) {
        tracing::warn!(error = %e, "cannot write an inbox");
        tx.rollback();
        return;
    }
    tx.commit_with(CommitOptions::default().with_time(now / 1000));
}

/// Sends the pending mails of every inbox and marks each sent.
async fn mail(
    seen: &mut Seen,
    accounts: &Arc<Accounts>,
    sync: &SyncEngine,
    mailer: &Mailer,
    public_url: &str,
    now: i64,
) {
    let mut pending = Vec::new();
    for (person, inbox) in &seen.inboxes {
        if !inbox.settings.email {
            continue;
        }
        for (key, n) in &inbox.notices {
            let retry = seen.retry.get(&(person.clone(), key.clone()));
            if n.mail == MailState::Pending
                && n.at > now - MAIL_UNTIL_MS
                && retry.is_none_or(|at| *at <= now)
            {
                pending.push((person.clone(), key.clone(), n.clone()));
            }
        }
    }
    let mut sent: BTreeMap<PersonId, Vec<String>> = BTreeMap::new();
    for (person, key, notice) in pending {
        let store = accounts.clone();
        let lookup = person.clone();
        let Ok(Ok(Some(user))) = tokio::task::spawn_blocking(move || store.user(&lookup)).await
        else {
            continue;
        };
        let outgoing = notice_mail(&user.name, &user.email, &notice, public_url);
        match mailer.send(&outgoing).await {
            Ok(_) => {
                seen.retry.remove(&(person.clone(), key.clone()));
                sent.entry(person).or_default().push(key);
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot send a notice by e-mail; trying again later");
                seen.retry.insert((person, key), now + MAIL_RETRY_MS);
            }
        }
    }
    for (person, keys) in sent {
        let result = sync
            .write(inbox::inbox_document_id(&person), move |doc| {
                doc.set_actor(relay_actor());
                let Ok(mut inbox) = autosurgeon::hydrate::<_, Inbox>(doc) else {
                    return;
                };
                for key in &keys {
                    if let Some(n) = inbox.notices.get_mut(key) {
                        n.mail = MailState::Sent;
                    }
                }
                commit(doc, &inbox, now);
            })
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "cannot mark notices as mailed");
        }
    }
}

/// A notice as an e-mail: Danish first, English below, with the link to its page.
fn notice_mail(name: &str, email: &str, n: &Notice, public_url: &str) -> OutgoingMail {
    let da = notices::text(n, Lang::Da, &|t| notices::spoken_time(t, Lang::Da));
    let en = notices::text(n, Lang::En, &|t| notices::spoken_time(t, Lang::En));
    let link = format!("{public_url}{}", notices::path(n));
    // The settings are on the Beskeder page, below the notices.
    let settings = format!("{public_url}/beskeder");
    OutgoingMail {
        to_name: name.to_owned(),
        to: email.to_owned(),
        subject: da.subject.clone(),
        body: format!(
            "Hej {name}\n\n{}\n\nSe mere: {link}\n\nDu kan vælge kun at få beskeder i appen, og \
             hvor længe før du vil mindes om noget, under Beskeder: {settings}\n\n---\n\n{}\n{}\n\n\
             More: {link}\n\nUnder Notices you can choose to get notices in the app only, \
             and how long before to be reminded: {settings}\n",
            da.body, en.subject, en.body
        ),
    }
}
