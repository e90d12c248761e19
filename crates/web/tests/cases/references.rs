//! What is not yours answers as what does not exist, whatever names it.

use super::common::*;
use reqwest::StatusCode;
use serde_json::json;

/// Acknowledging another HQ's brief answers as reading it does: 404, as
/// for a brief that does not exist, and nothing is recorded.
#[tokio::test]
async fn another_hqs_brief_is_not_found_to_acknowledge_as_to_read() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let id = app
        .post_json(
            &format!("/api/v1/incidents/{}/handovers", w.incident),
            &w.lima_token,
            json!({"hq": w.lima_hq}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let random = uuid::Uuid::now_v7().to_string();
    let before = app.journal_seq_excluding_security().await;
    for brief in [&id, &random] {
        let read = app
            .client
            .get(app.url(&format!("/api/v1/handovers/{brief}")))
            .bearer_auth(&w.mofa_token)
            .send()
            .await
            .unwrap();
        let ack = app
            .client
            .post(app.url(&format!("/api/v1/handovers/{brief}/acknowledge")))
            .bearer_auth(&w.mofa_token)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), StatusCode::NOT_FOUND);
        assert_eq!(ack.status(), StatusCode::NOT_FOUND, "as reading it");
        let (a, b): (serde_json::Value, serde_json::Value) =
            (read.json().await.unwrap(), ack.json().await.unwrap());
        assert_eq!(a, b, "the same answer, word for word");
    }
    // Its own HQ's member who prepared it does not acknowledge it either.
    let own = app
        .client
        .post(app.url(&format!("/api/v1/handovers/{id}/acknowledge")))
        .bearer_auth(&w.lima_token)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing recorded"
    );
}

/// A decision resting on an HQ-only entry is Lima's alone by default: the
/// other HQ's list, board and decisions page do not show it, and a stranger
/// is told the incident does not exist.
#[tokio::test]
async fn a_decision_on_an_hq_only_entry_is_read_by_that_hq_only() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let hidden = app
        .post_json(
            &format!("/api/v1/incidents/{inc}/log"),
            &w.lima_token,
            json!({"text": "Lima only: a source", "release": "hq", "hq": w.lima_hq}),
        )
        .await["id"]
        .clone();
    let officer = app.login("officer").await;
    let csrf = app
        .csrf_at(&officer, &format!("/incidents/{inc}/decisions"))
        .await;
    let r = officer
        .post(app.url(&format!("/incidents/{inc}/decisions")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Prepare a night operation"),
            ("rationale", "The source says the guards sleep"),
            ("based_on", hidden.as_str().unwrap()),
            ("hq", w.lima_hq.as_str()),
            ("release", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list = |token: String| {
        let app = &app;
        let path = format!("/api/v1/incidents/{inc}/decisions");
        async move { app.get_json(&path, &token).await }
    };
    let lima = list(w.officer_token.clone()).await;
    assert_eq!(lima["total"], 1, "{lima}");
    assert_eq!(lima["items"][0]["release"], "hq");
    for token in [&w.mofa_token, &w.reader_token] {
        let other = list(token.clone()).await;
        assert_eq!(other["total"], 0, "{other}");
        let board = app
            .get_json(&format!("/api/v1/incidents/{inc}/board"), token)
            .await;
        assert_eq!(board["decisions"], json!([]));
        assert_eq!(board["counts"]["decisions"], 0);
    }
    let mofa = app.login("mofa.head").await;
    let page = mofa
        .get(app.url(&format!("/incidents/{inc}/decisions")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Prepare a night operation"));
    let stranger = app
        .client
        .get(app.url(&format!("/api/v1/incidents/{inc}/decisions")))
        .bearer_auth(&w.stranger_token)
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), StatusCode::NOT_FOUND);
}

/// Seen: the closed demo board still offered "Add a log entry". A closed
/// incident's pages offer no form for new work (its record is final).
#[tokio::test]
async fn a_closed_incident_offers_no_form_for_new_work() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let officer = app.login("officer").await;
    let page = |path: String| {
        let officer = officer.clone();
        let url = app.url(&path);
        async move { officer.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let forms = [
        (
            "",
            format!("method=\"post\" action=\"/incidents/{inc}/log\""),
        ),
        (
            "/log",
            format!("method=\"post\" action=\"/incidents/{inc}/log\""),
        ),
        (
            "/decisions",
            format!("method=\"post\" action=\"/incidents/{inc}/decisions\""),
        ),
        (
            "/tasks",
            format!("method=\"post\" action=\"/incidents/{inc}/tasks\""),
        ),
        (
            "/sitreps",
            format!("method=\"post\" action=\"/incidents/{inc}/sitreps\""),
        ),
    ];
    for (tab, form) in &forms {
        assert!(
            page(format!("/incidents/{inc}{tab}"))
                .await
                .contains(form.as_str()),
            "open: {tab} offers {form}"
        );
    }
    let r = app
        .client
        .post(app.url(&format!("/api/v1/incidents/{inc}/status")))
        .bearer_auth(&w.officer_token)
        .json(&json!({"status": "closed", "reason": "All safe"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    for (tab, form) in &forms {
        let html = page(format!("/incidents/{inc}{tab}")).await;
        let at = html
            .find(form.as_str())
            .map(|i| html[i.saturating_sub(300)..i + 100].to_string());
        assert!(at.is_none(), "closed: {tab} still offers {form}: {at:?}");
    }
}
