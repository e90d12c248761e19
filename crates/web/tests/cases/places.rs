//! Opening an incident in a minute: type a city, and the country, the
//! coordinates and the zone come from the gazetteer honbu ships.

use super::common::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn places_are_found_by_name_in_any_script_by_the_signed_in_only() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let get = |path: &str, token: &str| {
        let c = app.client.get(app.url(path)).bearer_auth(token.to_string());
        async move { c.send().await.unwrap() }
    };
    let lima: Value = get("/api/v1/places?q=lima", &w.reader_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(lima[0]["name"], "Lima");
    assert_eq!(lima[0]["country"], "PE");
    assert_eq!(lima[0]["country_name"], "Peru");
    assert_eq!(lima[0]["time_zone"], "America/Lima");
    let tokyo: Value = get(
        "/api/v1/places?q=%E6%9D%B1%E4%BA%AC&limit=1",
        &w.reader_token,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(tokyo[0]["time_zone"], "Asia/Tokyo");
    assert_eq!(tokyo.as_array().unwrap().len(), 1);
    let sp: Value = get("/api/v1/places?q=sao%20paulo&country=br", &w.reader_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sp[0]["name"], "São Paulo");
    // Bad input is named; without a credential, nothing.
    for (q, field) in [
        (format!("q={}", "a".repeat(101)), "q"),
        ("q=lima&limit=0".into(), "limit"),
        ("q=lima&limit=51".into(), "limit"),
        ("q=lima&country=Peru".into(), "country"),
    ] {
        let r = get(&format!("/api/v1/places?{q}"), &w.reader_token).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["field"], field, "{q}");
    }
    let r = app
        .client
        .get(app.url("/api/v1/places?q=lima"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = get("/api/v1/places?q=%00%01", &w.reader_token).await;
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "control characters find nothing, calmly"
    );
}

/// Seen: latitude and longitude were required, the country a two-letter
/// box, the zone a typed IANA name. Now a city's name is enough.
#[tokio::test]
async fn an_incident_opens_from_a_citys_name_alone() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let page = app.login("officer").await;
    let form = page
        .get(app.url("/incidents/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("<option value=\"ML\""), "countries by name");
    assert!(form.contains(">Mali (ML)</option>"));
    assert!(
        !form.contains("placeholder=\"-12.0975\""),
        "no placeholder looks like a value"
    );
    let csrf = between(&form, "name=\"csrf\" value=\"", "\"");
    let open = |fields: Vec<(&'static str, &'static str)>| {
        let mut f: Vec<(&str, String)> = vec![
            ("csrf", csrf.clone()),
            ("kind", "hostage_taking".into()),
            ("hq_name", "Emergency HQ".into()),
            ("hq_zone", "Asia/Tokyo".into()),
        ];
        f.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
        page.post(app.url("/incidents")).form(&f).send()
    };
    let r = open(vec![("title", "Hotel siege, Bamako"), ("place", "Bamako")])
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let board_url = r.url().path().to_string();
    assert!(board_url.starts_with("/incidents/"), "{board_url}");
    let id = board_url.trim_start_matches("/incidents/").to_string();
    let inc = app
        .get_json(&format!("/api/v1/incidents/{id}"), &w.admin_token)
        .await;
    assert_eq!(inc["country"], "ML", "{inc}");
    assert_eq!(inc["time_zone"], "Africa/Bamako");
    let lat = inc["place"]["lat"].as_f64().unwrap();
    assert!((lat - 12.65).abs() < 0.2, "Bamako's latitude: {lat}");

    // A country by its name in another language; what was typed wins.
    let r = open(vec![
        ("title", "Residence seized"),
        ("place", "Lima"),
        ("country", "ペルー"),
        ("lat", "-12.0975"),
        ("lon", "-77.037"),
    ])
    .await
    .unwrap();
    assert_eq!(r.status(), 200);
    let id = r.url().path().trim_start_matches("/incidents/").to_string();
    let inc = app
        .get_json(&format!("/api/v1/incidents/{id}"), &w.admin_token)
        .await;
    assert_eq!(inc["country"], "PE");
    assert_eq!(inc["place"]["lat"], -12.0975, "typed coordinates kept");

    // A place honbu does not know is said so, the draft kept; nothing
    // without a place or coordinates.
    let r = open(vec![("title", "Somewhere"), ("place", "Xqzzyville")])
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("is not a place honbu knows"));
    assert!(
        html.contains("value=\"Xqzzyville\""),
        "the draft comes back"
    );
    let r = open(vec![("title", "Nowhere")]).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("type the place"));
}

/// Seen: form times were read in the user's zone even when the chosen HQ
/// was elsewhere. A time typed for the HQ in Lima is Lima's time, and the
/// field says so.
#[tokio::test]
async fn a_time_typed_for_an_hq_is_read_in_that_hqs_zone() {
    let app = spawn_app().await;
    let w = world(&app).await;
    // mofa.head, whose own HQ is in Tokyo, also joins Lima's.
    app.post_json(
        &format!("/api/v1/hqs/{}/members", w.lima_hq),
        &w.officer_token,
        serde_json::json!({"user": "mofa.head", "role": "analyst"}),
    )
    .await;
    let page = app.login("mofa.head").await;
    let path = format!("/incidents/{}/log", w.incident);
    let html = page
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("data-zone=\"America/Lima\""),
        "each HQ says its zone"
    );
    assert!(
        html.contains("(<span data-zone-label>Asia/Tokyo</span>)"),
        "the field says the zone of the HQ first chosen"
    );
    let csrf = between(&html, "name=\"csrf\" value=\"", "\"");
    let r = page
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("text", "Shots heard at 08:00 local"),
            ("hq", w.lima_hq.as_str()),
            ("occurred_at", "2026-12-01T08:00"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let log = app
        .get_json(
            &format!("/api/v1/incidents/{}/log", w.incident),
            &w.mofa_token,
        )
        .await;
    assert_eq!(
        log["items"][0]["occurred_at"], "2026-12-01T13:00:00Z",
        "08:00 in Lima is 13:00 UTC: {}",
        log["items"][0]
    );
}
