//! Who is asking. A browser carries a session cookie (a random secret; only
//! its SHA-256 is stored), HttpOnly and SameSite=Strict, and every form it
//! posts carries the session's CSRF token. An API client sends a bearer
//! token (only its SHA-256 is stored). A JSON write never rides on a cookie,
//! so a forged cross-site request has nothing to ride on.

use crate::error::ApiError;
use crate::i18n::{self, Catalogue};
use crate::AppState;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use honbu_domain::access::Principal;
use honbu_domain::events::RightsOf;
use honbu_domain::ids::{TokenId, UserId};
use honbu_domain::time::Zone;
use honbu_store::accounts;
use honbu_store::accounts::sha256_hex;
use honbu_store::sql::Conn;

pub const SESSION_COOKIE: &str = "honbu_session";
pub const LOGIN_CSRF_COOKIE: &str = "honbu_login_csrf";
/// Where a user whose password an administrator set is sent.
pub const PASSWORD_REQUIRED: &str = "/settings?password=required";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    Session,
    Token,
}

/// What a request proved itself with, kept so that a long-lived response
/// (a live stream) can check it again: the stored hash of its secret.
#[derive(Clone, Debug)]
pub struct Credential {
    pub via: Via,
    hash: String,
    pub user: UserId,
    /// The API token it is (tokens only).
    pub token: Option<TokenId>,
    /// When the session ends by itself (sessions only).
    pub expires_at: Option<DateTime<Utc>>,
}

impl Credential {
    /// What names this credential among all (its kind and stored hash).
    pub fn id(&self) -> (Via, &str) {
        (self.via, &self.hash)
    }

    /// Whether an event changing the rights of `whose` may change this
    /// credential's.
    pub fn touched_by(&self, whose: RightsOf) -> bool {
        match whose {
            RightsOf::User(u) => u == self.user,
            RightsOf::Token(t) => self.token == Some(t),
        }
    }

    /// The principal this credential acts as now; `None` once it no longer
    /// holds (signed out, revoked, expired, or its user gone).
    pub async fn principal(&self, state: &AppState) -> honbu_store::Result<Option<Principal>> {
        let (via, hash) = (self.via, self.hash.clone());
        let now = Utc::now();
        Ok(state
            .store
            .read(move |c| lookup(c, via, &hash, &now))
            .await?
            .map(|found| found.principal))
    }
}

/// A signed-in user, however they proved it.
#[derive(Clone)]
pub struct Viewer {
    pub p: Principal,
    pub via: Via,
    /// The session's CSRF token (sessions only).
    pub csrf: String,
    pub session_secret: Option<String>,
    pub credential: Credential,
    /// An administrator set this user's password and they signed in with
    /// it: until they choose their own, they may do nothing else.
    pub must_change_password: bool,
    /// Why the journal is broken, when it is: every page says so.
    pub journal_problem: Option<String>,
    pub lang: &'static Catalogue,
    pub zone: Option<Zone>,
}

struct Found {
    principal: Principal,
    csrf: String,
    token: Option<TokenId>,
    expires_at: Option<DateTime<Utc>>,
    must_change: bool,
    user: Option<accounts::UserRow>,
}

/// What the credential of this kind and hash proves at `now`.
fn lookup(
    c: &mut dyn Conn,
    via: Via,
    hash: &str,
    now: &DateTime<Utc>,
) -> honbu_store::Result<Option<Found>> {
    let (user, csrf, token, expires_at) = match via {
        Via::Token => match accounts::token_user(c, hash)? {
            Some((u, t)) => (u, String::new(), Some(t), None),
            None => return Ok(None),
        },
        Via::Session => match accounts::session(c, hash, now)? {
            Some(s) => (s.user, s.csrf, None, Some(s.expires_at)),
            None => return Ok(None),
        },
    };
    let Some(principal) = accounts::principal(c, user)? else {
        return Ok(None);
    };
    // Only a sign-in uses the password; a token is a credential of its own.
    let must_change = via == Via::Session && accounts::must_change_password(c, user)?;
    Ok(Some(Found {
        principal,
        csrf,
        token,
        expires_at,
        must_change,
        user: accounts::user(c, user)?,
    }))
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

pub fn browser_language(headers: &HeaderMap) -> &'static Catalogue {
    i18n::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or(""),
    )
}

/// Resolves the viewer from a request's headers: bearer token first, then
/// session cookie. `Ok(None)` when neither is present or valid.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, ApiError> {
    let (via, secret) = match (bearer(headers), cookie(headers, SESSION_COOKIE)) {
        (Some(t), _) => (Via::Token, t.to_string()),
        (None, Some(s)) => (Via::Session, s.to_string()),
        (None, None) => return Ok(None),
    };
    let hash = sha256_hex(&secret);
    let now = Utc::now();
    let h = hash.clone();
    let found = state.store.read(move |c| lookup(c, via, &h, &now)).await?;
    Ok(found.map(|f| {
        let lang = f
            .user
            .as_ref()
            .and_then(|u| u.locale.as_deref())
            .filter(|l| i18n::supported(l))
            .map(i18n::get)
            .unwrap_or_else(|| browser_language(headers));
        Viewer {
            credential: Credential {
                via,
                hash,
                user: f.principal.user,
                token: f.token,
                expires_at: f.expires_at,
            },
            p: f.principal,
            via,
            csrf: f.csrf,
            must_change_password: f.must_change,
            journal_problem: state.store.journal_problem(),
            session_secret: (via == Via::Session).then_some(secret),
            lang,
            zone: f.user.and_then(|u| u.time_zone),
        }
    }))
}

/// The viewer of a JSON API call; 401 without one.
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<AppState> for ApiViewer {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let v = resolve(state, &parts.headers)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if v.must_change_password {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "an administrator set this password: choose your own in the settings page first",
            ));
        }
        // Writes need a bearer token: a cookie alone cannot be trusted across sites.
        if v.via == Via::Session && !parts.method.is_safe() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "JSON writes need a bearer token; the web forms use the session",
            ));
        }
        Ok(ApiViewer(v))
    }
}

/// A password an administrator set leads to the settings page and nowhere
/// else (but signing out) until the user has chosen their own.
fn held_for_password(v: &Viewer, parts: &Parts) -> bool {
    v.must_change_password && !matches!(parts.uri.path(), "/settings" | "/logout")
}

/// The viewer of a page; a redirect to the login page without one.
pub struct PageViewer(pub Viewer);

pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        Redirect::to(&format!("/login?next={}", urlencode(&self.0))).into_response()
    }
}

impl FromRequestParts<AppState> for PageViewer {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match resolve(state, &parts.headers).await {
            // A password an administrator set leads to the settings page
            // and nowhere else until the user has chosen their own.
            Ok(Some(v)) if held_for_password(&v, parts) => {
                Err(Redirect::to(PASSWORD_REQUIRED).into_response())
            }
            Ok(Some(v)) => Ok(PageViewer(v)),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default();
                Err(ToLogin(next).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

impl OptionalFromRequestParts<AppState> for PageViewer {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Response> {
        match resolve(state, &parts.headers).await {
            Ok(Some(v)) if held_for_password(&v, parts) => {
                Err(Redirect::to(PASSWORD_REQUIRED).into_response())
            }
            Ok(v) => Ok(v.map(PageViewer)),
            Err(e) => Err(e.into_response()),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to go after signing in: a path of this site, rebuilt byte by byte
/// from what was asked (anything but the characters of a path and query is
/// percent-encoded, so a tab, a backslash or a line break cannot turn it
/// into another origin or an invalid header); anything else goes home.
pub fn safe_next(next: &str) -> String {
    let mut out = String::with_capacity(next.len());
    for b in next.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'?'
            | b'&'
            | b'='
            | b'%'
            | b'+'
            | b','
            | b';'
            | b':'
            | b'@'
            | b'!'
            | b'$'
            | b'\''
            | b'('
            | b')'
            | b'*' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if out.starts_with('/') && !out.starts_with("//") {
        out
    } else {
        "/".into()
    }
}

pub fn session_cookie(secret: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        honbu_store::accounts::SESSION_HOURS * 3600,
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(name: &str) -> String {
    format!("{name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Constant-time comparison for tokens.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
