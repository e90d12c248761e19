//! Searching the log, exporting it, and choosing what a decision rests on
//! by its words: each shows only what the reader may read.

use super::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn log(app: &App, w: &World, token: &str, body: Value) -> String {
    app.post_json(
        &format!("/api/v1/incidents/{}/log", w.incident),
        token,
        body,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A world with a few entries in both scripts, one of them MOFA's only.
async fn logged(app: &App) -> World {
    let w = world(app).await;
    log(
        app,
        &w,
        &w.mofa_token,
        json!({"text": "人質のうち女性と高齢者が解放された", "significant": true}),
    )
    .await;
    log(app, &w, &w.mofa_token, json!({"text": "Archbishop Cipriani entered the residence", "category": "communication", "credibility": 2})).await;
    log(
        app,
        &w,
        &w.mofa_token,
        json!({"text": "MOFA internal: 人質 family liaison plan", "release": "hq"}),
    )
    .await;
    log(
        app,
        &w,
        &w.lima_token,
        json!({"text": "=cmd|' /C calc'!A0 ICRC took water in", "hq": w.lima_hq}),
    )
    .await;
    w
}

async fn texts(app: &App, token: &str, path: &str) -> (StatusCode, Vec<String>, Value) {
    let r = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    let texts = body["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["text"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    (status, texts, body)
}

fn q(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}

#[tokio::test]
async fn the_log_api_searches_in_any_script_and_shows_only_what_is_yours() {
    let app = spawn_app().await;
    let w = logged(&app).await;
    let path = |query: &str| format!("/api/v1/incidents/{}/log?{query}", w.incident);

    let (s, found, body) = texts(&app, &w.mofa_token, &path(&format!("q={}", q("人質")))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(body["total"], 2, "the total counts what was found");
    let (_, found, _) = texts(
        &app,
        &w.mofa_token,
        &path(&format!("q={}", q("解放された"))),
    )
    .await;
    assert_eq!(found, vec!["人質のうち女性と高齢者が解放された"]);
    let (_, found, _) = texts(&app, &w.mofa_token, &path("q=CIPRIANI")).await;
    assert_eq!(found, vec!["Archbishop Cipriani entered the residence"]);
    let (_, found, _) = texts(
        &app,
        &w.mofa_token,
        &path(&format!(
            "q={}&credibility=2&category=communication",
            q("\"the residence\"")
        )),
    )
    .await;
    assert_eq!(found.len(), 1);
    let (_, found, _) = texts(&app, &w.mofa_token, &path(&format!("hq={}", w.lima_hq))).await;
    assert_eq!(found.len(), 1);
    let (_, found, _) = texts(&app, &w.mofa_token, &path("author=lima.analyst")).await;
    assert_eq!(found.len(), 1);
    let (_, found, _) = texts(
        &app,
        &w.mofa_token,
        &path("significant=true&q=%E4%BA%BA%E8%B3%AA"),
    )
    .await;
    assert_eq!(found.len(), 1);

    // Lima cannot find MOFA's own entry by any word of it; the stranger is
    // told the incident does not exist.
    let (_, found, body) = texts(&app, &w.lima_token, &path("q=liaison")).await;
    assert!(found.is_empty());
    assert_eq!(body["total"], 0);
    let (_, found, _) = texts(&app, &w.lima_token, &path(&format!("q={}", q("人質")))).await;
    assert_eq!(found.len(), 1);
    let (s, _, _) = texts(&app, &w.stranger_token, &path("q=liaison")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A member just removed finds nothing more of the HQ they left.
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/hqs/{}/members/mofa.head", w.mofa_hq)))
        .bearer_auth(&w.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let (_, found, _) = texts(&app, &w.mofa_token, &path("q=liaison")).await;
    assert!(found.is_empty(), "{found:?}");

    // Bad input is named, never a 5xx.
    for (query, field) in [
        (format!("q={}", "a".repeat(501)), "q"),
        ("q=%00".to_string(), "q"),
        (
            format!(
                "q={}",
                (1..=13)
                    .map(|i| format!("w{i}"))
                    .collect::<Vec<_>>()
                    .join("+")
            ),
            "q",
        ),
        ("hq=nope".to_string(), "hq"),
        ("category=gossip".to_string(), "category"),
        ("credibility=7".to_string(), "credibility"),
        ("reliability=Z".to_string(), "reliability"),
        ("from=yesterday".to_string(), "from"),
        (
            "from=2026-12-03T00:00:00Z&to=2026-12-01T00:00:00Z".to_string(),
            "to",
        ),
    ] {
        let (s, _, body) = texts(&app, &w.admin_token, &path(&query)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["field"], field, "{query}: {body}");
    }
}

#[tokio::test]
async fn the_log_exports_as_csv_and_json_with_both_times_and_only_what_you_may_read() {
    let app = spawn_app().await;
    let w = logged(&app).await;
    let get = |token: &str, path: String| {
        let c = app
            .client
            .get(app.url(&path))
            .bearer_auth(token.to_string());
        async move { c.send().await.unwrap() }
    };
    let r = get(
        &w.mofa_token,
        format!("/api/v1/incidents/{}/log.csv", w.incident),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"honbu-log-"));
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 5, "a header and four entries:\n{csv}");
    assert!(lines[0]
        .starts_with("number,id,hq,hq_name,hq_zone,author,occurred_at_utc,occurred_at_local"));
    assert!(csv.contains("MOFA internal"), "MOFA's own entry, for MOFA");
    // Each time in UTC and in the HQ's zone: Tokyo is nine hours ahead.
    let first: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(first[4], "Asia/Tokyo");
    assert!(first[6].ends_with('Z'), "{}", first[6]);
    assert!(first[7].ends_with("+09:00"), "{}", first[7]);
    // A formula typed into the log stays text in a spreadsheet.
    assert!(
        csv.contains("\"'=cmd|' /C calc'!A0 ICRC took water in\""),
        "{csv}"
    );
    assert!(csv.contains("America/Lima"));

    // Lima's export lacks MOFA's own entry; the stranger's is refused as
    // for an incident that does not exist.
    let lima = get(
        &w.lima_token,
        format!("/api/v1/incidents/{}/log.csv", w.incident),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(!lima.contains("MOFA internal"), "{lima}");
    assert_eq!(lima.split("\r\n").filter(|l| !l.is_empty()).count(), 4);
    let r = get(
        &w.stranger_token,
        format!("/api/v1/incidents/{}/log.csv", w.incident),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = get(
        &w.stranger_token,
        format!("/api/v1/incidents/{}/log.json", w.incident),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // JSON: the same rows, numbers for references, the search applied.
    let r = get(
        &w.mofa_token,
        format!("/api/v1/incidents/{}/log.json?q={}", w.incident, q("人質")),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let doc: Value = r.json().await.unwrap();
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["hq_zone"], "Asia/Tokyo");
    assert_eq!(entries[0]["author"], "mofa.head (test)", "by display name");
    assert!(entries[0]["occurred_at_local"]
        .as_str()
        .unwrap()
        .ends_with("+09:00"));
    assert_eq!(entries[0]["number"], 1, "oldest first");
    let r = get(
        &w.mofa_token,
        format!("/api/v1/incidents/{}/log.json?q=%00", w.incident),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The decisions too.
    app.post_json(
        &format!("/api/v1/incidents/{}/decisions", w.incident),
        &w.mofa_token,
        json!({"title": "Send a medical team", "rationale": "=1+1", "options": ["Now", "Later"]}),
    )
    .await;
    let csv = get(
        &w.mofa_token,
        format!("/api/v1/incidents/{}/decisions.csv", w.incident),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(csv.contains("Send a medical team"), "{csv}");
    assert!(csv.contains("Now | Later"));
    assert!(csv.contains("\"'=1+1\""));
    let doc: Value = get(
        &w.mofa_token,
        format!("/api/v1/incidents/{}/decisions.json", w.incident),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(doc["decisions"][0]["options"], json!(["Now", "Later"]));
    // A decision MOFA keeps to itself is in MOFA's export only.
    app.post_json(
        &format!("/api/v1/incidents/{}/decisions", w.incident),
        &w.mofa_token,
        json!({"title": "Brief the family of the hostage privately", "rationale": "MOFA only", "release": "hq", "hq": w.mofa_hq}),
    )
    .await;
    for (token, sees) in [(&w.mofa_token, true), (&w.lima_token, false)] {
        for format in ["csv", "json"] {
            let body = get(
                token,
                format!("/api/v1/incidents/{}/decisions.{format}", w.incident),
            )
            .await
            .text()
            .await
            .unwrap();
            assert_eq!(body.contains("Brief the family"), sees, "{format}: {body}");
            assert!(body.contains("Send a medical team"), "{format}");
        }
    }
    let r = get(
        &w.stranger_token,
        format!("/api/v1/incidents/{}/decisions.csv", w.incident),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_log_page_searches_and_keeps_the_search_in_its_links() {
    let app = spawn_app().await;
    let w = logged(&app).await;
    let browser = app.login("mofa.head").await;
    let page = |query: String| {
        let c = browser.get(app.url(&format!("/incidents/{}/log?{query}", w.incident)));
        async move { c.send().await.unwrap().text().await.unwrap() }
    };
    let html = page(format!("q={}", q("人質"))).await;
    assert!(html.contains("人質のうち女性と高齢者が解放された"));
    assert!(
        !html.contains("Archbishop Cipriani"),
        "only what matches: {}",
        between(&html, "Archbishop Cipriani", "\n")
    );
    assert!(html.contains("2 entries match"), "says how many");
    assert!(
        html.contains(&format!("log.csv?q={}", q("人質"))),
        "the export takes the search"
    );
    let html = page("q=%00".into()).await;
    assert!(
        html.contains("The search was not run"),
        "a clear word, not a 5xx"
    );
    let html = page("category=gossip".into()).await;
    assert!(
        html.contains("The search was not run: Category"),
        "{}",
        between(&html, "not run", "</p>")
    );
    // The decisions page searches its decisions; its "based on" picker takes
    // entry numbers.
    let csrf = app
        .csrf_at(&browser, &format!("/incidents/{}/decisions", w.incident))
        .await;
    let r = browser
        .post(app.url(&format!("/incidents/{}/decisions", w.incident)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "医療チームを派遣する"),
            ("rationale", "Hostages released need care"),
            ("hq", w.mofa_hq.as_str()),
            ("based_on_numbers", "1, #3"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let d = app
        .get_json(
            &format!("/api/v1/incidents/{}/decisions", w.incident),
            &w.mofa_token,
        )
        .await;
    assert_eq!(
        d["items"][0]["based_on"].as_array().unwrap().len(),
        2,
        "{d}"
    );
    assert_eq!(
        d["items"][0]["release"], "hq",
        "resting on an HQ-only entry"
    );
    let html = browser
        .get(app.url(&format!(
            "/incidents/{}/decisions?q={}",
            w.incident,
            q("医療")
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("医療チームを派遣する"));
    assert!(
        html.contains("1 decision match"),
        "{}",
        between(&html, "class=\"found\"", "</p>")
    );
    // A number that names no entry is refused by the field, with the draft;
    // one the officer may read but Lima's HQ may not is refused as the API
    // refuses it.
    let lima = app.login("officer").await;
    let csrf = app
        .csrf_at(&lima, &format!("/incidents/{}/decisions", w.incident))
        .await;
    for (typed, said) in [
        ("999", "#999 is not an entry of this incident"),
        ("3", "entry #3 is kept to another headquarters"),
    ] {
        let html = lima
            .post(app.url(&format!("/incidents/{}/decisions", w.incident)))
            .form(&[
                ("csrf", csrf.as_str()),
                ("title", "Ask for a second doctor"),
                ("rationale", "Care"),
                ("hq", w.lima_hq.as_str()),
                ("based_on_numbers", typed),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(said),
            "{typed}: {}",
            between(&html, "based_on-err\">", "</p>")
        );
        assert!(
            html.contains("Ask for a second doctor"),
            "the draft comes back"
        );
    }
}

/// A word in more entries than a search counts: the API says the total is
/// a lower bound, the page says "1000+" and how to narrow it, and the
/// cursor still reaches every match.
#[tokio::test]
async fn a_search_of_a_common_word_says_it_counted_to_a_thousand() {
    let app = spawn_app().await;
    let w = world(&app).await;
    for i in 0..1_005 {
        log(
            &app,
            &w,
            &w.mofa_token,
            json!({ "text": format!("cable {i}: the cordon holds") }),
        )
        .await;
    }
    log(
        &app,
        &w,
        &w.mofa_token,
        json!({ "text": "cordon moved, 人質 safe" }),
    )
    .await;
    let (status, texts1, body) = texts(
        &app,
        &w.mofa_token,
        &format!("/api/v1/incidents/{}/log?q=cordon&limit=100", w.incident),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        texts1.first().map(String::as_str),
        Some("cordon moved, 人質 safe"),
        "newest first"
    );
    assert_eq!(body["total"], 1000);
    assert_eq!(body["total_exact"], false);
    let mut seen = texts1.len();
    let mut cursor = body["next_cursor"].as_str().map(str::to_string);
    while let Some(c) = cursor {
        let (_, more, body) = texts(
            &app,
            &w.mofa_token,
            &format!(
                "/api/v1/incidents/{}/log?q=cordon&limit=100&cursor={c}",
                w.incident
            ),
        )
        .await;
        seen += more.len();
        cursor = body["next_cursor"].as_str().map(str::to_string);
    }
    assert_eq!(seen, 1_006, "every match reached by the cursor");
    // Fewer than the cap: counted exactly.
    let (_, _, body) = texts(
        &app,
        &w.mofa_token,
        &format!(
            "/api/v1/incidents/{}/log?q={}",
            w.incident,
            q("cordon 人質")
        ),
    )
    .await;
    assert_eq!(
        (body["total"].clone(), body["total_exact"].clone()),
        (json!(1), json!(true))
    );
    let browser = app.login("mofa.head").await;
    let html = browser
        .get(app.url(&format!("/incidents/{}/log?q=cordon", w.incident)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("1000+ entries match the search"),
        "{}",
        between(&html, "class=\"found\"", "</p>")
    );
    assert!(html.contains("add a word or a filter"));
}
