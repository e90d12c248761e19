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
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing recorded"
    );
}
