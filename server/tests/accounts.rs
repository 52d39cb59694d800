//! The accounts API over a real socket: register, log in, the session cookie, who am I,
//! log out, password change, the same answer for a wrong password and an unknown email, rate
//! limits, and the admin command creating the first user.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::Relay;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn post(relay: &Relay, path: &str, body: Value) -> reqwest::Response {
    relay
        .client
        .post(format!("{}{path}", relay.base))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn register_log_in_and_out() {
    let relay = Relay::start().await;
    let res = post(
        &relay,
        "/api/register",
        json!({"name": "Dorte", "email": "dorte@example.dk", "password": "en god lang kode"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["samskab_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: no Secure");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["role"], "frivillig");
    let token = body["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64, "256 bits, hex");
    assert!(cookie.contains(&token));

    // The cookie works as well as the bearer header.
    let res = relay
        .client
        .get(format!("{}/api/me", relay.base))
        .header("cookie", format!("samskab_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap()["email"],
        "dorte@example.dk"
    );

    let again = post(
        &relay,
        "/api/register",
        json!({"name": "D", "email": "DORTE@example.dk", "password": "en god lang kode"}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let short = post(
        &relay,
        "/api/register",
        json!({"name": "E", "email": "e@example.dk", "password": "kort"}),
    )
    .await;
    assert_eq!(short.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        short.json::<Value>().await.unwrap()["error"],
        "password_too_short"
    );

    let res = relay
        .client
        .post(format!("{}/api/logout", relay.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(relay.me_status(&token).await, StatusCode::UNAUTHORIZED);
    // The catalog for tools needs a session too.
    assert_eq!(
        relay.get("/api/catalog", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn demo_accounts_log_in_and_bad_credentials_look_the_same() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let res = post(
        &relay,
        "/api/login",
        json!({"email": "bo@demo.samskab.dk", "password": "samskab-demo"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["role"], "koordinator");
    assert_eq!(body["user"]["organisations"], json!(["haslev-fodbold"]));
    assert_eq!(
        relay.me_status(body["token"].as_str().unwrap()).await,
        StatusCode::OK
    );

    let wrong = post(
        &relay,
        "/api/login",
        json!({"email": "bo@demo.samskab.dk", "password": "forkert-kode"}),
    )
    .await;
    let unknown = post(
        &relay,
        "/api/login",
        json!({"email": "nobody@demo.samskab.dk", "password": "samskab-demo"}),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong.text().await.unwrap(),
        unknown.text().await.unwrap(),
        "one answer for both"
    );
    assert_eq!(
        relay.me_status(&"0".repeat(64)).await,
        StatusCode::UNAUTHORIZED
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let login = || {
        post(
            &relay,
            "/api/login",
            json!({"email": "anna@demo.samskab.dk", "password": "samskab-demo"}),
        )
    };
    let phone: Value = login().await.json().await.unwrap();
    let tablet: Value = login().await.json().await.unwrap();
    let phone = phone["token"].as_str().unwrap();
    let tablet = tablet["token"].as_str().unwrap();
    let res = relay
        .client
        .post(format!("{}/api/password", relay.base))
        .bearer_auth(phone)
        .json(&json!({"old": "samskab-demo", "new": "et helt nyt kodeord"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let fresh: Value = res.json().await.unwrap();
    assert_eq!(relay.me_status(phone).await, StatusCode::UNAUTHORIZED);
    assert_eq!(relay.me_status(tablet).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        relay.me_status(fresh["token"].as_str().unwrap()).await,
        StatusCode::OK
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn repeated_failed_logins_are_slowed_down_per_account() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let mut statuses = Vec::new();
    for _ in 0..11 {
        let res = post(
            &relay,
            "/api/login",
            json!({"email": "carla@demo.samskab.dk", "password": "gæt-gæt-gæt"}),
        )
        .await;
        statuses.push(res.status());
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(res.headers().contains_key("retry-after"));
        }
    }
    assert!(
        statuses[..10]
            .iter()
            .all(|s| *s == StatusCode::UNAUTHORIZED)
    );
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits now, from this address: the backoff is per account and
    // address, and a wait is served before the password is checked.
    let res = post(
        &relay,
        "/api/login",
        json!({"email": "carla@demo.samskab.dk", "password": "samskab-demo"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another account is not affected.
    let res = post(
        &relay,
        "/api/login",
        json!({"email": "admin@demo.samskab.dk", "password": "samskab-demo"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    relay.shutdown().await;
}

#[test]
fn the_admin_command_creates_the_first_user_with_a_password_from_stdin() {
    use std::io::Write;
    let data = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_samskab-server"))
        .args([
            "admin",
            "create-user",
            "--email",
            "root@kommune.dk",
            "--name",
            "Drift",
            "--role",
            "admin",
        ])
        .arg("--data")
        .arg(data.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"et meget hemmeligt kodeord\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let accounts = samskab_server::accounts::Accounts::open(data.path()).unwrap();
    let (user, _) = accounts
        .login("root@kommune.dk", "et meget hemmeligt kodeord")
        .unwrap();
    assert_eq!(user.role, samskab_model::authz::Role::Admin);
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

#[tokio::test]
async fn staff_create_organisations_and_invitations_make_coordinators() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let carla = relay.login("carla@demo.samskab.dk").await;
    let anna = relay.login("anna@demo.samskab.dk").await;
    let bo = relay.login("bo@demo.samskab.dk").await;

    // Staff create an organisation; a volunteer may not.
    let org = json!({"name": "Karise Petanque Klub", "kind": "forening"});
    assert_eq!(
        post_as(&relay, &anna, "/api/organisations", org.clone())
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let res = post_as(&relay, &carla, "/api/organisations", org).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        res.json::<Value>().await.unwrap()["id"],
        "karise-petanque-klub"
    );
    let list: Value = relay
        .client
        .get(format!("{}/api/organisations", relay.base))
        .bearer_auth(&anna)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == "karise-petanque-klub")
    );
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == "haslev-fodbold"),
        "demo organisations are seeded"
    );

    // Who may invite whom.
    let invite = |token: &str, role: &str, org: Option<&str>| {
        let body = json!({"role": role, "organisation": org});
        let token = token.to_owned();
        let relay = &relay;
        async move { post_as(relay, &token, "/api/invitations", body).await }
    };
    assert_eq!(
        invite(&anna, "koordinator", Some("haslev-fodbold"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        invite(&bo, "koordinator", Some("karise-petanque-klub"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        invite(&bo, "personale", None).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        invite(&carla, "admin", None).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        invite(&carla, "koordinator", Some("findes-ikke"))
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        invite(&bo, "koordinator", Some("haslev-fodbold"))
            .await
            .status(),
        StatusCode::CREATED
    );

    // Staff invite a coordinator to the new club; the link works once.
    let res = invite(&carla, "koordinator", Some("karise-petanque-klub")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let invitation: Value = res.json().await.unwrap();
    let code = invitation["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 32, "128 bits, hex");
    assert_eq!(invitation["url"], format!("/invitation/{code}"));
    let accept = |email: &str| json!({"code": code, "name": "Pia", "email": email, "password": "en god lang kode"});
    let res = post(&relay, "/api/invitations/accept", accept("pia@karise.dk")).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["role"], "koordinator");
    assert_eq!(
        body["user"]["organisations"],
        json!(["karise-petanque-klub"])
    );
    let again = post(&relay, "/api/invitations/accept", accept("pia2@karise.dk")).await;
    assert_eq!(again.status(), StatusCode::GONE);
    let forged = post(
        &relay,
        "/api/invitations/accept",
        json!({"code": "0".repeat(32), "name": "X", "email": "x@x.dk", "password": "en god lang kode"}),
    )
    .await;
    assert_eq!(forged.status(), StatusCode::GONE);
    relay.shutdown().await;
}

async fn people(relay: &Relay, token: &str, q: &str) -> (StatusCode, Vec<Value>) {
    let res = relay
        .client
        .get(format!("{}/api/people", relay.base))
        .query(&[("q", q)])
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let found = if status == StatusCode::OK {
        res.json().await.unwrap()
    } else {
        Vec::new()
    };
    (status, found)
}

#[tokio::test]
async fn staff_find_people_by_name_coordinators_only_by_exact_email_volunteers_not_at_all() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let carla = relay.login("carla@demo.samskab.dk").await;
    let bo = relay.login("bo@demo.samskab.dk").await;
    let anna = relay.login("anna@demo.samskab.dk").await;
    let names = |found: &[Value]| -> Vec<String> {
        found
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // Staff: part of a name or an e-mail, any case, Danish letters too.
    relay.register("Søren").await;
    let (status, found) = people(&relay, &carla, "FRIVILLIG").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&found), ["Anna Frivillig"]);
    assert_eq!(found[0]["person"], "demo-anna");
    assert_eq!(names(&people(&relay, &carla, "søREN").await.1), ["Søren"]);
    assert_eq!(
        names(&people(&relay, &carla, "bo@demo").await.1),
        ["Bo Jensen"]
    );
    assert!(people(&relay, &carla, "a").await.1.is_empty(), "too short");
    // A coordinator: only the exact e-mail of someone they know.
    let (status, found) = people(&relay, &bo, "Anna").await;
    assert_eq!(status, StatusCode::OK);
    assert!(found.is_empty(), "no browsing by name: {found:?}");
    assert_eq!(
        names(&people(&relay, &bo, " Anna@Demo.Samskab.dk ").await.1),
        ["Anna Frivillig"]
    );
    // A volunteer: no one; nobody signed out.
    assert_eq!(
        people(&relay, &anna, "bo@demo.samskab.dk").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(people(&relay, "", "anna").await.0, StatusCode::UNAUTHORIZED);
    relay.shutdown().await;
}
