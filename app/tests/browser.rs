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
    // The shared formatter must say exactly what `toLocaleString` with the same options says.
    let options = js_sys::Object::new();
    for (k, v) in samskab_app::i18n::WHEN_FIELDS {
        js_sys::Reflect::set(&options, &k.into(), &v.into()).unwrap();
    }
    for millis in [
        0_i64,
        1_765_545_600_000,
        1_782_900_000_000,
        1_800_000_000_000,
    ] {
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
    use samskab_app::sync_client::SyncClient;

    samskab_app::store::delete_database().await.unwrap();
    let now = samskab_app::time::now();
    let (id, task) = samskab_model::demo::tasks(now)
        .into_iter()
        .find(|(_, t)| t.status == samskab_model::TaskStatus::Published)
        .unwrap();
    let mut doc = automerge::AutoCommit::new();
    autosurgeon::reconcile(&mut doc, &task).unwrap();
    let bytes = js_sys::Uint8Array::from(&doc.save()[..]);
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

    let owner = leptos::prelude::Owner::new();
    owner.set();
    let sync = SyncClient::start("demo-anna".parse().unwrap());
    for _ in 0..100 {
        if leptos::prelude::GetUntracked::get_untracked(&sync.view.loaded) {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(20).await;
    }
    let rows = sync.task_rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].task.id, id);
    assert_eq!(rows[0].task.title, task.title);

    // The index store now holds the task's entry and the index's own record.
    let mut keys: Vec<String> = js_sys::Array::from(
        &js(
            "",
            r#"return new Promise((resolve, reject) => {
                const open = indexedDB.open("samskab");
                open.onerror = () => reject(open.error);
                open.onsuccess = () => {
                    const keys = open.result.transaction("index").objectStore("index").getAllKeys();
                    keys.onsuccess = () => { open.result.close(); resolve(keys.result); };
                    keys.onerror = () => reject(keys.error);
                };
            });"#,
            &[],
        )
        .await,
    )
    .iter()
    .filter_map(|k| k.as_string())
    .collect();
    keys.sort();
    let mut expected = vec!["@meta".to_owned(), id.to_string()];
    expected.sort();
    assert_eq!(keys, expected);

    // Logging out deletes both.
    sync.stop_and_forget().await;
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
