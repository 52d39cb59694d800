//! The relay under floods, in numbers (nothing asserted about time): its memory (this
//! process's resident set, relay and clients together) and the latency of a small write by an
//! honest device while attackers:
//! 1. send 200,000 sync messages for random document ids that claim a head;
//! 2. send 100 changes of 400 KB whose dependency nobody has;
//! 3. keep three connections that ask again and again for a large task and never read;
//! 4. send changes of 500 KB again and again.
//!
//! `cargo bench -p samskab-server --bench flood`; `SAMSKAB_FLOOD_IDS` changes the count of 1.
//! Written against the relay's public surface only (its library `run`, HTTP login, the
//! WebSocket), so the same file runs against an older relay for a before/after comparison.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::panic
)]

mod support;

use std::time::{Duration, Instant};

use automerge::{ActorId, Automerge, ChangeHash};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use samskab_model::sync::{Hub, Message, PeerId, Role};
use samskab_model::task::{Shift, Signup, SignupState};
use samskab_model::{Area, DocumentId, Task, TaskStatus};
use support::BenchRelay;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn task(description: String) -> Task {
    let mut t = Task::draft(
        "haslev-fodbold".parse().unwrap(),
        "Kioskvagt",
        Area::Sport,
        now() - 60_000,
    );
    t.description = description;
    t.shifts.insert(
        "vagt-1".parse().unwrap(),
        Shift::new(now() + 86_400_000, now() + 90_000_000, 500),
    );
    t.status = TaskStatus::Published;
    t
}

fn write(doc: &mut Automerge, t: &Task) {
    doc.transact::<_, _, autosurgeon::ReconcileError>(|tx| autosurgeon::reconcile(tx, t))
        .unwrap();
}

/// Joins as `peer`; the relay's peer id.
async fn join(url: &str, peer: &str) -> (SplitSink<Socket, Ws>, SplitStream<Socket>, PeerId) {
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let (mut sink, mut stream) = ws.split();
    let join = Message::Join {
        sender_id: peer.parse().unwrap(),
        supported_protocol_versions: vec!["1".into()],
        metadata: None,
    };
    sink.send(Ws::Binary(join.encode().into())).await.unwrap();
    loop {
        match stream.next().await {
            Some(Ok(Ws::Binary(b))) => {
                if let Ok(Message::Peer { sender_id, .. }) = Message::decode(&b) {
                    return (sink, stream, sender_id);
                }
            }
            Some(Ok(_)) => {}
            other => panic!("no peer: {other:?}"),
        }
    }
}

fn sync(
    me: &PeerId,
    relay: &PeerId,
    id: DocumentId,
    heads: Vec<ChangeHash>,
    chunks: Vec<Vec<u8>>,
    request: bool,
) -> Ws {
    let message = automerge::sync::Message {
        heads,
        need: Vec::new(),
        have: vec![automerge::sync::Have::default()],
        changes: chunks.into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    };
    let (document_id, sender_id, target_id, data) =
        (id, me.clone(), relay.clone(), message.encode());
    let m = if request {
        Message::Request {
            document_id,
            sender_id,
            target_id,
            data,
        }
    } else {
        Message::Sync {
            document_id,
            sender_id,
            target_id,
            data,
        }
    };
    Ws::Binary(m.encode().into())
}

/// An honest device: a client hub over a WebSocket.
struct Device {
    hub: Hub,
    sink: SplitSink<Socket, Ws>,
    stream: SplitStream<Socket>,
    relay: PeerId,
}

impl Device {
    async fn connect(url: &str, name: &str) -> Self {
        let (sink, stream, relay) = join(url, name).await;
        let mut hub = Hub::new(name.parse().unwrap(), Role::Client);
        let effects = hub.connect(relay.clone());
        let mut d = Device {
            hub,
            sink,
            stream,
            relay,
        };
        d.send(effects).await;
        d
    }

    async fn send(&mut self, effects: Vec<samskab_model::sync::Effect>) {
        for e in effects {
            if let samskab_model::sync::Effect::Send(m) = e {
                let _ = self.sink.send(Ws::Binary(m.encode().into())).await;
            }
        }
    }

    /// Pumps until `done`, at most `limit`; false on a timeout or a closed connection.
    async fn pump_until(&mut self, limit: Duration, done: impl Fn(&Hub) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while !done(&self.hub) {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.stream.next()).await {
                Ok(Some(Ok(Ws::Binary(b)))) => {
                    let Ok(m) = Message::decode(&b) else { continue };
                    if let Ok(effects) = self.hub.receive(&self.relay, m) {
                        self.send(effects).await;
                    }
                }
                Ok(Some(Ok(_))) => {}
                _ => return false,
            }
        }
        true
    }
}

/// Latencies (ms) of `n` small writes by the coordinator, each until the relay acknowledged it.
async fn small_writes(device: &mut Device, id: DocumentId, n: usize) -> Vec<f64> {
    let mut out = Vec::new();
    for i in 0..n {
        let Some(mut t) = device
            .hub
            .document(&id)
            .and_then(|d| autosurgeon::hydrate::<_, Task>(d).ok())
        else {
            break;
        };
        t.place = format!("Klubhuset {i}");
        let started = Instant::now();
        let ((), effects) = device.hub.change(id, |d| write(d, &t));
        device.send(effects).await;
        let relay = device.relay.clone();
        let acked = device
            .pump_until(Duration::from_secs(30), |hub| hub.in_sync_with(&relay, &id))
            .await;
        if !acked {
            println!("  a small write was not acknowledged within 30 s");
            break;
        }
        out.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    out
}

fn summary(mut ms: Vec<f64>) -> String {
    if ms.is_empty() {
        return "no writes acknowledged".into();
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} writes)",
        p(0.5),
        p(0.99),
        ms[ms.len() - 1],
        ms.len()
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let temp = tempfile::tempdir().unwrap();
    let relay =
        BenchRelay::start_with(temp.path().join("data"), &temp.path().join("dist"), true).await;
    let bo_url = relay.login("bo@demo.samskab.dk").await;
    let anna_url = relay.login("anna@demo.samskab.dk").await;
    println!("# The relay under floods (memory: this process, relay and clients)\n");
    println!("start: {:.0} MB", rss_mb());

    // The coordinator's task, about 50 KB, and a device that writes to it.
    let mut bo = Device::connect(&bo_url, "bo-bench").await;
    let id = DocumentId::random();
    let text: String = (0..700u32)
        .map(|i| format!("{:07x}", i.wrapping_mul(2_654_435_761)))
        .collect();
    let big = task(text[..5_000].to_owned());
    let ((), effects) = bo.hub.change(id, |d| {
        for i in 0..10 {
            let mut t = big.clone();
            t.description = format!("{}{i}", &text[i * 100..4_000 + i * 100]);
            write(d, &t);
        }
    });
    bo.send(effects).await;
    let relay_peer = bo.relay.clone();
    bo.pump_until(Duration::from_secs(30), |hub| {
        hub.in_sync_with(&relay_peer, &id)
    })
    .await;
    println!(
        "small writes, quiet: {}",
        summary(small_writes(&mut bo, id, 50).await)
    );

    // 1. Random ids that claim a head.
    let n: usize = std::env::var("SAMSKAB_FLOOD_IDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let (mut sink, mut stream, rp) = join(&anna_url, "id-flooder").await;
    let me: PeerId = "id-flooder".parse().unwrap();
    let drain = tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
    let before = rss_mb();
    let t = Instant::now();
    for i in 0..n {
        let head = ChangeHash([(i % 251) as u8 + 1; 32]);
        if sink
            .send(sync(
                &me,
                &rp,
                DocumentId::random(),
                vec![head],
                Vec::new(),
                false,
            ))
            .await
            .is_err()
        {
            println!("  the flooder was disconnected after {i} messages");
            break;
        }
    }
    let sent = t.elapsed();
    let during = summary(small_writes(&mut bo, id, 20).await);
    // Close, not drop: a dropped write half leaves the socket (and the drain) open.
    let _ = sink.close().await;
    let _ = drain.await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    println!(
        "1. {n} sync messages for random ids: {before:.0} MB -> {:.0} MB after (sent in {sent:.1?}); small writes after: {during}",
        rss_mb()
    );

    // 2. Orphans: changes of 400 KB that depend on a change nobody has.
    let (mut sink, mut stream, rp) = join(&anna_url, "orphan-flooder").await;
    let me: PeerId = "orphan-flooder".parse().unwrap();
    let drain = tokio::spawn(async move {
        let mut closed_with = None;
        while let Some(Ok(frame)) = stream.next().await {
            if let Ws::Binary(b) = frame
                && let Ok(Message::Error { message }) = Message::decode(&b)
            {
                closed_with = Some(message);
            }
        }
        closed_with
    });
    let before = rss_mb();
    let mut sent = 0;
    for i in 0..100u64 {
        let mut orphan = Automerge::new();
        orphan.set_actor(ActorId::from(i.to_be_bytes().to_vec()));
        let value: String = (0..400_000)
            .map(|j| char::from(b'a' + ((j * 7 + i as usize) % 26) as u8))
            .collect();
        orphan
            .transact::<_, _, automerge::AutomergeError>(|tx| {
                use automerge::transaction::Transactable;
                tx.put(automerge::ROOT, "title", value)?;
                Ok(())
            })
            .unwrap();
        let mut expanded = orphan.get_changes(&[])[0].decode();
        expanded.deps = vec![ChangeHash([0xee; 32])];
        expanded.hash = None;
        let change = automerge::Change::from(expanded);
        if sink
            .send(sync(
                &me,
                &rp,
                id,
                vec![change.hash()],
                vec![change.raw_bytes().to_vec()],
                false,
            ))
            .await
            .is_err()
        {
            break;
        }
        sent += 1;
    }
    let during = summary(small_writes(&mut bo, id, 20).await);
    let _ = sink.close().await;
    let closed_with = drain.await.unwrap_or(None);
    println!(
        "2. {sent} orphan changes of 400 KB: {before:.0} MB -> {:.0} MB; small writes meanwhile: {during}; connection ended with {:?}",
        rss_mb(),
        closed_with.map(|m| m.chars().take(80).collect::<String>())
    );

    // 3. Three connections that ask for the task again and again and never read.
    let before = rss_mb();
    let mut stalled = Vec::new();
    for k in 0..3 {
        let name = format!("never-reads-{k}");
        let (mut sink, stream, rp) = join(&anna_url, &name).await;
        let me: PeerId = name.parse().unwrap();
        let asker = tokio::spawn(async move {
            let mut asked = 0;
            for _ in 0..3_000 {
                if sink
                    .send(sync(&me, &rp, id, Vec::new(), Vec::new(), true))
                    .await
                    .is_err()
                {
                    break;
                }
                asked += 1;
            }
            (asked, sink)
        });
        stalled.push((asker, stream));
    }
    let during = summary(small_writes(&mut bo, id, 50).await);
    let mut peak = rss_mb();
    let mut streams = Vec::new();
    for (asker, stream) in stalled {
        let (asked, sink) = asker.await.unwrap();
        streams.push((asked, sink, stream));
    }
    peak = peak.max(rss_mb());
    let mut outcome = Vec::new();
    for (asked, _sink, mut stream) in streams {
        let mut read = 0;
        let ended = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(Ok(_)) = stream.next().await {
                read += 1;
            }
        })
        .await
        .is_ok();
        outcome.push(format!(
            "asked {asked}, read {read}, {}",
            if ended {
                "closed by the relay"
            } else {
                "still open"
            }
        ));
    }
    println!(
        "3. three readers that never read: {before:.0} MB -> peak {peak:.0} MB; small writes meanwhile: {during}; {}",
        outcome.join("; ")
    );

    // 4. Large changes again and again (each judged, then refused as invalid or too large).
    let (mut sink, mut stream, rp) = join(&anna_url, "big-writer").await;
    let me: PeerId = "big-writer".parse().unwrap();
    let heads = bo.hub.heads(&id);
    let base = bo.hub.document(&id).unwrap().clone();
    let drain = tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
    let writer = tokio::spawn(async move {
        let mut sent = 0;
        for i in 0..40u64 {
            let mut doc = base.clone();
            doc.set_actor(ActorId::from((1000 + i).to_be_bytes().to_vec()));
            let mut t: Task = autosurgeon::hydrate(&doc).unwrap();
            let me_person = "demo-anna".parse().unwrap();
            t.shifts
                .get_mut(&"vagt-1".parse().unwrap())
                .unwrap()
                .signups
                .insert(
                    me_person,
                    Signup {
                        state: SignupState::SignedUp,
                        at: now(),
                    },
                );
            t.description = (0..500_000)
                .map(|j| char::from(b'a' + ((j * 13 + i as usize) % 26) as u8))
                .collect();
            write(&mut doc, &t);
            let chunks = doc
                .get_changes(&heads)
                .iter()
                .map(|c| c.raw_bytes().to_vec())
                .collect();
            if sink
                .send(sync(&me, &rp, id, doc.get_heads(), chunks, false))
                .await
                .is_err()
            {
                break;
            }
            sent += 1;
        }
        sent
    });
    let during = summary(small_writes(&mut bo, id, 50).await);
    let sent = writer.await.unwrap_or(0);
    drain.abort();
    println!(
        "4. {sent} changes of 500 KB: small writes meanwhile: {during}; {:.0} MB",
        rss_mb()
    );

    relay.stop().await;
}
