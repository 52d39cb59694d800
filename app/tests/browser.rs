//! The client's own tests, compiled to wasm and run in headless Chromium by
//! wasm-bindgen-test-runner (`cargo xtask test` sets it up): the text catalog, the remembered
//! language in real localStorage, the shell mounted into a real DOM, and the header's
//! connection state.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gloo_storage::{LocalStorage, Storage};
use samskab_app::i18n::{Lang, Msg};
use samskab_app::settings;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_text_exists_in_every_language() {
    for msg in Msg::ALL {
        for lang in Lang::ALL {
            assert!(
                !msg.text(lang).trim().is_empty(),
                "{msg:?} is empty in {lang}"
            );
        }
    }
    assert_eq!(Msg::NavTasks.text(Lang::Da), "Opgaver");
    assert_eq!(Msg::NavTasks.text(Lang::En), "Tasks");
}

#[wasm_bindgen_test]
fn form_times_are_danish_time_whatever_zone_the_device_is_in() {
    use samskab_app::time::{date_input, time_input, to_millis};
    // 09.00 on 10 December 2026 in Denmark (CET) is 08.00 UTC; on 1 July (CEST) 07.00 UTC.
    let winter = to_millis("2026-12-10", "09:00").unwrap();
    assert_eq!(winter, 1_796_889_600_000);
    let summer = to_millis("2026-07-01", "09:00").unwrap();
    assert_eq!(summer, 1_782_889_200_000);
    for at in [winter, summer] {
        assert_eq!(time_input(at), "09:00");
    }
    assert_eq!(date_input(winter), "2026-12-10");
    // 23.30 Danish time is the next day in UTC; the form still says the Danish date.
    let late = to_millis("2026-12-31", "23:30").unwrap();
    assert_eq!(
        (date_input(late).as_str(), time_input(late).as_str()),
        ("2026-12-31", "23:30")
    );
    // And what the app shows of it says the same clock time.
    assert!(
        samskab_app::i18n::when(winter, Lang::Da).contains("09.00"),
        "{}",
        samskab_app::i18n::when(winter, Lang::Da)
    );
    // A shift within one day says its date once; one past midnight says both.
    let span = samskab_app::i18n::when_span(winter, winter + 3 * 3_600_000, Lang::Da);
    assert!(span.ends_with(", 09.00 – 12.00"), "{span}");
    assert_eq!(span.matches("dec.").count(), 1, "{span}");
    let en = samskab_app::i18n::when_span(winter, winter + 3 * 3_600_000, Lang::En);
    assert!(en.ends_with("09:00 – 12:00"), "{en}");
    let night = samskab_app::i18n::when_span(late, late + 2 * 3_600_000, Lang::Da);
    assert!(
        night.contains("31. dec.") && night.contains("1. jan."),
        "{night}"
    );
    for (date, time) in [
        ("2026-02-30", "09:00"),
        ("2026-12-10", "24:00"),
        ("", "09:00"),
        ("2026-12-10", "9"),
    ] {
        assert_eq!(to_millis(date, time), None, "{date} {time}");
    }
}

#[wasm_bindgen_test]
fn calendar_dates_read_as_people_write_them_wherever_the_browser_is() {
    use samskab_app::i18n::day;
    assert_eq!(day("2026-12-10", Lang::Da), "10. dec. 2026");
    assert_eq!(day("2026-12-10", Lang::En), "10 Dec 2026");
    // The first and last of a month and a year: no time zone moves them.
    assert_eq!(day("2027-01-01", Lang::Da), "1. jan. 2027");
    assert_eq!(day("2026-12-31", Lang::En), "31 Dec 2026");
    // Not such a date: shown as written.
    for text in ["", "snart", "2026-13-01", "2026-12", "2026-12-xx"] {
        assert_eq!(day(text, Lang::Da), text);
    }
}

#[wasm_bindgen_test]
fn dates_read_as_the_browser_writes_them_with_one_formatter_per_language() {
    // The shared formatter must say exactly what `toLocaleString` with the same options says;
    // a time in another year than now says its year, one in this year does not.
    let options_of = |fields: &[(&str, &str)]| {
        let options = js_sys::Object::new();
        for (k, v) in fields {
            js_sys::Reflect::set(&options, &(*k).into(), &(*v).into()).unwrap();
        }
        options
    };
    let now = samskab_app::time::now();
    let year = |at: i64| samskab_model::local_time::local(at).year;
    for millis in [
        0_i64,
        1_765_545_600_000,
        1_782_900_000_000,
        1_800_000_000_000,
        now,
    ] {
        let this_year = year(millis) == year(now);
        let options = if this_year {
            options_of(&samskab_app::i18n::WHEN_FIELDS)
        } else {
            options_of(&samskab_app::i18n::WHEN_YEAR_FIELDS)
        };
        let said = samskab_app::i18n::when(millis, Lang::Da);
        assert_eq!(
            said.contains(&year(millis).to_string()),
            !this_year,
            "{said}"
        );
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis as f64));
        for (lang, locale) in [
            (Lang::Da, "da-DK"),
            (Lang::En, "en-GB"),
            (Lang::Da, "da-DK"),
        ] {
            let expected: String = date.to_locale_string(locale, &options).into();
            assert_eq!(
                samskab_app::i18n::when(millis, lang),
                expected,
                "{millis} in {locale}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn a_first_sync_reads_as_a_count_in_coarse_steps() {
    use samskab_app::i18n::fetching;
    assert_eq!(fetching(2_345, 7_461, Lang::Da), "Henter 2.300 af 7.461 …");
    assert_eq!(
        fetching(2_345, 7_461, Lang::En),
        "Fetching 2,300 of 7,461 …"
    );
    assert_eq!(fetching(57, 120, Lang::Da), "Henter 50 af 120 …");
    assert_eq!(fetching(0, 60, Lang::Da), "Henter 0 af 60 …");
}

#[wasm_bindgen_test]
fn the_chosen_language_survives_in_local_storage() {
    LocalStorage::delete(settings::LANG_KEY);
    assert_eq!(settings::stored_lang(), None);
    assert_eq!(settings::initial_lang(), Lang::Da);

    settings::store_lang(Lang::En);
    assert_eq!(
        LocalStorage::get::<String>(settings::LANG_KEY).unwrap(),
        "en"
    );
    assert_eq!(settings::initial_lang(), Lang::En);

    // A value this version does not understand falls back to Danish instead of failing.
    LocalStorage::set(settings::LANG_KEY, "tlh").unwrap();
    assert_eq!(settings::initial_lang(), Lang::Da);
    LocalStorage::delete(settings::LANG_KEY);
}

#[wasm_bindgen_test]
async fn signed_out_the_shell_shows_a_labelled_login_form_and_no_menu() {
    LocalStorage::delete(settings::LANG_KEY);
    LocalStorage::delete(samskab_app::session::USER_KEY);
    // At the login page's address: a signed-out device shows the open task bank at "/" now.
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let here = window.location().href().unwrap();
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/log-ind"))
        .unwrap();
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let _handle = leptos::mount::mount_to(root.clone().unchecked_into(), samskab_app::app::App);
    gloo_timers::future::TimeoutFuture::new(0).await;

    // No menu; the footer's links to the legal pages are there for everyone.
    assert!(root.query_selector("nav.app-nav").unwrap().is_none());
    assert!(
        root.query_selector("footer a[href='/privatlivspolitik']")
            .unwrap()
            .is_some()
    );
    for (id, label) in [
        ("account-email", "E-mail"),
        ("account-password", "Adgangskode"),
    ] {
        let label_el = root
            .query_selector(&format!("label[for={id}]"))
            .unwrap()
            .unwrap_or_else(|| panic!("a label for {id}"));
        assert_eq!(label_el.text_content().unwrap(), label);
        assert!(root.query_selector(&format!("#{id}")).unwrap().is_some());
    }
    root.remove();
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&here))
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_shell_mounts_with_a_labelled_menu_and_a_connection_status() {
    LocalStorage::delete(settings::LANG_KEY);
    // A user this device remembers (as after logging in).
    LocalStorage::set(
        samskab_app::session::USER_KEY,
        samskab_app::session::SignedIn {
            id: "demo-anna".parse().unwrap(),
            name: "Anna".into(),
            email: "anna@demo.samskab.dk".into(),
            phone: String::new(),
            role: samskab_model::authz::Role::Volunteer,
            organisations: Vec::new(),
        },
    )
    .unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let _handle = leptos::mount::mount_to(root.clone().unchecked_into(), samskab_app::app::App);
    // Let the first effects run (they set <html lang>).
    gloo_timers::future::TimeoutFuture::new(0).await;

    let nav = root
        .query_selector("nav.app-nav")
        .unwrap()
        .expect("a nav element");
    assert_eq!(
        nav.get_attribute("aria-label").as_deref(),
        Some("Hovedmenu")
    );
    assert_eq!(nav.query_selector_all("a").unwrap().length(), 5);
    let status = root
        .query_selector("[data-testid=connection]")
        .unwrap()
        .expect("a connection status");
    assert_eq!(status.get_attribute("role").as_deref(), Some("status"));
    let html_lang = document.document_element().unwrap().get_attribute("lang");
    assert_eq!(html_lang.as_deref(), Some("da"));
    let buttons = root.query_selector_all(".language-switch button").unwrap();
    assert_eq!(buttons.length(), 2);
    assert!(
        root.query_selector("[data-testid=logout]")
            .unwrap()
            .is_some()
    );
    LocalStorage::delete(samskab_app::session::USER_KEY);
}

#[wasm_bindgen_test]
fn too_many_attempts_says_the_relays_real_wait() {
    use samskab_app::i18n::too_many_attempts;
    assert_eq!(
        too_many_attempts(1, Lang::Da),
        "For mange forsøg. Vent 1 sekund, og prøv igen."
    );
    assert_eq!(
        too_many_attempts(30, Lang::Da),
        "For mange forsøg. Vent 30 sekunder, og prøv igen."
    );
    assert_eq!(
        too_many_attempts(61, Lang::Da),
        "For mange forsøg. Vent 2 minutter, og prøv igen."
    );
    assert_eq!(
        too_many_attempts(900, Lang::En),
        "Too many attempts. Wait 15 minutes and try again."
    );
    assert_eq!(
        too_many_attempts(3600, Lang::En),
        "Too many attempts. Wait 1 hour and try again."
    );
}

/// The header's one connection state from its two witnesses: an open sync socket is online
/// whatever the probe said; without one, a failed probe is offline, and a relay that answers
/// while the socket is still opening is not called online yet. With no sync client (nobody
/// signed in) the probe alone decides.
#[wasm_bindgen_test]
fn the_connection_state_combines_the_socket_and_the_probe() {
    use samskab_app::connectivity::{Connection, Probe, Socket, combine};
    let (open, closed, opening) = (
        Some(Socket::Open),
        Some(Socket::Closed),
        Some(Socket::Connecting),
    );
    let (yes, no, unknown) = (Probe::Reachable, Probe::Unreachable, Probe::Unknown);
    let (online, offline, checking) = (
        Connection::Online,
        Connection::Offline,
        Connection::Checking,
    );
    let table = [
        (open, no, online),
        (open, unknown, online),
        (open, yes, online),
        (closed, no, offline),
        (opening, no, offline),
        (closed, yes, checking),
        (opening, yes, checking),
        (opening, unknown, checking),
        (None, yes, online),
        (None, no, offline),
        (None, unknown, checking),
    ];
    for (socket, probe, expected) in table {
        assert_eq!(combine(socket, probe), expected, "{socket:?} and {probe:?}");
    }
}

/// Runs `body` (JavaScript, a function of `args`) and awaits the promise it returns.
async fn js(args: &str, body: &str, values: &[wasm_bindgen::JsValue]) -> wasm_bindgen::JsValue {
    let f = js_sys::Function::new_with_args(args, body);
    let array: js_sys::Array = values.iter().cloned().collect();
    let promise: js_sys::Promise = f
        .apply(&wasm_bindgen::JsValue::NULL, &array)
        .unwrap()
        .into();
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap()
}

/// A store written by an app from before the index (IndexedDB version 1, documents only)
/// opens in this one: the upgrade adds the index, the sync client fills it from the documents
/// once (with its own record), and the task list's rows come from it.
#[wasm_bindgen_test]
async fn an_old_store_gets_its_index_built_from_the_documents() {
    samskab_app::store::delete_database().await.unwrap();
    let (id, task, saved) = published_demo_task();
    let bytes = js_sys::Uint8Array::from(&saved[..]);
    js(
        "id, bytes",
        r#"return new Promise((resolve, reject) => {
            const open = indexedDB.open("samskab", 1);
            open.onupgradeneeded = () => open.result.createObjectStore("docs");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const tx = open.result.transaction("docs", "readwrite");
                tx.objectStore("docs").put(bytes, id);
                tx.oncomplete = () => { open.result.close(); resolve(); };
                tx.onabort = () => reject(tx.error);
            };
        });"#,
        &[id.to_string().into(), bytes.into()],
    )
    .await;

    let (_owner, sync) = started_sync().await;
    let rows = sync.task_rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].task.id, id);
    assert_eq!(rows[0].task.title, task.title);

    // The index store now holds the index's own record and a page with the task's entry.
    let records = raw_records("index").await;
    assert_eq!(
        records.len(),
        2,
        "{:?}",
        records.iter().map(|r| &r.0).collect::<Vec<_>>()
    );
    assert_eq!(records[0].0, "@meta");
    let page = samskab_app::store::page::decode(&records[1].1).unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].0, id.to_string());

    // Logging out deletes both.
    sync.stop_and_forget().await;
}

/// A store that needs compacting and whose index is not current (no `@meta`, an entry that
/// is not one): the sync client compacts it before it rebuilds the index, so the rebuilt
/// entry and the index's own record are what the store holds after, not the copies read.
#[wasm_bindgen_test]
async fn a_compacted_store_keeps_the_index_rebuilt_after_it() {
    use samskab_app::store::page::Replay;
    use samskab_app::store::{Saved, Store, delete_database};

    delete_database().await.unwrap();
    let (id, _, saved) = published_demo_task();
    let store = Store::open().await.unwrap();
    for _ in 0..300 {
        let saved = Saved {
            id,
            bytes: saved.clone(),
            entry: b"not an entry".to_vec(),
        };
        store.save_all(&[saved]).await.unwrap();
    }

    let (_owner, sync) = started_sync().await;
    assert_eq!(sync.task_rows().len(), 1);
    let mut index = Replay::default();
    let records = raw_records("index").await;
    for (key, value) in records.clone() {
        index.record(key, value);
    }
    assert!(records.len() <= 3, "compacted: {} records", records.len());
    assert!(index.live.contains_key("@meta"), "the index's own record");
    let entry = index.live.get(&id.to_string()).expect("the task's entry");
    assert_ne!(
        &entry[..],
        b"not an entry",
        "the rebuilt entry, not the copy read"
    );
    sync.stop_and_forget().await;
}

/// A published demo task, and its document saved.
fn published_demo_task() -> (samskab_model::DocumentId, samskab_model::Task, Vec<u8>) {
    let (id, task) = samskab_model::demo::tasks(samskab_app::time::now())
        .into_iter()
        .find(|(_, t)| t.status == samskab_model::TaskStatus::Published)
        .unwrap();
    let mut doc = automerge::AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &task).unwrap();
    (id, task, doc.save())
}

/// The demo volunteer's sync client, started on this page's store, once it has read it, with
/// the reactive owner it lives in (keep it: dropping it disposes of the client's signals).
async fn started_sync() -> (leptos::prelude::Owner, samskab_app::sync_client::SyncClient) {
    let owner = leptos::prelude::Owner::new();
    owner.set();
    let sync = samskab_app::sync_client::SyncClient::start("demo-anna".parse().unwrap());
    for _ in 0..100 {
        if leptos::prelude::GetUntracked::get_untracked(&sync.view.loaded) {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    (owner, sync)
}

/// Every record of an object store of the database `samskab`, in key order, as IndexedDB
/// holds them (keys and bytes).
async fn raw_records(store: &str) -> Vec<(String, Vec<u8>)> {
    let both = js(
        "name",
        r#"return new Promise((resolve, reject) => {
            const open = indexedDB.open("samskab");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const records = open.result.transaction(name).objectStore(name);
                const keys = records.getAllKeys();
                const values = records.getAll();
                values.onsuccess = () => { open.result.close(); resolve([keys.result, values.result]); };
                values.onerror = () => reject(values.error);
            };
        });"#,
        &[store.into()],
    )
    .await;
    let both = js_sys::Array::from(&both);
    let (keys, values) = (
        js_sys::Array::from(&both.get(0)),
        js_sys::Array::from(&both.get(1)),
    );
    keys.iter()
        .zip(values.iter())
        .map(|(k, v)| (k.as_string().unwrap(), js_sys::Uint8Array::new(&v).to_vec()))
        .collect()
}

/// A page holds records and deletions in the order written, and one cut short anywhere is
/// refused or reads as the records whole before the cut, never as a record cut short.
#[wasm_bindgen_test]
fn a_page_holds_records_and_deletions_in_order() {
    use samskab_app::store::page;

    let records: Vec<(&str, Option<&[u8]>)> = vec![
        ("a", Some(b"one")),
        ("b", None),
        ("", Some(b"")),
        ("ø", Some(b"\x00\xff")),
    ];
    let bytes = page::encode(records.clone());
    assert_eq!(page::decode(&bytes).unwrap(), records);
    for cut in 0..bytes.len() {
        if let Ok(read) = page::decode(&bytes[..cut]) {
            assert_eq!(read[..], records[..read.len()], "cut at {cut}");
            assert!(read.len() < records.len());
        }
    }
    let mut other = bytes.clone();
    other[0] = 2;
    assert!(page::decode(&other).is_err(), "a page of another version");

    // Pages sort after every document id and the index's own record, and by time.
    let id = samskab_model::DocumentId::random().to_string();
    assert!(page::is_page(&page::key(0, 0)) && !page::is_page(&id));
    assert!(id < page::key(0, 0) && *"@meta" < *page::key(0, 0));
    assert!(page::key(5, u32::MAX) < page::key(6, 0));
    assert_eq!(
        page::millis(&page::key(1_733_450_000_123, 7)),
        Some(1_733_450_000_123)
    );
}

/// Read in key order, a record written alone (by an app before pages) is overridden by a
/// page, a later page overrides an earlier one, and a deletion removes the key; what was
/// overridden counts as garbage, and only garbage beyond both the live records and 256 asks
/// for the store to be written again.
#[wasm_bindgen_test]
fn later_pages_override_earlier_records_key_by_key() {
    use samskab_app::store::page::{self, Replay};

    let mut replay = Replay::default();
    replay.record("x".into(), b"x0".to_vec());
    replay.record("z".into(), b"z0".to_vec());
    replay.record(
        page::key(1, 0),
        page::encode([("x", Some(&b"x1"[..])), ("y", Some(b"y1"))]),
    );
    replay.record(page::key(2, 0), page::encode([("y", None), ("z", None)]));
    replay.record(page::key(3, 0), vec![9, 9, 9]);
    let mut live: Vec<_> = replay
        .live
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    live.sort();
    assert_eq!(live, vec![("x".to_owned(), b"x1".to_vec())]);
    assert_eq!((replay.copies, replay.garbage(), replay.bad), (6, 5, 1));
    assert!(!replay.wants_compaction());

    let mut many = Replay::default();
    for n in 0..=257 {
        many.record(page::key(n, 0), page::encode([("x", Some(&b"x"[..]))]));
    }
    assert_eq!(many.garbage(), 257);
    assert!(many.wants_compaction());
}

/// The store in real IndexedDB: a save is one page per object store whatever it holds, a
/// start reads the newest of each document (records written one per document by an older
/// app included), and a store whose overridden copies outnumber its documents is written
/// again without them at the next start, holding the same.
#[wasm_bindgen_test]
async fn the_store_keeps_the_newest_of_each_document_and_sheds_the_rest() {
    use samskab_app::store::{Saved, Store, delete_database};
    use samskab_model::DocumentId;

    delete_database().await.unwrap();
    let (a, b, old) = (
        DocumentId::random(),
        DocumentId::random(),
        DocumentId::random(),
    );
    let saved = |id: DocumentId, v: &str| Saved {
        id,
        bytes: format!("doc {v}").into_bytes(),
        entry: format!("entry {v}").into_bytes(),
    };
    let store = Store::open().await.unwrap();
    store
        .save_all(&[saved(a, "a1"), saved(b, "b1")])
        .await
        .unwrap();
    store.save_all(&[saved(a, "a2")]).await.unwrap();
    store.delete(&b).await.unwrap();
    // A document an app before pages wrote, one record in each store.
    js(
        "id",
        r#"return new Promise((resolve, reject) => {
            const open = indexedDB.open("samskab");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const tx = open.result.transaction(["docs", "index"], "readwrite");
                tx.objectStore("docs").put(new TextEncoder().encode("doc old"), id);
                tx.objectStore("index").put(new TextEncoder().encode("entry old"), id);
                tx.oncomplete = () => { open.result.close(); resolve(); };
                tx.onabort = () => reject(tx.error);
            };
        });"#,
        &[old.to_string().into()],
    )
    .await;
    assert_eq!(
        raw_records("docs").await.len(),
        4,
        "two saves, a deletion, the old record"
    );

    let read = |store: Store| async move {
        let mut entries = Vec::new();
        let mut docs = store.load_all(|e| entries = e).await.unwrap();
        // What the sync engine does next.
        store.compact_pending().await;
        docs.sort_by_key(|(id, _)| id.to_string());
        entries.sort();
        let docs: Vec<(String, String)> = docs
            .into_iter()
            .map(|(id, bytes)| (id.to_string(), String::from_utf8(bytes).unwrap()))
            .collect();
        let entries: Vec<(String, String)> = entries
            .into_iter()
            .map(|(id, bytes)| (id, String::from_utf8(bytes).unwrap()))
            .collect();
        (docs, entries)
    };
    let mut expected_docs = vec![
        (a.to_string(), "doc a2".to_owned()),
        (old.to_string(), "doc old".to_owned()),
    ];
    expected_docs.sort();
    let expected_entries: Vec<(String, String)> = expected_docs
        .iter()
        .map(|(id, doc)| (id.clone(), doc.replace("doc", "entry")))
        .collect();
    assert_eq!(
        read(Store::open().await.unwrap()).await,
        (expected_docs.clone(), expected_entries.clone())
    );

    // Three hundred saves of one document: 300 overridden copies, more than it has documents
    // and more than 256. The next start reads the newest and writes the store again.
    let store = Store::open().await.unwrap();
    for n in 0..300 {
        store.save_all(&[saved(a, &format!("a{n}"))]).await.unwrap();
    }
    let newest = |docs: &[(String, String)], n: &str| -> Vec<(String, String)> {
        docs.iter()
            .map(|(id, v)| {
                (
                    id.clone(),
                    if *id == a.to_string() {
                        v.replace("a2", n)
                    } else {
                        v.clone()
                    },
                )
            })
            .collect()
    };
    let expected = (
        newest(&expected_docs, "a299"),
        newest(&expected_entries, "a299"),
    );
    assert_eq!(raw_records("docs").await.len(), 304);
    assert_eq!(read(Store::open().await.unwrap()).await, expected);
    for store in ["docs", "index"] {
        let records = raw_records(store).await;
        assert_eq!(records.len(), 1, "{store}: one page after compaction");
        assert_eq!(
            samskab_app::store::page::decode(&records[0].1)
                .unwrap()
                .len(),
            2
        );
    }
    // The same again, read from the compacted store; and a save after it is later than it.
    let store = Store::open().await.unwrap();
    assert_eq!(read(store.clone()).await, expected);
    store.save_all(&[saved(a, "a300")]).await.unwrap();
    assert_eq!(
        read(Store::open().await.unwrap()).await,
        (
            newest(&expected_docs, "a300"),
            newest(&expected_entries, "a300")
        )
    );
    delete_database().await.unwrap();
}

/// On a meeting still to come the badge says what the person will do ("Du kommer"); on one
/// that is over or cancelled, what they answered ("Du sagde ja"), not a promise in the present.
#[wasm_bindgen_test]
fn a_meeting_that_is_over_says_what_you_answered() {
    use samskab_app::pages::meetings::my_state;
    use samskab_model::kinds::meeting::schema::{
        Meeting, MeetingStatus, MeetingType, Rsvp, RsvpAnswer,
    };
    let anna: samskab_model::PersonId = "anna".parse().unwrap();
    let now = samskab_app::time::now();
    let hour = 3_600_000;
    let meeting = |start: i64, answer: RsvpAnswer| {
        let mut m = Meeting::draft(
            "bo".parse().unwrap(),
            "Dialogmøde",
            MeetingType::Dialogue,
            start,
            start + hour,
            start - 10 * hour,
        );
        m.status = MeetingStatus::Published;
        m.rsvps.insert(
            anna.clone(),
            Rsvp {
                answer,
                name: "Anna".into(),
                on_behalf: None,
                at: start - 5 * hour,
            },
        );
        m
    };
    let coming = meeting(now + 24 * hour, RsvpAnswer::Yes);
    assert_eq!(
        my_state(&coming, &anna, Lang::Da).as_deref(),
        Some("Du kommer")
    );
    let past = meeting(now - 24 * hour, RsvpAnswer::Yes);
    assert_eq!(
        my_state(&past, &anna, Lang::Da).as_deref(),
        Some("Du sagde ja")
    );
    assert_eq!(
        my_state(&meeting(now - 24 * hour, RsvpAnswer::No), &anna, Lang::En).as_deref(),
        Some("You said no")
    );
    let mut cancelled = meeting(now + 24 * hour, RsvpAnswer::Maybe);
    cancelled.status = MeetingStatus::Cancelled;
    assert_eq!(
        my_state(&cancelled, &anna, Lang::Da).as_deref(),
        Some("Du sagde måske")
    );
}

/// A re-render that replaces the focused control gives focus to the control with the same id
/// that took its place; focus the person moved away stays where they put it.
#[wasm_bindgen_test]
async fn focus_comes_back_to_a_control_a_re_render_replaced() {
    use web_sys::HtmlElement;
    samskab_app::components::focus::keep_focus_across_renders();
    let doc = web_sys::window().unwrap().document().unwrap();
    let body = doc.body().unwrap();
    let button = |text: &str| {
        let b = doc.create_element("button").unwrap();
        b.set_id("kept-focus-button");
        b.set_text_content(Some(text));
        b
    };
    // The observer runs after the DOM changed; a timer runs after it.
    let settle = || gloo_timers::future::TimeoutFuture::new(0);

    let old = button("Afmeld");
    body.append_child(&old).unwrap();
    old.unchecked_ref::<HtmlElement>().focus().unwrap();
    assert_eq!(doc.active_element(), Some(old.clone()));
    // A sync update re-renders the shift: a new button, the same id.
    let new = button("Afmeld");
    body.replace_child(&new, &old).unwrap();
    settle().await;
    assert_eq!(
        doc.active_element(),
        Some(new.clone()),
        "focus is on the new button"
    );

    // The person moves focus away (the button stays): a later change leaves it there.
    new.unchecked_ref::<HtmlElement>().blur().unwrap();
    let other = doc.create_element("p").unwrap();
    body.append_child(&other).unwrap();
    settle().await;
    assert_eq!(doc.active_element(), doc.body().map(Into::into));
    new.remove();
    other.remove();
}
