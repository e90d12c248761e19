//! People of concern through the API and the pages: who sees what of a
//! person, the precedence of reports, review, erasure.

use super::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn yamada() -> Value {
    json!({
        "family_name": "Yamada", "given_name": "Taro", "native_name": "山田 太郎",
        "other_names": ["YAMADA Tarou"], "sex": "male", "date_of_birth": "1948-03",
        "nationalities": ["JP"], "passport_number": "TK1234567", "employer": "Nikko Trading",
        "role": "hostage", "contacts": ["+81 3 5555 0100"]
    })
}

async fn send(
    app: &App,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut r = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The register through the API: the head sees a person whole, an analyst
/// with the passport masked and no contacts, a global reader by number
/// only, a stranger nothing (the same 404 as for a random id); bad fields
/// are named.
#[tokio::test]
async fn each_viewer_sees_of_a_person_what_their_role_allows() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let list = format!("/api/v1/incidents/{}/persons", w.incident);
    let id = app.post_json(&list, &w.officer_token, yamada()).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let person = format!("/api/v1/persons/{id}");
    let head = app.get_json(&person, &w.officer_token).await;
    assert_eq!(head["person"]["details"]["passport_number"], "TK1234567");
    assert_eq!(head["person"]["details"]["contacts"][0], "+81 3 5555 0100");
    assert_eq!(head["person"]["number"], 1);
    let analyst = app.get_json(&person, &w.lima_token).await;
    assert_eq!(analyst["person"]["details"]["passport_number"], "••••••567");
    assert!(
        analyst["person"]["details"].get("contacts").is_none(),
        "{analyst}"
    );
    let reader = app.get_json(&person, &w.reader_token).await;
    assert_eq!(reader["person"]["details"], Value::Null);
    assert_eq!(reader["person"]["status"], "unknown");
    let page = app
        .get_json(&format!("{list}?q=tarou"), &w.lima_token)
        .await;
    assert_eq!(page["total"], 1);
    let page = app
        .get_json(&format!("{list}?q=tarou"), &w.reader_token)
        .await;
    assert_eq!(
        page["items"][0]["details"],
        Value::Null,
        "a reader finds no one by name"
    );
    // The stranger: the incident's list and the person are not found, as a random id.
    let (s, _) = send(&app, reqwest::Method::GET, &list, &w.stranger_token, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s1, b1) = send(&app, reqwest::Method::GET, &person, &w.stranger_token, None).await;
    let random = format!("/api/v1/persons/{}", uuid::Uuid::now_v7());
    let (s2, b2) = send(&app, reqwest::Method::GET, &random, &w.stranger_token, None).await;
    assert_eq!((s1, &b1), (s2, &b2));
    assert_eq!(s1, StatusCode::NOT_FOUND);
    let before = app.journal_seq_excluding_security().await;
    for (path, body) in [
        (list.clone(), yamada()),
        (format!("{person}/reports"), json!({"status": "safe"})),
        (
            format!("{person}/erase"),
            json!({"basis": "request", "reason": "asked"}),
        ),
    ] {
        let (s, _) = send(
            &app,
            reqwest::Method::POST,
            &path,
            &w.stranger_token,
            Some(body),
        )
        .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let (s, _) = send(
        &app,
        reqwest::Method::POST,
        &list,
        &w.reader_token,
        Some(yamada()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Bad input, each field named; nothing written.
    let mut bad = yamada();
    bad["nationalities"] = json!(["JP", "Atlantis"]);
    let (s, b) = send(
        &app,
        reqwest::Method::POST,
        &list,
        &w.officer_token,
        Some(bad),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("nationalities[1]"))
    );
    let mut bad = yamada();
    bad["ssn"] = json!("1");
    let (s, _) = send(
        &app,
        reqwest::Method::POST,
        &list,
        &w.officer_token,
        Some(bad),
    )
    .await;
    assert!(s.is_client_error(), "an unknown field is refused: {s}");
    let (s, b) = send(
        &app,
        reqwest::Method::GET,
        &format!("{list}?status=fine"),
        &w.officer_token,
        None,
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("status"))
    );
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing written"
    );
}

/// A report that contradicts what holds waits in review; the board counts
/// it; an officer settles it; the board as of before shows what was known.
#[tokio::test]
async fn a_contradicting_report_waits_in_review_until_an_officer_settles_it() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let list = format!("/api/v1/incidents/{}/persons", w.incident);
    let id = app.post_json(&list, &w.officer_token, yamada()).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let reports = format!("/api/v1/persons/{id}/reports");
    let safe = app
        .post_json(
            &reports,
            &w.officer_token,
            json!({"status": "safe", "credibility": 2}),
        )
        .await;
    assert_eq!(safe["outcome"], "holds");
    // A moment after the first report, to the second (as `at` is typed).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let before_missing = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let missing = app
        .post_json(
            &reports,
            &w.lima_token,
            json!({"status": "missing", "note": "not at the hotel"}),
        )
        .await;
    assert_eq!(missing["outcome"], "review");
    assert!(
        missing["reason"].as_str().unwrap().contains("safe"),
        "{missing}"
    );
    let board = app
        .get_json(
            &format!("/api/v1/incidents/{}/accountability", w.incident),
            &w.officer_token,
        )
        .await;
    assert_eq!(
        (board["accounted"].as_i64(), board["in_review"].as_i64()),
        (Some(1), Some(1))
    );
    let (s, b) = send(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/persons/{id}/settle"),
        &w.officer_token,
        Some(json!({"report": missing["id"], "reason": ""})),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("reason"))
    );
    let (s, _) = send(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/persons/{id}/settle"),
        &w.officer_token,
        Some(json!({"report": missing["id"], "reason": "the hotel confirms he left"})),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let rec = app
        .get_json(&format!("/api/v1/persons/{id}"), &w.officer_token)
        .await;
    assert_eq!(
        (rec["person"]["status"].as_str(), &rec["person"]["review"]),
        (Some("missing"), &Value::Null)
    );
    assert_eq!(rec["reports"][0]["note"], "not at the hotel");
    let then = app
        .get_json(
            &format!(
                "/api/v1/incidents/{}/accountability?at={before_missing}",
                w.incident
            ),
            &w.officer_token,
        )
        .await;
    assert_eq!(
        (then["accounted"].as_i64(), then["in_review"].as_i64()),
        (Some(1), Some(0))
    );
}

/// Erasure through the API: only a role given it may; the data is gone,
/// the person stays by number and status, the journal verifies.
#[tokio::test]
async fn personal_data_is_erased_by_those_given_the_right_and_the_journal_verifies() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let list = format!("/api/v1/incidents/{}/persons", w.incident);
    let id = app.post_json(&list, &w.officer_token, yamada()).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let erase = format!("/api/v1/persons/{id}/erase");
    let body = json!({"basis": "request", "reason": "the family asked"});
    let (s, _) = send(
        &app,
        reqwest::Method::POST,
        &erase,
        &w.lima_token,
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an analyst may not erase");
    let (s, b) = send(
        &app,
        reqwest::Method::POST,
        &erase,
        &w.officer_token,
        Some(json!({"basis": "whim", "reason": "x"})),
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("basis"))
    );
    let (s, b) = send(
        &app,
        reqwest::Method::POST,
        &erase,
        &w.officer_token,
        Some(body.clone()),
    )
    .await;
    assert_eq!((s, b["rows"].as_i64()), (StatusCode::OK, Some(1)));
    let rec = app
        .get_json(&format!("/api/v1/persons/{id}"), &w.officer_token)
        .await;
    assert_eq!(rec["person"]["details"], Value::Null);
    assert!(rec["person"]["erased_at"].is_string());
    let (s, _) = send(
        &app,
        reqwest::Method::POST,
        &erase,
        &w.officer_token,
        Some(body),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let store = app.store.clone();
    let v = tokio::task::spawn_blocking(move || store.verify_blocking(&mut |_, _| {}))
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(v, honbu_store::journal::Verdict::Intact { .. }),
        "{v:?}"
    );
}

/// The pages: the board and the register; a person recorded by the form
/// opens on their page; a bad field comes back named with what was typed;
/// a stranger, or a person carried over to another incident's address,
/// is not found.
#[tokio::test]
async fn the_people_pages_record_and_show_a_person_and_refuse_strangers() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let page = format!("/incidents/{}/people", w.incident);
    let officer = app.login("officer").await;
    let csrf = app.csrf_at(&officer, &page).await;
    let r = officer
        .post(app.url(&page))
        .form(&[
            ("csrf", csrf.as_str()),
            ("family_name", "Yamada"),
            ("given_name", "Taro"),
            ("role", "hostage"),
            ("nationalities", "JP, PE"),
            ("passport_number", "TK1234567"),
            ("date_of_birth", "1948-02-30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("has no such day") && html.contains("value=\"TK1234567\""),
        "the field named, what was typed kept"
    );
    let r = officer
        .post(app.url(&page))
        .form(&[
            ("csrf", csrf.as_str()),
            ("family_name", "Yamada"),
            ("given_name", "Taro"),
            ("role", "hostage"),
            ("nationalities", "JP, PE"),
            ("passport_number", "TK1234567"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let at = r.url().path().to_string();
    assert!(at.starts_with(&format!("{page}/")), "{at}");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("YAMADA Taro") && html.contains("TK1234567"),
        "the head sees him whole"
    );
    let person = at.rsplit('/').next().unwrap().to_string();
    // A report by the form.
    let csrf = app.csrf_at(&officer, &at).await;
    let r = officer
        .post(app.url(&format!("{at}/reports")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("status", "hostage"),
            ("credibility", "2"),
            ("note", "seen at the window"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("seen at the window"));
    let board = officer
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        board.contains("P-1 YAMADA Taro") && board.contains("Japan"),
        "listed, nationality named"
    );
    // Corrected by the form: only what changed is recorded; unchanged, it says so.
    let csrf = app.csrf_at(&officer, &at).await;
    let amend = |given: &'static str| {
        let (officer, csrf, url) = (&officer, csrf.clone(), app.url(&format!("{at}/amend")));
        async move {
            officer
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("amend", "1"),
                    ("family_name", "Yamada"),
                    ("given_name", given),
                    ("role", "hostage"),
                    ("nationalities", "JP, PE"),
                    ("passport_number", "TK1234567"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let r = amend("Tarō").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("YAMADA Tarō"));
    let r = amend("Tarō").await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "nothing changes");
    // The analyst sees the passport masked.
    let analyst = app.login("lima.analyst").await;
    let html = analyst
        .get(app.url(&at))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("••••••567") && !html.contains("TK1234567"));
    // The stranger: 404 for the page, the person, and a post.
    let stranger = app.login("stranger").await;
    for path in [page.clone(), at.clone()] {
        let r = stranger.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // The person under another incident's address is not found.
    let other = app
        .post_json(
            "/api/v1/incidents",
            &w.officer_token,
            json!({"kind": "other", "title": "Elsewhere", "country": "PE", "lat": -12.0, "lon": -77.0, "time_zone": "America/Lima", "hqs": [{"name": "HQ", "time_zone": "Asia/Tokyo"}]}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let wrong = format!("/incidents/{other}/people/{person}");
    let r = officer.get(app.url(&wrong)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let csrf = app
        .csrf_at(&officer, &format!("/incidents/{other}/people"))
        .await;
    let before = app.journal_seq_excluding_security().await;
    let r = officer
        .post(app.url(&format!("{wrong}/reports")))
        .form(&[("csrf", csrf.as_str()), ("status", "safe")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.journal_seq_excluding_security().await, before);
}

/// The register as CSV: each viewer gets what their role may read, a
/// formula typed as a name is written as text, a stranger gets 404.
#[tokio::test]
async fn the_register_exports_as_csv_with_what_each_viewer_may_read() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let list = format!("/api/v1/incidents/{}/persons", w.incident);
    app.post_json(&list, &w.officer_token, yamada()).await;
    let mut evil = yamada();
    evil["family_name"] = json!("=HYPERLINK(\"http://x\")");
    evil["passport_number"] = json!("AB9999999");
    app.post_json(&list, &w.officer_token, evil).await;
    let csv = |token: String| {
        let (app, list) = (&app, list.clone());
        async move {
            let r = app
                .client
                .get(app.url(&format!("{list}.csv")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let (s, head) = csv(w.officer_token.clone()).await;
    assert_eq!(s, StatusCode::OK);
    assert!(head.starts_with("number,family_name,given_name"), "{head}");
    assert!(
        head.contains("P-1,Yamada,Taro")
            && head.contains("TK1234567")
            && head.contains("+81 3 5555 0100")
    );
    assert!(
        head.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "the formula is defused: {head}"
    );
    let (_, analyst) = csv(w.lima_token.clone()).await;
    assert!(
        analyst.contains("••••••567")
            && !analyst.contains("TK1234567")
            && !analyst.contains("5555")
    );
    let (_, reader) = csv(w.reader_token.clone()).await;
    assert!(
        reader.contains("P-1,,,") && !reader.contains("Yamada"),
        "{reader}"
    );
    let (s, _) = csv(w.stranger_token.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// The register as PFIF 1.4 reads back as PFIF: each person with a note per
/// report, our statuses as PFIF's with the word PFIF lacks in the text; a
/// reader gets people by number only; a stranger 404.
#[tokio::test]
async fn the_register_exports_as_pfif_that_reads_back() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let list = format!("/api/v1/incidents/{}/persons", w.incident);
    let id = app.post_json(&list, &w.officer_token, yamada()).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.post_json(
        &format!("/api/v1/persons/{id}/reports"),
        &w.officer_token,
        json!({"status": "hostage", "credibility": 2, "note": "seen at the window"}),
    )
    .await;
    let get = |token: String| {
        let (app, list) = (&app, list.clone());
        async move {
            let r = app
                .client
                .get(app.url(&format!("{list}.pfif")))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            (r.status(), r.bytes().await.unwrap().to_vec())
        }
    };
    let (s, xml) = get(w.officer_token.clone()).await;
    assert_eq!(s, StatusCode::OK);
    let doc = honbu_formats::pfif::read_pfif(&xml, &Default::default()).unwrap();
    assert!(doc.is_clean(), "{:?}", doc.problems);
    assert_eq!(doc.persons.len(), 1);
    let p = &doc.persons[0];
    assert_eq!(
        (p.family_name.as_deref(), p.given_name.as_deref()),
        (Some("Yamada"), Some("Taro"))
    );
    assert!(p.alternate_names.contains(&"山田 太郎".to_string()));
    assert!(p
        .description
        .as_deref()
        .unwrap_or("")
        .contains("nationalities: JP"));
    let note = p.status_note().unwrap();
    assert_eq!(
        note.status,
        Some(honbu_formats::pfif::NoteStatus::BelievedMissing)
    );
    let text = note.text.as_deref().unwrap_or("");
    assert!(
        text.contains("held hostage / detained") && text.contains("seen at the window"),
        "{text}"
    );
    let (_, xml) = get(w.reader_token.clone()).await;
    let doc = honbu_formats::pfif::read_pfif(&xml, &Default::default()).unwrap();
    assert_eq!(doc.persons[0].full_name, ["P-1"]);
    assert!(!String::from_utf8_lossy(&xml).contains("Yamada"));
    let (s, _) = get(w.stranger_token.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

/// A list through the API: refused rows named by line and field and the
/// list held; taken with take_good; the same file again creates nothing;
/// a PFIF document with a DTD refused unread; a stranger 404; an unknown
/// source named.
#[tokio::test]
async fn a_list_is_imported_through_the_api_and_its_bad_rows_named() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.post_json(
        "/api/v1/sources",
        &w.officer_token,
        json!({"name": "Nikko Trading HR", "kind": "other", "reliability": "B"}),
    )
    .await;
    let url = |q: &str| {
        format!(
            "/api/v1/incidents/{}/lists?source=Nikko%20Trading%20HR{q}",
            w.incident
        )
    };
    let csv = "family_name,given_name,date_of_birth,nationality,status\nYamada,Taro,1948-03-14,JP,hostage\nSato,Hanako,1951-02-31,JP,\nOkada,Jun,1960,Japanese,released\n";
    let post = |path: String, token: String, ct: &'static str, body: &'static str| {
        let app = &app;
        async move {
            let r = app
                .client
                .post(app.url(&path))
                .bearer_auth(token)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let before = app.journal_seq_excluding_security().await;
    let (s, b) = post(url(""), w.officer_token.clone(), "text/csv", csv).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(
        (
            b["report"]["refused"][0]["line"].as_i64(),
            b["report"]["refused"][0]["field"].as_str()
        ),
        (Some(3), Some("date_of_birth")),
        "{b}"
    );
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing imported"
    );
    let (s, b) = post(
        url("&take_good=true&role=hostage"),
        w.officer_token.clone(),
        "text/csv",
        csv,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(
        (b["new"].as_i64(), b["linked"].as_i64()),
        (Some(2), Some(0))
    );
    let (s, b) = post(
        url("&take_good=true&role=hostage"),
        w.officer_token.clone(),
        "text/csv",
        csv,
    )
    .await;
    assert_eq!((s, b["duplicate"].as_bool()), (StatusCode::OK, Some(true)));
    let board = app
        .get_json(
            &format!("/api/v1/incidents/{}/accountability", w.incident),
            &w.officer_token,
        )
        .await;
    assert_eq!(
        (board["total"].as_i64(), board["accounted"].as_i64()),
        (Some(2), Some(1)),
        "{board}"
    );
    let lists = app
        .get_json(
            &format!("/api/v1/incidents/{}/lists", w.incident),
            &w.reader_token,
        )
        .await;
    assert_eq!(lists[0]["new"].as_i64(), Some(2));
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\">&e;</pfif:pfif>";
    let (s, b) = post(url(""), w.officer_token.clone(), "application/xml", xxe).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("body")),
        "{b}"
    );
    assert!(
        !b.to_string().contains("root:"),
        "nothing of the file was read"
    );
    let (s, _) = post(url(""), w.stranger_token.clone(), "text/csv", csv).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, b) = post(
        format!("/api/v1/incidents/{}/lists?source=Nobody", w.incident),
        w.officer_token.clone(),
        "text/csv",
        csv,
    )
    .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("source"))
    );
}

/// The lists page: a list pasted (no script needed) is imported and its
/// report shown, refused rows by line, and the list is listed; the raw
/// upload needs the session's CSRF token; a stranger gets 404.
#[tokio::test]
async fn a_list_pasted_into_the_page_is_imported_and_its_report_shown() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let src = app
        .post_json(
            "/api/v1/sources",
            &w.officer_token,
            json!({"name": "Embassy list", "kind": "embassy", "reliability": "A"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.post_json(&format!("/api/v1/incidents/{}/persons", w.incident), &w.officer_token, json!({"family_name": "Suzuki", "given_name": "Ichiro", "date_of_birth": "1960-01-01", "nationalities": ["JP"], "role": "hostage"})).await;
    let page = format!("/incidents/{}/people/lists", w.incident);
    let officer = app.login("officer").await;
    let csrf = app.csrf_at(&officer, &page).await;
    let list = "family_name,given_name,date_of_birth,nationality\nOkada,Jun,1960-02-30,JP\nNakamura,Emi,1982-07-19,JP\nSuzuki,Ichirou,1975,JP\n";
    let r = officer
        .post(app.url(&format!("{page}/paste")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("source", src.as_str()),
            ("role", "hostage"),
            ("list", list),
            ("take_good", "yes"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("What the list did") && html.contains("has no such day"),
        "the report and the refused row"
    );
    let html = officer
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let imported = between(&html, "Lists imported", "</table>");
    assert!(
        imported.contains("Embassy list") && imported.contains("<td class=\"num\">3</td>"),
        "the list and its rows: {imported}"
    );
    // A person made by the list says so on their page.
    let persons = app
        .get_json(
            &format!("/api/v1/incidents/{}/persons?q=Nakamura", w.incident),
            &w.officer_token,
        )
        .await;
    let nakamura = persons["items"][0]["id"].as_str().unwrap().to_string();
    let html = officer
        .get(app.url(&format!("/incidents/{}/people/{nakamura}", w.incident)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("In these lists") && html.contains("Embassy list, line 3"),
        "{}",
        between(&html, "In these lists", "</section>")
    );
    // The raw upload without the token is refused, nothing written.
    let before = app.journal_seq_excluding_security().await;
    let r = officer
        .post(app.url(&format!("{page}?source={src}")))
        .header("content-type", "text/csv")
        .body(list.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = officer
        .post(app.url(&format!("{page}?source={src}&take_good=true")))
        .header("content-type", "text/csv")
        .header("x-csrf-token", csrf.as_str())
        .body("family_name,given_name\nTanaka,Yuki\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(app.journal_seq_excluding_security().await > before);
    let stranger = app.login("stranger").await;
    assert_eq!(
        stranger.get(app.url(&page)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
