//! Accounts, tokens, roles, the security log and the journal check.

use crate::api::{created, exec, now, page_of, Created, Page};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ListParams};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_store::accounts;
use honbu_store::accounts::{RoleRow, SecurityRow, TokenRow, UserRow};
use honbu_store::journal::Verdict;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: UserRow,
    pub memberships: Vec<MembershipOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipOut {
    pub incident: IncidentId,
    pub hq: HqId,
    pub role: String,
    pub capabilities: Vec<honbu_domain::vocab::Capability>,
}

/// The caller, their global role and their places in headquarters.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(s): State<AppState>, ApiViewer(v): ApiViewer) -> Result<Json<Me>, ApiError> {
    let id = v.p.user;
    let user = s
        .store
        .read(move |c| accounts::user(c, id))
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let memberships =
        v.p.memberships
            .iter()
            .map(|m| MembershipOut {
                incident: m.incident,
                hq: m.hq,
                role: m.role.to_string(),
                capabilities: m.capabilities.clone(),
            })
            .collect();
    Ok(Json(Me { user, memberships }))
}

/// Changes the caller's display name, language or time zone.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", request_body = Settings,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_me(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiJson(r): ApiJson<Settings>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| accounts::settings(c, ctx, &r)).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn admin(v: &crate::auth::Viewer) -> Result<(), ApiError> {
    if v.p.is_admin() {
        Ok(())
    } else {
        Err(ApiError::forbidden("administrators only"))
    }
}

/// All users (administrators only).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts",
    params(ListParams), responses((status = 200, body = Page<UserRow>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_users(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<UserRow>>, ApiError> {
    admin(&v)?;
    let (limit, cursor) = (q.limit()?, q.cursor_number()?);
    Ok(Json(page_of(
        s.store.read(accounts::users).await?,
        limit,
        cursor,
    )))
}

/// Creates a user (administrators only). Without `role` the user has no
/// rights until a headquarters takes them in.
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = CreateUser,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiJson(r): ApiJson<CreateUser>,
) -> Result<impl IntoResponse, ApiError> {
    admin(&v)?;
    accounts::parse_username(&r.username)?;
    let hash = super::hashed(r.password.clone()).await?;
    let p = v.p.clone();
    let (_, id) = s
        .store
        .write(move |c| {
            accounts::create_user(
                c,
                Some(&p),
                now(),
                &r.username,
                r.display_name.as_deref(),
                hash,
                r.role.as_deref(),
                None,
            )
        })
        .await?;
    Ok(created(id.0))
}

/// Sets a user's global role: admin, officer, reader, or none.
#[utoipa::path(put, path = "/api/v1/users/{username}/role", tag = "accounts", params(("username" = String, Path)), request_body = SetGlobalRole,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_role(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(user): ApiPath<String>,
    ApiJson(r): ApiJson<SetGlobalRole>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        accounts::set_global_role(c, ctx, &user, &r)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disables an account (administrators only): its sessions end, its tokens
/// and live streams stop at once, and it cannot sign in until enabled.
#[utoipa::path(post, path = "/api/v1/users/{username}/disable", tag = "accounts", params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn disable_user(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(user): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        accounts::disable_user(c, Some(ctx.p), ctx.now, &user)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Enables a disabled account (administrators only).
#[utoipa::path(post, path = "/api/v1/users/{username}/enable", tag = "accounts", params(("username" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn enable_user(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(user): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        accounts::enable_user(c, Some(ctx.p), ctx.now, &user)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets a password for another user (administrators only), which they must
/// replace at their next sign-in; their sessions end. Their API tokens stay.
#[utoipa::path(put, path = "/api/v1/users/{username}/password", tag = "accounts", params(("username" = String, Path)), request_body = ResetPassword,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(user): ApiPath<String>,
    ApiJson(r): ApiJson<ResetPassword>,
) -> Result<StatusCode, ApiError> {
    admin(&v)?;
    let hash = super::hashed(r.password).await?;
    exec(&s, &v, move |c, ctx| {
        accounts::reset_password(c, Some(ctx.p), ctx.now, &user, hash)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// API tokens: the caller's own (all of them for an administrator).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    params(ListParams), responses((status = 200, body = Page<TokenRow>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_tokens(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<TokenRow>>, ApiError> {
    let (limit, cursor) = (q.limit()?, q.cursor_number()?);
    let of = (!v.p.is_admin()).then_some(v.p.user);
    Ok(Json(page_of(
        s.store.read(move |c| accounts::tokens(c, of)).await?,
        limit,
        cursor,
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    pub id: TokenId,
    /// The bearer token. Shown this once; only its hash is kept.
    pub token: String,
}

/// Creates an API token; the secret is in the answer and nowhere else.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = CreateToken,
    responses((status = 201, body = NewToken), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiJson(r): ApiJson<CreateToken>,
) -> Result<impl IntoResponse, ApiError> {
    let p = v.p.clone();
    let (_, (id, token)) = s
        .store
        .write(move |c| accounts::create_token(c, Some(&p), now(), &r))
        .await?;
    Ok((StatusCode::CREATED, Json(NewToken { id, token })))
}

/// Revokes a token.
#[utoipa::path(delete, path = "/api/v1/tokens/{token}", tag = "accounts", params(("token" = uuid::Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<TokenId>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| accounts::revoke_token(c, ctx, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Roles in headquarters: the eight built in and those an administrator added.
#[utoipa::path(get, path = "/api/v1/roles", tag = "accounts",
    params(ListParams), responses((status = 200, body = Page<RoleRow>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_roles(
    State(s): State<AppState>,
    ApiViewer(_v): ApiViewer,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<RoleRow>>, ApiError> {
    let (limit, cursor) = (q.limit()?, q.cursor_number()?);
    Ok(Json(page_of(
        s.store.read(accounts::roles).await?,
        limit,
        cursor,
    )))
}

/// Defines (or redefines) a role with its capabilities (administrators only).
#[utoipa::path(post, path = "/api/v1/roles", tag = "accounts", request_body = DefineRole,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn define_role(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiJson(r): ApiJson<DefineRole>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| accounts::define_role(c, ctx, &r)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Logins, failed logins, refusals, token changes (administrators only), newest first.
#[utoipa::path(get, path = "/api/v1/security-log", tag = "accounts", params(ListParams),
    responses((status = 200, body = Page<SecurityRow>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn security_log(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<SecurityRow>>, ApiError> {
    admin(&v)?;
    let (limit, offset) = (q.limit()?, q.cursor_number()?.unwrap_or(0));
    Ok(Json(
        s.store
            .read(move |c| accounts::security_log(c, limit, offset))
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyOut {
    pub intact: bool,
    pub events: Option<i64>,
    pub broken_at: Option<i64>,
    pub problem: Option<String>,
}

/// Walks the journal's hash chain (administrators only).
#[utoipa::path(get, path = "/api/v1/journal/verify", tag = "accounts",
    responses((status = 200, body = VerifyOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn verify_journal(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
) -> Result<Json<VerifyOut>, ApiError> {
    admin(&v)?;
    let store = s.store.clone();
    let verdict = tokio::task::spawn_blocking(move || store.verify_blocking(&mut |_, _| {}))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "verification failed",
            )
        })??;
    Ok(Json(match verdict {
        Verdict::Intact { events, .. } => VerifyOut {
            intact: true,
            events: Some(events),
            broken_at: None,
            problem: None,
        },
        Verdict::Broken { seq, problem } => VerifyOut {
            intact: false,
            events: None,
            broken_at: Some(seq),
            problem: Some(problem),
        },
    }))
}
