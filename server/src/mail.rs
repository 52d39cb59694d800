//! Outgoing mail. With an SMTP server configured (`--smtp-host` and friends) the relay sends
//! through it; without one it writes each message as an `.eml` file into `<data>/outbox/` and
//! logs the file's path, so a demo on one machine works and an operator can open the mail.
//!
//! Messages are built with `lettre`'s builder (headers encoded, the body quoted-printable or
//! base64 as its characters need) and sent with its async SMTP client on the relay's tokio
//! runtime. The SMTP password is a [`Secret`]: redacted in `Debug`, hidden from `--help`, never
//! logged. What a message says is never logged either (a reset mail carries a one-time link).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

pub use crate::secret::Secret;

/// How long one SMTP conversation may take (connect, TLS, hand over one message).
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// The folder under `--data` that holds outgoing mail when no SMTP server is configured.
pub const OUTBOX: &str = "outbox";
/// The sender of outbox mail when `--smtp-from` is not given.
pub const DEFAULT_FROM: &str = "Samskab <noreply@localhost>";

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which is required (port 587 by default).
    #[default]
    Starttls,
    /// TLS from the first byte ("SMTPS", port 465 by default).
    Tls,
    /// No encryption: only for a mail server on the same machine or a test sink (port 25).
    None,
}

impl SmtpTls {
    fn default_port(self) -> u16 {
        match self {
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        }
    }
}

/// The mail flags of the relay (part of [`crate::Config`]).
#[derive(Debug, Clone, Default, Args)]
pub struct MailConfig {
    /// SMTP server to send mail through. Without it, mail is written to `<data>/outbox/`.
    #[arg(long, env = "SAMSKAB_SMTP_HOST")]
    pub smtp_host: Option<String>,

    /// SMTP port [default: 587 for starttls, 465 for tls, 25 for none].
    #[arg(long, env = "SAMSKAB_SMTP_PORT")]
    pub smtp_port: Option<u16>,

    /// How the SMTP connection is encrypted.
    #[arg(long, env = "SAMSKAB_SMTP_TLS", value_enum, default_value_t = SmtpTls::Starttls)]
    pub smtp_tls: SmtpTls,

    /// SMTP user name, if the server wants a login.
    #[arg(long, env = "SAMSKAB_SMTP_USER")]
    pub smtp_user: Option<String>,

    /// SMTP password (prefer the environment variable: flags show in `ps`).
    #[arg(long, env = "SAMSKAB_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<Secret>,

    /// The sender, e.g. `Samskab <noreply@kommune.dk>`; required with --smtp-host.
    #[arg(long, env = "SAMSKAB_SMTP_FROM")]
    pub smtp_from: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail configuration: {0}")]
    Config(String),
    #[error("building the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("address: {0}")]
    Address(#[from] lettre::address::AddressError),
    #[error("SMTP: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
    #[error("writing to the outbox: {0}")]
    Outbox(#[from] std::io::Error),
}

/// One plain-text message to one person.
#[derive(Clone)]
pub struct OutgoingMail {
    /// The recipient's name (may be empty) and address.
    pub to_name: String,
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The recipient only: subject and body may hold a secret link.
impl std::fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("to", &self.to)
            .finish_non_exhaustive()
    }
}

/// Where a message went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Handed to the SMTP server.
    Sent,
    /// Written to this file in the outbox.
    Outbox(PathBuf),
}

/// Sends mail, through SMTP or into the outbox folder. Cloning shares the SMTP transport.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
        server: String,
    },
    Outbox {
        dir: PathBuf,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp { server, from, .. } => f
                .debug_struct("Mailer::Smtp")
                .field("server", server)
                .field("from", &from.to_string())
                .finish_non_exhaustive(),
            Mailer::Outbox { dir, .. } => f
                .debug_struct("Mailer::Outbox")
                .field("dir", dir)
                .finish_non_exhaustive(),
        }
    }
}

impl Mailer {
    /// The mailer `config` describes; the outbox under `data` when no SMTP host is set. Refuses
    /// a configuration that could not send anything (no sender, a user without a password).
    pub fn from_config(config: &MailConfig, data: &Path) -> Result<Self, MailError> {
        let Some(host) = config.smtp_host.as_deref().filter(|h| !h.trim().is_empty()) else {
            let from = config
                .smtp_from
                .as_deref()
                .unwrap_or(DEFAULT_FROM)
                .parse()?;
            return Ok(Mailer::Outbox {
                dir: data.join(OUTBOX),
                from,
            });
        };
        let from: Mailbox = config
            .smtp_from
            .as_deref()
            .ok_or_else(|| MailError::Config("--smtp-from is required with --smtp-host".into()))?
            .parse()?;
        let port = config
            .smtp_port
            .unwrap_or_else(|| config.smtp_tls.default_port());
        let builder = match config.smtp_tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        };
        let mut builder = builder.port(port).timeout(Some(SMTP_TIMEOUT));
        match (&config.smtp_user, &config.smtp_password) {
            (Some(user), Some(password)) => {
                if config.smtp_tls == SmtpTls::None {
                    tracing::warn!(
                        "the SMTP password is sent unencrypted (--smtp-tls none); use it only for a server on this machine"
                    );
                }
                builder = builder
                    .credentials(Credentials::new(user.clone(), password.expose().to_owned()));
            }
            (None, None) => {}
            _ => {
                return Err(MailError::Config(
                    "--smtp-user and --smtp-password go together".into(),
                ));
            }
        }
        Ok(Mailer::Smtp {
            transport: builder.build(),
            from,
            server: format!("{host}:{port}"),
        })
    }

    /// Where mail goes, for the start-up log line.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp { server, .. } => format!("SMTP {server}"),
            Mailer::Outbox { dir, .. } => format!("outbox {}", dir.display()),
        }
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from,
        }
    }

    /// Builds the message (Date, Message-ID and MIME headers included).
    pub fn build(&self, mail: &OutgoingMail) -> Result<Message, MailError> {
        let to = Mailbox::new(
            Some(mail.to_name.clone()).filter(|n| !n.is_empty()),
            mail.to.parse()?,
        );
        Ok(Message::builder()
            .from(self.from().clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())?)
    }

    /// Sends `mail`: hands it to the SMTP server, or writes it to the outbox and logs where.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailError> {
        let message = self.build(mail)?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport.send(message).await?;
                Ok(Delivery::Sent)
            }
            Mailer::Outbox { dir, .. } => {
                let path = write_outbox(dir, &message.formatted()).await?;
                tracing::info!(path = %path.display(), "no SMTP server configured: mail written to the outbox");
                Ok(Delivery::Outbox(path))
            }
        }
    }
}

/// Writes one message as `<time>-<random>.eml`, complete before it appears under that name
/// (written to a `.tmp` first), so a reader of the folder never sees half a message.
async fn write_outbox(dir: &Path, bytes: &[u8]) -> Result<PathBuf, MailError> {
    tokio::fs::create_dir_all(dir).await?;
    let mut tag = [0u8; 4];
    getrandom::fill(&mut tag).map_err(|e| std::io::Error::other(e.to_string()))?;
    let name = format!(
        "{}-{}.eml",
        samskab_model::clock::Clock::now(&samskab_model::clock::SystemClock).millis(),
        tag.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let path = dir.join(name);
    let partial = path.with_extension("tmp");
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(host: Option<&str>) -> MailConfig {
        MailConfig {
            smtp_host: host.map(Into::into),
            smtp_from: Some("Samskab <noreply@kommune.dk>".into()),
            smtp_user: Some("relay".into()),
            smtp_password: Some(Secret::new("hemmelig-smtp-kode")),
            ..MailConfig::default()
        }
    }

    #[test]
    fn the_smtp_password_stays_out_of_debug_output() {
        let shown = format!("{:?}", config(Some("smtp.kommune.dk")));
        assert!(!shown.contains("hemmelig"), "{shown}");
        assert!(shown.contains("smtp.kommune.dk"), "{shown}");
        let mailer = Mailer::from_config(&config(Some("smtp.kommune.dk")), Path::new("/d"))
            .expect("a complete configuration");
        assert!(!format!("{mailer:?}").contains("hemmelig"));
        assert_eq!(mailer.describe(), "SMTP smtp.kommune.dk:587");
    }

    #[test]
    fn without_a_host_mail_goes_to_the_outbox() {
        let mailer = Mailer::from_config(&MailConfig::default(), Path::new("/data")).unwrap();
        assert!(matches!(&mailer, Mailer::Outbox { dir, .. } if dir == Path::new("/data/outbox")));
    }

    #[test]
    fn incomplete_smtp_configurations_are_refused() {
        let mut no_from = config(Some("smtp.kommune.dk"));
        no_from.smtp_from = None;
        assert!(matches!(
            Mailer::from_config(&no_from, Path::new("/d")),
            Err(MailError::Config(_))
        ));
        let mut no_password = config(Some("smtp.kommune.dk"));
        no_password.smtp_password = None;
        assert!(matches!(
            Mailer::from_config(&no_password, Path::new("/d")),
            Err(MailError::Config(_))
        ));
    }

    #[test]
    fn messages_carry_danish_text_and_the_recipient() {
        let mailer = Mailer::from_config(&MailConfig::default(), Path::new("/d")).unwrap();
        let message = mailer
            .build(&OutgoingMail {
                to_name: "Søren Ærø".into(),
                to: "soeren@example.dk".into(),
                subject: "Nulstil din adgangskode".into(),
                body: "Hej Søren\n\nÅbn linket.\n".into(),
            })
            .unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(text.contains("soeren@example.dk"), "{text}");
        assert!(
            text.contains("Content-Type: text/plain; charset=utf-8"),
            "{text}"
        );
        assert!(text.contains("Date: "), "{text}");
    }
}
