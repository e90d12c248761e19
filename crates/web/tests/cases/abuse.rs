//! The sign-in under abuse: where it redirects, and what it keeps of a
//! name typed by mistake.

use super::common::*;
use reqwest::StatusCode;

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
