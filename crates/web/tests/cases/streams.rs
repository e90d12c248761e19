//! Rights on live streams hold at every moment, not only at connect: a
//! member removed, a token revoked, a session signed out or run out stops
//! receiving at once what its holder may no longer see.

use super::common::*;
use serde_json::json;
use std::time::{Duration, Instant};

const SOON: Duration = Duration::from_secs(1);

/// Logs `text` from the HQ `hq` of the world's incident.
async fn log(app: &App, token: &str, w: &World, hq: &str, text: &str, release: &str) {
    app.post_json(
        &format!("/api/v1/incidents/{}/log", w.incident),
        token,
        json!({"text": text, "release": release, "hq": hq}),
    )
    .await;
}

/// Everything a stream sends within `d`, and whether it ended.
pub async fn gather(s: &mut Sse, d: Duration) -> (Vec<String>, bool) {
    let until = Instant::now() + d;
    let mut heard = vec![];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match s.listen(left).await {
            Heard::Event(_, data) => heard.push(data),
            Heard::Ended => return (heard, true),
            Heard::Quiet => return (heard, false),
        }
    }
}

/// The entry texts among a stream's messages.
pub fn texts(heard: &[String]) -> Vec<String> {
    heard
        .iter()
        .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .filter_map(|v| v["entry"]["text"].as_str().map(str::to_string))
        .collect()
}

async fn remove(app: &App, token: &str, hq: &str, user: &str) {
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/hqs/{hq}/members/{user}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
}

/// A member of two HQs removed from one keeps the stream but hears nothing
/// more of that HQ's own entries; removed from the last, the stream ends.
#[tokio::test]
async fn a_removed_member_hears_nothing_more_of_the_hq_they_left() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let mofa = w.mofa_hq.clone();
    app.post_json(
        &format!("/api/v1/hqs/{mofa}/members"),
        &w.mofa_token,
        json!({"user": "lima.analyst", "role": "analyst"}),
    )
    .await;
    let mut s = app
        .sse(&format!("/api/v1/incidents/{inc}/stream"), &w.lima_token)
        .await;
    log(
        &app,
        &w.officer_token,
        &w,
        &w.lima_hq,
        "Lima only, before",
        "hq",
    )
    .await;
    let (heard, _) = gather(&mut s, Duration::from_millis(500)).await;
    assert_eq!(
        texts(&heard),
        ["Lima only, before"],
        "a member hears their HQ"
    );

    remove(&app, &w.officer_token, &w.lima_hq, "lima.analyst").await;
    let removed = Instant::now();
    log(
        &app,
        &w.officer_token,
        &w,
        &w.lima_hq,
        "Lima only, after",
        "hq",
    )
    .await;
    log(&app, &w.mofa_token, &w, &mofa, "MOFA only, after", "hq").await;
    let (heard, ended) = gather(&mut s, SOON).await;
    assert!(!ended, "still a member of MOFA: the stream goes on");
    assert_eq!(
        texts(&heard),
        ["MOFA only, after"],
        "nothing more of Lima's own entries once removed from Lima"
    );

    remove(&app, &w.mofa_token, &mofa, "lima.analyst").await;
    log(
        &app,
        &w.mofa_token,
        &w,
        &mofa,
        "for everyone, after",
        "incident",
    )
    .await;
    let (heard, ended) = gather(&mut s, SOON).await;
    assert!(ended, "no longer in the incident: the stream ends");
    assert!(
        texts(&heard).is_empty(),
        "nothing after the last removal: {heard:?}"
    );
    assert!(removed.elapsed() < Duration::from_secs(3));
}

/// A revoked token's stream ends at the revocation.
#[tokio::test]
async fn a_revoked_tokens_stream_ends_at_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let mut s = app
        .sse(&format!("/api/v1/incidents/{inc}/stream"), &w.lima_token)
        .await;
    // A second token of the same user stays good: only the revoked one ends.
    let other = app
        .post_json("/api/v1/tokens", &w.lima_token, json!({"name": "second"}))
        .await;
    let mut s2 = app
        .sse(
            &format!("/api/v1/incidents/{inc}/stream"),
            other["token"].as_str().unwrap(),
        )
        .await;
    let tokens = app.get_json("/api/v1/tokens", &w.lima_token).await;
    let first = tokens["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "test")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .client
        .delete(app.url(&format!("/api/v1/tokens/{first}")))
        .bearer_auth(&w.lima_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let t = Instant::now();
    log(
        &app,
        &w.officer_token,
        &w,
        &w.lima_hq,
        "after the revocation",
        "hq",
    )
    .await;
    let (heard, ended) = gather(&mut s, SOON).await;
    assert!(
        ended && t.elapsed() < Duration::from_secs(2),
        "ended at once"
    );
    assert!(texts(&heard).is_empty(), "{heard:?}");
    let (heard, ended) = gather(&mut s2, Duration::from_millis(500)).await;
    assert!(!ended);
    assert_eq!(texts(&heard), ["after the revocation"], "{heard:?}");
}

/// Signing out ends the session's stream (the board's live updates), not
/// another session of the same user.
#[tokio::test]
async fn signing_out_ends_the_sessions_stream() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let path = format!("/api/v1/incidents/{inc}/stream");
    let browser = app.login("lima.analyst").await;
    let other = app.login("lima.analyst").await;
    let mut s = app.sse_as(&browser, &path).await;
    let mut s2 = app.sse_as(&other, &path).await;
    let csrf = app.csrf_at(&browser, "/").await;
    let r = browser
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success() || r.status().is_redirection());
    log(
        &app,
        &w.officer_token,
        &w,
        &w.lima_hq,
        "after signing out",
        "hq",
    )
    .await;
    let (heard, ended) = gather(&mut s, SOON).await;
    assert!(ended, "the signed-out session's stream ended");
    assert!(texts(&heard).is_empty(), "{heard:?}");
    let (heard, ended) = gather(&mut s2, Duration::from_millis(500)).await;
    assert!(!ended);
    assert_eq!(texts(&heard), ["after signing out"]);
}

/// A session that runs out ends its stream at its expiry, with no event
/// needed to notice.
#[tokio::test]
async fn a_session_that_runs_out_ends_its_stream_at_its_expiry() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let browser = app.login("lima.analyst").await;
    let ends = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    app.store
        .write(move |c| {
            c.exec(
                "UPDATE sessions SET expires_at = $1",
                &[honbu_store::sql::Value::from(&ends)],
            )?;
            Ok((vec![], ()))
        })
        .await
        .unwrap();
    let mut s = app
        .sse_as(&browser, &format!("/api/v1/incidents/{inc}/stream"))
        .await;
    let opened = Instant::now();
    log(
        &app,
        &w.officer_token,
        &w,
        &w.lima_hq,
        "before expiry",
        "hq",
    )
    .await;
    let (heard, ended) = gather(&mut s, Duration::from_millis(3500)).await;
    assert!(ended, "the stream ended when the session did");
    assert_eq!(texts(&heard), ["before expiry"], "{heard:?}");
    let lasted = opened.elapsed();
    assert!(
        lasted > Duration::from_millis(900) && lasted < Duration::from_millis(2600),
        "ended at the expiry, not before nor long after: {lasted:?}"
    );
}

/// Seen: marking an HQ-only entry significant, releasing it, and an
/// HQ-only decision reached every stream of the incident as "something
/// changed". A stream hears of a change only to what its holder may read;
/// the HQ an entry is released to hears of the release.
#[tokio::test]
async fn a_stream_hears_nothing_of_changes_to_what_it_may_not_read() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let hidden = app
        .post_json(
            &format!("/api/v1/incidents/{}/log", w.incident),
            &w.mofa_token,
            json!({"text": "MOFA only", "release": "hq", "hq": w.mofa_hq}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/incidents/{}/stream", w.incident);
    let mut lima = app.sse(&path, &w.lima_token).await;
    let mut mofa = app.sse(&path, &w.mofa_token).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    app.post_json(
        &format!("/api/v1/entries/{hidden}/significance"),
        &w.mofa_token,
        json!({"significant": true}),
    )
    .await;
    app.post_json(
        &format!("/api/v1/incidents/{}/decisions", w.incident),
        &w.mofa_token,
        json!({"title": "Keep it in Tokyo", "rationale": "MOFA's own", "based_on": [hidden]}),
    )
    .await;
    log(
        &app,
        &w.mofa_token,
        &w,
        &w.mofa_hq,
        "for everyone",
        "incident",
    )
    .await;
    let kinds = |heard: &[String]| {
        heard
            .iter()
            .filter_map(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .filter_map(|v| v["kind"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
    };
    let (heard, _) = gather(&mut lima, SOON).await;
    assert_eq!(kinds(&heard), vec!["entry_logged"], "{heard:?}");
    let (heard, _) = gather(&mut mofa, SOON).await;
    assert_eq!(
        kinds(&heard),
        vec!["entry_significance", "decision_recorded", "entry_logged"],
        "MOFA hears all of it"
    );
    // Released to Lima: Lima hears of it.
    app.post_json(
        &format!("/api/v1/entries/{hidden}/release"),
        &w.mofa_token,
        json!({"to_hq": w.lima_hq}),
    )
    .await;
    let (heard, _) = gather(&mut lima, SOON).await;
    assert_eq!(kinds(&heard), vec!["entry_released"], "{heard:?}");
}
