//! Reads of accounts: users, the principal a request acts as, sessions,
//! tokens, roles, the security record, display names.

use crate::rules::Page;
use crate::sql::{t, Conn, Row, Value};
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use honbu_domain::access::{Membership, Principal};
use honbu_domain::ids::*;
use honbu_domain::time::Zone;
use honbu_domain::vocab::*;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub global_role: Option<GlobalRole>,
    pub locale: Option<String>,
    pub time_zone: Option<Zone>,
    pub created_at: DateTime<Utc>,
    /// When an administrator disabled the account; it can do nothing until enabled.
    pub disabled_at: Option<DateTime<Utc>>,
}

const USER_COLS: &str =
    "id, username, display_name, global_role, locale, time_zone, created_at, disabled_at";

fn user_row(r: &Row) -> Result<UserRow> {
    Ok(UserRow {
        id: r.parse(0)?,
        username: r.text(1)?,
        display_name: r.text(2)?,
        global_role: r
            .opt_text(3)?
            .map(|s| GlobalRole::parse("", &s))
            .transpose()
            .map_err(|_| StoreError::Decode("role".into()))?,
        locale: r.opt_text(4)?,
        time_zone: r.opt_text(5)?.and_then(|s| Zone::parse("", &s).ok()),
        created_at: r.time(6)?,
        disabled_at: r.opt_time(7)?,
    })
}

/// What signing in with a password checks: the user, the stored hash (empty
/// when there is none: it never verifies), and whether the password was set
/// by an administrator and must be replaced.
#[derive(Debug, Clone)]
pub struct Login {
    pub user: UserRow,
    pub password_hash: String,
    pub must_change: bool,
}

pub fn user_by_name(c: &mut dyn Conn, username: &str) -> Result<Option<Login>> {
    let row = c.query_one(
        &format!("SELECT {USER_COLS}, k.password_hash, k.must_change FROM users LEFT JOIN credentials k ON k.user_id = users.id WHERE username = $1"),
        &[username.into()],
    )?;
    row.map(|r| {
        Ok(Login {
            user: user_row(&r)?,
            password_hash: r.opt_text(8)?.unwrap_or_default(),
            must_change: r.opt_int(9)?.unwrap_or(0) != 0,
        })
    })
    .transpose()
}

/// Whether the user's password was set by an administrator and must be
/// replaced before they do anything else.
pub fn must_change_password(c: &mut dyn Conn, user: UserId) -> Result<bool> {
    Ok(c.query_one(
        "SELECT must_change FROM credentials WHERE user_id = $1",
        &[t(user)],
    )?
    .map(|r| r.int(0))
    .transpose()?
    .unwrap_or(0)
        != 0)
}

pub fn user(c: &mut dyn Conn, id: UserId) -> Result<Option<UserRow>> {
    c.query_one(
        &format!("SELECT {USER_COLS} FROM users WHERE id = $1"),
        &[t(id)],
    )?
    .map(|r| user_row(&r))
    .transpose()
}

pub fn users(c: &mut dyn Conn) -> Result<Vec<UserRow>> {
    c.query(
        &format!("SELECT {USER_COLS} FROM users ORDER BY username"),
        &[],
    )?
    .iter()
    .map(user_row)
    .collect()
}

pub fn user_count(c: &mut dyn Conn) -> Result<i64> {
    Ok(c.query_one("SELECT COUNT(*) FROM users", &[])?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

/// Capabilities of every role an administrator defined.
fn custom_roles(c: &mut dyn Conn) -> Result<HashMap<String, Vec<Capability>>> {
    let mut out = HashMap::new();
    for r in c.query("SELECT name, capabilities FROM roles", &[])? {
        let caps = r
            .text(1)?
            .split(',')
            .filter_map(|s| Capability::parse("", s).ok())
            .collect();
        out.insert(r.text(0)?, caps);
    }
    Ok(out)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleRow {
    pub name: String,
    pub label: String,
    pub capabilities: Vec<Capability>,
    pub builtin: bool,
}

pub fn roles(c: &mut dyn Conn) -> Result<Vec<RoleRow>> {
    let mut out: Vec<RoleRow> = BUILTIN_ROLES
        .iter()
        .filter_map(|n| RoleName::parse("", n).ok())
        .map(|n| RoleRow {
            name: n.to_string(),
            label: String::new(),
            capabilities: n.builtin_capabilities().unwrap_or_default(),
            builtin: true,
        })
        .collect();
    for r in c.query(
        "SELECT name, label, capabilities FROM roles ORDER BY name",
        &[],
    )? {
        out.push(RoleRow {
            name: r.text(0)?,
            label: r.text(1)?,
            capabilities: r
                .text(2)?
                .split(',')
                .filter_map(|s| Capability::parse("", s).ok())
                .collect(),
            builtin: false,
        });
    }
    Ok(out)
}

pub fn role_capabilities(c: &mut dyn Conn, role: &RoleName) -> Result<Option<Vec<Capability>>> {
    if let Some(caps) = role.builtin_capabilities() {
        return Ok(Some(caps));
    }
    Ok(custom_roles(c)?.remove(role.as_str()))
}

/// The user as the access rules see them; `None` for no such user and for
/// a disabled account, which can do nothing.
pub fn principal(c: &mut dyn Conn, id: UserId) -> Result<Option<Principal>> {
    let Some(u) = user(c, id)?.filter(|u| u.disabled_at.is_none()) else {
        return Ok(None);
    };
    let custom = custom_roles(c)?;
    let mut memberships = vec![];
    for r in c.query("SELECT incident_id, hq_id, role FROM hq_members WHERE user_id = $1 ORDER BY incident_id, hq_id", &[t(id)])? {
        let role = RoleName::parse("", &r.text(2)?).map_err(|_| StoreError::Decode("role".into()))?;
        let capabilities =
            role.builtin_capabilities().or_else(|| custom.get(role.as_str()).cloned()).unwrap_or_default();
        memberships.push(Membership { incident: r.parse(0)?, hq: r.parse(1)?, role, capabilities });
    }
    Ok(Some(Principal {
        user: u.id,
        username: u.username,
        display_name: u.display_name,
        global_role: u.global_role,
        memberships,
    }))
}

/// A sign-in session that has not ended or expired.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub user: UserId,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

pub fn session(
    c: &mut dyn Conn,
    token_hash: &str,
    now: &DateTime<Utc>,
) -> Result<Option<SessionRow>> {
    c.query_one(
        "SELECT user_id, csrf, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        &[token_hash.into(), now.into()],
    )?
    .map(|r| {
        Ok(SessionRow {
            user: r.parse(0)?,
            csrf: r.text(1)?,
            expires_at: r.time(2)?,
        })
    })
    .transpose()
}

/// The user and token a bearer token's hash names, if it is not revoked.
pub fn token_user(c: &mut dyn Conn, token_hash: &str) -> Result<Option<(UserId, TokenId)>> {
    c.query_one(
        "SELECT user_id, id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        &[token_hash.into()],
    )?
    .map(|r| Ok((r.parse(0)?, r.parse(1)?)))
    .transpose()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRow {
    pub id: TokenId,
    pub user: UserId,
    pub username: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub fn tokens(c: &mut dyn Conn, of: Option<UserId>) -> Result<Vec<TokenRow>> {
    let (filter, params) = match of {
        Some(u) => ("WHERE k.user_id = $1", vec![t(u)]),
        None => ("", vec![]),
    };
    c.query(
        &format!("SELECT k.id, k.user_id, u.username, k.name, k.created_at, k.revoked_at FROM api_tokens k JOIN users u ON u.id = k.user_id {filter} ORDER BY k.created_at DESC"),
        &params,
    )?
    .iter()
    .map(|r| Ok(TokenRow { id: r.parse(0)?, user: r.parse(1)?, username: r.text(2)?, name: r.text(3)?, created_at: r.time(4)?, revoked_at: r.opt_time(5)? }))
    .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub username: Option<String>,
    pub detail: String,
}

pub fn security_log(c: &mut dyn Conn, limit: i64, offset: i64) -> Result<Page<SecurityRow>> {
    let total = c
        .query_one("SELECT COUNT(*) FROM security_log", &[])?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let items = c.query(
        "SELECT seq, at, kind, username, detail FROM security_log ORDER BY seq DESC LIMIT $1 OFFSET $2",
        &[Value::Int(limit), Value::Int(offset)],
    )?
    .iter()
    .map(|r| {
        Ok(SecurityRow {
            seq: r.int(0)?,
            at: r.time(1)?,
            kind: r.text(2)?,
            username: r.opt_text(3)?,
            detail: r.text(4)?,
        })
    })
    .collect::<Result<Vec<_>>>()?;
    let next =
        (offset + (items.len() as i64) < total).then(|| (offset + items.len() as i64).to_string());
    Ok(Page {
        items,
        total,
        total_exact: true,
        next_cursor: next,
    })
}

/// Display names by id, for everyone named on a page.
pub fn names(c: &mut dyn Conn) -> Result<HashMap<UserId, String>> {
    c.query("SELECT id, display_name FROM users", &[])?
        .iter()
        .map(|r| Ok((r.parse(0)?, r.text(1)?)))
        .collect()
}
