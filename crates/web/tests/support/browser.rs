//! Browser tests in real headless Chromium (Debian's chromium and
//! chromium-driver), driven over WebDriver. Run when HONBU_TEST_BROWSER is
//! set; under CI a missing browser is a failure.

use crate::common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn wanted() -> bool {
    match std::env::var("HONBU_TEST_BROWSER") {
        Ok(v) if !v.is_empty() => true,
        _ if std::env::var("CI").is_ok() => {
            panic!("HONBU_TEST_BROWSER is not set: CI must run the browser tests")
        }
        _ => {
            eprintln!("HONBU_TEST_BROWSER is not set: browser tests not run here");
            false
        }
    }
}

struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn chromedriver() -> Driver {
    let bin = std::env::var("HONBU_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let child = Command::new(&bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {bin}: {e} (apt-get install chromium chromium-driver)")
        });
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Driver { child, port }
}

async fn browser(d: &Driver) -> Client {
    let profile = tempfile::tempdir().unwrap().keep();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("HONBU_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-quic", "--window-size=1366,768",
                     format!("--user-data-dir={}", profile.display())]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .expect("a WebDriver session")
}

async fn sign_in(b: &Client, app: &App, user: &str) {
    b.goto(&app.url("/login")).await.unwrap();
    b.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    b.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    b.find(Locator::Css("form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(b, "Incidents", Duration::from_secs(10)).await;
}

/// Waits until the page's text contains `text`; returns how long it took.
async fn wait_for(b: &Client, text: &str, within: Duration) -> Duration {
    let t0 = Instant::now();
    loop {
        // Between two pages there may be no body for a moment: not yet, not an error.
        let body = match b.find(Locator::Css("body")).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if body.contains(text) {
            return t0.elapsed();
        }
        assert!(
            t0.elapsed() < within,
            "{text:?} did not appear within {within:?}; page: {}",
            &body[..body.len().min(600)]
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The first element `css` finds, once a script has put it there (within
/// five seconds, else fails saying `missing`).
async fn appears(b: &Client, css: &str, missing: &str) -> fantoccini::elements::Element {
    let t0 = Instant::now();
    loop {
        if let Ok(el) = b.find(Locator::Css(css)).await {
            return el;
        }
        assert!(t0.elapsed() < Duration::from_secs(5), "{missing}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn fill(b: &Client, id: &str, text: &str) {
    let el = b.find(Locator::Id(id)).await.unwrap();
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_opens_incident_logs_graded_entry_seen_live_elsewhere_and_reads_the_brief() {
    if !wanted() {
        return;
    }
    let app = spawn_app().await;
    world(&app).await;
    let d = chromedriver().await;
    let a = browser(&d).await;
    let b = browser(&d).await;

    // Officer opens an incident through the form.
    sign_in(&a, &app, "officer").await;
    a.goto(&app.url("/incidents/new")).await.unwrap();
    fill(&a, "title", "Kidnapping near Sana'a").await;
    a.find(Locator::Css("#kind option[value=kidnapping]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The city, typed in its own script, and chosen from the gazetteer:
    // the country, the coordinates and the zone fill in.
    fill(&a, "place", "صنعاء").await;
    let pick = appears(
        &a,
        "[data-place-picker] ul.picks button",
        "no place offered",
    )
    .await;
    assert!(pick.text().await.unwrap().contains("Sanaa"));
    pick.click().await.unwrap();
    let value = |id: &'static str| {
        let a = a.clone();
        async move {
            a.find(Locator::Id(id))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default()
        }
    };
    assert_eq!(value("country").await, "YE");
    assert_eq!(value("time_zone").await, "Asia/Aden");
    assert!(
        value("lat").await.starts_with("15.35"),
        "{}",
        value("lat").await
    );
    fill(&a, "radius_m", "2000").await;
    fill(&a, "hq_name", "MOFA Emergency HQ").await;
    fill(&a, "hq_zone", "Asia/Tokyo").await;
    a.find(Locator::Css("form.form > button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&a, "Incident opened.", Duration::from_secs(10)).await;
    let board_url = a.current_url().await.unwrap();
    let path = board_url.path().to_string();

    // A second session (an administrator) watches the board.
    sign_in(&b, &app, "admin").await;
    b.goto(&app.url(&path)).await.unwrap();
    wait_for(&b, "Kidnapping near Sana'a", Duration::from_secs(10)).await;
    // The page's script has opened its event stream.
    let t0 = Instant::now();
    while b
        .execute(
            "return document.documentElement.getAttribute('data-live')",
            vec![],
        )
        .await
        .unwrap()
        != json!("1")
    {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the board did not go live"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    // The officer adds a graded entry with the full form.
    a.goto(&app.url(&format!("{path}/log"))).await.unwrap();
    fill(
        &a,
        "text",
        "Embassy confirms two nationals taken from their vehicle",
    )
    .await;
    a.find(Locator::Css("#credibility option[value='2']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    a.find(Locator::Css("input[name=significant]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let sent = Instant::now();
    a.find(Locator::Css(".entry-form > button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // It appears on the other session's board without a reload.
    let seen = wait_for(&b, "Embassy confirms two nationals", Duration::from_secs(3)).await;
    let latency = sent.elapsed();
    eprintln!("entry seen in the second session after {latency:?} (poll {seen:?})");
    assert!(latency < Duration::from_secs(1), "took {latency:?}");
    wait_for(&a, "Entry added to the log.", Duration::from_secs(5)).await;
    let grade = a
        .find(Locator::Css("table.log .grade"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(grade, "F2", "author as source (F), credibility 2");

    // The handover brief: prepared, read, acknowledged.
    a.goto(&app.url(&format!("{path}/handover"))).await.unwrap();
    a.find(Locator::Css("form.card button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&a, "What changed", Duration::from_secs(5)).await;
    wait_for(&a, "Embassy confirms two nationals", Duration::from_secs(2)).await;
    // The one who prepared it is not offered to acknowledge it; the one
    // taking over is.
    assert!(
        a.find(Locator::Id("ack")).await.is_err(),
        "no acknowledge for its preparer"
    );
    let brief_url = a.current_url().await.unwrap();
    b.goto(brief_url.as_str()).await.unwrap();
    b.find(Locator::Id("ack"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&b, "Brief acknowledged.", Duration::from_secs(5)).await;
    wait_for(&b, "Acknowledged by", Duration::from_secs(2)).await;

    // Keyboard path: "n" puts the cursor in the new-entry box.
    a.goto(&app.url(&path)).await.unwrap();
    a.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("n")
        .await
        .unwrap();
    let focused = a
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, json!("quick-text"));

    // A phone-sized window still shows the board.
    a.set_window_size(390, 844).await.unwrap();
    a.refresh().await.unwrap();
    wait_for(&a, "Significant entries", Duration::from_secs(5)).await;

    a.close().await.unwrap();
    b.close().await.unwrap();
}

/// Seen: a task's due time passed and the board said "0 overdue" until a
/// reload; with the server stopped, nothing changed but the "updated" age.
/// Now a board left open turns the task overdue on time, and says
/// "Offline since HH:MM" when its server is gone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_board_left_open_turns_a_task_overdue_on_time_and_says_when_it_is_offline() {
    if !wanted() {
        return;
    }
    let (app, stop) = spawn_stoppable().await;
    let w = world(&app).await;
    // The browser starts first: on a cold machine that alone can take
    // longer than the task has before it falls due.
    let d = chromedriver().await;
    let a = browser(&d).await;
    sign_in(&a, &app, "mofa.head").await;
    let due = chrono::Utc::now() + chrono::Duration::seconds(8);
    app.post_json(
        &format!("/api/v1/incidents/{}/tasks", w.incident),
        &w.mofa_token,
        json!({"title": "Call the Peruvian liaison", "owner": "Liaison desk", "due_at": due.to_rfc3339()}),
    )
    .await;
    a.goto(&app.url(&format!("/incidents/{}", w.incident)))
        .await
        .unwrap();
    wait_for(&a, "Live", Duration::from_secs(5)).await;
    let count = || async {
        a.find(Locator::Css("[data-overdue-count]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    // Read before the due time, so that a slow machine cannot make the
    // first reading late.
    let shown = count().await;
    if chrono::Utc::now() < due {
        assert_eq!(shown, "0", "not yet due");
    } else {
        eprintln!("the board took longer to load than the task had before it fell due");
    }
    // Marked so that a reload would show: none may happen.
    a.execute("window.__not_reloaded = true", vec![])
        .await
        .unwrap();
    let t0 = Instant::now();
    loop {
        if count().await == "1" {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(12),
            "the task never turned overdue"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let late = chrono::Utc::now() - due;
    eprintln!(
        "overdue shown {} ms after its due time",
        late.num_milliseconds()
    );
    assert!(late < chrono::Duration::seconds(3), "on time: {late}");
    let li = a
        .find(Locator::Css("ul.tasks li.overdue"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        li.contains("overdue"),
        "said in words, not only in colour: {li}"
    );
    assert_eq!(
        a.execute("return window.__not_reloaded === true", vec![])
            .await
            .unwrap(),
        json!(true),
        "without a reload"
    );
    // The server goes away.
    stop.send(()).unwrap();
    let gone = Instant::now();
    // First it tries again, and says so; then it says since when it has
    // been cut off, by the clock.
    wait_for(&a, "Reconnecting", Duration::from_secs(10)).await;
    wait_for(&a, "Offline since", Duration::from_secs(20)).await;
    eprintln!(
        "offline shown {:?} after the server stopped",
        gone.elapsed()
    );
    let said = a
        .find(Locator::Css("p[data-conn]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hhmm = said
        .strip_prefix("Offline since ")
        .map(|r| r.chars().take(5).collect::<String>())
        .unwrap_or_default();
    assert!(
        hhmm.len() == 5
            && hhmm.as_bytes()[2] == b':'
            && hhmm.chars().filter(char::is_ascii_digit).count() == 4,
        "{said}"
    );
    a.close().await.unwrap();
}

/// An officer attaches a scanned list from the entry page: the file goes up
/// as it is (a name in Japanese, bytes no text encoding survives), the page
/// comes back listing it, and it downloads byte for byte. A file past the
/// limit is refused by the page before it is sent, saying the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_attaches_a_file_from_the_entry_page_and_it_comes_back_byte_for_byte() {
    if !wanted() {
        return;
    }
    let app = spawn_with(
        sqlite_store(),
        honbu_web::Config {
            max_attachment_bytes: 64 * 1024,
            ..Default::default()
        },
    )
    .await;
    let w = world(&app).await;
    let e = app
        .post_json(
            &format!("/api/v1/incidents/{}/log", w.incident),
            &w.mofa_token,
            json!({"text": "Scanned list of the held"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let small = dir.path().join("名簿 第1号.bin");
    std::fs::write(&small, &bytes).unwrap();
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![0u8; 65 * 1024]).unwrap();
    let d = chromedriver().await;
    let a = browser(&d).await;
    sign_in(&a, &app, "mofa.head").await;
    let page = app.url(&format!("/incidents/{}/log/{e}", w.incident));
    a.goto(&page).await.unwrap();
    wait_for(
        &a,
        "No file is attached to this entry.",
        Duration::from_secs(5),
    )
    .await;
    let choose = |path: std::path::PathBuf| {
        let a = a.clone();
        async move {
            a.find(Locator::Id("attach-file"))
                .await
                .unwrap()
                .send_keys(path.to_str().unwrap())
                .await
                .unwrap();
            a.find(Locator::Css("form.attach button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
    };
    let before = app.journal_seq_excluding_security().await;
    choose(big).await;
    wait_for(
        &a,
        "The file is too large: at most 64 KiB",
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing sent"
    );
    a.goto(&page).await.unwrap();
    choose(small).await;
    wait_for(&a, "File attached.", Duration::from_secs(10)).await;
    wait_for(&a, "名簿 第1号.bin", Duration::from_secs(2)).await;
    wait_for(&a, "4 KiB", Duration::from_secs(2)).await;
    let list = app
        .get_json(&format!("/api/v1/entries/{e}/attachments"), &w.mofa_token)
        .await;
    assert_eq!(list["items"][0]["name"], "名簿 第1号.bin", "{list}");
    let id = list["items"][0]["id"].as_str().unwrap();
    let got = app
        .client
        .get(app.url(&format!("/api/v1/attachments/{id}")))
        .bearer_auth(&w.mofa_token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(got.to_vec(), bytes, "byte for byte");
    a.close().await.unwrap();
}

/// A draft of 10,000 characters with one field the server refuses (an
/// occurred time in the future) comes back whole, in the same form, with
/// the message beside the field, and the address bar holds none of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_draft_refused_for_one_field_comes_back_whole() {
    if !wanted() {
        return;
    }
    let app = spawn_app().await;
    let w = world(&app).await;
    let d = chromedriver().await;
    let a = browser(&d).await;
    sign_in(&a, &app, "lima.analyst").await;
    a.goto(&app.url(&format!("/incidents/{}/log", w.incident)))
        .await
        .unwrap();
    let draft: String = "Typed with care at 3 a.m.; 人質の安否を確認中。"
        .repeat(300)
        .chars()
        .take(10_000)
        .collect();
    // Set as a user's paste would leave it (typing 10,000 keys one by one
    // takes WebDriver minutes), and a time next year.
    a.execute(
        "document.getElementById('text').value = arguments[0];
         const t = document.getElementById('occurred_at');
         t.value = (new Date().getFullYear() + 1) + '-01-01T09:00';",
        vec![json!(draft)],
    )
    .await
    .unwrap();
    a.find(Locator::Css("#new button[type=submit], #new button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&a, "must not be in the future", Duration::from_secs(10)).await;
    let kept = a
        .find(Locator::Id("text"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(kept.chars().count(), 10_000, "every character kept");
    assert_eq!(kept, draft);
    let url = a.current_url().await.unwrap();
    assert!(url.query().is_none(), "nothing of it in the address: {url}");
    a.close().await.unwrap();
}

/// The "based on" entries of a decision are found by their words: the
/// picker searches the log as its reader may, and adds the number chosen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_is_based_on_entries_found_by_their_words() {
    if !wanted() {
        return;
    }
    let app = spawn_app().await;
    let w = world(&app).await;
    let log = |text: &'static str| {
        let (app, w) = (&app, &w);
        async move {
            app.post_json(
                &format!("/api/v1/incidents/{}/log", w.incident),
                &w.mofa_token,
                json!({ "text": text }),
            )
            .await["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    log("Power cut in the district").await;
    let icrc = log("The ICRC took water and food in at 14:00").await;
    log("Press briefing at the ministry").await;
    let d = chromedriver().await;
    let a = browser(&d).await;
    sign_in(&a, &app, "mofa.head").await;
    a.goto(&app.url(&format!("/incidents/{}/decisions", w.incident)))
        .await
        .unwrap();
    fill(&a, "based_on_find", "ICRC water").await;
    let add = appears(&a, "[data-entry-picker] ul li button", "nothing found").await;
    let offered = a
        .find_all(Locator::Css("[data-entry-picker] ul li"))
        .await
        .unwrap();
    assert_eq!(offered.len(), 1, "only the entry holding both words");
    add.click().await.unwrap();
    let numbers = a
        .find(Locator::Id("based_on_numbers"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(numbers, "2", "the ICRC entry's number");
    fill(&a, "title", "Ask the ICRC for a second water run").await;
    fill(&a, "rationale", "Water ran short on the 14:00 delivery").await;
    a.find(Locator::Css(
        "form.form > button, form > button[type=submit]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    wait_for(
        &a,
        "Ask the ICRC for a second water run",
        Duration::from_secs(10),
    )
    .await;
    let decisions = app
        .get_json(
            &format!("/api/v1/incidents/{}/decisions", w.incident),
            &w.mofa_token,
        )
        .await;
    let d0 = decisions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "Ask the ICRC for a second water run")
        .cloned()
        .unwrap_or_else(|| panic!("recorded: {decisions}"));
    assert_eq!(d0["based_on"], json!([icrc]), "{d0}");
    a.close().await.unwrap();
}

/// The accountability board changes live: an officer watching the people
/// page sees a person another officer records, and the counts move when a
/// report comes in, without reloading.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accountability_board_changes_live_as_reports_come_in() {
    if !wanted() {
        return;
    }
    let app = spawn_app().await;
    let w = world(&app).await;
    let d = chromedriver().await;
    let a = browser(&d).await;
    sign_in(&a, &app, "mofa.head").await;
    a.goto(&app.url(&format!("/incidents/{}/people", w.incident)))
        .await
        .unwrap();
    appears(&a, "html[data-conn=live]", "the page did not go live").await;
    let id = app
        .post_json(
            &format!("/api/v1/incidents/{}/persons", w.incident),
            &w.officer_token,
            json!({"family_name": "Okada", "given_name": "Jun", "nationalities": ["JP"], "role": "hostage"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let took = wait_for(&a, "P-1 OKADA Jun", Duration::from_secs(5)).await;
    assert!(
        took < Duration::from_secs(3),
        "recorded elsewhere, seen here in {took:?}"
    );
    wait_for(&a, "1 not yet accounted for", Duration::from_secs(5)).await;
    app.post_json(
        &format!("/api/v1/persons/{id}/reports"),
        &w.officer_token,
        json!({"status": "released", "credibility": 2}),
    )
    .await;
    wait_for(&a, "0 not yet accounted for", Duration::from_secs(5)).await;
    let body = a
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        body.contains("People by status over time"),
        "the chart is drawn"
    );
    a.close().await.unwrap();
}

/// An officer imports a list from a file on the lists page: the report
/// says what it did, and the page then lists it; the people page counts
/// the new people.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_imports_a_list_from_a_file_and_sees_what_it_did() {
    if !wanted() {
        return;
    }
    let app = spawn_app().await;
    let w = world(&app).await;
    app.post_json(
        "/api/v1/sources",
        &w.officer_token,
        json!({"name": "Nikko Trading HR", "kind": "other", "reliability": "B"}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("staff.csv");
    std::fs::write(&file, "family_name,given_name,date_of_birth,nationality,employer\nOkada,Jun,1960-02-11,JP,Nikko Trading\nMori,Aya,1971-09-30,Japanese,Nikko Trading\n").unwrap();
    let d = chromedriver().await;
    let a = browser(&d).await;
    sign_in(&a, &app, "officer").await;
    a.goto(&app.url(&format!("/incidents/{}/people/lists", w.incident)))
        .await
        .unwrap();
    let input = appears(
        &a,
        "form[data-list-upload] input[type=file]",
        "the upload form is not shown",
    )
    .await;
    input.send_keys(&file.display().to_string()).await.unwrap();
    a.find(Locator::Css("form[data-list-upload] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        &a,
        "0 linked · 2 new · 0 in review",
        Duration::from_secs(10),
    )
    .await;
    wait_for(&a, "Nikko Trading HR csv", Duration::from_secs(10)).await;
    a.goto(&app.url(&format!("/incidents/{}/people", w.incident)))
        .await
        .unwrap();
    wait_for(&a, "P-2 MORI Aya", Duration::from_secs(5)).await;
    a.close().await.unwrap();
}
