//! "Glemt adgangskode" over real sockets, with a real SMTP server (aiosmtpd, started by the
//! test): the mailed link resets the password once and ends every session; an unknown e-mail
//! gets the same answer and no mail; a forged Host header does not change the link; mails to
//! one address are capped; staff hand out links and volunteers may not; without SMTP the mail
//! lands in the outbox folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Relay;
use common::smtp::{SmtpSink, decode, reset_link, wait_until};
use reqwest::StatusCode;
use samskab_server::mail::{MailConfig, SmtpTls};
use serde_json::{Value, json};

const PUBLIC: &str = "https://frivillig.example.dk";
const ANNA: &str = "anna@demo.samskab.dk";

/// A demo relay sending mail to `sink` in plain SMTP, with links under [`PUBLIC`].
async fn relay_mailing_to(sink: &SmtpSink) -> Relay {
    let port = sink.port;
    Relay::start_configured(tempfile::tempdir().unwrap(), true, move |config| {
        config.public_url = Some(PUBLIC.into());
        config.mail = MailConfig {
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: Some(port),
            smtp_tls: SmtpTls::None,
            smtp_from: Some("Samskab <noreply@example.dk>".into()),
            ..MailConfig::default()
        };
    })
    .await
}

async fn post(relay: &Relay, path: &str, body: Value) -> reqwest::Response {
    relay
        .client
        .post(format!("{}{path}", relay.base))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn post_as(relay: &Relay, token: &str, path: &str, body: Value) -> reqwest::Response {
    relay
        .client
        .post(format!("{}{path}", relay.base))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn login_status(relay: &Relay, email: &str, password: &str) -> StatusCode {
    post(
        relay,
        "/api/login",
        json!({"email": email, "password": password}),
    )
    .await
    .status()
}

/// Status and body of an answer, to compare answers whole.
async fn answer(res: reqwest::Response) -> (StatusCode, String) {
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn a_mailed_link_resets_the_password_once_and_ends_every_session() {
    let sink = SmtpSink::start().await;
    let relay = relay_mailing_to(&sink).await;
    let old_session = relay.login(ANNA).await;

    // Unknown first: if it were mailed, it would arrive before Anna's.
    let unknown = answer(
        post(
            &relay,
            "/api/password/forgot",
            json!({"email": "nobody@demo.samskab.dk"}),
        )
        .await,
    )
    .await;
    // A forged Host header (as an attacker would send to get the link pointed at their site).
    let forged = relay
        .client
        .post(format!("{}/api/password/forgot", relay.base))
        .header("host", "evil.example.com")
        .json(&json!({"email": " Anna@Demo.Samskab.dk "}))
        .send()
        .await
        .unwrap();
    let known = answer(forged).await;
    assert_eq!(unknown.0, StatusCode::ACCEPTED);
    assert_eq!(
        known, unknown,
        "the same answer whether or not the account exists"
    );

    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1, "no mail for the unknown address: {mails:?}");
    let mail = &mails[0];
    assert_eq!(mail["rcpt_tos"], json!([ANNA]));
    assert_eq!(mail["mail_from"], "noreply@example.dk");
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .starts_with("Nulstil din adgangskode")
    );
    let body = mail["body"].as_str().unwrap();
    assert!(
        body.starts_with("Hej Anna Frivillig"),
        "Danish first: {body}"
    );
    assert!(!body.contains("evil"), "{body}");
    let (link, token) = reset_link(body);
    assert_eq!(link, format!("{PUBLIC}/nulstil-adgangskode#{token}"));
    assert_eq!(token.len(), 64);

    // A refused password does not spend the link.
    let short = post(
        &relay,
        "/api/password/reset",
        json!({"token": token, "password": "kort"}),
    )
    .await;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        short.json::<Value>().await.unwrap()["error"],
        "password_too_short"
    );

    let res = post(
        &relay,
        "/api/password/reset",
        json!({"token": token, "password": "min nye lange kode"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly")
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["email"], ANNA);
    let new_session = body["token"].as_str().unwrap().to_owned();
    assert_eq!(
        relay.me_status(&new_session).await,
        StatusCode::OK,
        "signed in"
    );
    assert_eq!(
        relay.me_status(&old_session).await,
        StatusCode::UNAUTHORIZED,
        "old sessions end"
    );
    assert_eq!(
        login_status(&relay, ANNA, "samskab-demo").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_status(&relay, ANNA, "min nye lange kode").await,
        StatusCode::OK
    );

    // Once only.
    let again = post(
        &relay,
        "/api/password/reset",
        json!({"token": token, "password": "en tredje lang kode"}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let error: Value = again.json().await.unwrap();
    assert_eq!(error["error"], "reset_invalid");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("used or expired")
    );
    let unknown = post(
        &relay,
        "/api/password/reset",
        json!({"token": "ab".repeat(32), "password": "en tredje lang kode"}),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_newer_link_replaces_the_older_and_a_mailbox_gets_at_most_three_an_hour() {
    let sink = SmtpSink::start().await;
    let relay = relay_mailing_to(&sink).await;
    for _ in 0..5 {
        let res = post(&relay, "/api/password/forgot", json!({"email": ANNA})).await;
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let mails = sink.wait_for(3).await;
    // The fourth and fifth were answered alike and sent nothing; they had their chance to
    // arrive while we read the three that are counted below.
    let tokens: Vec<String> = mails
        .iter()
        .map(|m| reset_link(m["body"].as_str().unwrap()).1)
        .collect();
    // Only the newest works (the mails may be handed over in any order; one works).
    let mut worked = 0;
    for token in &tokens {
        let res = post(
            &relay,
            "/api/password/reset",
            json!({"token": token, "password": "min nye lange kode"}),
        )
        .await;
        if res.status() == StatusCode::OK {
            worked += 1;
        }
    }
    assert_eq!(worked, 1, "only the newest link works");
    assert_eq!(
        sink.messages().len(),
        3,
        "at most three mails an hour to one address"
    );

    // A malformed address is refused for what it is.
    let res = post(
        &relay,
        "/api/password/forgot",
        json!({"email": "ikke en adresse"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // An address that asks too often waits, and is told how long.
    let mut refused = None;
    for _ in 0..20 {
        let res = post(
            &relay,
            "/api/password/forgot",
            json!({"email": "someone@example.dk"}),
        )
        .await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(res);
            break;
        }
        assert_eq!(res.status(), StatusCode::ACCEPTED);
    }
    let res = refused.expect("429 after 20 requests from one address");
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3000..=3600).contains(&wait), "{wait}");
    assert_eq!(res.json::<Value>().await.unwrap()["retry_after"], wait);
    relay.shutdown().await;
}

#[tokio::test]
async fn staff_hand_out_links_and_volunteers_and_coordinators_may_not() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let carla = relay.login("carla@demo.samskab.dk").await;
    let anna = relay.login(ANNA).await;
    let bo = relay.login("bo@demo.samskab.dk").await;

    for (who, token) in [("volunteer", &anna), ("coordinator", &bo)] {
        let res = post_as(
            &relay,
            token,
            "/api/password/reset-link",
            json!({"email": ANNA}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let res = post(&relay, "/api/password/reset-link", json!({"email": ANNA})).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Not for an account of one's own rank or above.
    let res = post_as(
        &relay,
        &carla,
        "/api/password/reset-link",
        json!({"email": "admin@demo.samskab.dk"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = post_as(
        &relay,
        &carla,
        "/api/password/reset-link",
        json!({"email": "nobody@demo.samskab.dk"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "no_such_account"
    );

    let res = post_as(
        &relay,
        &carla,
        "/api/password/reset-link",
        json!({"email": ANNA}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let handed: Value = res.json().await.unwrap();
    assert_eq!(handed["name"], "Anna Frivillig");
    let url = handed["url"].as_str().unwrap();
    // No --public-url: the relay's own address, whatever Host the request named.
    let (link, token) = reset_link(url);
    assert_eq!(link, format!("{}/nulstil-adgangskode#{token}", relay.base));
    let expires = handed["expires_at"].as_i64().unwrap();
    let day = 24 * 60 * 60 * 1000;
    assert!((expires - common::now() - day).abs() < 60_000, "24 hours");

    let res = post(
        &relay,
        "/api/password/reset",
        json!({"token": token, "password": "min nye lange kode"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(relay.me_status(&anna).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        login_status(&relay, ANNA, "min nye lange kode").await,
        StatusCode::OK
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn without_smtp_the_mail_is_written_to_the_outbox() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let res = post(&relay, "/api/password/forgot", json!({"email": ANNA})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let outbox = relay.data().join("outbox");
    let file = wait_until(|| {
        std::fs::read_dir(&outbox)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "eml"))
    })
    .await;
    let mail = decode(&file).await;
    assert!(mail["to"].as_str().unwrap().contains(ANNA), "{mail}");
    let (_, token) = reset_link(mail["body"].as_str().unwrap());
    let res = post(
        &relay,
        "/api/password/reset",
        json!({"token": token, "password": "min nye lange kode"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    relay.shutdown().await;
}
