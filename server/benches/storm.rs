//! Load benchmark, side by side: Samskab's relay (authorization on, SQLite, fsync) and the
//! JavaScript `@automerge/automerge-repo-sync-server`, each as its own process on 127.0.0.1,
//! driven by the same Rust test devices (a plain automerge-repo client: `join`, `request`,
//! `sync`, one automerge sync state per device; no Samskab extensions), so that both servers
//! see exactly the same traffic. It prints numbers and asserts nothing about time.
//!
//! 1. storms: N devices hold the task, then all sign up to one shift at once; time until every
//!    sign-up is acknowledged (the server's heads include it) and until every device holds
//!    every sign-up; the server's CPU and peak memory; messages and bytes to the devices;
//! 2. churn: 50 devices at a time connect, read the task, sign up, wait for the ack and
//!    disconnect, until a fixed number of writes is done; writes per second and server CPU per
//!    cycle. A fixed number, not a fixed time: each read costs a device in proportion to the
//!    task, which grows by every write, so in a fixed time the faster server's devices would
//!    read a larger task;
//! 3. idle: many connections that joined and hold nothing; server memory per connection.
//!
//! Run through `cargo xtask bench`, which builds the relay and installs the JS server.
//! `SAMSKAB_RELAY_BIN` is the relay binary, `SAMSKAB_JS_SERVER` the JS server's start script
//! (without it only Samskab runs), `SAMSKAB_STORM_SIZES` the storm sizes ("100,300,1000"),
//! `SAMSKAB_IDLE` the idle connections (10,000), `SAMSKAB_CHURN_WRITES` the churn's writes
//! (1,000), `SAMSKAB_CHURN_SECS` its bound in time (60; 0 skips it),
//! `SAMSKAB_CHURN_WORKERS` the devices cycling at a time (50; fewer leave the 2 cores less
//! saturated by the devices themselves).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash, ReadDoc};
use futures_util::{SinkExt, StreamExt};
use samskab_model::DocumentId;
use samskab_model::authz::Role;
use samskab_model::ids::ShiftId;
use samskab_model::sync::{Message, PeerId};
use samskab_model::task::{Signup, SignupState};
use samskab_model::{PersonId, Task};
use samskab_server::accounts::{Accounts, session_hash};
use samskab_server::storage::accounts::UserRecord;
use samskab_server::storage::{SqliteStore, Store};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long one storm may take before the devices give up (and the numbers say so).
const STORM_LIMIT: Duration = Duration::from_secs(120);

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn main() {
    let relay_bin = PathBuf::from(
        std::env::var("SAMSKAB_RELAY_BIN")
            .expect("SAMSKAB_RELAY_BIN names the relay binary; run `cargo xtask bench`"),
    );
    let js = std::env::var_os("SAMSKAB_JS_SERVER").map(PathBuf::from);
    let sizes: Vec<usize> = env_or("SAMSKAB_STORM_SIZES", "100,300,1000")
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let idle: usize = env_or("SAMSKAB_IDLE", "10000").parse().unwrap();
    let churn_secs: u64 = env_or("SAMSKAB_CHURN_SECS", "60").parse().unwrap();
    let churn_writes: usize = env_or("SAMSKAB_CHURN_WRITES", "1000").parse().unwrap();
    let churn_workers: usize = env_or("SAMSKAB_CHURN_WORKERS", "50").parse().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let servers: Vec<Server> = std::iter::once(Server::Samskab(relay_bin))
        .chain(js.map(Server::Js))
        .collect();
    println!("(devices: Rust test devices speaking plain automerge-repo, one process)");
    for &n in &sizes {
        println!("\n## Storm: {n} devices sign up to one shift at once");
        for server in &servers {
            // Bounded as a whole too: a connection that never gets its `peer` must not hang it.
            // The timer is made inside the runtime (made outside, it has no reactor).
            let bounded = async { tokio::time::timeout(STORM_LIMIT * 3, storm(server, n)).await };
            match runtime.block_on(bounded) {
                Ok(Ok(report)) => report.print(server.name()),
                Ok(Err(why)) => println!("{:<15} {why}", server.name()),
                Err(_) => println!(
                    "{:<15} did not finish within {:?}",
                    server.name(),
                    STORM_LIMIT * 3
                ),
            }
        }
    }
    if churn_secs > 0 {
        println!(
            "\n## Churn: {churn_workers} at a time connect, read, sign up, wait for the ack, leave ({churn_writes} writes, at most {churn_secs} s)"
        );
        for server in &servers {
            runtime.block_on(churn(
                server,
                churn_writes,
                Duration::from_secs(churn_secs),
                churn_workers,
            ));
        }
    }
    if idle > 0 {
        println!("\n## Idle: {idle} joined connections holding nothing");
        for server in &servers {
            runtime.block_on(idle_connections(server, idle));
        }
    }
}

enum Server {
    Samskab(PathBuf),
    Js(PathBuf),
}

/// A running server process and how to reach it.
struct Running {
    child: Child,
    port: u16,
    tokens: Vec<String>,
    people: Vec<PersonId>,
    _data: tempfile::TempDir,
}

impl Server {
    fn name(&self) -> &'static str {
        match self {
            Server::Samskab(_) => "samskab",
            Server::Js(_) => "js sync-server",
        }
    }

    /// Starts the server with `people` accounts (Samskab) and the task stored (Samskab) or
    /// pushed by a seeding device (JS).
    async fn start(&self, people: usize, task: &Automerge, id: DocumentId) -> Running {
        let data = tempfile::tempdir().unwrap();
        let port = free_port();
        let (child, tokens, people) = match self {
            Server::Samskab(bin) => {
                let (tokens, people) = accounts(data.path(), people);
                let mut store = SqliteStore::open(data.path()).unwrap();
                store.append(&id, &task.save()).unwrap();
                drop(store);
                std::fs::create_dir_all(data.path().join("dist")).unwrap();
                std::fs::write(data.path().join("dist/index.html"), "<!doctype html>").unwrap();
                // SAMSKAB_RELAY_PERF=<file>: record a profile of the relay (perf, call graphs).
                let mut command = match std::env::var("SAMSKAB_RELAY_PERF") {
                    Ok(out) => {
                        let mut c = Command::new("perf");
                        c.args([
                            "record",
                            "-F",
                            "999",
                            "--call-graph",
                            "dwarf,32768",
                            "-o",
                            &out,
                            "--",
                        ]);
                        c.arg(bin);
                        c
                    }
                    Err(_) => Command::new(bin),
                };
                let child = command
                    .args(["--addr", &format!("127.0.0.1:{port}")])
                    .arg("--data")
                    .arg(data.path())
                    .arg("--dist")
                    .arg(data.path().join("dist"))
                    .env("SAMSKAB_LOG", "warn")
                    .stdout(Stdio::null())
                    .spawn()
                    .unwrap();
                (child, tokens, people)
            }
            Server::Js(script) => {
                let child = Command::new("node")
                    .arg(script)
                    .env("PORT", port.to_string())
                    .env("DATA_DIR", data.path().join("amrg"))
                    // It prints only its errors (a message it could not take in, say).
                    .stdout(Stdio::from(std::io::stderr()))
                    .spawn()
                    .unwrap();
                let people = (0..people)
                    .map(|i| format!("frivillig-{i}").parse().unwrap())
                    .collect();
                (child, Vec::new(), people)
            }
        };
        wait_for_port(port).await;
        let running = Running {
            child,
            port,
            tokens,
            people,
            _data: data,
        };
        if matches!(self, Server::Js(_)) {
            // The JS server holds nothing yet: a device pushes the task.
            let mut seeder = Device::connect(&running, 0, "seeder", id, task.clone()).await;
            seeder.send_sync().await;
            seeder
                .until(STORM_LIMIT, |d| d.server_has(&task.get_heads()))
                .await;
        }
        running
    }
}

/// A server is never left running, even when a benchmark is abandoned.
impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn url(&self, i: usize) -> String {
        match self.tokens.get(i % self.tokens.len().max(1)) {
            Some(token) => format!("ws://127.0.0.1:{}/sync?token={token}", self.port),
            None => format!("ws://127.0.0.1:{}/", self.port),
        }
    }

    /// (user+system CPU seconds, peak resident KiB, resident KiB now) of the server process.
    fn usage(&self) -> (f64, u64, u64) {
        process_usage(self.child.id())
    }

    /// Forgets the server's peak memory so far (Linux's `clear_refs`), so that the next
    /// reading is the peak since now, and returns its resident memory now (KiB). The peak a
    /// storm reports is the storm's: the relay's start computes one password hash (argon2,
    /// 19 MiB for a moment), and that peak was the whole reading at 100 devices.
    fn reset_peak(&self) -> u64 {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5");
        self.usage().2
    }

    /// SIGINT first (the relay shuts down, and perf writes its profile), then SIGKILL.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Dropping kills it.
    }
}

/// (user+system CPU seconds, peak resident KiB, resident KiB now) of a process.
fn process_usage(pid: u32) -> (f64, u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, r)| r.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: f64 = fields.get(11).and_then(|s| s.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (ticks / 100.0, kib("VmHWM:"), kib("VmRSS:"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `n` volunteers with sessions, written straight into the accounts store (no argon2 per
/// account: nobody logs in with a password here).
fn accounts(dir: &Path, n: usize) -> (Vec<String>, Vec<PersonId>) {
    let accounts = Accounts::open(dir).unwrap();
    let now = accounts.now_ms();
    let mut tokens = Vec::new();
    let mut people = Vec::new();
    for i in 0..n {
        let id: PersonId = format!("frivillig-{i}").parse().unwrap();
        accounts
            .store()
            .insert_user(&UserRecord {
                id: id.clone(),
                email: format!("frivillig-{i}@bench.invalid"),
                name: format!("Frivillig {i}"),
                phone: String::new(),
                password_hash: "unused".into(),
                role: Role::Volunteer,
                created_at: now,
            })
            .unwrap();
        let token = format!("{i:064x}");
        accounts
            .store()
            .insert_session(&session_hash(&token), &id, now, now + 86_400_000)
            .unwrap();
        tokens.push(token);
        people.push(id);
    }
    (tokens, people)
}

/// The task everybody signs up to: the first demo task, with its first shift.
fn the_task() -> (DocumentId, Automerge, ShiftId) {
    let now = samskab_model::clock::Clock::now(&samskab_model::clock::SystemClock).millis();
    let (demo_id, task) = samskab_model::demo::tasks(now).remove(0);
    let id = uuid_v4_shaped(demo_id);
    let shift = task.shifts.keys().next().unwrap().clone();
    let mut doc = Automerge::new();
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, &task))
        .unwrap();
    (id, doc, shift)
}

/// `id` with the version and variant bits of an RFC 4122 version 4 UUID. automerge-repo 1.x's
/// `Repo.find` (which the JS sync server calls for every document a message names) refuses a
/// base58check id whose 16 bytes are not a valid UUID: it throws "Invalid AutomergeUrl", the
/// promise's rejection is only logged to its stdout, and the message goes unanswered. Stock
/// clients never see this because `Repo.create` makes v4 UUIDs; the demo task's id (0x5a...)
/// has variant bits 01 and is refused. Samskab's relay takes any 16 bytes.
fn uuid_v4_shaped(id: DocumentId) -> DocumentId {
    let mut bytes = *id.as_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    DocumentId::from_bytes(bytes)
}

#[derive(Default)]
struct Counters {
    messages_down: AtomicUsize,
    bytes_down: AtomicUsize,
    messages_up: AtomicUsize,
    /// This process's CPU (µs) when the latest acknowledgement was seen: what the devices had
    /// to spend before every one of them was acknowledged.
    cpu_at_last_ack: std::sync::atomic::AtomicU64,
}

/// A plain automerge-repo client over one WebSocket.
struct Device {
    ws: Socket,
    me: PeerId,
    server: PeerId,
    id: DocumentId,
    doc: Automerge,
    state: sync::State,
    counters: Arc<Counters>,
    /// The changes taken in since [`Device::track_from_now`], for the bench's own questions.
    since: Option<Since>,
}

/// The dependencies of the changes a device has taken in since a point (the storm's start),
/// read from the change chunks of the server's messages, for the bench's question after every
/// message: does the server hold the device's own sign-up? automerge answers it by rebuilding
/// changes from its op store (`get_changes`, `get_change_by_hash`), which asked after every
/// message made the devices, not the servers, the bench's limit. Only the bench's
/// bookkeeping: what a device sends is unchanged.
struct Since {
    deps: std::collections::HashMap<ChangeHash, Vec<ChangeHash>>,
    /// False once a message carried something other than single changes (automerge sends a
    /// whole saved document in place of more than a third of its changes): then the table
    /// does not know every change.
    complete: bool,
}

impl Device {
    async fn connect(
        running: &Running,
        i: usize,
        name: &str,
        id: DocumentId,
        doc: Automerge,
    ) -> Self {
        Self::connect_counted(running, i, name, id, doc, Arc::default()).await
    }

    async fn connect_counted(
        running: &Running,
        i: usize,
        name: &str,
        id: DocumentId,
        doc: Automerge,
        counters: Arc<Counters>,
    ) -> Self {
        let (mut ws, _) = tokio_tungstenite::connect_async(running.url(i))
            .await
            .unwrap();
        let me: PeerId = name.parse().unwrap();
        ws.send(Ws::Binary(join(name).into())).await.unwrap();
        let server = loop {
            match ws.next().await {
                Some(Ok(Ws::Binary(b))) => {
                    if let Ok(Message::Peer { sender_id, .. }) = Message::decode(&b) {
                        break sender_id;
                    }
                }
                Some(Ok(_)) => {}
                other => panic!("{name}: no peer message: {other:?}"),
            }
        };
        Self {
            ws,
            me,
            server,
            id,
            doc,
            state: sync::State::new(),
            counters,
            since: None,
        }
    }

    /// Starts keeping the dependencies of what is taken in from here on (see [`Since`]).
    fn track_from_now(&mut self) {
        self.since = Some(Since {
            deps: std::collections::HashMap::new(),
            complete: true,
        });
    }

    /// Whether the device holds `changes` changes in all, and the server said it holds its
    /// heads (so every one of them) too. The count is automerge's own, kept as it goes.
    fn holds(&self, changes: usize) -> bool {
        usize::try_from(self.doc.stats().num_changes).unwrap_or(usize::MAX) >= changes
            && self
                .doc
                .get_heads()
                .into_iter()
                .all(|h| self.server_has_mine(h))
    }

    /// Whether the server's heads include `mine` or a change built on it.
    fn server_has_mine(&self, mine: ChangeHash) -> bool {
        let Some(theirs) = &self.state.their_heads else {
            return false;
        };
        if theirs.contains(&mine) {
            return true;
        }
        // A head the server named that this device does not hold yet: "not yet", as
        // `server_has` says (the change comes with a later message).
        if !self.doc.get_missing_deps(theirs).is_empty() {
            return false;
        }
        // Nothing this device holds is built on one of its own heads, so none of the server's
        // heads (all held here) is.
        if self.doc.get_heads().contains(&mine) {
            return false;
        }
        let Some(since) = self.since.as_ref().filter(|s| s.complete) else {
            return self.server_has(&[mine]);
        };
        // Back from the server's heads through the changes this device knows of; a head it
        // does not hold yet comes with the changes of a later message.
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<&ChangeHash> = theirs.iter().collect();
        while let Some(h) = stack.pop() {
            if *h == mine {
                return true;
            }
            if seen.insert(h)
                && let Some(deps) = since.deps.get(h)
            {
                stack.extend(deps);
            }
        }
        false
    }

    /// Sends what the sync state says the server lacks (a `request` while holding nothing).
    async fn send_sync(&mut self) {
        if let Some(m) = self.doc.generate_sync_message(&mut self.state) {
            let data = m.encode();
            let message = if self.doc.get_heads().is_empty() {
                Message::Request {
                    document_id: self.id,
                    sender_id: self.me.clone(),
                    target_id: self.server.clone(),
                    data,
                }
            } else {
                Message::Sync {
                    document_id: self.id,
                    sender_id: self.me.clone(),
                    target_id: self.server.clone(),
                    data,
                }
            };
            self.counters.messages_up.fetch_add(1, Ordering::Relaxed);
            // A closed connection shows as a timeout in `until`.
            let _ = self.ws.send(Ws::Binary(message.encode().into())).await;
        }
    }

    /// Processes the server's messages, answering each as a stock client does, until `done`
    /// holds or `limit` passes. False on timeout or a closed connection.
    async fn until(&mut self, limit: Duration, done: impl Fn(&Device) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while !done(self) {
            // `timeout_at` still yields a message that is ready after the deadline: with the
            // socket never empty in a storm, the bound would not hold without this.
            if tokio::time::Instant::now() >= deadline {
                return false;
            }
            let next = tokio::time::timeout_at(deadline, self.ws.next()).await;
            let bytes = match next {
                Ok(Some(Ok(Ws::Binary(b)))) => b,
                Ok(Some(Ok(_))) => continue,
                _ => return false,
            };
            if !self.receive(&bytes).await {
                return false;
            }
        }
        true
    }

    /// Keeps reading (and answering) the server until `go` says when the storm started, as a
    /// stock client's socket is read all the time: the JS server pings every 5 s and drops a
    /// connection that has not answered the previous ping, and a device that stopped reading
    /// while the others loaded would have been dropped by the time the storm begins. None when
    /// the storm is called off or the connection closed.
    async fn hold(&mut self, go: &mut watch::Receiver<Option<Instant>>) -> Option<Instant> {
        loop {
            if let Some(start) = *go.borrow_and_update() {
                return Some(start);
            }
            // The start first: a device that took in a message the server sent at the start
            // (another device's sign-up) before signing up would not sign up "at once", and
            // whether it did would be a coin toss.
            tokio::select! {
                biased;
                changed = go.changed() => changed.ok()?,
                next = self.ws.next() => match next {
                    Some(Ok(Ws::Binary(b))) => {
                        if !self.receive(&b).await {
                            return None;
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => return None,
                },
            }
        }
    }

    /// Reads the server until the connection closes (the idle connections: pings answered).
    async fn drain(mut self) {
        while let Some(Ok(_)) = self.ws.next().await {}
    }

    /// Takes in one message from the server and answers it. False when the device gives up.
    async fn receive(&mut self, bytes: &[u8]) -> bool {
        self.counters.messages_down.fetch_add(1, Ordering::Relaxed);
        self.counters
            .bytes_down
            .fetch_add(bytes.len(), Ordering::Relaxed);
        match Message::decode(bytes) {
            Ok(Message::Sync { data, .. } | Message::Request { data, .. }) => {
                let received = sync::Message::decode(&data)
                    .map_err(|e| e.to_string())
                    .and_then(|m| {
                        if let Some(since) = &mut self.since {
                            for chunk in m.changes.iter() {
                                match automerge::Change::from_bytes(chunk.to_vec()) {
                                    Ok(c) => {
                                        since.deps.insert(c.hash(), c.deps().to_vec());
                                    }
                                    Err(_) => since.complete = false,
                                }
                            }
                        }
                        self.doc
                            .receive_sync_message(&mut self.state, m)
                            .map_err(|e| e.to_string())
                    });
                if let Err(e) = received {
                    eprintln!("{}: bad sync message from the server: {e}", self.me);
                    return false;
                }
                self.send_sync().await;
                true
            }
            Ok(Message::Error { message }) => {
                eprintln!("{}: error from the server: {message}", self.me);
                false
            }
            Ok(_) => true,
            Err(e) => {
                eprintln!("{}: undecodable message from the server: {e}", self.me);
                false
            }
        }
    }

    /// Whether the server said it holds everything in `heads`.
    fn server_has(&self, heads: &[ChangeHash]) -> bool {
        let Some(theirs) = &self.state.their_heads else {
            return false;
        };
        heads.iter().all(|h| {
            theirs.contains(h)
                || (self.doc.get_change_by_hash(h).is_some()
                    && theirs
                        .iter()
                        .all(|t| self.doc.get_change_by_hash(t).is_some())
                    && !self.doc.get_changes(theirs).iter().any(|c| c.hash() == *h))
        })
    }

    /// Puts this person's sign-up into the shift's map, as a stock client's `change` does: one
    /// entry written, not the whole task hydrated and reconciled (which cost a churn device
    /// more the fuller the task grew).
    fn sign_up(&mut self, person: &PersonId, shift: &ShiftId) -> ChangeHash {
        let now = samskab_model::clock::Clock::now(&samskab_model::clock::SystemClock).millis();
        let signup = Signup {
            state: SignupState::SignedUp,
            at: now,
        };
        let object = |doc: &Automerge, at: &automerge::ObjId, key: &str| match doc.get(at, key) {
            Ok(Some((automerge::Value::Object(_), id))) => id,
            other => panic!("the task has no {key}: {other:?}"),
        };
        let shifts = object(&self.doc, &automerge::ROOT, "shifts");
        let shift = object(&self.doc, &shifts, shift.as_str());
        let signups = object(&self.doc, &shift, "signups");
        let before = self.doc.get_heads();
        self.doc
            .transact::<_, _, autosurgeon::ReconcileError>(|tx| {
                autosurgeon::reconcile_prop(tx, &signups, person.as_str(), signup)
            })
            .unwrap();
        let mine = self.doc.get_heads()[0];
        if let Some(since) = &mut self.since {
            since.deps.insert(mine, before);
        }
        mine
    }
}

struct StormReport {
    n: usize,
    acked: usize,
    converged: usize,
    to_acked: Duration,
    to_converged: Duration,
    /// When each device had sent its sign-up: no server can acknowledge one sooner.
    sent_times: Vec<Duration>,
    /// Each device's time to its acknowledgement and to converging, where it came in time.
    acked_times: Vec<Duration>,
    converged_times: Vec<Duration>,
    cpu: f64,
    /// CPU of this process (all the devices) during the storm: at 1,000 devices on 2 cores it
    /// competes with the server, and the times measure both.
    devices_cpu: f64,
    /// The devices' CPU from the storm's start to the last acknowledgement they saw.
    devices_cpu_to_acked: f64,
    peak_kib: u64,
    /// The server's resident memory before the devices connected.
    resident_at_start: u64,
    messages_down: usize,
    bytes_down: usize,
    messages_up: usize,
}

impl StormReport {
    fn print(&self, server: &str) {
        println!(
            "{server:<15} acked {:>4}/{:<4} in {:>6.2} s   converged {:>4}/{:<4} in {:>6.2} s   \
             CPU {:>6.2} s (devices {:>6.2} s)   peak RSS {:>6.1} MiB (from {:.1})   down {:>7} msgs {:>6.1} MiB   up {:>7} msgs",
            self.acked,
            self.n,
            self.to_acked.as_secs_f64(),
            self.converged,
            self.n,
            self.to_converged.as_secs_f64(),
            self.cpu,
            self.devices_cpu,
            self.peak_kib as f64 / 1024.0,
            self.resident_at_start as f64 / 1024.0,
            self.messages_down,
            self.bytes_down as f64 / 1_048_576.0,
            self.messages_up,
        );
        // The last device is one in a hundred at 100 devices: the spread says whether it is
        // like the others (automerge leaves a change out of a message about 1 % of the time,
        // when the receiver's Bloom filter wrongly claims it, and it costs a round trip).
        println!(
            "{:<15} within: half acknowledged {:.2} s, 99 % {:.2} s; half converged {:.2} s, 99 % {:.2} s",
            "",
            quantile(&self.acked_times, 0.5, self.n),
            quantile(&self.acked_times, 0.99, self.n),
            quantile(&self.converged_times, 0.5, self.n),
            quantile(&self.converged_times, 0.99, self.n),
        );
        // The devices' own work, spread over every core with nothing else running, is as fast
        // as any server could let them go: on this machine no storm is acknowledged sooner than
        // the devices' work up to the last acknowledgement allows, nor converges sooner than
        // all of it. With the server's own CPU added, the cores were busy that long in all: a
        // storm converging near it is bound by the machine, not by waiting.
        println!(
            "{:<15} floors: the sign-ups sent, half {:.2} s, all {:.2} s; the devices' CPU over {} cores, to the last acknowledgement {:.2} s, in all {:.2} s (with the server's, {:.2} s)",
            "",
            quantile(&self.sent_times, 0.5, self.n),
            quantile(&self.sent_times, 1.0, self.n),
            cores(),
            self.devices_cpu_to_acked / cores() as f64,
            self.devices_cpu / cores() as f64,
            (self.devices_cpu + self.cpu) / cores() as f64,
        );
    }
}

/// The time within which the share `q` of all `n` devices got there (seconds; infinite when
/// fewer than that did in time).
fn quantile(times: &[Duration], q: f64, n: usize) -> f64 {
    let mut sorted = times.to_vec();
    sorted.sort();
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n.max(1));
    sorted
        .get(rank - 1)
        .map_or(f64::INFINITY, Duration::as_secs_f64)
}

/// The cores this machine gives the bench (the devices and the server share them).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// A storm, or why it could not start (devices that never received the task).
async fn storm(server: &Server, n: usize) -> Result<StormReport, String> {
    let (id, task, shift) = the_task();
    let running = Arc::new(server.start(n, &task, id).await);
    let resident_at_start = running.reset_peak();
    let base = task.get_heads();
    // Converged: every device's sign-up beside the task's own changes.
    let changes = usize::try_from(task.stats().num_changes).unwrap() + n;
    let counters = Arc::new(Counters::default());
    // Every device fetches the task first, says so, and keeps reading until `go` carries the
    // storm's start (dropping `go` calls it off).
    let (go, started) = watch::channel(None);
    let mut loaded = Vec::new();
    let devices: Vec<_> = (0..n)
        .map(|i| {
            let (running, counters, mut started) =
                (running.clone(), counters.clone(), started.clone());
            let (person, shift, base) = (running.people[i].clone(), shift.clone(), base.clone());
            let (got_it, got) = tokio::sync::oneshot::channel();
            loaded.push(got);
            tokio::spawn(async move {
                let mut d =
                    Device::connect(&running, i, &format!("device-{i}"), id, Automerge::new())
                        .await;
                d.send_sync().await;
                let has_task = d
                    .until(STORM_LIMIT, |d| {
                        d.doc.get_heads() == base && d.server_has(&base)
                    })
                    .await;
                let _ = got_it.send(has_task);
                let start = match d.hold(&mut started).await {
                    Some(start) if has_task => start,
                    _ => return (None, None, None, d),
                };
                d.counters = counters;
                d.track_from_now();
                let mine = d.sign_up(&person, &shift);
                d.send_sync().await;
                let sent_at = start.elapsed();
                // The bound runs from the storm's start, not from this device's sign-up (which
                // comes late when 1,000 devices share the machine's cores).
                let acked = d
                    .until(STORM_LIMIT.saturating_sub(start.elapsed()), |d| {
                        d.server_has_mine(mine)
                    })
                    .await;
                // Counted only within the bound: a device starved of CPU (1,000 in this one
                // process) may find the server's answer waiting long after it came.
                let acked_at = start.elapsed();
                let acked = acked && acked_at <= STORM_LIMIT;
                if acked {
                    let cpu = process_usage(std::process::id()).0;
                    d.counters
                        .cpu_at_last_ack
                        .fetch_max((cpu * 1e6) as u64, Ordering::Relaxed);
                }
                let converged = acked
                    && d.until(STORM_LIMIT.saturating_sub(start.elapsed()), |d| {
                        d.holds(changes)
                    })
                    .await;
                let converged_at = start.elapsed();
                (
                    Some(sent_at),
                    acked.then_some(acked_at),
                    (converged && converged_at <= STORM_LIMIT).then_some(converged_at),
                    d,
                )
            })
        })
        .collect();
    drop(started);
    // A device whose task panicked (no `peer` answer) dropped its sender: it counts as missing.
    let missing = futures_util::future::join_all(loaded)
        .await
        .into_iter()
        .filter(|got| !matches!(got, Ok(true)))
        .count();
    if missing > 0 {
        drop(go);
        for d in devices {
            let _ = d.await;
        }
        stop(running);
        return Err(format!(
            "{missing} of {n} devices never received the task, so none signed up"
        ));
    }
    let (cpu_before, _, _) = running.usage();
    let (devices_before, _, _) = process_usage(std::process::id());
    let _ = go.send(Some(Instant::now()));
    let results = futures_util::future::join_all(devices).await;
    let mut report = StormReport {
        n,
        acked: 0,
        converged: 0,
        to_acked: Duration::ZERO,
        to_converged: Duration::ZERO,
        sent_times: Vec::new(),
        acked_times: Vec::new(),
        converged_times: Vec::new(),
        cpu: 0.0,
        devices_cpu: 0.0,
        devices_cpu_to_acked: 0.0,
        peak_kib: 0,
        resident_at_start,
        messages_down: 0,
        bytes_down: 0,
        messages_up: 0,
    };
    let mut kept = Vec::new();
    for r in results {
        let (sent, acked, converged, d) = r.unwrap();
        report.sent_times.extend(sent);
        if let Some(t) = acked {
            report.acked += 1;
            report.to_acked = report.to_acked.max(t);
            report.acked_times.push(t);
        }
        if let Some(t) = converged {
            report.converged += 1;
            report.to_converged = report.to_converged.max(t);
            report.converged_times.push(t);
        }
        kept.push(d);
    }
    let (cpu_after, peak, _) = running.usage();
    report.cpu = cpu_after - cpu_before;
    report.devices_cpu = process_usage(std::process::id()).0 - devices_before;
    report.devices_cpu_to_acked =
        (counters.cpu_at_last_ack.load(Ordering::Relaxed) as f64 / 1e6 - devices_before).max(0.0);
    report.peak_kib = peak;
    report.messages_down = counters.messages_down.load(Ordering::Relaxed);
    report.bytes_down = counters.bytes_down.load(Ordering::Relaxed);
    report.messages_up = counters.messages_up.load(Ordering::Relaxed);
    drop(kept);
    stop(running);
    Ok(report)
}

/// Stops a server shared with the devices' tasks once they are done (if one still holds it,
/// dropping it kills the server).
fn stop(running: Arc<Running>) {
    if let Ok(running) = Arc::try_unwrap(running) {
        running.stop();
    }
}

async fn churn(server: &Server, writes: usize, length: Duration, workers: usize) {
    let (id, task, _) = the_task();
    let shifts: Vec<ShiftId> = {
        let t: Task = autosurgeon::hydrate(&task).unwrap();
        t.shifts.keys().cloned().collect()
    };
    // Each cycle is a new volunteer.
    let people = writes.min(shifts.len() * 1_900);
    let running = Arc::new(server.start(people, &task, id).await);
    let resident_at_start = running.reset_peak();
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    // Where a cycle's time goes (µs, summed over the cycles): connecting (WebSocket, `join`,
    // `peer`), reading the task, and the sign-up until its acknowledgement.
    let phases = Arc::new([(); 3].map(|()| std::sync::atomic::AtomicU64::new(0)));
    let counters = Arc::new(Counters::default());
    let (cpu_before, _, _) = running.usage();
    let (devices_before, _, _) = process_usage(std::process::id());
    let start = Instant::now();
    let workers: Vec<_> = (0..workers)
        .map(|_| {
            let (running, next, done, shifts, phases, counters) = (
                running.clone(),
                next.clone(),
                done.clone(),
                shifts.clone(),
                phases.clone(),
                counters.clone(),
            );
            let lap = move |phase: usize, since: &mut Instant| {
                let micros = u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX);
                phases[phase].fetch_add(micros, Ordering::Relaxed);
                *since = Instant::now();
            };
            tokio::spawn(async move {
                while start.elapsed() < length {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    // One person for each write asked for.
                    if i >= running.people.len() {
                        break;
                    }
                    let mut since = Instant::now();
                    let mut d = Device::connect_counted(
                        &running,
                        i,
                        &format!("churn-{i}"),
                        id,
                        Automerge::new(),
                        counters.clone(),
                    )
                    .await;
                    lap(0, &mut since);
                    d.send_sync().await;
                    if !d
                        .until(Duration::from_secs(30), |d| {
                            !d.doc.get_heads().is_empty() && d.server_has(&d.doc.get_heads())
                        })
                        .await
                    {
                        continue;
                    }
                    lap(1, &mut since);
                    d.track_from_now();
                    let mine = d.sign_up(&running.people[i], &shifts[i % shifts.len()]);
                    d.send_sync().await;
                    if d.until(Duration::from_secs(30), |d| d.server_has_mine(mine))
                        .await
                    {
                        lap(2, &mut since);
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = d.ws.close(None).await;
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let (cpu_after, peak, _) = running.usage();
    // The devices share the 2 cores with the server: their CPU says how much was left.
    let devices_cpu = process_usage(std::process::id()).0 - devices_before;
    let cycles = done.load(Ordering::Relaxed);
    println!(
        "{:<15} {cycles:>5} writes acked in {elapsed:.1} s: {:>6.1} writes/s   CPU {:>6.1} ms per cycle (devices {:>6.1} ms)   peak RSS {:>6.1} MiB (from {:.1})",
        server.name(),
        cycles as f64 / elapsed,
        (cpu_after - cpu_before) * 1000.0 / cycles.max(1) as f64,
        devices_cpu * 1000.0 / cycles.max(1) as f64,
        peak as f64 / 1024.0,
        resident_at_start as f64 / 1024.0,
    );
    let mean =
        |phase: usize| phases[phase].load(Ordering::Relaxed) as f64 / 1000.0 / cycles.max(1) as f64;
    // As in the storms: the devices' work alone, over every core, bounds the rate.
    println!(
        "{:<15} the devices' CPU alone allows at most {:.0} writes/s on {} cores",
        "",
        cores() as f64 * 1000.0 / (devices_cpu * 1000.0 / cycles.max(1) as f64).max(f64::EPSILON),
        cores(),
    );
    println!(
        "{:<15} a cycle: connecting {:.0} ms, reading the task {:.0} ms, signing up until acknowledged {:.0} ms (means)",
        "",
        mean(0),
        mean(1),
        mean(2),
    );
    let per_cycle = |n: &AtomicUsize| n.load(Ordering::Relaxed) as f64 / cycles.max(1) as f64;
    println!(
        "{:<15} per cycle: {:.1} messages down ({:.1} KiB), {:.1} up",
        "",
        per_cycle(&counters.messages_down),
        per_cycle(&counters.bytes_down) / 1024.0,
        per_cycle(&counters.messages_up),
    );
    stop(running);
}

async fn idle_connections(server: &Server, n: usize) {
    let (id, task, _) = the_task();
    let running = Arc::new(server.start(n.min(100), &task, id).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, _, before) = running.usage();
    // Each connection is read in its own task, as a client's socket is, so pings are answered.
    let mut connections = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(200) {
        let opened =
            futures_util::future::join_all(chunk.iter().map(|&i| {
                let running = &running;
                async move {
                    Device::connect(running, i, &format!("idle-{i}"), id, Automerge::new()).await
                }
            }))
            .await;
        connections.extend(opened.into_iter().map(|d| tokio::spawn(d.drain())));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, _, after) = running.usage();
    let closed = connections.iter().filter(|c| c.is_finished()).count();
    println!(
        "{:<15} {n} connections: resident {:.1} MiB -> {:.1} MiB, {:.1} KB per connection{}",
        server.name(),
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 * 1.024 / n as f64,
        if closed > 0 {
            format!(" ({closed} closed by the server before the measurement)")
        } else {
            String::new()
        },
    );
    for c in connections {
        c.abort();
    }
    stop(running);
}

/// `join` as automerge-repo 1.x (the JS sync server's) expects it, with an empty
/// `peerMetadata` (it closes the connection without one); Samskab ignores the field.
fn join(me: &str) -> Vec<u8> {
    fn text(out: &mut Vec<u8>, s: &str) {
        let len = s.len();
        if len < 24 {
            out.push(0x60 + len as u8);
        } else {
            out.push(0x78);
            out.push(u8::try_from(len).unwrap());
        }
        out.extend_from_slice(s.as_bytes());
    }
    let mut out = vec![0xa4];
    text(&mut out, "type");
    text(&mut out, "join");
    text(&mut out, "senderId");
    text(&mut out, me);
    text(&mut out, "supportedProtocolVersions");
    out.push(0x81);
    text(&mut out, "1");
    text(&mut out, "peerMetadata");
    out.push(0xa0);
    out
}
