//! What the accounts' events do to their tables.

use crate::sql::{t, Conn, Value};
use crate::StoreError;
use honbu_domain::events::{Body, Committed};
use honbu_domain::ids::UserId;

/// An event from a journal written before credentials left it still carries
/// a hash: it sets the credential unless a later one is already there (so a
/// journal restored into an empty database still lets its users sign in).
fn legacy_credential(
    c: &mut dyn Conn,
    user: &UserId,
    hash: Option<&str>,
    at: Value,
) -> Result<(), StoreError> {
    if let Some(h) = hash {
        c.exec(
            "INSERT INTO credentials (user_id, password_hash, changed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash, changed_at = excluded.changed_at \
             WHERE credentials.changed_at < excluded.changed_at",
            &[t(user), h.into(), at],
        )?;
    }
    Ok(())
}

/// A security record's detail, with the count of like ones it stands for.
fn with_repeats(detail: String, repeats: u32) -> String {
    if repeats == 0 {
        detail
    } else {
        format!("{detail} (and {repeats} more like it, counted, not recorded one by one)")
    }
}

fn security(
    c: &mut dyn Conn,
    ev: &Committed,
    user: Option<Value>,
    detail: &str,
) -> Result<(), StoreError> {
    c.exec(
        "INSERT INTO security_log (seq, at, kind, user_id, username, detail) VALUES ($1, $2, $3, $4, (SELECT username FROM users WHERE id = $4), $5)",
        &[Value::Int(ev.seq), Value::from(&ev.event.at), t(ev.event.body.kind()), user.unwrap_or(Value::Null), detail.into()],
    )?;
    Ok(())
}

pub(crate) fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let e = &ev.event;
    let at = Value::from(&e.at);
    match &e.body {
        // Credentials live in `credentials`, written by the command
        // handler; only events from older journals still carry a hash.
        Body::UserCreated {
            user,
            username,
            display_name,
            password_hash,
            global_role,
            locale,
        } => {
            c.exec(
                "INSERT INTO users (id, username, display_name, global_role, locale, time_zone, created_at) VALUES ($1, $2, $3, $4, $5, NULL, $6)",
                &[t(user), username.into(), display_name.into(), global_role.map(t).into(), locale.clone().into(), at.clone()],
            )?;
            legacy_credential(c, user, password_hash.as_deref(), at)?;
        }
        Body::UserSettingsChanged {
            user,
            display_name,
            locale,
            time_zone,
        } => {
            if let Some(d) = display_name {
                c.exec(
                    "UPDATE users SET display_name = $1 WHERE id = $2",
                    &[d.into(), t(user)],
                )?;
            }
            if let Some(l) = locale {
                c.exec(
                    "UPDATE users SET locale = $1 WHERE id = $2",
                    &[l.into(), t(user)],
                )?;
            }
            if let Some(z) = time_zone {
                c.exec(
                    "UPDATE users SET time_zone = $1 WHERE id = $2",
                    &[t(z), t(user)],
                )?;
            }
        }
        Body::PasswordChanged {
            user,
            password_hash,
        } => {
            legacy_credential(c, user, password_hash.as_deref(), at)?;
            security(c, ev, Some(t(user)), "")?;
        }
        Body::UserDisabled { user } => {
            c.exec(
                "UPDATE users SET disabled_at = $1 WHERE id = $2",
                &[at, t(user)],
            )?;
            security(c, ev, Some(t(user)), "")?;
        }
        Body::UserEnabled { user } => {
            c.exec(
                "UPDATE users SET disabled_at = NULL WHERE id = $1",
                &[t(user)],
            )?;
            security(c, ev, Some(t(user)), "")?;
        }
        Body::PasswordReset { user } => security(c, ev, Some(t(user)), "")?,
        Body::GlobalRoleSet { user, role } => {
            c.exec(
                "UPDATE users SET global_role = $1 WHERE id = $2",
                &[role.map(t).into(), t(user)],
            )?;
        }
        Body::TokenCreated {
            token,
            user,
            name,
            token_hash,
        } => {
            c.exec(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, NULL)",
                &[t(token), t(user), name.into(), token_hash.into(), at],
            )?;
            security(c, ev, Some(t(user)), name)?;
        }
        Body::TokenRevoked { token } => {
            c.exec(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2",
                &[at, t(token)],
            )?;
            security(c, ev, None, &token.to_string())?;
        }
        Body::LoginSucceeded { user, method } => security(c, ev, Some(t(user)), method)?,
        Body::LoginFailed {
            username,
            reason,
            repeats,
        } => {
            c.exec(
                "INSERT INTO security_log (seq, at, kind, user_id, username, detail) VALUES ($1, $2, $3, NULL, $4, $5)",
                &[Value::Int(ev.seq), at, t(e.body.kind()), username.into(), with_repeats(reason.clone(), *repeats).into()],
            )?;
        }
        Body::LoggedOut { user } => security(c, ev, Some(t(user)), "")?,
        Body::AccessRefused {
            user,
            action,
            target,
            repeats,
        } => security(
            c,
            ev,
            user.map(t),
            &with_repeats(format!("{action} {target}"), *repeats),
        )?,
        Body::RoleDefined {
            name,
            label,
            capabilities,
        } => {
            let caps: Vec<&str> = capabilities.iter().map(|c| c.as_str()).collect();
            c.exec(
                "INSERT INTO roles (name, label, capabilities, defined_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO UPDATE SET label = excluded.label, capabilities = excluded.capabilities",
                &[t(name), label.into(), caps.join(",").into(), at],
            )?;
        }
        _ => return Err(crate::project::misrouted(ev)),
    }
    Ok(())
}
