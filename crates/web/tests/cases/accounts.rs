//! An administrator disables an account or sets a password, from the admin
//! page, the API and the command line (the CLI in `crates/honbu/tests`).

use super::common::*;
use super::streams::{gather, texts};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

async fn status_of(r: reqwest::RequestBuilder) -> StatusCode {
    r.send().await.unwrap().status()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Disabled, an account's every session, token and stream stops at once;
/// only an administrator may, never on themselves; enabled, it acts again.
#[tokio::test]
async fn disabling_an_account_stops_its_sessions_tokens_and_streams_at_once() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let path = format!("/api/v1/incidents/{inc}/stream");
    let browser = app.login("lima.analyst").await;
    let mut by_token = app.sse(&path, &w.lima_token).await;
    let mut by_session = app.sse_as(&browser, &path).await;
    let disable = |token: &str, who: &str| {
        app.client
            .post(app.url(&format!("/api/v1/users/{who}/disable")))
            .bearer_auth(token.to_string())
    };
    for t in [
        &w.officer_token,
        &w.reader_token,
        &w.mofa_token,
        &w.stranger_token,
    ] {
        assert_eq!(
            status_of(disable(t, "lima.analyst")).await,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        status_of(disable(&w.admin_token, "nobody")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status_of(disable(&w.admin_token, "admin")).await,
        StatusCode::CONFLICT
    );

    assert_eq!(
        status_of(disable(&w.admin_token, "lima.analyst")).await,
        StatusCode::NO_CONTENT
    );
    app.post_json(
        &format!("/api/v1/incidents/{inc}/log"),
        &w.officer_token,
        json!({"text": "after the disabling", "hq": w.lima_hq}),
    )
    .await;
    for s in [&mut by_token, &mut by_session] {
        let (heard, ended) = gather(s, Duration::from_secs(1)).await;
        assert!(ended, "the stream ended");
        assert!(texts(&heard).is_empty(), "{heard:?}");
    }
    let me = |token: &str| {
        app.client
            .get(app.url("/api/v1/me"))
            .bearer_auth(token.to_string())
    };
    assert_eq!(status_of(me(&w.lima_token)).await, StatusCode::UNAUTHORIZED);
    let r = browser.get(app.url("/")).send().await.unwrap();
    assert!(
        r.url().path().starts_with("/login"),
        "signed out: {}",
        r.url()
    );

    // At the sign-in form: the right password is told the account is
    // disabled; a wrong one learns only that it is wrong.
    let (c, csrf) = app.login_form().await;
    let r = app
        .sign_in(&c, &csrf, "lima.analyst", "a wrong password", "/")
        .await;
    assert!(location(&r).contains("failed=1"), "{}", location(&r));
    let r = app.sign_in(&c, &csrf, "lima.analyst", PASSWORD, "/").await;
    assert!(location(&r).contains("disabled=1"), "{}", location(&r));
    assert!(r
        .headers()
        .get("set-cookie")
        .is_none_or(|v| !v.to_str().unwrap().contains("honbu_session=")));
    let page = c
        .get(app.url(&location(&r)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("This account is disabled"), "{page}");

    let enable = app
        .client
        .post(app.url("/api/v1/users/lima.analyst/enable"))
        .bearer_auth(&w.admin_token);
    assert_eq!(status_of(enable).await, StatusCode::NO_CONTENT);
    assert_eq!(
        status_of(me(&w.lima_token)).await,
        StatusCode::OK,
        "its token answers again"
    );
    app.login("lima.analyst").await;
}

/// A password an administrator sets (API, then the admin page) ends the
/// user's sessions and is good only for choosing their own: every page
/// leads to the settings, the API by session is refused, and the settings
/// are saved only with a new password that differs from it.
#[tokio::test]
async fn a_password_set_by_an_administrator_is_good_only_for_choosing_ones_own() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let old = app.login("lima.analyst").await;
    let set = |token: &str, body: serde_json::Value| {
        app.client
            .put(app.url("/api/v1/users/lima.analyst/password"))
            .bearer_auth(token.to_string())
            .json(&body)
    };
    assert_eq!(
        status_of(set(
            &w.officer_token,
            json!({"password": "a temporary passphrase"})
        ))
        .await,
        StatusCode::FORBIDDEN
    );
    let r = set(&w.admin_token, json!({"password": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["field"],
        "password"
    );
    assert_eq!(
        status_of(set(
            &w.admin_token,
            json!({"password": "a temporary passphrase"})
        ))
        .await,
        StatusCode::NO_CONTENT
    );
    let r = old.get(app.url("/")).send().await.unwrap();
    assert!(
        r.url().path().starts_with("/login"),
        "the old session ended"
    );

    let (c, csrf) = app.login_form().await;
    let r = app
        .sign_in(
            &c,
            &csrf,
            "lima.analyst",
            "a temporary passphrase",
            "/incidents",
        )
        .await;
    assert_eq!(location(&r), "/settings?password=required");
    for page in ["/", &format!("/incidents/{}", w.incident), "/admin"] {
        let r = c.get(app.url(page)).send().await.unwrap();
        assert_eq!(location(&r), "/settings?password=required", "{page}");
    }
    let r = c.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "password_change_required"
    );
    let settings = c
        .get(app.url("/settings?password=required"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        settings.contains("An administrator set your password"),
        "{settings}"
    );
    let csrf = between(&settings, "name=\"csrf\" value=\"", "\"");
    let post = |fields: Vec<(&'static str, String)>| {
        let mut f = fields;
        f.push(("csrf", csrf.clone()));
        c.post(app.url("/settings")).form(&f)
    };
    let r = post(vec![("display_name", "Renamed".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("choose a new password"));
    let r = post(vec![("password", "a temporary passphrase".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "the same again is refused");
    let me = app.get_json("/api/v1/me", &w.lima_token).await;
    assert_ne!(
        me["display_name"], "Renamed",
        "nothing saved without a new password"
    );
    let r = post(vec![("password", "my very own passphrase".into())])
        .send()
        .await
        .unwrap();
    assert!(location(&r).starts_with("/?ok="), "{}", location(&r));
    let r = c
        .get(app.url(&format!("/incidents/{}", w.incident)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "free to work once their own is chosen"
    );

    // The admin page does the same through its forms.
    let admin = app.login("admin").await;
    let page = admin
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/admin/users/lima.analyst/disable"));
    assert!(page.contains("/admin/users/lima.analyst/password"));
    assert!(
        !page.contains("/admin/users/admin/disable"),
        "no button to disable oneself"
    );
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"");
    let r = admin
        .post(app.url("/admin/users/lima.analyst/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", "another temporary one"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.url().as_str().contains("ok=ok.password_reset"),
        "{}",
        r.url()
    );
    let r = admin
        .post(app.url("/admin/users/lima.analyst/disable"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.url().as_str().contains("ok=ok.saved"), "{}", r.url());
    assert_eq!(
        app.client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&w.lima_token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let page = admin
        .get(app.url("/admin"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/admin/users/lima.analyst/enable"));
    // Enabled again from the page: the account's token works again, and
    // the password the administrator set is good only for choosing one.
    let r = admin
        .post(app.url("/admin/users/lima.analyst/enable"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert!(r.url().as_str().contains("ok=ok.saved"), "{}", r.url());
    assert_eq!(
        app.client
            .get(app.url("/api/v1/me"))
            .bearer_auth(&w.lima_token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let (c, csrf) = app.login_form().await;
    let r = app
        .sign_in(&c, &csrf, "lima.analyst", "another temporary one", "/")
        .await;
    assert_eq!(location(&r), "/settings?password=required");
}
