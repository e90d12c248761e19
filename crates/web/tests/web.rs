//! The web face, end to end: a real server on a free port, a real database,
//! real HTTP. One test binary for the crate (see ARCHITECTURE.md).
//!
//! PostgreSQL variants run when HONBU_TEST_POSTGRES is set; browser tests
//! when HONBU_TEST_BROWSER is set (CI sets both, and under CI a missing
//! service is a failure).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "cases/abuse.rs"]
mod abuse;
#[path = "cases/accounts.rs"]
mod accounts;
#[path = "cases/attachments.rs"]
mod attachments;
#[path = "support/browser.rs"]
mod browser;
#[path = "support/common.rs"]
mod common;
#[path = "cases/connections.rs"]
mod connections;
#[path = "cases/corrections.rs"]
mod corrections;
#[path = "cases/journal.rs"]
mod journal;
#[path = "cases/people.rs"]
mod people;
#[path = "cases/places.rs"]
mod places;
#[path = "cases/references.rs"]
mod references;
#[path = "cases/search.rs"]
mod search;
#[path = "cases/streams.rs"]
mod streams;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = spawn_app().await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn openapi_document_is_3_1_and_every_documented_route_exists() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 30, "only {} paths", paths.len());
    for required in [
        "/api/v1/incidents",
        "/api/v1/incidents/{id}",
        "/api/v1/incidents/{id}/log",
        "/api/v1/incidents/{id}/stream",
    ] {
        assert!(
            paths.contains_key(required),
            "{required} missing from the document"
        );
    }
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path
                .replace("{id}", &w.incident)
                .replace("{hq}", &uuid::Uuid::new_v4().to_string())
                .replace("{username}", "nobody")
                .replace(['{', '}'], "");
            let m = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut req = app
                .client
                .request(m, app.url(&concrete))
                .bearer_auth(&w.admin_token);
            if method != "get" && method != "delete" {
                req = req.json(&json!({}));
            }
            let r = tokio::time::timeout(std::time::Duration::from_secs(5), req.send()).await;
            let Ok(r) = r else { continue }; // a stream that stays open exists
            let r = r.unwrap();
            assert_ne!(
                r.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            if r.status() == StatusCode::NOT_FOUND {
                let body: Value = r.json().await.unwrap_or_default();
                assert_ne!(
                    body["error"]["message"], "no such route",
                    "{method} {path} is documented but not routed"
                );
            }
        }
    }
}

/// The reverse direction: an API route can only be added through
/// `utoipa_axum::routes!`, which documents it; no plain `.route("/api…")`.
#[test]
fn no_api_route_bypasses_the_document() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut offenders = vec![];
    // Every source file, in every room.
    let mut dirs = vec![std::path::PathBuf::from(format!("{root}/src"))];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.path().is_dir() {
                dirs.push(e.path());
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            for (i, line) in text.lines().enumerate() {
                if line.contains(".route(\"/api") && !line.contains("/api/openapi.json") {
                    offenders.push(format!("{}:{}", e.path().display(), i + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "API routes outside routes!(): {offenders:?}"
    );
}

#[tokio::test]
async fn api_needs_a_token_and_strangers_get_404_for_incidents_they_may_not_know() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let r = app
        .client
        .get(app.url("/api/v1/incidents"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
    let r = app
        .client
        .get(app.url("/api/v1/incidents"))
        .bearer_auth("honbu_not_a_token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    for path in [
        "",
        "/board",
        "/log",
        "/hqs",
        "/decisions",
        "/tasks",
        "/handovers",
        "/sitreps",
        "/reports",
        "/stream",
    ] {
        let r = app
            .client
            .get(app.url(&format!("/api/v1/incidents/{}{path}", w.incident)))
            .bearer_auth(&w.stranger_token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "stranger GET {path}");
        let r = app
            .client
            .get(app.url(&format!("/api/v1/incidents/{}{path}", w.incident)))
            .bearer_auth(&w.lima_token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "member GET {path}");
    }
    let list: Value = app.get_json("/api/v1/incidents", &w.stranger_token).await;
    assert_eq!(list["total"], 0);
    let r = app
        .client
        .post(app.url(&format!("/api/v1/incidents/{}/log", w.incident)))
        .bearer_auth(&w.stranger_token)
        .json(&json!({"text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // Pages too: the stranger is told nothing exists.
    let page = app.login("stranger").await;
    let r = page
        .get(app.url(&format!("/incidents/{}", w.incident)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // And every refusal was recorded.
    let log: Value = app
        .get_json("/api/v1/security-log?limit=1000", &w.admin_token)
        .await;
    let refusals = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "access_refused")
        .count();
    assert!(refusals >= 12, "{refusals} refusals recorded");
    let r = app
        .client
        .get(app.url("/api/v1/security-log"))
        .bearer_auth(&w.lima_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn release_markings_hold_over_the_api() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = app
        .post_json(
            &format!("/api/v1/incidents/{}/log", w.incident),
            &w.mofa_token,
            json!({"text": "MOFA only", "release": "hq", "significant": true}),
        )
        .await;
    let entry = id["id"].as_str().unwrap().to_string();
    let r = app
        .client
        .get(app.url(&format!("/api/v1/entries/{entry}")))
        .bearer_auth(&w.lima_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = app
        .client
        .get(app.url(&format!("/api/v1/entries/{entry}")))
        .bearer_auth(&w.reader_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = app
        .client
        .get(app.url(&format!("/api/v1/entries/{entry}")))
        .bearer_auth(&w.mofa_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let board: Value = app
        .get_json(
            &format!("/api/v1/incidents/{}/board", w.incident),
            &w.lima_token,
        )
        .await;
    assert_eq!(board["counts"]["entries"], 0);
    let r = app
        .client
        .post(app.url(&format!("/api/v1/entries/{entry}/release")))
        .bearer_auth(&w.mofa_token)
        .json(&json!({"to_hq": w.lima_hq}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let r = app
        .client
        .get(app.url(&format!("/api/v1/entries/{entry}")))
        .bearer_auth(&w.lima_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn entry_with_only_text_takes_sensible_defaults() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = app
        .post_json(
            &format!("/api/v1/incidents/{}/log", w.incident),
            &w.lima_token,
            json!({"text": "銃声が聞こえる — gunfire heard"}),
        )
        .await;
    let e: Value = app
        .get_json(
            &format!("/api/v1/entries/{}", id["id"].as_str().unwrap()),
            &w.lima_token,
        )
        .await;
    assert_eq!(
        e["text"], "銃声が聞こえる — gunfire heard",
        "stored and shown as entered"
    );
    assert_eq!(e["credibility"], "6");
    assert_eq!(e["reliability"], "F");
    assert_eq!(e["category"], "information");
    assert_eq!(e["release"], "incident");
    assert_eq!(e["occurred_at"], e["entered_at"]);
    assert_eq!(e["hq"], w.lima_hq);
}

#[tokio::test]
async fn bad_input_gets_4xx_naming_the_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let other = app.post_json("/api/v1/incidents", &w.officer_token, json!({"kind": "other", "title": "Elsewhere", "country": "JP", "lat": 35.0, "lon": 139.0, "time_zone": "Asia/Tokyo", "hqs": [{"name": "HQ", "time_zone": "Asia/Tokyo"}]})).await;
    let foreign = app
        .post_json(
            &format!("/api/v1/incidents/{}/log", other["id"].as_str().unwrap()),
            &w.officer_token,
            json!({"text": "there"}),
        )
        .await;
    let before = app.journal_seq_excluding_security().await;
    let log = format!("/api/v1/incidents/{}/log", w.incident);
    let cases: Vec<(&str, String, StatusCode, Option<&str>)> = vec![
        (
            "malformed JSON",
            r#"{"text": "x""#.into(),
            StatusCode::BAD_REQUEST,
            None,
        ),
        (
            "unknown field",
            json!({"text": "x", "colour": "red"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("colour"),
        ),
        (
            "grade outside 1-6",
            json!({"text": "x", "credibility": 9}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("credibility"),
        ),
        (
            "grade as letter",
            json!({"text": "x", "credibility": "A"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("credibility"),
        ),
        (
            "reported ten hours ahead",
            json!({"text": "x", "reported_at": (chrono::Utc::now() + chrono::Duration::hours(10)).to_rfc3339()}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("reported_at"),
        ),
        (
            "grade as a string of a number",
            json!({"text": "x", "credibility": "3"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("credibility"),
        ),
        (
            "time without zone",
            json!({"text": "x", "occurred_at": "1996-12-18T09:40:00"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("occurred_at"),
        ),
        (
            "supersede another incident's entry",
            json!({"text": "x", "supersedes": foreign["id"]}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("supersedes"),
        ),
        (
            "missing text",
            json!({"category": "information"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("text"),
        ),
        (
            "wrong type",
            json!({"text": 5}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("text"),
        ),
    ];
    for (what, body, status, field) in cases {
        let r = app
            .client
            .post(app.url(&log))
            .bearer_auth(&w.lima_token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{what}");
        let b: Value = r.json().await.unwrap();
        assert!(b["error"]["message"].is_string(), "{what}: {b}");
        if let Some(f) = field {
            assert_eq!(b["error"]["field"], f, "{what}: {b}");
        }
    }
    let r = app
        .client
        .post(app.url(&log))
        .bearer_auth(&w.lima_token)
        .body("text=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = format!("{{\"text\": \"{}\"}}", "x".repeat(10 * 1024 * 1024));
    let r = app
        .client
        .post(app.url(&log))
        .bearer_auth(&w.lima_token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = app.client.post(app.url("/api/v1/incidents")).bearer_auth(&w.officer_token).json(&json!({"kind": "bombing", "title": "x", "country": "PE", "lat": -12.0, "lon": -77.0, "time_zone": "America/Lima",
        "area": {"type": "Polygon", "coordinates": [[[-77.0, -12.0], [-77.1, -12.0], [-77.1, -12.1], [-77.0, -12.2]]]}})).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let b: Value = r.json().await.unwrap();
    assert!(
        b["error"]["field"]
            .as_str()
            .unwrap()
            .starts_with("area.coordinates"),
        "{b}"
    );
    let r = app
        .client
        .get(app.url(&format!("{log}?limit=5000")))
        .bearer_auth(&w.lima_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    // A form without its CSRF token is refused.
    let page = app.login("lima.analyst").await;
    let r = page
        .post(app.url(&format!("/incidents/{}/log", w.incident)))
        .form(&[("text", "no token")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A session cookie alone cannot write through the JSON API.
    let r = page
        .post(app.url(&log))
        .json(&json!({"text": "cookie only"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing but security events was written"
    );
}

#[tokio::test]
async fn lists_take_limit_and_cursor_and_give_total() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for i in 0..7 {
        app.post_json(
            &format!("/api/v1/incidents/{}/log", w.incident),
            &w.lima_token,
            json!({"text": format!("entry {i}")}),
        )
        .await;
    }
    let p1: Value = app
        .get_json(
            &format!("/api/v1/incidents/{}/log?limit=5", w.incident),
            &w.lima_token,
        )
        .await;
    assert_eq!(p1["total"], 7);
    assert_eq!(p1["items"].as_array().unwrap().len(), 5);
    let cursor = p1["next_cursor"].as_str().unwrap();
    let p2: Value = app
        .get_json(
            &format!(
                "/api/v1/incidents/{}/log?limit=5&cursor={cursor}",
                w.incident
            ),
            &w.lima_token,
        )
        .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 2);
    assert!(p2.get("next_cursor").is_none());
}

#[tokio::test]
async fn a_change_reaches_another_subscriber_within_a_second() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let mut stream = app
        .sse(
            &format!("/api/v1/incidents/{}/stream", w.incident),
            &w.mofa_token,
        )
        .await;
    let t0 = std::time::Instant::now();
    app.post_json(
        &format!("/api/v1/incidents/{}/log", w.incident),
        &w.lima_token,
        json!({"text": "live from Lima"}),
    )
    .await;
    let ev = stream
        .next_event(std::time::Duration::from_secs(1))
        .await
        .expect("an event within 1 s");
    assert_eq!(ev.0, "entry_logged");
    assert!(ev.1.contains("live from Lima"));
    assert!(t0.elapsed() < std::time::Duration::from_secs(1));
    // An HQ-only entry of Lima is not sent to MOFA at all.
    app.post_json(
        &format!("/api/v1/incidents/{}/log", w.incident),
        &w.lima_token,
        json!({"text": "Lima only", "release": "hq"}),
    )
    .await;
    app.post_json(
        &format!("/api/v1/incidents/{}/log", w.incident),
        &w.lima_token,
        json!({"text": "for all"}),
    )
    .await;
    let ev = stream
        .next_event(std::time::Duration::from_secs(2))
        .await
        .unwrap();
    assert!(
        ev.1.contains("for all") && !ev.1.contains("Lima only"),
        "{ev:?}"
    );
}

#[tokio::test]
async fn login_is_recorded_and_bad_passwords_refused() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let (c, csrf) = app.login_form().await;
    let r = app
        .sign_in(&c, &csrf, "lima.analyst", "wrong password!!", "/")
        .await;
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("failed=1"));
    let r = c
        .post(app.url("/login"))
        .form(&[("username", "lima.analyst"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "login without its CSRF token");
    let r = app
        .sign_in(&c, &csrf, "lima.analyst", PASSWORD, "//evil.example")
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        "/",
        "only local redirects after login"
    );
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let log: Value = app.get_json("/api/v1/security-log", &w.admin_token).await;
    let kinds: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"login_failed") && kinds.contains(&"login_succeeded"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn pages_render_for_a_member_in_english_and_japanese() {
    let app = spawn_app().await;
    let w = world(&app).await;
    app.post_json(
        &format!("/api/v1/incidents/{}/log", w.incident),
        &w.mofa_token,
        json!({"text": "Cable 1", "significant": true}),
    )
    .await;
    let page = app.login("mofa.head").await;
    for path in ["/", "/sources", "/settings"]
        .into_iter()
        .map(String::from)
        .chain(
            [
                "",
                "/log",
                "/hqs",
                "/decisions",
                "/tasks",
                "/handover",
                "/sitreps",
                "/board",
                "/amend",
            ]
            .iter()
            .map(|p| format!("/incidents/{}{p}", w.incident)),
        )
    {
        let r = page.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(
            !html.contains("⟦missing text⟧"),
            "{path} shows a missing message"
        );
    }
    let html = page
        .get(app.url(&format!("/incidents/{}", w.incident)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Cable 1") && html.contains("Significant entries"));
    assert!(
        html.contains("JST") && html.contains("UTC"),
        "times carry their zone"
    );
    let ja = page
        .get(app.url(&format!("/incidents/{}", w.incident)))
        .header("accept-language", "ja")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ja.contains("lang=\"ja\""));
    assert!(
        ja.contains("ペルー") && html.contains("Peru"),
        "the country is named in the page's language"
    );
    let map = page
        .get(app.url(&format!("/incidents/{}/map.svg", w.incident)))
        .send()
        .await
        .unwrap();
    assert_eq!(map.headers()["content-type"], "image/svg+xml");
    let svg = map.text().await.unwrap();
    assert!(svg.contains("land-focus"));
    // Seen: the map sat under the forms. It opens the board, beside the
    // situation, before the live board and any form.
    let top = html.find("class=\"board-top\"").expect("the board's top");
    let map_at = html.find("/map.svg").expect("the map");
    let situation = html.find("id=\"h-situation\"").expect("the situation");
    let board = html.find("id=\"board\"").expect("the live board");
    assert!(top < situation && situation < map_at && map_at < board);
    // (The page's own forms: the header's sign-out comes before the board.)
    if let Some(form) = html[top..].find("<form method=\"post\"") {
        assert!(map_at < top + form, "the map comes before every form");
    }
    // Cities of the gazetteer named around the place, and the country.
    assert!(svg.contains("Lima"), "the city is named on the map");
}

/// Seen: a 4,000-character entry with one bad field came back empty,
/// shorter drafts travelled in the redirect URL (`?f_text=`), and a crafted
/// `?error=` link showed an official "Not saved" banner. Now the form comes
/// back in the answer to its post, whole, and the URL carries nothing.
#[tokio::test]
async fn forms_come_back_with_the_message_and_what_was_typed() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let page = app.login("lima.analyst").await;
    let log = format!("/incidents/{}/log", w.incident);
    let csrf = app.csrf_at(&page, &log).await;
    let long: String = "Typed with care at 3 a.m.; ".repeat(400)[..10_000].to_string();
    let r = page
        .post(app.url(&log))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", long.as_str()),
            ("occurred_at", "not a time"),
            ("credibility", "2"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "the form comes back as the answer");
    assert_eq!(r.url().path(), log, "no redirect");
    assert!(r.url().query().is_none(), "nothing typed in the URL");
    let html = r.text().await.unwrap();
    assert!(html.contains(&long), "all 10,000 characters are kept");
    assert!(
        html.contains("must be a date and time"),
        "the message names the problem"
    );
    // A link made to look like a refusal shows nothing of the kind.
    let crafted = page
        .get(app.url(&format!(
            "{log}?error=Not+saved%3A+call+%2B1+555&error_field=text&f_text=evil"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!crafted.contains("class=\"flash error\""), "no banner");
    assert!(!crafted.contains("call +1 555"), "no message");
    assert!(!crafted.contains(">evil<"), "nothing put in the form");
}

/// Seen: messages named fields by their JSON paths (`area.radius_m`,
/// `based_on[0]`) and parser words ("EOF while parsing an object"). A
/// form's message uses the form's own words.
#[tokio::test]
async fn a_form_message_uses_the_forms_own_words() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let page = app.login("officer").await;
    let csrf = app.csrf_at(&page, "/incidents/new").await;
    let post = |extra: Vec<(&'static str, &'static str)>| {
        let mut f = vec![
            ("csrf", csrf.clone()),
            ("title", "Test".to_string()),
            ("kind", "hostage_taking".to_string()),
            ("country", "PE".to_string()),
            ("lat", "-12.0975".to_string()),
            ("lon", "-77.037".to_string()),
            ("time_zone", "America/Lima".to_string()),
            ("hq_name", "HQ".to_string()),
            ("hq_zone", "America/Lima".to_string()),
        ];
        f.extend(extra.into_iter().map(|(k, v)| (k, v.to_string())));
        page.post(app.url("/incidents")).form(&f).send()
    };
    let r = post(vec![("radius_m", "-5")]).await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(!html.contains("area.radius_m"), "no JSON path shown");
    assert!(
        html.contains("Radius of the affected area (metres)"),
        "the form's words"
    );
    let r = post(vec![("polygon", "{\"type\": \"Polygon\", ")])
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(!html.contains("EOF while parsing"), "no parser words");
    assert!(
        html.contains("ends before the polygon closes"),
        "{}",
        &html[..0]
    );
    let _ = w;
}

/// Two app instances sharing PostgreSQL: a change made through one reaches a
/// live subscriber of the other (LISTEN/NOTIFY), within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_reaches_subscribers_of_another_over_postgres() {
    let Some(url) = honbu_testkit::postgres::server() else {
        return;
    };
    let (s1, s2) = tokio::task::spawn_blocking(move || {
        let db = honbu_testkit::postgres::fresh_database(&url);
        let key = honbu_store::journal::JournalKey::generate();
        (
            honbu_testkit::postgres::store_on(&db, key.clone()),
            honbu_testkit::postgres::store_on(&db, key),
        )
    })
    .await
    .unwrap();
    let a = spawn_on(s1).await;
    let b = spawn_on(s2).await;
    let w = world(&a).await;
    let mut stream = b
        .sse(
            &format!("/api/v1/incidents/{}/stream", w.incident),
            &w.mofa_token,
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let t0 = std::time::Instant::now();
    a.post_json(
        &format!("/api/v1/incidents/{}/log", w.incident),
        &w.lima_token,
        json!({"text": "written on instance A"}),
    )
    .await;
    let ev = stream
        .next_event(std::time::Duration::from_secs(1))
        .await
        .expect("instance B's subscriber heard within 1 s");
    assert!(ev.1.contains("written on instance A"), "{ev:?}");
    eprintln!("cross-instance delivery in {:?}", t0.elapsed());
    let board: Value = b
        .get_json(
            &format!("/api/v1/incidents/{}/board", w.incident),
            &w.mofa_token,
        )
        .await;
    assert_eq!(board["counts"]["entries"], 1);
}

#[tokio::test]
async fn an_admin_makes_a_token_in_the_page_and_sees_it_once_never_in_a_url() {
    let app = spawn_app().await;
    world(&app).await;
    let page = app.login("admin").await;
    let csrf = app.csrf_at(&page, "/admin").await;
    let r = page
        .post(app.url("/admin/tokens"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "press feed"),
            ("user", "reader"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        !r.url().as_str().contains("honbu_"),
        "the secret is not in a URL"
    );
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = r.text().await.unwrap();
    let token = between(&html, "<code class=\"token\">", "<");
    assert!(token.starts_with("honbu_"), "{token}");
    let me: Value = app.get_json("/api/v1/me", &token).await;
    assert_eq!(me["username"], "reader");
    let again = page
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!again.contains(&token), "shown once");
}

/// A name is locked after failed sign-ins in a row (the right password is
/// then refused unchecked), and a flood of attempts or refusals is counted
/// into records rather than written row by row.
#[tokio::test]
async fn failed_sign_ins_lock_the_name_and_floods_are_counted_not_written_row_by_row() {
    let lock = Duration::from_millis(1500);
    let policy = honbu_web::throttle::Policy {
        failures_before_lock: 3,
        name_failures_before_lock: 10,
        quiet: Duration::from_secs(3600),
        first_lock: lock,
        max_lock: Duration::from_secs(10),
        locked_record_every: Duration::from_secs(60),
        refusals_per_window: 3,
        refusal_window: lock,
    };
    let app = spawn_with(
        sqlite_store(),
        honbu_web::Config {
            throttle: policy,
            ..Default::default()
        },
    )
    .await;
    let w = world(&app).await;
    let (c, csrf) = app.login_form().await;
    let sign_in = |password: &'static str| {
        let (app, c, csrf) = (&app, c.clone(), csrf.clone());
        async move {
            let r = app.sign_in(&c, &csrf, "lima.analyst", password, "/").await;
            assert_eq!(r.status(), 303);
            r.headers()["location"].to_str().unwrap().to_string()
        }
    };
    let security = |kind: &'static str| {
        let (app, token) = (&app, w.admin_token.clone());
        async move {
            let log: Value = app.get_json("/api/v1/security-log?limit=100", &token).await;
            log["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["kind"] == kind)
                .map(|r| r["detail"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert!(sign_in("wrong password 1").await.contains("failed=1"));
    assert!(sign_in("wrong password 2").await.contains("failed=1"));
    assert!(sign_in("wrong password 3").await.contains("locked=1"));
    // Locked: even the right password is refused, and not written again.
    assert!(sign_in(PASSWORD).await.contains("locked=1"));
    assert!(sign_in(PASSWORD).await.contains("locked=1"));
    let page = app
        .client
        .get(app.url("/login?locked=1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Try again in 1 min"), "the page says why");
    let failed = security("login_failed").await;
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(failed[0].contains("locked"), "{failed:?}");
    // The lock ends: the right password works again, and the refused
    // attempts are recorded with their count, once, by the server's timer.
    tokio::time::sleep(lock + Duration::from_millis(200)).await;
    assert_eq!(sign_in(PASSWORD).await, "/");
    let mut failed = vec![];
    for _ in 0..50 {
        failed = security("login_failed").await;
        if failed.len() == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(failed.len(), 4, "{failed:?}");
    assert!(
        failed[0].starts_with("refused unchecked") && failed[0].contains("and 1 more like it"),
        "{failed:?}"
    );

    // Refusals: three recorded one by one; the rest counted, and the last of
    // them recorded with the count when the window ends.
    let path = format!("/api/v1/incidents/{}", w.incident);
    for _ in 0..8 {
        let r = app
            .client
            .get(app.url(&path))
            .bearer_auth(&w.stranger_token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
    }
    assert_eq!(security("access_refused").await.len(), 3);
    tokio::time::sleep(lock + Duration::from_millis(200)).await;
    let r = app
        .client
        .get(app.url(&path))
        .bearer_auth(&w.stranger_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let refused = security("access_refused").await;
    assert_eq!(refused.len(), 5, "{refused:?}");
    assert_eq!(
        refused
            .iter()
            .filter(|d| d.contains("and 4 more like it"))
            .count(),
        1,
        "{refused:?}"
    );
}

/// The pages amend an incident (only what changed goes into the event, with
/// its reason) and link a new entry to earlier ones by number; a member
/// without the right cannot amend, and nobody links to an entry they may
/// not read.
#[tokio::test]
async fn pages_amend_an_incident_and_link_entries_by_number() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let log = format!("/api/v1/incidents/{}/log", w.incident);
    let open = app
        .post_json(&log, &w.mofa_token, json!({"text": "First cable"}))
        .await;
    let hidden = app
        .post_json(
            &log,
            &w.mofa_token,
            json!({"text": "MOFA only", "release": "hq"}),
        )
        .await;
    let inc: Value = app
        .get_json(&format!("/api/v1/incidents/{}", w.incident), &w.mofa_token)
        .await;
    let inc = if inc.get("incident").is_some() {
        inc["incident"].clone()
    } else {
        inc
    };
    let (lat, lon) = (
        inc["place"]["lat"].to_string(),
        inc["place"]["lon"].to_string(),
    );
    let amend = format!("/incidents/{}/amend", w.incident);
    let fields = |csrf: &str, title: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("title".into(), title.into()),
            ("severity".into(), inc["severity"].as_str().unwrap().into()),
            ("summary".into(), inc["summary"].as_str().unwrap().into()),
            ("lat".into(), lat.clone()),
            ("lon".into(), lon.clone()),
            ("reason".into(), "Renamed after the cabinet briefing".into()),
        ]
    };
    let head = app.login("mofa.head").await;
    let csrf = app.csrf_at(&head, &amend).await;
    // Nothing changed: the form comes back saying so.
    let r = head
        .post(app.url(&amend))
        .form(&fields(&csrf, inc["title"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("nothing was changed"));
    let r = head
        .post(app.url(&amend))
        .form(&fields(&csrf, "Residence seizure, Lima"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let now: Value = app
        .get_json(&format!("/api/v1/incidents/{}", w.incident), &w.mofa_token)
        .await;
    assert!(now.to_string().contains("Residence seizure, Lima"));
    let payload = app
        .store
        .read_blocking(|c| {
            c.query_one(
                "SELECT payload FROM journal WHERE kind = 'incident_amended'",
                &[],
            )
        })
        .unwrap()
        .unwrap()
        .text(0)
        .unwrap();
    assert!(
        payload.contains("Residence seizure, Lima")
            && payload.contains("cabinet briefing")
            && !payload.contains("\"severity\":\"")
            && !payload.contains("\"place\":{"),
        "only the title changed: {payload}"
    );
    // A form opened before that change, sent with only the summary edited,
    // does not put the old title back.
    let mut stale = fields(&csrf, inc["title"].as_str().unwrap());
    stale.retain(|(k, _)| k != "summary");
    stale.push((
        "summary".into(),
        "Talks through the guarantor commission.".into(),
    ));
    for k in ["title", "severity", "summary"] {
        stale.push((format!("was_{k}"), inc[k].as_str().unwrap().into()));
    }
    stale.push(("was_lat".into(), lat.clone()));
    stale.push(("was_lon".into(), lon.clone()));
    let r = head
        .post(app.url(&amend))
        .form(&stale)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let now: Value = app
        .get_json(&format!("/api/v1/incidents/{}", w.incident), &w.mofa_token)
        .await;
    let now = now.to_string();
    assert!(
        now.contains("Residence seizure, Lima") && now.contains("guarantor commission"),
        "the other officer's title stays: {now}"
    );
    // A member without the right to manage the incident cannot amend it.
    let analyst = app.login("lima.analyst").await;
    let csrf = app.csrf_at(&analyst, &amend).await;
    let r = analyst
        .post(app.url(&amend))
        .form(&fields(&csrf, "Not theirs to rename"))
        .send()
        .await
        .unwrap();
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("you may not amend this incident"));
    let now: Value = app
        .get_json(&format!("/api/v1/incidents/{}", w.incident), &w.mofa_token)
        .await;
    assert!(!now.to_string().contains("Not theirs to rename"));

    // Links by number: the Lima analyst may link #open, not the MOFA-only one.
    let entries_before = app
        .store
        .read_blocking(|c| c.query_one("SELECT COUNT(*) FROM entries", &[]))
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    let page = format!("/incidents/{}/log", w.incident);
    let csrf = app.csrf_at(&analyst, &page).await;
    let post = |links: String| {
        let (c, url, csrf) = (analyst.clone(), app.url(&page), csrf.clone());
        async move {
            c.post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("text", "Follows up"),
                    ("links", links.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let number = |created: &Value| {
        let path = format!("/api/v1/entries/{}", created["id"].as_str().unwrap());
        let token = w.mofa_token.clone();
        let app = &app;
        async move {
            app.get_json(&path, &token).await["number"]
                .as_i64()
                .unwrap()
        }
    };
    let (n_open, n_hidden) = (number(&open).await, number(&hidden).await);
    let html = post(format!("{n_open}, #{n_hidden}")).await;
    assert!(
        html.contains(&format!("#{n_hidden} is not an entry of this incident")),
        "an entry the analyst may not read cannot be linked"
    );
    assert!(post("twelve".into())
        .await
        .contains("is not an entry number"));
    let after = app
        .store
        .read_blocking(|c| c.query_one("SELECT COUNT(*) FROM entries", &[]))
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(after, entries_before, "nothing written");
    post(format!("#{n_open}")).await;
    let list: Value = app.get_json(&format!("{log}?limit=1"), &w.lima_token).await;
    assert_eq!(list["items"][0]["text"], "Follows up");
    assert_eq!(list["items"][0]["links"], json!([open["id"]]));
}

/// Refusals counted but not yet recorded are written when the server stops.
#[tokio::test]
async fn counted_refusals_are_written_when_the_server_stops() {
    let store = sqlite_store();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let config = honbu_web::Config {
        throttle: honbu_web::throttle::Policy {
            refusals_per_window: 2,
            refusal_window: Duration::from_secs(3600),
            ..Default::default()
        },
        ..Default::default()
    };
    let server = tokio::spawn(honbu_web::serve(listener, store.clone(), config, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    for i in 0..6 {
        let r = client
            .get(format!("{base}/api/v1/incidents/{}", uuid::Uuid::now_v7()))
            .header("authorization", format!("Bearer not-a-token-{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let count = |store: &honbu_store::Store| {
        store
            .read_blocking(|c| {
                c.query(
                    "SELECT detail FROM security_log WHERE kind = 'access_refused'",
                    &[],
                )
            })
            .unwrap()
            .iter()
            .map(|r| r.text(0).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(count(&store).len(), 2, "two recorded one by one");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    let after = count(&store);
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(
        after.iter().any(|d| d.contains("and 3 more like it")),
        "{after:?}"
    );
}

// ------------------------------------------------------------ as of a moment

/// A record that changed after a moment: before it, one entry, one open
/// task, nobody on duty; after it, the entry corrected, the task done, a
/// decision, the MOFA head on duty, a brief issued (then acknowledged), a
/// SITREP.
struct Changed {
    app: App,
    w: World,
    mofa: String,
    /// RFC 3339, between the two.
    before: String,
    /// After the brief was issued, before it was acknowledged.
    issued: String,
    first: String,
    corrected: String,
    brief: String,
    sitrep: String,
}

fn moment_now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

async fn pause() {
    tokio::time::sleep(Duration::from_millis(20)).await;
}

async fn changed_record() -> Changed {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = w.incident.clone();
    let mofa = w.mofa_hq.clone();
    let id = |v: Value| v["id"].as_str().unwrap().to_string();
    let first = id(app
        .post_json(
            &format!("/api/v1/incidents/{inc}/log"),
            &w.mofa_token,
            json!({"text": "About 200 hostages", "significant": true}),
        )
        .await);
    let task = id(app
        .post_json(
            &format!("/api/v1/incidents/{inc}/tasks"),
            &w.mofa_token,
            json!({"title": "Charter flight", "owner": "JAL desk"}),
        )
        .await);
    pause().await;
    let before = moment_now();
    pause().await;
    let corrected = id(app
        .post_json(
            &format!("/api/v1/incidents/{inc}/log"),
            &w.mofa_token,
            json!({"text": "About 400 hostages (corrected)", "supersedes": first, "significant": true}),
        )
        .await);
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/tasks/{task}")))
        .bearer_auth(&w.mofa_token)
        .json(&json!({"status": "done", "note": "booked"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    app.post_json(
        &format!("/api/v1/incidents/{inc}/decisions"),
        &w.mofa_token,
        json!({"title": "Support Peru's lead", "rationale": "The host government leads"}),
    )
    .await;
    app.post_json(
        &format!("/api/v1/hqs/{mofa}/duty"),
        &w.mofa_token,
        json!({"on": true}),
    )
    .await;
    let brief = id(app
        .post_json(
            &format!("/api/v1/incidents/{inc}/handovers"),
            &w.mofa_token,
            json!({"hq": mofa}),
        )
        .await);
    pause().await;
    let issued = moment_now();
    pause().await;
    // Acknowledged by another than the one who prepared it.
    app.post_json(
        &format!("/api/v1/handovers/{brief}/acknowledge"),
        &w.admin_token,
        json!({}),
    )
    .await;
    let sitrep = id(app
        .post_json(
            &format!("/api/v1/incidents/{inc}/sitreps"),
            &w.mofa_token,
            json!({"from": "1996-12-18T00:00:00Z"}),
        )
        .await);
    Changed {
        app,
        w,
        mofa,
        before,
        issued,
        first,
        corrected,
        brief,
        sitrep,
    }
}

impl Changed {
    /// The page at `path` now and as of `at`, as the MOFA head reads it.
    async fn page(&self, path: &str, at: &str) -> (String, String, StatusCode) {
        let c = self.app.login("mofa.head").await;
        let get = |url: String| {
            let c = c.clone();
            async move {
                let r = c.get(url).send().await.unwrap();
                let status = r.status();
                (r.text().await.unwrap(), status)
            }
        };
        let (now, s1) = get(self.app.url(path)).await;
        assert_eq!(s1, StatusCode::OK, "{path} now");
        let sep = if path.contains('?') { '&' } else { '?' };
        let (then, s2) = get(self.app.url(&format!("{path}{sep}at={at}"))).await;
        (now, then, s2)
    }
}

/// What a page of the past must show: the banner, the moment in the links
/// it offers, and no form that would change anything (only signing out).
fn is_a_page_of_the_past(html: &str, at: &str) {
    assert!(html.contains("asof-note"), "the banner says it is the past");
    assert_eq!(
        html.matches("method=\"post\"").count(),
        1,
        "nothing can be changed in the past (only the sign-out form)"
    );
    assert!(
        html.contains(&format!("?at={at}")),
        "the tabs stay in the moment"
    );
}

#[tokio::test]
async fn the_board_as_of_a_moment_shows_what_was_known_then() {
    let r = changed_record().await;
    let (now, then, s) = r
        .page(&format!("/incidents/{}", r.w.incident), &r.before)
        .await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.before);
    assert!(now.contains("About 400 hostages") && !now.contains("asof-note"));
    assert!(then.contains("About 200 hostages") && !then.contains("About 400 hostages"));
    assert!(!then.contains("data-stream"), "the past does not stream");
    assert!(then.contains(&format!("map.svg?at={}", r.before)));
}

#[tokio::test]
async fn the_log_as_of_a_moment_shows_entries_as_they_stood() {
    let r = changed_record().await;
    let (now, then, s) = r
        .page(&format!("/incidents/{}/log", r.w.incident), &r.before)
        .await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.before);
    assert!(now.contains("About 400 hostages"));
    assert!(then.contains("About 200 hostages") && !then.contains("About 400 hostages"));
    assert!(then.contains(&format!("/log/{}?at={}", r.first, r.before)));
}

#[tokio::test]
async fn an_entry_as_of_a_moment_shows_no_correction_made_later() {
    let r = changed_record().await;
    let (now, then, s) = r
        .page(
            &format!("/incidents/{}/log/{}", r.w.incident, r.first),
            &r.before,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.before);
    assert!(now.contains("Corrected by") && now.contains(&r.corrected));
    assert!(!then.contains("Corrected by"));
    // The correction itself did not exist yet.
    let c = r.app.login("mofa.head").await;
    let gone = c
        .get(r.app.url(&format!(
            "/incidents/{}/log/{}?at={}",
            r.w.incident, r.corrected, r.before
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_hqs_page_as_of_a_moment_shows_who_was_on_duty_then() {
    let r = changed_record().await;
    let (now, then, s) = r
        .page(&format!("/incidents/{}/hqs", r.w.incident), &r.before)
        .await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.before);
    let on = "<span class=\"badge on\">On duty</span>";
    assert!(now.contains(on), "the MOFA head is on duty now");
    assert!(!then.contains(on), "nobody was on duty then");
}

#[tokio::test]
async fn the_decisions_page_as_of_a_moment_holds_only_those_taken_by_then() {
    let r = changed_record().await;
    let (now, then, s) = r
        .page(&format!("/incidents/{}/decisions", r.w.incident), &r.before)
        .await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.before);
    assert!(now.contains("Support Peru&#39;s lead") || now.contains("Support Peru's lead"));
    assert!(!then.contains("Support Peru"));
}

#[tokio::test]
async fn the_tasks_page_as_of_a_moment_shows_each_task_as_it_stood() {
    let r = changed_record().await;
    let (now, then, s) = r
        .page(&format!("/incidents/{}/tasks", r.w.incident), &r.before)
        .await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.before);
    assert!(now.contains("<td>Done</td>"), "done now");
    assert!(then.contains("<td>Open</td>") && !then.contains("<td>Done</td>"));
}

#[tokio::test]
async fn the_briefs_page_as_of_a_moment_lists_only_briefs_issued_by_then() {
    let r = changed_record().await;
    let path = format!("/incidents/{}/handover", r.w.incident);
    let (now, then, s) = r.page(&path, &r.before).await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.before);
    assert!(now.contains(&format!("/handovers/{}", r.brief)));
    assert!(!then.contains(&format!("/handovers/{}", r.brief)));
    // Issued but not yet acknowledged at that moment.
    let (_, between, _) = r.page(&path, &r.issued).await;
    assert!(between.contains("Not yet acknowledged") && !now.contains("Not yet acknowledged"));
}

#[tokio::test]
async fn a_brief_as_of_a_moment_shows_whether_it_was_acknowledged_then() {
    let r = changed_record().await;
    let path = format!("/handovers/{}", r.brief);
    let (now, then, s) = r.page(&path, &r.issued).await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.issued);
    assert!(now.contains("Acknowledged by"));
    assert!(!then.contains("Acknowledged by") && !then.contains("id=\"ack\""));
    let (_, _, before) = r.page(&path, &r.before).await;
    assert_eq!(before, StatusCode::NOT_FOUND, "not yet issued");
}

#[tokio::test]
async fn the_sitreps_page_as_of_a_moment_lists_only_those_issued_by_then() {
    let r = changed_record().await;
    let (now, then, s) = r
        .page(&format!("/incidents/{}/sitreps", r.w.incident), &r.before)
        .await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &r.before);
    assert!(now.contains(&format!("/sitreps/{}", r.sitrep)));
    assert!(!then.contains(&format!("/sitreps/{}", r.sitrep)));
}

#[tokio::test]
async fn a_sitrep_as_of_a_moment_before_it_was_issued_is_not_found() {
    let r = changed_record().await;
    let path = format!("/sitreps/{}", r.sitrep);
    let (now, _, s) = r.page(&path, &r.before).await;
    assert!(now.contains("SITREP 1"));
    assert_eq!(s, StatusCode::NOT_FOUND);
    let later = moment_now();
    let (_, then, s) = r.page(&path, &later).await;
    assert_eq!(s, StatusCode::OK);
    is_a_page_of_the_past(&then, &later);
}

#[tokio::test]
async fn a_moment_the_record_cannot_show_comes_back_with_the_reason_beside_the_field() {
    let r = changed_record().await;
    let c = r.app.login("mofa.head").await;
    let log = format!("/incidents/{}/log", r.w.incident);
    for (q, says) in [
        (
            "at_local=1990-01-01T00:00",
            "before the incident was opened",
        ),
        ("at=2999-01-01T00:00:00Z", "must not be in the future"),
        ("at=yesterday", "RFC 3339"),
    ] {
        let html = c
            .get(r.app.url(&format!("{log}?{q}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("id=\"at-error\""), "{q}: {html}");
        assert!(!html.contains("Not saved"), "{q}: nothing was being saved");
        assert!(html.contains(says), "{q}");
        assert!(!html.contains("asof-note"), "{q}: the page is of now");
    }
    // A stranger is told nothing, whatever the moment.
    let s = r.app.login("stranger").await;
    let resp = s
        .get(r.app.url(&format!("{log}?at=1990-01-01T00:00:00Z")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_reads_every_incident_list_as_of_a_moment() {
    let r = changed_record().await;
    let (inc, t, at) = (&r.w.incident, &r.w.mofa_token, &r.before);
    let get = |path: String| {
        let app = &r.app;
        async move { app.get_json(&path, t).await }
    };
    let board = get(format!("/api/v1/incidents/{inc}/board?at={at}")).await;
    assert_eq!(board["counts"]["entries"], 1);
    assert_eq!(board["counts"]["decisions"], 0);
    let log = get(format!("/api/v1/incidents/{inc}/log?at={at}")).await;
    assert_eq!(log["total"], 1);
    assert_eq!(log["items"][0]["superseded_by"], Value::Null);
    let now = get(format!("/api/v1/incidents/{inc}/log")).await;
    assert_eq!(now["total"], 2);
    let tasks = get(format!("/api/v1/incidents/{inc}/tasks?all=true&at={at}")).await;
    assert_eq!(tasks["items"][0]["status"], "open");
    let decisions = get(format!("/api/v1/incidents/{inc}/decisions?at={at}")).await;
    assert_eq!(decisions["total"], 0);
    let hqs = get(format!("/api/v1/incidents/{inc}/hqs?at={at}")).await;
    let mofa = hqs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == r.mofa.as_str())
        .unwrap();
    assert_eq!(mofa["on_duty"].as_array().unwrap().len(), 0);
    let briefs = get(format!("/api/v1/incidents/{inc}/handovers?at={at}")).await;
    assert_eq!(briefs["total"], 0);
    let sitreps = get(format!("/api/v1/incidents/{inc}/sitreps?at={at}")).await;
    assert_eq!(sitreps["total"], 0);
    let detail = get(format!("/api/v1/incidents/{inc}?at={at}")).await;
    assert_eq!(detail["status"], "monitoring");
    let entry = get(format!("/api/v1/entries/{}?at={at}", r.first)).await;
    assert_eq!(entry["superseded_by"], Value::Null);
    let entry = get(format!("/api/v1/entries/{}", r.first)).await;
    assert_eq!(entry["superseded_by"], r.corrected.as_str());
    let brief = get(format!("/api/v1/handovers/{}?at={}", r.brief, r.issued)).await;
    assert_eq!(brief["acknowledged_at"], Value::Null);
    // Not there yet is not found; a moment the record cannot show is refused naming `at`.
    for path in [
        format!("/api/v1/entries/{}?at={at}", r.corrected),
        format!("/api/v1/handovers/{}?at={at}", r.brief),
        format!("/api/v1/sitreps/{}?at={at}", r.sitrep),
    ] {
        let resp = r
            .app
            .client
            .get(r.app.url(&path))
            .bearer_auth(t)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for (q, says) in [
        ("at=1990-01-01T00:00:00Z", "before the incident was opened"),
        ("at=2999-01-01T00:00:00Z", "must not be in the future"),
        ("at=1996-12-18T09:40:00", "offset"),
    ] {
        for path in ["board", "log", "tasks", "decisions", "hqs"] {
            let resp = r
                .app
                .client
                .get(r.app.url(&format!("/api/v1/incidents/{inc}/{path}?{q}")))
                .bearer_auth(t)
                .send()
                .await
                .unwrap();
            assert_eq!(
                resp.status(),
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}?{q}"
            );
            let body: Value = resp.json().await.unwrap();
            assert_eq!(body["error"]["field"], "at", "{path}?{q}");
            assert!(
                body["error"]["message"].as_str().unwrap().contains(says),
                "{path}?{q}: {body}"
            );
        }
    }
    // A stranger learns nothing, whatever the moment asked for: not even
    // that the incident had not opened yet.
    let resp = r
        .app
        .client
        .get(r.app.url(&format!(
            "/api/v1/incidents/{inc}/board?at=1990-01-01T00:00:00Z"
        )))
        .bearer_auth(&r.w.stranger_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::NOT_FOUND,
        "a stranger is not told when it opened"
    );
}

/// A new entry reaches a subscriber as the API returns it: the same view,
/// field for field (its number, links, source and all).
#[tokio::test]
async fn the_stream_sends_an_entry_as_the_api_returns_it() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let first = app
        .post_json(
            &format!("/api/v1/incidents/{inc}/log"),
            &w.mofa_token,
            json!({"text": "first cable"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut stream = app
        .sse(&format!("/api/v1/incidents/{inc}/stream"), &w.mofa_token)
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let id = app
        .post_json(
            &format!("/api/v1/incidents/{inc}/log"),
            &w.mofa_token,
            json!({"text": "second cable", "links": [first], "credibility": 2, "significant": true}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (kind, data) = stream.next_event(Duration::from_secs(2)).await.unwrap();
    assert_eq!(kind, "entry_logged");
    let sent: Value = serde_json::from_str(&data).unwrap();
    let mut api = app
        .get_json(&format!("/api/v1/entries/{id}"), &w.mofa_token)
        .await;
    // The detail is the entry with its incident and its files.
    api.as_object_mut().unwrap().remove("incident");
    assert_eq!(
        api.as_object_mut().unwrap().remove("attachments"),
        Some(json!([]))
    );
    assert_eq!(sent["entry"], api, "the stream's entry is the API's");
    assert_eq!(sent["entry"]["number"], 2);
    assert_eq!(sent["entry"]["links"][0], first.as_str());
}

/// One rule for the number of links, whether typed in the form (as entry
/// numbers) or sent as JSON: 50 pass, 51 are refused naming `links`, and
/// nothing is written.
#[tokio::test]
async fn the_form_and_the_api_refuse_more_than_fifty_links_alike() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let log = format!("/api/v1/incidents/{}/log", w.incident);
    let mut ids = vec![];
    for i in 0..51 {
        ids.push(
            app.post_json(&log, &w.mofa_token, json!({"text": format!("cable {i}")}))
                .await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let before = app.journal_seq_excluding_security().await;
    let r = app
        .client
        .post(app.url(&log))
        .bearer_auth(&w.mofa_token)
        .json(&json!({"text": "too many", "links": ids}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["field"], "links");
    assert_eq!(body["error"]["message"], "at most 50 links");
    let head = app.login("mofa.head").await;
    let page = format!("/incidents/{}/log", w.incident);
    let csrf = app.csrf_at(&head, &page).await;
    let typed = |n: usize| {
        (1..=n)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let html = head
        .post(app.url(&page))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "too many"),
            ("links", &typed(51)),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("at most 50 links"), "the form says the same");
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing was written"
    );
    head.post(app.url(&page))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "fifty"),
            ("links", &typed(50)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before + 1,
        "50 are fine"
    );
}

/// Seen: form times were read in the user's zone whatever the form acted
/// for, and fields did not say which. Every time field of every form names
/// the zone it is read in: for Lima's analyst, Lima's.
#[tokio::test]
async fn every_time_field_names_the_zone_it_is_read_in() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let page = app.login("lima.analyst").await;
    let get = |path: String| {
        let r = page.get(app.url(&path));
        async move { r.send().await.unwrap().text().await.unwrap() }
    };
    let label = |html: &str, id: &str| -> String {
        let at = html
            .find(&format!("<label for=\"{id}\""))
            .unwrap_or_else(|| panic!("no label for {id}"));
        html[at..at + html[at..].find("</label>").unwrap()].to_string()
    };
    let inc = &w.incident;
    for (path, ids) in [
        (
            format!("/incidents/{inc}/log"),
            vec!["occurred_at", "reported_at", "s-from", "s-to"],
        ),
        (format!("/incidents/{inc}/tasks"), vec!["due_at"]),
        (
            format!("/incidents/{inc}/sitreps"),
            vec!["from", "to", "next_contact"],
        ),
    ] {
        let html = get(path.clone()).await;
        for id in ids {
            let l = label(&html, id);
            assert!(l.contains("America/Lima"), "{path} #{id}: {l}");
        }
    }
}
