//! A broken journal: reads are served with a banner on every page, every
//! write is refused with a JSON error naming the problem, and `/healthz`
//! says so.

use super::common::*;
use honbu_store::sql::Value;
use reqwest::StatusCode;
use serde_json::json;

/// Seen: the last 3 rows deleted and the head rewritten to the new last
/// row, and the next sign-in sealed the cut. Now the sign-in is refused.
#[tokio::test]
async fn a_cut_journal_stops_writes_and_says_so_everywhere() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let browser = app.login("mofa.head").await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    app.store
        .write(|c| {
            let n = honbu_store::journal::last_seq(c)?;
            c.exec("DELETE FROM journal WHERE seq > $1", &[Value::Int(n - 3)])?;
            c.exec(
                "UPDATE journal_head SET seq = $1, hash = (SELECT hash FROM journal WHERE seq = $1) WHERE id = 1",
                &[Value::Int(n - 3)],
            )?;
            Ok((vec![], ()))
        })
        .await
        .unwrap();

    let (c, csrf) = app.login_form().await;
    let r = app.sign_in(&c, &csrf, "lima.analyst", PASSWORD, "/").await;
    assert_eq!(
        r.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "the sign-in is refused"
    );
    // A 5xx names its request, on the page as in the log.
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 16);
    let page = r.text().await.unwrap();
    assert!(
        page.contains(&id),
        "the error page shows request {id}: {page}"
    );

    let r = app
        .client
        .post(app.url(&format!("/api/v1/incidents/{}/log", w.incident)))
        .bearer_auth(&w.mofa_token)
        .json(&json!({"text": "after the cut"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "journal_broken");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not verify"),
        "{body}"
    );

    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "journal_broken");

    // Reads go on, each page saying that nothing can be saved.
    let board = browser
        .get(app.url(&format!("/incidents/{}", w.incident)))
        .send()
        .await
        .unwrap();
    assert_eq!(board.status(), StatusCode::OK);
    let html = board.text().await.unwrap();
    assert!(
        html.contains("journal-broken") && html.contains("saves nothing"),
        "{html}"
    );
    let login = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        login.contains("journal-broken"),
        "the sign-in page says so too"
    );
    app.get_json(
        &format!("/api/v1/incidents/{}/log", w.incident),
        &w.mofa_token,
    )
    .await;
}
