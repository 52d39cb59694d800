//! The relay's HTTP surface against an adversary, over real sockets: slow clients are cut
//! off and the relay keeps serving; a declared huge body is refused before it is read; every
//! API error is the relay's JSON; cross-origin state changes are refused; a stranger's wrong
//! passwords do not lock the owner out; registration lets a room of people in, checks its
//! fields and tells only a few times per address that an e-mail has an account; internal
//! failures are 500 without their detail; the accept loop caps connections and shuts down
//! gracefully.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::Relay;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The relay's header read timeout (`limits::HEADER_READ_TIMEOUT`) and how much later than
/// that a slow connection may still be open before the test calls it a failure.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
const MARGIN: Duration = Duration::from_secs(5);

/// Reads until the peer closes the connection; how long that took, or `None` if it was still
/// open after `within`. What was read comes back too (a response, if any).
async fn closed_within(mut stream: TcpStream, within: Duration) -> Option<(Duration, String)> {
    let start = Instant::now();
    let mut seen = Vec::new();
    tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|()| (start.elapsed(), String::from_utf8_lossy(&seen).into_owned()))
}

/// Sends `request` on a fresh connection and reads the start of the answer, or `None` if no
/// answer came within `within`.
async fn raw(relay: &Relay, request: &[u8], within: Duration) -> Option<String> {
    let mut stream = TcpStream::connect(relay.addr()).await.unwrap();
    stream.write_all(request).await.unwrap();
    tokio::time::timeout(within, async {
        let mut buf = vec![0u8; 8192];
        let mut seen = Vec::new();
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    seen.extend_from_slice(&buf[..n]);
                    // Enough to see the status line, the headers and a short JSON body.
                    let text = String::from_utf8_lossy(&seen);
                    if text.contains("\r\n\r\n") && text.trim_end().ends_with('}') {
                        break;
                    }
                }
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    })
    .await
    .ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_the_relay_keeps_serving() {
    let relay = Relay::start().await;
    // Half send part of a header and then nothing (slowloris), half send nothing at all.
    const SLOW: usize = 300;
    let mut slow = Vec::new();
    for i in 0..SLOW {
        let mut stream = TcpStream::connect(relay.addr()).await.unwrap();
        if i % 2 == 0 {
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: relay\r\nX-Slow: a")
                .await
                .unwrap();
        }
        slow.push(stream);
    }
    // A body that starts and stalls: complete headers, a few bytes of a 40-byte body.
    let mut stalled = TcpStream::connect(relay.addr()).await.unwrap();
    stalled
        .write_all(
            b"POST /api/login HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n\
              Content-Length: 40\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();

    // Meanwhile everyone else is served.
    assert_eq!(relay.get("/healthz", None).await.status(), StatusCode::OK);

    let mut waits = tokio::task::JoinSet::new();
    for stream in slow {
        waits.spawn(closed_within(stream, HEADER_TIMEOUT + MARGIN));
    }
    let stalled = tokio::spawn(closed_within(stalled, HEADER_TIMEOUT + MARGIN));
    let mut closed = Vec::new();
    while let Some(result) = waits.join_next().await {
        if let Some((after, _)) = result.unwrap() {
            closed.push(after);
        }
    }
    let longest = closed.iter().max().copied().unwrap_or_default();
    eprintln!(
        "{} of {SLOW} slow-header connections closed by the relay within {:?}; the last after {longest:?}",
        closed.len(),
        HEADER_TIMEOUT + MARGIN
    );
    assert_eq!(
        closed.len(),
        SLOW,
        "every slow-header connection is closed by the relay"
    );
    let (after, answer) = stalled
        .await
        .unwrap()
        .expect("a stalled body is cut off too");
    eprintln!("a stalled body was answered after {after:?}: {answer:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"error\":\"body_timeout\""), "{answer}");

    assert_eq!(relay.get("/healthz", None).await.status(), StatusCode::OK);
    relay.shutdown().await;
}

#[tokio::test]
async fn a_declared_huge_body_is_refused_before_it_is_read() {
    let relay = Relay::start().await;
    let answer = raw(
        &relay,
        b"POST /api/login HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n\
          Content-Length: 100000000000\r\n\r\n",
        Duration::from_secs(2),
    )
    .await
    .expect("a 100 GB declaration is answered at once, not waited for");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("\"error\":\"payload_too_large\""),
        "{answer}"
    );

    // A body over the limit without a declared length (chunked) is cut off while reading.
    let chunk = vec![b'x'; 70 * 1024];
    let mut request = format!(
        "POST /api/register HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n",
        chunk.len()
    )
    .into_bytes();
    request.extend_from_slice(&chunk);
    request.extend_from_slice(b"\r\n0\r\n\r\n");
    let answer = raw(&relay, &request, Duration::from_secs(5)).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // A 1.9 MB phone number is a body over the API's limit too.
    let res = relay
        .client
        .post(format!("{}/api/register", relay.base))
        .json(
            &json!({"name": "Big", "email": "big@example.dk", "password": "en god lang kode",
                      "phone": "1".repeat(1_900_000)}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "payload_too_large"
    );
    relay.shutdown().await;
}

/// The status and the JSON error body of an answer; panics if the body is not the relay's.
async fn json_error(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = res.text().await.unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{status}: {content_type:?} {text:?}"
    );
    let body: Value = serde_json::from_str(&text).unwrap();
    assert!(body["error"].is_string(), "{status}: {text}");
    assert!(body["message"].is_string(), "{status}: {text}");
    (status, body)
}

#[tokio::test]
async fn every_api_error_is_json() {
    let relay = Relay::start().await;
    let (_, token) = relay.register("Jens").await;
    let paths = [
        "/api/login",
        "/api/register",
        "/api/password",
        "/api/organisations",
        "/api/invitations",
        "/api/invitations/accept",
    ];
    for path in paths {
        let url = format!("{}{path}", relay.base);
        let send = |body: &'static str, content_type: &'static str| {
            relay
                .client
                .post(&url)
                .bearer_auth(&token)
                .header("content-type", content_type)
                .body(body)
                .send()
        };
        let (status, body) = json_error(send("{", "application/json").await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} malformed: {body}");
        assert_eq!(body["error"], "invalid_json");
        let (status, _) = json_error(send("{}", "application/json").await.unwrap()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} missing fields"
        );
        let (status, _) = json_error(
            send(r#"{"email": 1, "password": [], "name": {}, "role": 7, "code": 1, "old": 1, "new": 2, "kind": 3}"#, "application/json")
                .await
                .unwrap(),
        )
        .await;
        // 422, or 400 where a type's own parser (a role's name) reports the error.
        assert!(
            [StatusCode::UNPROCESSABLE_ENTITY, StatusCode::BAD_REQUEST].contains(&status),
            "{path} wrong types: {status}"
        );
        let (status, body) = json_error(send("{}", "text/plain").await.unwrap()).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{path} text/plain"
        );
        assert_eq!(body["error"], "unsupported_media_type");
        let (status, _) = json_error(send("", "application/json").await.unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path} empty body");
    }
    // A known path with the wrong method is a JSON 405 too.
    let res = relay.get("/api/login", None).await;
    let (status, _) = json_error(res).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    relay.shutdown().await;
}

#[tokio::test]
async fn cross_origin_state_changes_are_refused() {
    let relay = Relay::start().await;
    let (_, token) = relay.register("Karin").await;
    let logout = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut req = relay
            .client
            .post(format!("{}/api/logout", relay.base))
            .bearer_auth(&token);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        if let Some(site) = fetch_site {
            req = req.header("sec-fetch-site", site);
        }
        req.send()
    };
    let me = || {
        relay
            .client
            .get(format!("{}/api/me", relay.base))
            .bearer_auth(&token)
            .send()
    };
    let port = relay.addr().port();
    for (origin, site) in [
        (Some("https://evil.example"), None),
        (Some("null"), None),
        (
            Some(format!("http://127.0.0.1:{}", port + 1).as_str()),
            None,
        ),
        (Some("http://127.0.0.1"), None),
        (Some(format!("http://evil.example:{port}").as_str()), None),
        (None, Some("cross-site")),
        (Some(relay.base.as_str()), Some("same-site")),
    ] {
        let res = logout(origin, site).await.unwrap();
        let (status, body) = json_error(res).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?} {site:?}");
        assert_eq!(body["error"], "foreign_origin");
        assert_eq!(
            me().await.unwrap().status(),
            StatusCode::OK,
            "still signed in"
        );
    }
    // Logging in from another site is refused as well (login CSRF).
    let res = relay
        .client
        .post(format!("{}/api/login", relay.base))
        .header("origin", "https://evil.example")
        .json(&json!({"email": "karin@example.dk", "password": "en god lang kode"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Reading stays possible from anywhere the browser allows (the answer is not shared).
    let res = relay
        .client
        .get(format!("{}/api/me", relay.base))
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // The app's own origin is accepted.
    let res = logout(Some(&relay.base), Some("same-origin"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(me().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    relay.shutdown().await;
}

async fn login_from(
    client: &reqwest::Client,
    relay: &Relay,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(format!("{}/api/login", relay.base))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    let stranger = Relay::client_from("127.0.0.2");
    let mut statuses = Vec::new();
    let mut refusal = None;
    for _ in 0..20 {
        let res = login_from(&stranger, &relay, "anna@demo.samskab.dk", "gæt-gæt-gæt").await;
        statuses.push(res.status());
        if res.status() == StatusCode::TOO_MANY_REQUESTS && refusal.is_none() {
            let header: u64 = res.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            refusal = Some((header, res.json::<Value>().await.unwrap()));
        }
    }
    assert!(statuses.contains(&StatusCode::UNAUTHORIZED));
    assert!(
        statuses.contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );

    // The owner, on her own address, signs in as if nothing happened.
    let res = login_from(
        &relay.client,
        &relay,
        "anna@demo.samskab.dk",
        "samskab-demo",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK, "the owner is not locked out");

    // The stranger was told the real wait, in the header and the body alike.
    let (waited, body) = refusal.unwrap();
    assert_eq!(body["error"], "too_many_attempts");
    assert_eq!(body["retry_after"], waited, "the body says the same wait");
    assert!(
        (1..=30).contains(&waited),
        "the first wait is short: {waited}"
    );
    // The stranger's address may still sign in to another account.
    let res = login_from(&stranger, &relay, "bo@demo.samskab.dk", "samskab-demo").await;
    assert_eq!(res.status(), StatusCode::OK);
    // Successful logins are not attempts against anyone: a whole shift's worth from one
    // address (a volunteer centre's shared computer) all get in.
    for i in 0..60 {
        let res = login_from(
            &relay.client,
            &relay,
            "anna@demo.samskab.dk",
            "samskab-demo",
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "login {i}");
    }
    relay.shutdown().await;
}

async fn register(client: &reqwest::Client, relay: &Relay, body: Value) -> reqwest::Response {
    client
        .post(format!("{}/api/register", relay.base))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_room_full_of_people_registers_from_one_address() {
    let relay = Relay::start().await;
    for i in 0..25 {
        let res = register(
            &relay.client,
            &relay,
            json!({"name": format!("Deltager {i}"), "email": format!("deltager{i}@example.dk"),
                   "password": "en god lang kode"}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED, "registration {i}");
    }
    relay.shutdown().await;
}

#[tokio::test]
async fn registration_checks_its_fields() {
    let relay = Relay::start().await;
    let person = |name: &str, email: &str, phone: &str| json!({"name": name, "email": email, "phone": phone, "password": "en god lang kode"});
    for (i, (name, email, phone)) in [
        ("Ulla", "@", ""),
        ("Ulla", "ulla@", ""),
        ("Ulla", "@example.dk", ""),
        ("Ulla", "ulla@localhost", ""),
        ("Ulla", "ulla@@example.dk", ""),
        ("Ulla", "ul la@example.dk", ""),
        ("Ulla", &format!("{}@example.dk", "u".repeat(250)), ""),
        ("", "ulla1@example.dk", ""),
        ("   ", "ulla2@example.dk", ""),
        (&"U".repeat(101), "ulla3@example.dk", ""),
        ("Ulla\u{0}", "ulla4@example.dk", ""),
        ("Ulla\nHansen", "ulla5@example.dk", ""),
        ("Ulla", "ulla6@example.dk\u{7}", ""),
        ("Ulla", "ulla7@example.dk", &"1".repeat(31)),
        ("Ulla", "ulla8@example.dk", "ring til mig"),
        ("Ulla", "ulla9@example.dk", "12\t34"),
    ]
    .iter()
    .enumerate()
    {
        let res = register(&relay.client, &relay, person(name, email, phone)).await;
        let (status, body) = json_error(res).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "case {i}: {email:?} {body}"
        );
        assert_eq!(body["error"], "invalid", "case {i}");
    }
    // Good fields are stored trimmed.
    let res = register(
        &relay.client,
        &relay,
        person("  Ulla Hansen ", " Ulla@Example.dk ", " +45 (12) 34-56 78 "),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["user"]["name"], "Ulla Hansen");
    assert_eq!(body["user"]["email"], "ulla@example.dk");
    assert_eq!(body["user"]["phone"], "+45 (12) 34-56 78");
    relay.shutdown().await;
}

#[tokio::test]
async fn an_address_learns_only_a_few_times_that_an_email_has_an_account() {
    let relay = Relay::start().await;
    relay.register("Dorte").await;
    let again = json!({"name": "D", "email": "dorte@example.dk", "password": "en god lang kode"});
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            register(&relay.client, &relay, again.clone())
                .await
                .status(),
        );
    }
    assert_eq!(statuses[..5], [StatusCode::CONFLICT; 5], "{statuses:?}");
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    // Once that allowance is spent, the address registers nothing for a while: otherwise
    // "429 for a taken e-mail, 201 for a free one" would answer the question anyway.
    let res = register(
        &relay.client,
        &relay,
        json!({"name": "Ny", "email": "ny@example.dk", "password": "en god lang kode"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    // Another address is not affected.
    let res = register(
        &Relay::client_from("127.0.0.3"),
        &relay,
        json!({"name": "Ny", "email": "ny@example.dk", "password": "en god lang kode"}),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    relay.shutdown().await;
}

#[tokio::test]
async fn internal_failures_are_500_without_their_detail() {
    let relay = Relay::start_with(tempfile::tempdir().unwrap(), true).await;
    // Signing in once shows the relay is up with its demo accounts.
    relay.login("bo@demo.samskab.dk").await;
    // A row the relay cannot read back: a role no version of the relay writes.
    let db = rusqlite::Connection::open(
        relay
            .data()
            .join(samskab_server::storage::SqliteStore::FILE_NAME),
    )
    .unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let changed = db
        .execute(
            "UPDATE users SET role = 'bogus' WHERE email = 'anna@demo.samskab.dk'",
            [],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let res = login_from(
        &relay.client,
        &relay,
        "anna@demo.samskab.dk",
        "samskab-demo",
    )
    .await;
    let (status, body) = json_error(res).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(body["error"], "internal");
    assert!(
        !body.to_string().contains("role"),
        "no internal detail: {body}"
    );
    relay.shutdown().await;
}

/// The accept loop on its own, with a router of three routes: `/` answers at once, `/slow`
/// tells the test it started and answers when the test says, `/peer` shows `ConnectInfo`.
struct Tiny {
    addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    started: tokio::sync::mpsc::Receiver<()>,
    release: std::sync::Arc<tokio::sync::Notify>,
}

async fn serve_tiny(options: samskab_server::http::ServeOptions) -> Tiny {
    use axum::extract::ConnectInfo;
    use axum::routing::get;
    let (started_tx, started) = tokio::sync::mpsc::channel(8);
    let release = std::sync::Arc::new(tokio::sync::Notify::new());
    let wait = release.clone();
    let router = axum::Router::new()
        .route("/", get(|| async { "ok" }))
        .route(
            "/slow",
            get(move || async move {
                started_tx.send(()).await.unwrap();
                wait.notified().await;
                "done"
            }),
        )
        .route(
            "/peer",
            get(
                |ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>| async move {
                    peer.ip().to_string()
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(samskab_server::http::serve(
        listener,
        router,
        options,
        async {
            let _ = stopped.await;
        },
    ));
    Tiny {
        addr,
        stop: Some(stop),
        task,
        started,
        release,
    }
}

/// Sends a GET on `stream` and reads until the answer's body `expect` has arrived.
async fn get_on(stream: &mut TcpStream, path: &str, expect: &str) {
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: tiny\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&seen).ends_with(expect) {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(
            n > 0,
            "closed before answering: {:?}",
            String::from_utf8_lossy(&seen)
        );
        seen.extend_from_slice(&buf[..n]);
    }
}

#[tokio::test]
async fn the_accept_loop_caps_open_connections() {
    let mut tiny = serve_tiny(samskab_server::http::ServeOptions {
        header_read_timeout: Duration::from_secs(30),
        max_connections: 3,
    })
    .await;
    // Three keep-alive connections, each served once and then idle: they hold the three places.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(tiny.addr).await.unwrap();
        get_on(&mut stream, "/", "ok").await;
        held.push(stream);
    }
    // A fourth is closed at once, unanswered.
    let fourth = TcpStream::connect(tiny.addr).await.unwrap();
    let (after, answer) = closed_within(fourth, Duration::from_secs(2))
        .await
        .expect("a connection over the cap is closed");
    assert_eq!(answer, "", "closed without an answer, after {after:?}");
    // The held ones are still served.
    get_on(&mut held[0], "/peer", "127.0.0.1").await;
    // When one goes, its place is free again. The relay learns of the close asynchronously,
    // so the test tries again for a moment rather than guessing a delay.
    drop(held.pop());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut stream = TcpStream::connect(tiny.addr).await.unwrap();
        let request = b"GET / HTTP/1.1\r\nHost: tiny\r\nConnection: close\r\n\r\n";
        stream.write_all(request).await.unwrap();
        let (_, answer) = closed_within(stream, Duration::from_secs(2)).await.unwrap();
        if answer.ends_with("ok") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the freed place was never reused"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = tiny.stop.take().unwrap().send(());
    tiny.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn shutdown_lets_requests_in_flight_finish_and_accepts_no_more() {
    let mut tiny = serve_tiny(samskab_server::http::ServeOptions::default()).await;
    let url = format!("http://{}/slow", tiny.addr);
    let in_flight = tokio::spawn(async move {
        let res = reqwest::get(url).await.unwrap();
        (res.status(), res.text().await.unwrap())
    });
    tiny.started.recv().await.unwrap();
    // An idle keep-alive connection does not hold the shutdown up.
    let mut idle = TcpStream::connect(tiny.addr).await.unwrap();
    get_on(&mut idle, "/", "ok").await;

    let _ = tiny.stop.take().unwrap().send(());
    assert!(
        closed_within(idle, Duration::from_secs(5)).await.is_some(),
        "the idle connection is closed at shutdown"
    );
    assert!(
        !tiny.task.is_finished(),
        "the slow request is still running"
    );
    tiny.release.notify_one();
    assert_eq!(
        in_flight.await.unwrap(),
        (StatusCode::OK, "done".to_owned())
    );
    tiny.task.await.unwrap().unwrap();
    assert!(
        TcpStream::connect(tiny.addr).await.is_err(),
        "the listener is closed"
    );
}
