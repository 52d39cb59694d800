//! Retention (GDPR art. 5(1)(e), storage limitation): how long the relay keeps what, and the
//! daily job that removes the rest. Every period is a flag with an environment fallback; the
//! defaults and their reasons:
//!
//! | what | kept | why |
//! |---|---|---|
//! | sessions | until they expire (30 days after last use) | an expired session opens nothing; its row only says when someone used the app |
//! | password reset links | until they expire (1 h mailed, 24 h handed over) | the same |
//! | invitations | 90 days after they expire (`--retain-invitations-days`) | the inviting coordinator can see an invitation was used or lapsed, and re-invite |
//! | audit log of CV reads | 365 days (`--retain-audit-days`) | longer than the six months the former Danish security order (bek. 528/2000 § 19) required for access logs, so a volunteer who checks "Hvem har set mit CV" once a year sees every read; not longer, because the log is itself personal data about the readers |
//! | accounts without activity | 3 years (`--inactive-account-days`), told by e-mail 30 days before (`--inactivity-notice-days`) | a volunteer who has not opened the app for three years has stopped volunteering; three years is the general Danish limitation period (forældelsesloven § 3) for a claim from their volunteering. Staff and admin accounts end with employment, not here |
//! | people on tasks whose last shift ended | 3 years (`--retain-signups-days`), then written out as for an erasure (counts and order kept) | the organisation may need to know who was on a shift for the same limitation period (an injury, an insurance claim); the municipality's statistics need only the counts |
//!
//! The job runs at start and then every 24 hours; each run logs what it removed as counts.
//! [`run_once`] is the job, callable from tests with a moved clock.

use std::sync::Arc;

use clap::Args;

use crate::accounts::Accounts;
use crate::erasure::{Requester, erase_person};
use crate::mail::{Mailer, OutgoingMail};
use crate::sync::SyncEngine;
use crate::sync::erasure::Subject;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The retention periods (part of [`crate::Config`]).
#[derive(Debug, Clone, Args)]
pub struct RetentionConfig {
    /// Days an audit entry (a read of someone's CV) is kept.
    #[arg(long, env = "SAMSKAB_RETAIN_AUDIT_DAYS", default_value_t = 365)]
    pub retain_audit_days: i64,
    /// Days an invitation is kept after it expired.
    #[arg(long, env = "SAMSKAB_RETAIN_INVITATIONS_DAYS", default_value_t = 90)]
    pub retain_invitations_days: i64,
    /// Days without activity after which a volunteer's or coordinator's account is erased.
    #[arg(long, env = "SAMSKAB_INACTIVE_ACCOUNT_DAYS", default_value_t = 3 * 365)]
    pub inactive_account_days: i64,
    /// Days before that erasure the person is told by e-mail.
    #[arg(long, env = "SAMSKAB_INACTIVITY_NOTICE_DAYS", default_value_t = 30)]
    pub inactivity_notice_days: i64,
    /// Days after a task's last shift ended after which the people in it are written out.
    #[arg(long, env = "SAMSKAB_RETAIN_SIGNUPS_DAYS", default_value_t = 3 * 365)]
    pub retain_signups_days: i64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            retain_audit_days: 365,
            retain_invitations_days: 90,
            inactive_account_days: 3 * 365,
            inactivity_notice_days: 30,
            retain_signups_days: 3 * 365,
        }
    }
}

/// What one run removed, as counts.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    pub sessions: usize,
    pub resets: usize,
    pub invitations: usize,
    pub audit_entries: usize,
    pub accounts_notified: usize,
    pub accounts_erased: usize,
    pub tasks_rewritten: usize,
}

/// One run of the job at the accounts' clock's now. A step that fails is logged and the
/// others still run.
pub async fn run_once(
    accounts: &Arc<Accounts>,
    sync: &SyncEngine,
    mailer: &Mailer,
    config: &RetentionConfig,
) -> Removed {
    let now = accounts.now_ms();
    let mut removed = Removed::default();
    let store = accounts.clone();
    let c = config.clone();
    let tables = tokio::task::spawn_blocking(move || {
        let s = store.store();
        Ok::<_, crate::storage::StoreError>((
            s.remove_expired_sessions(now)?,
            s.remove_expired_resets(now)?,
            s.remove_invitations_expired_before(now - c.retain_invitations_days * DAY_MS)?,
            s.remove_reads_before(now - c.retain_audit_days * DAY_MS)?,
        ))
    })
    .await;
    match tables {
        Ok(Ok((sessions, resets, invitations, audit))) => {
            removed.sessions = sessions;
            removed.resets = resets;
            removed.invitations = invitations;
            removed.audit_entries = audit;
        }
        Ok(Err(e)) => tracing::error!(error = %e, "retention: cannot clean the tables"),
        Err(e) => tracing::error!(error = %e, "retention: the cleaning task failed"),
    }
    match sync
        .erase(Subject::Before(now - config.retain_signups_days * DAY_MS))
        .await
    {
        Ok(done) => removed.tasks_rewritten = done.rewritten.len() + done.deleted.len(),
        Err(e) => tracing::error!(error = %e, "retention: cannot write people out of past tasks"),
    }
    inactive_accounts(accounts, sync, mailer, config, now, &mut removed).await;
    tracing::info!(
        sessions = removed.sessions,
        resets = removed.resets,
        invitations = removed.invitations,
        audit_entries = removed.audit_entries,
        accounts_notified = removed.accounts_notified,
        accounts_erased = removed.accounts_erased,
        tasks_rewritten = removed.tasks_rewritten,
        "retention run"
    );
    removed
}

/// Accounts inactive past the notice point are told once; those inactive past the period, and
/// told at least the notice period ago, are erased.
async fn inactive_accounts(
    accounts: &Arc<Accounts>,
    sync: &SyncEngine,
    mailer: &Mailer,
    config: &RetentionConfig,
    now: i64,
    removed: &mut Removed,
) {
    let notice_from = now - (config.inactive_account_days - config.inactivity_notice_days) * DAY_MS;
    let store = accounts.clone();
    let found =
        tokio::task::spawn_blocking(move || store.store().inactive_users(notice_from)).await;
    let Ok(Ok(found)) = found else {
        tracing::error!("retention: cannot list inactive accounts");
        return;
    };
    for (id, noticed) in found {
        let store = accounts.clone();
        let lookup = id.clone();
        let Ok(Ok(Some(user))) = tokio::task::spawn_blocking(move || store.user(&lookup)).await
        else {
            continue;
        };
        match noticed {
            Some(at) if at <= now - config.inactivity_notice_days * DAY_MS => {
                match erase_person(accounts, sync, &user, Requester::Retention).await {
                    Ok(_) => removed.accounts_erased += 1,
                    Err(e) => {
                        tracing::error!(error = %e, "retention: cannot erase an inactive account")
                    }
                }
            }
            Some(_) => {}
            None => {
                let mail = notice_mail(&user.name, &user.email, config.inactivity_notice_days);
                if let Err(e) = mailer.send(&mail).await {
                    // Not marked: tried again tomorrow, and never erased before being told.
                    tracing::warn!(error = %e, "retention: cannot send an inactivity notice");
                    continue;
                }
                let store = accounts.clone();
                let _ = tokio::task::spawn_blocking(move || {
                    store.store().mark_inactivity_notice(&id, now)
                })
                .await;
                removed.accounts_notified += 1;
            }
        }
    }
}

/// The notice before an inactive account is erased: Danish first, English below.
fn notice_mail(name: &str, email: &str, days: i64) -> OutgoingMail {
    OutgoingMail {
        to_name: name.to_owned(),
        to: email.to_owned(),
        subject: "Din Samskab-konto bliver slettet / Your Samskab account will be deleted".into(),
        body: format!(
            "Hej {name}\n\nDu har ikke brugt Samskab i næsten tre år. Om {days} dage sletter vi \
             din konto og dine oplysninger. Vil du beholde kontoen, så log ind inden da.\n\n\
             ---\n\nHello {name}\n\nYou have not used Samskab for almost three years. In {days} \
             days we will delete your account and your data. To keep it, sign in before then.\n"
        ),
    }
}

/// Runs the job now and then every 24 hours, until the relay stops.
pub fn spawn_daily(
    accounts: Arc<Accounts>,
    sync: SyncEngine,
    mailer: Mailer,
    config: RetentionConfig,
) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
        loop {
            every.tick().await;
            run_once(&accounts, &sync, &mailer, &config).await;
        }
    });
}
