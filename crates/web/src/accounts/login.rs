//! Signing in and out, and one's own settings.

use crate::api::{exec, now};
use crate::auth::{self, PageViewer, LOGIN_CSRF_COOKIE};
use crate::pages::{
    back_with_error, done, lang_of, query_map, render, Chrome, FormData, PageError, PageResult,
    Posted,
};
use crate::throttle::{Client, Gate};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use honbu_domain::commands::Settings;
use honbu_store::accounts;
use std::time::Instant;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    login_csrf: String,
    next: String,
    failed: bool,
    /// "Try again in N minutes", for a locked name.
    locked: Option<String>,
    demo_note: Option<String>,
}

pub async fn page(
    State(s): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    v: Option<PageViewer>,
) -> Response {
    let q = query_map(&uri);
    let next = auth::safe_next(q.get("next").map(String::as_str).unwrap_or("/")).to_string();
    if v.is_some() {
        return Redirect::to(&next).into_response();
    }
    let t = q
        .get("lang")
        .filter(|l| crate::i18n::supported(l))
        .map(|l| crate::i18n::get(l))
        .unwrap_or_else(|| lang_of(&headers, None));
    let token = accounts::random_hex(16);
    let c = Chrome::new(None, t, t.t("login.title"), &q);
    let page = render(LoginPage {
        c,
        login_csrf: token.clone(),
        next,
        failed: q.contains_key("failed"),
        locked: q
            .get("locked")
            .and_then(|m| m.parse::<u64>().ok())
            .map(|m| t.tf("login.locked", &[("minutes", &m)])),
        demo_note: s.config.demo_note.clone(),
    });
    let cookie = format!(
        "{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        if s.config.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    );
    ([(header::SET_COOKIE, cookie)], page).into_response()
}

/// What a sign-in refused unchecked records as its reason.
pub const LOCKED_REASON: &str = "refused unchecked: too many failed sign-ins for this name";

pub async fn submit(
    State(s): State<AppState>,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = FormData::parse(&body)?;
    // Login CSRF: the form must carry the token set in this browser's cookie.
    let ok = matches!((f.get("csrf"), auth::cookie(&headers, LOGIN_CSRF_COOKIE)), (Some(a), Some(b)) if auth::same(a, b));
    if !ok {
        return Ok(crate::pages::forbidden_form(lang_of(&headers, None)));
    }
    let username = f.str("username").trim().to_string();
    let password = f.str("password");
    let next = auth::safe_next(&f.str("next")).to_string();
    let back = |flag: (&str, String)| {
        let q = serde_urlencoded::to_string([
            (flag.0, flag.1.as_str()),
            ("f_username", username.as_str()),
            ("next", next.as_str()),
        ])
        .unwrap_or_default();
        Redirect::to(&format!("/login?{q}")).into_response()
    };
    // A locked name gets no password check at all.
    let attempt = match s.throttle.begin(&username, &client.0, Instant::now()) {
        Gate::Locked {
            retry_after,
            record,
        } => {
            if let Some(repeats) = record {
                let events = accounts::login_failed(&username, LOCKED_REASON, repeats, now());
                s.store.write(move |_| Ok((events, ()))).await?;
            }
            return Ok(back(("locked", minutes(retry_after).to_string())));
        }
        Gate::Open(attempt) => attempt,
    };
    let name = username.clone();
    let found = s
        .store
        .read(move |c| accounts::user_by_name(c, &name))
        .await?;
    let verified = tokio::task::spawn_blocking(move || match found {
        Some((u, hash)) => accounts::verify_password(&password, &hash).then_some(u),
        None => {
            // Same work whether or not the user exists.
            let _ = accounts::verify_password(&password, "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2bC5O1B3m+5qEjvvR8X8Qm3T7y1uK0mE0vj8c0p3w6Q");
            None
        }
    })
    .await
    .map_err(|_| PageError::Api(crate::error::ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "login failed")))?;
    let Some(user) = verified else {
        let lock = attempt.failed(Instant::now());
        let reason = match lock {
            Some(d) => format!(
                "wrong username or password; the name is locked for {} s",
                d.as_secs()
            ),
            None => "wrong username or password".into(),
        };
        let events = accounts::login_failed(&username, &reason, 0, now());
        s.store.write(move |_| Ok((events, ()))).await?;
        return Ok(match lock {
            Some(d) => back(("locked", minutes(d).to_string())),
            None => back(("failed", "1".into())),
        });
    };
    attempt.succeeded();
    let id = user.id;
    let (_, (secret, _csrf)) = s
        .store
        .write(move |c| accounts::open_session(c, id, now()))
        .await?;
    let mut resp = Redirect::to(&next).into_response();
    let h = resp.headers_mut();
    if let Ok(v) = auth::session_cookie(&secret, s.config.secure_cookies).parse() {
        h.append(header::SET_COOKIE, v);
    }
    if let Ok(v) = auth::clear_cookie(LOGIN_CSRF_COOKIE)
        .replace("Path=/", "Path=/login")
        .parse()
    {
        h.append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// Whole minutes, rounded up, for "try again in N minutes".
fn minutes(d: std::time::Duration) -> u64 {
    d.as_secs().div_ceil(60).max(1)
}

pub async fn logout(State(s): State<AppState>, Posted(v, _): Posted) -> PageResult {
    if let Some(secret) = v.session_secret.clone() {
        let user = v.p.user;
        s.store
            .write(move |c| accounts::close_session(c, &secret, user, now()))
            .await?;
    }
    Ok((
        [(header::SET_COOKIE, auth::clear_cookie(auth::SESSION_COOKIE))],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    c: Chrome,
    display_name: String,
    time_zone: String,
}

pub async fn settings_page(PageViewer(v): PageViewer, uri: Uri) -> PageResult {
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.settings"), &query_map(&uri));
    Ok(render(SettingsPage {
        c,
        display_name: v.p.display_name.clone(),
        time_zone: v.zone.map(|z| z.name().to_string()).unwrap_or_default(),
    }))
}

pub async fn settings_submit(State(s): State<AppState>, Posted(v, f): Posted) -> PageResult {
    let r = Settings {
        display_name: f.opt("display_name"),
        locale: f.opt("locale"),
        time_zone: f.opt("time_zone"),
    };
    if let Err(e) = exec(&s, &v, move |c, ctx| accounts::settings(c, ctx, &r)).await {
        return Ok(back_with_error("/settings", e, &f));
    }
    if let Some(pw) = f.opt("password") {
        if let Err(e) = accounts::check_password_strength(&pw) {
            return Ok(back_with_error("/settings", e.into(), &f));
        }
        let hash = tokio::task::spawn_blocking(move || accounts::hash_password(&pw))
            .await
            .map_err(|_| {
                PageError::Api(crate::error::ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "hashing failed",
                ))
            })??;
        exec(&s, &v, move |c, ctx| {
            accounts::change_password(c, ctx, hash)
        })
        .await?;
    }
    Ok(done("/settings", "ok.saved"))
}
