//! Commands on accounts: users, roles, tokens, passwords, sessions, and
//! the security events the web face records.

use super::queries::{user_by_name, UserRow};
use super::secrets::{random_hex, sha256_hex};
use crate::rules::{forbid, user_id, Ctx};
use crate::sql::{t, Conn, Value};
use crate::{Result, StoreError};
use honbu_domain::access::Principal;
use honbu_domain::commands::*;
use honbu_domain::error::text;
use honbu_domain::events::{Body, Event};
use honbu_domain::ids::*;
use honbu_domain::time::{Timestamp, Zone};
use honbu_domain::vocab::*;
use honbu_domain::FieldError;

pub fn parse_username(s: &str) -> Result<String> {
    let s = s.trim();
    let ok = (2..=64).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(
            "username",
            "must be 2 to 64 characters of a-z, 0-9, '.', '_' and '-'",
        )
        .into())
    }
}

pub fn check_password_strength(p: &str) -> Result<()> {
    if p.chars().count() < 10 {
        return Err(FieldError::new("password", "must be at least 10 characters").into());
    }
    if p.len() > 1024 {
        return Err(FieldError::new("password", "must be at most 1024 bytes").into());
    }
    Ok(())
}

/// Creates a user. `actor` is `None` when the CLI does it (the operator of
/// the machine), else it must be an administrator. The password is hashed
/// by the caller, outside the transaction.
pub fn create_user(
    c: &mut dyn Conn,
    actor: Option<&Principal>,
    now: Timestamp,
    username: &str,
    display_name: Option<&str>,
    password_hash: String,
    role: Option<&str>,
    locale: Option<&str>,
) -> Result<(Vec<Event>, UserId)> {
    if let Some(p) = actor {
        if !p.is_admin() {
            return Err(forbid("create users"));
        }
    }
    let username = parse_username(username)?;
    let display_name = text("display_name", display_name.unwrap_or(&username), 1, 200)?;
    let global_role = match role.map(str::trim) {
        None | Some("") | Some("none") => None,
        Some(r) => Some(GlobalRole::parse("role", r)?),
    };
    if user_by_name(c, &username)?.is_some() {
        return Err(StoreError::Conflict(format!(
            "a user named {username} already exists"
        )));
    }
    let locale = locale.map(parse_locale).transpose()?;
    let user = UserId::new();
    set_credential(c, user, password_hash, false, now)?;
    Ok((
        vec![Event {
            at: now,
            actor: actor.map(|p| p.user),
            incident: None,
            body: Body::UserCreated {
                user,
                username,
                display_name,
                password_hash: None,
                global_role,
                locale,
            },
        }],
        user,
    ))
}

pub const LOCALES: &[&str] = &["en", "ja"];

pub fn parse_locale(s: &str) -> Result<String, FieldError> {
    let s = s.trim();
    if LOCALES.contains(&s) {
        Ok(s.to_string())
    } else {
        Err(FieldError::new(
            "locale",
            format!("must be one of: {}", LOCALES.join(", ")),
        ))
    }
}

pub fn set_global_role(
    c: &mut dyn Conn,
    ctx: &Ctx,
    username: &str,
    r: &SetGlobalRole,
) -> Result<(Vec<Event>, ())> {
    if !ctx.p.is_admin() {
        return Err(forbid("grant global roles"));
    }
    let user = user_id(c, "user", username)?;
    let role = match r.role.as_deref().map(str::trim) {
        None | Some("") | Some("none") => None,
        Some(s) => Some(GlobalRole::parse("role", s)?),
    };
    if user == ctx.p.user && role != Some(GlobalRole::Admin) {
        return Err(StoreError::Conflict(
            "administrators cannot remove their own rights".into(),
        ));
    }
    Ok((vec![ctx.ev(None, Body::GlobalRoleSet { user, role })], ()))
}

/// Creates an API token; returns the secret, shown once.
pub fn create_token(
    c: &mut dyn Conn,
    actor: Option<&Principal>,
    now: Timestamp,
    r: &CreateToken,
) -> Result<(Vec<Event>, (TokenId, String))> {
    let name = text("name", &r.name, 1, 100)?;
    let user = match (&r.user, actor) {
        (Some(u), _) => user_id(c, "user", u)?,
        (None, Some(p)) => p.user,
        (None, None) => {
            return Err(FieldError::new("user", "name the user the token acts for").into())
        }
    };
    if let Some(p) = actor {
        if user != p.user && !p.is_admin() {
            return Err(forbid("create tokens for other users"));
        }
    }
    let secret = format!("honbu_{}", random_hex(32));
    let token = TokenId::new();
    Ok((
        vec![Event {
            at: now,
            actor: actor.map(|p| p.user),
            incident: None,
            body: Body::TokenCreated {
                token,
                user,
                name,
                token_hash: sha256_hex(&secret),
            },
        }],
        (token, secret),
    ))
}

pub fn revoke_token(c: &mut dyn Conn, ctx: &Ctx, id: TokenId) -> Result<(Vec<Event>, ())> {
    let row = c
        .query_one(
            "SELECT user_id, revoked_at FROM api_tokens WHERE id = $1",
            &[t(id)],
        )?
        .ok_or(StoreError::NotFound)?;
    let owner: UserId = row.parse(0)?;
    if owner != ctx.p.user && !ctx.p.is_admin() {
        return Err(StoreError::NotFound);
    }
    if row.opt_text(1)?.is_some() {
        return Err(StoreError::Conflict("already revoked".into()));
    }
    Ok((vec![ctx.ev(None, Body::TokenRevoked { token: id })], ()))
}

pub fn define_role(c: &mut dyn Conn, ctx: &Ctx, r: &DefineRole) -> Result<(Vec<Event>, ())> {
    if !ctx.p.is_admin() {
        return Err(forbid("define roles"));
    }
    let name = RoleName::parse("name", &r.name)?;
    if name.is_builtin() {
        return Err(FieldError::new("name", "is a built-in role").into());
    }
    let label = text("label", &r.label, 1, 100)?;
    let mut caps = r
        .capabilities
        .iter()
        .enumerate()
        .map(|(i, s)| Capability::parse(&format!("capabilities[{i}]"), s))
        .collect::<Result<Vec<_>, _>>()?;
    caps.sort();
    caps.dedup();
    let _ = c;
    Ok((
        vec![ctx.ev(
            None,
            Body::RoleDefined {
                name,
                label,
                capabilities: caps,
            },
        )],
        (),
    ))
}

pub fn settings(_c: &mut dyn Conn, ctx: &Ctx, r: &Settings) -> Result<(Vec<Event>, ())> {
    let display_name = r
        .display_name
        .as_deref()
        .map(|s| text("display_name", s, 1, 200))
        .transpose()?;
    let locale = r.locale.as_deref().map(parse_locale).transpose()?;
    let time_zone = r
        .time_zone
        .as_deref()
        .map(|s| Zone::parse("time_zone", s))
        .transpose()?;
    Ok((
        vec![ctx.ev(
            None,
            Body::UserSettingsChanged {
                user: ctx.p.user,
                display_name,
                locale,
                time_zone,
            },
        )],
        (),
    ))
}

/// Keeps a password hash in `credentials` (operational state, like
/// sessions: outside the journal, untouched by a rebuild).
fn set_credential(
    c: &mut dyn Conn,
    user: UserId,
    password_hash: String,
    must_change: bool,
    now: Timestamp,
) -> Result<()> {
    c.exec(
        "INSERT INTO credentials (user_id, password_hash, changed_at, must_change) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, changed_at = excluded.changed_at, must_change = excluded.must_change",
        &[t(user), password_hash.into(), now.into(), Value::Int(must_change.into())],
    )?;
    Ok(())
}

/// Sets the caller's own password (hashed by the caller, outside the
/// transaction); the event records that it changed, not what to. A password
/// an administrator set is replaced, and the user may act again.
pub fn change_password(
    c: &mut dyn Conn,
    ctx: &Ctx,
    password_hash: String,
) -> Result<(Vec<Event>, ())> {
    set_credential(c, ctx.p.user, password_hash, false, ctx.now)?;
    Ok((
        vec![ctx.ev(
            None,
            Body::PasswordChanged {
                user: ctx.p.user,
                password_hash: None,
            },
        )],
        (),
    ))
}

/// The user an administrator acts on, by name. `actor` is `None` when the
/// CLI does it (the operator of the machine); an administrator never acts
/// on themselves (one who disabled or reset their own account would be
/// locked out, and so, as the last one, would everyone).
fn other_user(
    c: &mut dyn Conn,
    actor: Option<&Principal>,
    username: &str,
    what: &str,
) -> Result<UserRow> {
    if actor.is_some_and(|p| !p.is_admin()) {
        return Err(forbid(what));
    }
    let u = user_by_name(c, username.trim())?
        .ok_or(StoreError::NotFound)?
        .user;
    if actor.is_some_and(|p| p.user == u.id) {
        return Err(StoreError::Conflict(format!(
            "an administrator cannot {what} for their own account; another administrator can"
        )));
    }
    Ok(u)
}

fn by(actor: Option<&Principal>, now: Timestamp, body: Body) -> Event {
    Event {
        at: now,
        actor: actor.map(|p| p.user),
        incident: None,
        body,
    }
}

/// Ends every sign-in session of `user` (operational state, in the same
/// transaction as the event that ends them).
fn end_sessions(c: &mut dyn Conn, user: UserId) -> Result<()> {
    c.exec("DELETE FROM sessions WHERE user_id = $1", &[t(user)])?;
    Ok(())
}

/// Disables an account: its sessions end, its tokens and live streams stop
/// answering, and it cannot sign in until enabled. Nothing of it is erased.
pub fn disable_user(
    c: &mut dyn Conn,
    actor: Option<&Principal>,
    now: Timestamp,
    username: &str,
) -> Result<(Vec<Event>, ())> {
    let u = other_user(c, actor, username, "disable accounts")?;
    if u.disabled_at.is_some() {
        return Err(StoreError::Conflict(format!(
            "{} is already disabled",
            u.username
        )));
    }
    end_sessions(c, u.id)?;
    Ok((vec![by(actor, now, Body::UserDisabled { user: u.id })], ()))
}

/// Enables a disabled account; its tokens answer again, and it may sign in.
pub fn enable_user(
    c: &mut dyn Conn,
    actor: Option<&Principal>,
    now: Timestamp,
    username: &str,
) -> Result<(Vec<Event>, ())> {
    let u = other_user(c, actor, username, "enable accounts")?;
    if u.disabled_at.is_none() {
        return Err(StoreError::Conflict(format!(
            "{} is not disabled",
            u.username
        )));
    }
    Ok((vec![by(actor, now, Body::UserEnabled { user: u.id })], ()))
}

/// Sets a password for another user (hashed by the caller, outside the
/// transaction), which they must replace at their next sign-in; their
/// sessions end. Their API tokens stay: revoke them apart.
pub fn reset_password(
    c: &mut dyn Conn,
    actor: Option<&Principal>,
    now: Timestamp,
    username: &str,
    password_hash: String,
) -> Result<(Vec<Event>, ())> {
    let u = other_user(c, actor, username, "reset passwords")?;
    set_credential(c, u.id, password_hash, true, now)?;
    end_sessions(c, u.id)?;
    Ok((vec![by(actor, now, Body::PasswordReset { user: u.id })], ()))
}

pub const SESSION_HOURS: i64 = 12;

/// Opens a session (operational state, outside the projections) and records
/// the login. Returns (session secret, CSRF token).
pub fn open_session(
    c: &mut dyn Conn,
    user: UserId,
    now: Timestamp,
) -> Result<(Vec<Event>, (String, String))> {
    let secret = random_hex(32);
    let csrf = random_hex(16);
    c.exec(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        &[sha256_hex(&secret).into(), t(user), csrf.clone().into(), now.into(), (now + chrono::Duration::hours(SESSION_HOURS)).into()],
    )?;
    c.exec(
        "DELETE FROM sessions WHERE expires_at < $1",
        &[Value::from(now)],
    )?;
    Ok((
        vec![Event {
            at: now,
            actor: Some(user),
            incident: None,
            body: Body::LoginSucceeded {
                user,
                method: "password".into(),
            },
        }],
        (secret, csrf),
    ))
}

pub fn close_session(
    c: &mut dyn Conn,
    secret: &str,
    user: UserId,
    now: Timestamp,
) -> Result<(Vec<Event>, ())> {
    c.exec(
        "DELETE FROM sessions WHERE token_hash = $1",
        &[sha256_hex(secret).into()],
    )?;
    Ok((
        vec![Event {
            at: now,
            actor: Some(user),
            incident: None,
            body: Body::LoggedOut { user },
        }],
        (),
    ))
}

pub fn login_failed(username: &str, reason: &str, repeats: u32, now: Timestamp) -> Vec<Event> {
    let username: String = username.chars().take(64).collect();
    vec![Event {
        at: now,
        actor: None,
        incident: None,
        body: Body::LoginFailed {
            username,
            reason: reason.into(),
            repeats,
        },
    }]
}

pub fn refused(
    user: Option<UserId>,
    action: &str,
    target: &str,
    repeats: u32,
    now: Timestamp,
) -> Vec<Event> {
    vec![Event {
        at: now,
        actor: user,
        incident: None,
        body: Body::AccessRefused {
            user,
            action: action.chars().take(200).collect(),
            target: target.chars().take(300).collect(),
            repeats,
        },
    }]
}
