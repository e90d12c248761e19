//! Administration: users and their global roles, roles in headquarters, API
//! tokens, and the security log.

use crate::api::now;
use crate::auth::PageViewer;
use crate::pages::PagePath;
use crate::pages::{
    back_with_error, done, query_map, render, submit, Chrome, PageError, PageResult, Posted,
};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use honbu_domain::commands::*;
use honbu_domain::ids::{TokenId, UserId};
use honbu_domain::time::Zone;
use honbu_domain::vocab::{Capability, GlobalRole};
use honbu_store::accounts;
use honbu_store::accounts::{RoleRow, SecurityRow, TokenRow, UserRow};

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    users: Vec<UserRow>,
    roles: Vec<RoleRow>,
    tokens: Vec<TokenRow>,
    security: Vec<SecurityRow>,
    global_roles: &'static [GlobalRole],
    capabilities: &'static [Capability],
    utc: Zone,
    new_token: Option<String>,
    /// The administrator looking: they cannot disable or reset themselves.
    me: UserId,
}

impl AdminPage {
    fn role_label(&self, r: &RoleRow) -> String {
        let key = format!("role.{}", r.name);
        if r.builtin && self.c.t.has(&key) {
            self.c.t.t(&key).to_string()
        } else if r.label.is_empty() {
            r.name.clone()
        } else {
            format!("{} ({})", r.label, r.name)
        }
    }
}

fn admin_only(v: &crate::auth::Viewer) -> Result<(), PageError> {
    if v.p.is_admin() {
        Ok(())
    } else {
        Err(PageError::Api(crate::error::ApiError::forbidden(
            "administrators only",
        )))
    }
}

pub async fn page(State(s): State<AppState>, PageViewer(v): PageViewer, uri: Uri) -> PageResult {
    admin_page(&s, &v, query_map(&uri), None).await
}

/// The page; `new_token` is a secret just made, shown in this one response
/// and never put in a URL (where history and logs would keep it).
async fn admin_page(
    s: &AppState,
    v: &crate::auth::Viewer,
    q: std::collections::HashMap<String, String>,
    new_token: Option<String>,
) -> PageResult {
    admin_only(v)?;
    let (users, roles, tokens, security) = s
        .store
        .read(|c| {
            Ok((
                accounts::users(c)?,
                accounts::roles(c)?,
                accounts::tokens(c, None)?,
                accounts::security_log(c, 100, 0)?.items,
            ))
        })
        .await?;
    let c = Chrome::new(Some(v), v.lang, v.lang.t("nav.admin"), &q);
    Ok(render(AdminPage {
        c,
        users,
        roles,
        tokens,
        security,
        global_roles: GlobalRole::ALL,
        capabilities: Capability::ALL,
        utc: Zone::UTC,
        new_token,
        me: v.p.user,
    }))
}

pub async fn create_user(State(s): State<AppState>, Posted(v, f): Posted) -> PageResult {
    admin_only(&v)?;
    if let Err(e) = accounts::parse_username(&f.str("username")) {
        return Ok(back_with_error("/admin", e.into(), &f));
    }
    let hash = match super::hashed(f.str("password")).await {
        Ok(h) => h,
        Err(e) => return Ok(back_with_error("/admin", e, &f)),
    };
    let (p, username, display, role) = (
        v.p.clone(),
        f.str("username"),
        f.opt("display_name"),
        f.opt("role"),
    );
    Ok(
        match s
            .store
            .write(move |c| {
                accounts::create_user(
                    c,
                    Some(&p),
                    now(),
                    &username,
                    display.as_deref(),
                    hash,
                    role.as_deref(),
                    None,
                )
            })
            .await
        {
            Ok(_) => done("/admin", "ok.user_created"),
            Err(e) => back_with_error("/admin", e.into(), &f),
        },
    )
}

pub async fn set_role(
    State(s): State<AppState>,
    PagePath(name): PagePath<String>,
    Posted(v, f): Posted,
) -> PageResult {
    let r = SetGlobalRole {
        role: f.opt("role"),
    };
    Ok(
        submit(&s, &v, &f, "/admin", "ok.saved", "/admin", move |c, ctx| {
            accounts::set_global_role(c, ctx, &name, &r)
        })
        .await,
    )
}

pub async fn disable_user(
    State(s): State<AppState>,
    PagePath(name): PagePath<String>,
    Posted(v, f): Posted,
) -> PageResult {
    Ok(
        submit(&s, &v, &f, "/admin", "ok.saved", "/admin", move |c, ctx| {
            accounts::disable_user(c, Some(ctx.p), ctx.now, &name)
        })
        .await,
    )
}

pub async fn enable_user(
    State(s): State<AppState>,
    PagePath(name): PagePath<String>,
    Posted(v, f): Posted,
) -> PageResult {
    Ok(
        submit(&s, &v, &f, "/admin", "ok.saved", "/admin", move |c, ctx| {
            accounts::enable_user(c, Some(ctx.p), ctx.now, &name)
        })
        .await,
    )
}

/// Sets a password the user must replace at their next sign-in.
pub async fn reset_password(
    State(s): State<AppState>,
    PagePath(name): PagePath<String>,
    Posted(v, f): Posted,
) -> PageResult {
    admin_only(&v)?;
    let hash = match super::hashed(f.str("password")).await {
        Ok(h) => h,
        Err(e) => return Ok(back_with_error("/admin", e, &f)),
    };
    Ok(submit(
        &s,
        &v,
        &f,
        "/admin",
        "ok.password_reset",
        "/admin",
        move |c, ctx| accounts::reset_password(c, Some(ctx.p), ctx.now, &name, hash),
    )
    .await)
}

pub async fn define_role(State(s): State<AppState>, Posted(v, f): Posted) -> PageResult {
    let r = DefineRole {
        name: f.str("name"),
        label: f.str("label"),
        capabilities: f.all("capabilities"),
    };
    Ok(
        submit(&s, &v, &f, "/admin", "ok.saved", "/admin", move |c, ctx| {
            accounts::define_role(c, ctx, &r)
        })
        .await,
    )
}

pub async fn create_token(State(s): State<AppState>, Posted(v, f): Posted) -> PageResult {
    let r = CreateToken {
        name: f.str("name"),
        user: f.opt("user"),
    };
    let p = v.p.clone();
    Ok(
        match s
            .store
            .write(move |c| accounts::create_token(c, Some(&p), now(), &r))
            .await
        {
            // The secret is shown once, in this response; the server keeps only its hash.
            Ok((_, (_, secret))) => {
                let mut q = std::collections::HashMap::new();
                q.insert("ok".to_string(), "ok.token_created".to_string());
                return admin_page(&s, &v, q, Some(secret)).await.map(|mut r| {
                    r.headers_mut().insert(
                        axum::http::header::CACHE_CONTROL,
                        axum::http::HeaderValue::from_static("no-store"),
                    );
                    r
                });
            }
            Err(e) => back_with_error("/admin", e.into(), &f),
        },
    )
}

pub async fn revoke_token(
    State(s): State<AppState>,
    PagePath(id): PagePath<TokenId>,
    Posted(v, f): Posted,
) -> PageResult {
    Ok(
        submit(&s, &v, &f, "/admin", "ok.saved", "/admin", move |c, ctx| {
            accounts::revoke_token(c, ctx, id)
        })
        .await,
    )
}
