//! The sign-in under abuse: where it redirects, and what it keeps of a
//! name typed by mistake.

use super::common::*;
use reqwest::StatusCode;
use serde_json::json;

/// Seen: signed in, `next=/\t/127.0.0.1:19099/pwned` sent the browser to
/// another origin, and a `next` holding \x0b, \n or \x00 answered 500 after
/// the session was made. Now it is always a path of this site.
#[tokio::test]
async fn after_sign_in_only_a_path_of_this_site_is_followed() {
    let app = spawn_app().await;
    world(&app).await;
    for next in [
        "/\t/127.0.0.1:19099/pwned",
        "/\x0b",
        "/\n/evil.example",
        "/\x00",
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "\t//evil.example",
        "/incidents?x=1",
    ] {
        let (c, csrf) = app.login_form().await;
        let r = app.sign_in(&c, &csrf, "mofa.head", PASSWORD, next).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(
            to.starts_with('/') && !to.starts_with("//"),
            "{next:?} -> {to}"
        );
        assert!(
            to.bytes().all(|b| b.is_ascii_graphic()) && !to.contains('\\'),
            "{next:?} -> {to:?}"
        );
        let u = reqwest::Url::parse(&app.url("/"))
            .unwrap()
            .join(&to)
            .unwrap();
        assert_eq!(
            u.origin(),
            reqwest::Url::parse(&app.base).unwrap().origin(),
            "{next:?} -> {to}"
        );
        // Signed in already, the login page sends the same way.
        let r = c
            .get(app.url("/login"))
            .query(&[("next", next)])
            .send()
            .await
            .unwrap();
        assert!(r.status().is_redirection(), "{next:?}: {}", r.status());
        let to = r.headers()["location"].to_str().unwrap();
        assert!(
            to.starts_with('/') && !to.starts_with("//"),
            "{next:?} -> {to}"
        );
    }
    let (c, csrf) = app.login_form().await;
    let r = app
        .sign_in(&c, &csrf, "mofa.head", PASSWORD, "/incidents?x=1")
        .await;
    assert_eq!(
        r.headers()["location"],
        "/incidents?x=1",
        "a good path is kept as it was"
    );
}

/// A failed sign-in under a name no account has keeps a keyed digest of
/// it, not the name (it may be a password typed in the wrong box): repeats
/// show the same digest; a real name is recorded as it is.
#[tokio::test]
async fn an_unknown_name_is_recorded_as_a_digest_not_as_typed() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let typed = "Tr0ub4dor&3-my-password";
    for _ in 0..2 {
        let (c, csrf) = app.login_form().await;
        app.sign_in(&c, &csrf, typed, "whatever it is", "/").await;
    }
    let (c, csrf) = app.login_form().await;
    app.sign_in(&c, &csrf, "mofa.head", "not the password", "/")
        .await;
    let journal: Vec<String> = app
        .store
        .read(|c| {
            c.query(
                "SELECT payload FROM journal WHERE kind = 'login_failed'",
                &[],
            )
        })
        .await
        .unwrap()
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect();
    assert_eq!(journal.len(), 3, "{journal:?}");
    assert!(
        journal.iter().all(|p| !p.contains(typed)),
        "the typed name is kept nowhere: {journal:?}"
    );
    let digest = |p: &str| {
        serde_json::from_str::<serde_json::Value>(p).unwrap()["username"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        digest(&journal[0]).starts_with("(unknown name "),
        "{}",
        journal[0]
    );
    assert_eq!(
        digest(&journal[0]),
        digest(&journal[1]),
        "repeats can be counted"
    );
    assert_eq!(digest(&journal[2]), "mofa.head");
    let log = app.get_json("/api/v1/security-log", &w.admin_token).await;
    assert!(!log.to_string().contains(typed));
}

/// Seen: a plain-text 413 and an empty 414. Every refusal is the JSON error.
#[tokio::test]
async fn a_body_or_url_too_large_gets_the_json_error() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let big = "x".repeat(honbu_web::BODY_LIMIT + 10);
    let r = app
        .client
        .post(app.url(&format!("/api/v1/incidents/{}/log", w.incident)))
        .bearer_auth(&w.mofa_token)
        .header("content-type", "application/json")
        .body(format!("{{\"text\": \"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_large", "{body}");
    // Past our 8 KiB.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/incidents?q={}", "a".repeat(10_000))))
        .bearer_auth(&w.mofa_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::URI_TOO_LONG);
    assert_eq!(r.headers()["content-type"], "application/json");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "too_large", "{body}");
    // Past hyper's own 64 KiB, where it answers before any handler (no
    // client library sends such a URL: written by hand), and no HTTP at all
    // (hyper's 431 for headers past its buffer is rewritten alike: a unit test).
    for (head, status) in [
        (
            format!("GET /?q={} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000)),
            "414",
        ),
        ("NOT HTTP AT ALL\r\n\r\n".to_string(), "400"),
    ] {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut s = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://"))
            .await
            .unwrap();
        let _ = s.write_all(head.as_bytes()).await;
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out).await;
        let out = String::from_utf8_lossy(&out);
        assert!(
            out.starts_with(&format!("HTTP/1.1 {status}")),
            "{status}: {out}"
        );
        assert!(
            out.contains("content-type: application/json"),
            "{status}: {out}"
        );
        let body: serde_json::Value =
            serde_json::from_str(out.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert!(body["error"]["code"].is_string(), "{status}: {out}");
    }
}

/// What only its reader may see is never kept by a cache on the way.
#[tokio::test]
async fn authenticated_answers_are_not_stored_by_caches() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let browser = app.login("mofa.head").await;
    for path in [
        format!("/incidents/{}", w.incident),
        format!("/incidents/{}/map.svg", w.incident),
        "/".to_string(),
    ] {
        let r = browser.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
    }
    let r = app
        .client
        .get(app.url(&format!("/api/v1/incidents/{}/board", w.incident)))
        .bearer_auth(&w.mofa_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    // The style sheet may be kept.
    let r = browser
        .get(app.url("/static/app.css"))
        .send()
        .await
        .unwrap();
    assert_ne!(r.headers()["cache-control"], "no-store");
}

/// Seen: a self-intersecting polygon and a point in Lima with country JP
/// were accepted.
#[tokio::test]
async fn a_crossed_polygon_and_a_point_far_from_its_country_are_refused() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let open = |country: &str, area: serde_json::Value| {
        json!({
            "kind": "hostage_taking", "title": "Test", "country": country,
            "lat": -12.0975, "lon": -77.037, "time_zone": "America/Lima",
            "area": area,
            "hqs": [{"name": "HQ", "time_zone": "America/Lima"}]
        })
    };
    let post = |body: serde_json::Value| {
        let app = &app;
        let token = w.officer_token.clone();
        async move {
            let r = app
                .client
                .post(app.url("/api/v1/incidents"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let bow = json!({"type": "Polygon", "coordinates": [[[-77.04, -12.10], [-77.03, -12.09], [-77.03, -12.10], [-77.04, -12.09], [-77.04, -12.10]]]});
    let (s, b) = post(open("PE", bow)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["field"], "area.coordinates");
    assert!(
        b["error"]["message"].as_str().unwrap().contains("cross"),
        "{b}"
    );
    let (s, b) = post(open("JP", json!({"radius_m": 400}))).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["field"], "country");
    let m = b["error"]["message"].as_str().unwrap();
    assert!(m.contains("Peru (PE)") && m.contains("Japan (JP)"), "{m}");
    let (s, b) = post(open("PE", json!({"radius_m": 400}))).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}
