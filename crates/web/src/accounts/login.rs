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
    disabled: bool,
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
    let next = auth::safe_next(q.get("next").map(String::as_str).unwrap_or("/"));
    if v.is_some() {
        return Redirect::to(&next).into_response();
    }
    let t = q
        .get("lang")
        .filter(|l| crate::i18n::supported(l))
        .map(|l| crate::i18n::get(l))
        .unwrap_or_else(|| lang_of(&headers, None));
    let token = accounts::random_hex(16);
    let c = Chrome::new(None, t, t.t("login.title"), &q).journal(s.store.journal_problem());
    let page = render(LoginPage {
        c,
        login_csrf: token.clone(),
        next,
        failed: q.contains_key("failed"),
        disabled: q.contains_key("disabled"),
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
    let next = auth::safe_next(&f.str("next"));
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
                let name = recorded_name(&s.store, &username).await?;
                let events = accounts::login_failed(&name, LOCKED_REASON, repeats, now());
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
    let known = found.is_some();
    let verified = tokio::task::spawn_blocking(move || match found {
        Some(l) => accounts::verify_password(&password, &l.password_hash).then_some(l),
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
        let name = if known {
            username.clone()
        } else {
            unknown_name(&s.store, &username)
        };
        let events = accounts::login_failed(&name, &reason, 0, now());
        s.store.write(move |_| Ok((events, ()))).await?;
        return Ok(match lock {
            Some(d) => back(("locked", minutes(d).to_string())),
            None => back(("failed", "1".into())),
        });
    };
    attempt.succeeded();
    // A disabled account is told so only once its password is right: a
    // guesser learns nothing they could not learn from a wrong one.
    if user.user.disabled_at.is_some() {
        let events = accounts::login_failed(&username, "the account is disabled", 0, now());
        s.store.write(move |_| Ok((events, ()))).await?;
        return Ok(back(("disabled", "1".into())));
    }
    let id = user.user.id;
    let (_, (secret, _csrf)) = s
        .store
        .write(move |c| accounts::open_session(c, id, now()))
        .await?;
    // A password an administrator set is good for choosing one's own.
    let next = if user.must_change {
        auth::PASSWORD_REQUIRED.to_string()
    } else {
        next
    };
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

/// How a failed sign-in names what was typed: a name no account has is not
/// kept (it may be a password typed into the wrong box, and the journal
/// cannot forget), only a keyed digest of it, so repeats can be counted.
fn unknown_name(store: &honbu_store::Store, typed: &str) -> String {
    format!(
        "(unknown name {})",
        store.key().digest("sign-in name", typed)
    )
}

pub(crate) async fn recorded_name(
    store: &honbu_store::Store,
    typed: &str,
) -> honbu_store::Result<String> {
    let name = typed.to_string();
    let known = store
        .read(move |c| accounts::user_by_name(c, &name))
        .await?
        .is_some();
    Ok(if known {
        typed.to_string()
    } else {
        unknown_name(store, typed)
    })
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
    /// An administrator set the password: the user must choose their own.
    must_change: bool,
    display_name: String,
    time_zone: String,
}

pub async fn settings_page(PageViewer(v): PageViewer, uri: Uri) -> PageResult {
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.settings"), &query_map(&uri));
    Ok(render(SettingsPage {
        c,
        must_change: v.must_change_password,
        display_name: v.p.display_name.clone(),
        time_zone: v.zone.map(|z| z.name().to_string()).unwrap_or_default(),
    }))
}

pub async fn settings_submit(State(s): State<AppState>, Posted(v, f): Posted) -> PageResult {
    let password = f.opt("password");
    let refuse = |msg: &str| {
        back_with_error(
            "/settings",
            honbu_domain::FieldError::new("password", msg).into(),
            &f,
        )
    };
    // A password an administrator set is good for choosing one's own, and
    // for nothing else: not even the other settings are saved without it.
    if v.must_change_password {
        let Some(pw) = password.clone() else {
            return Ok(refuse(
                "choose a new password: the one an administrator set is good for this only",
            ));
        };
        let name = v.p.username.clone();
        let set = s
            .store
            .read(move |c| accounts::user_by_name(c, &name))
            .await?;
        let same = tokio::task::spawn_blocking(move || {
            set.is_some_and(|l| accounts::verify_password(&pw, &l.password_hash))
        })
        .await
        .unwrap_or(true);
        if same {
            return Ok(refuse("must differ from the password an administrator set"));
        }
    }
    let hash = match password {
        Some(pw) => match super::hashed(pw).await {
            Ok(h) => Some(h),
            Err(e) => return Ok(back_with_error("/settings", e, &f)),
        },
        None => None,
    };
    let r = Settings {
        display_name: f.opt("display_name"),
        locale: f.opt("locale"),
        time_zone: f.opt("time_zone"),
    };
    if let Err(e) = exec(&s, &v, move |c, ctx| accounts::settings(c, ctx, &r)).await {
        return Ok(back_with_error("/settings", e, &f));
    }
    if let Some(hash) = hash {
        exec(&s, &v, move |c, ctx| {
            accounts::change_password(c, ctx, hash)
        })
        .await?;
    }
    Ok(done(
        if v.must_change_password {
            "/"
        } else {
            "/settings"
        },
        "ok.saved",
    ))
}
