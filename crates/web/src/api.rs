//! The JSON API, `/api/v1`: what every room's API shares (the document,
//! running a command, reading inside an incident, pages of results). Each
//! room registers its routes with `routes!` (its `api()`), which puts them in
//! the OpenAPI document at the same time. Everything the pages can do, the
//! API can do.

use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use honbu_domain::events::Event;
use honbu_store::rules::{Ctx, Moment};
use honbu_store::sql::Conn;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "honbu", description = "The crisis desk's emergency headquarters: incidents, linked HQs, the graded situation log, decisions, tasks, briefs and reports."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorBody))
)]
struct Doc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    let r = OpenApiRouter::with_openapi(Doc::openapi()).routes(routes!(health));
    let r = crate::incidents::api(r);
    let r = crate::board::api(r);
    let r = crate::headquarters::api(r);
    let r = crate::log::api(r);
    let r = crate::attachments::api(r);
    let r = crate::work::api(r);
    let r = crate::reports::api(r);
    let r = crate::people::api(r);
    let r = crate::places::api(r);
    crate::accounts::api(r)
}

/// 200 when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "system", security(()),
    responses((status = 200, description = "The database answers and the journal's head verifies", body = String),
        (status = 503, description = "The database does not answer, or the journal is broken (code `journal_broken`: reads are served, writes refused)", body = ErrorBody)))]
pub async fn health(State(s): State<AppState>) -> Result<&'static str, ApiError> {
    match s.store.check_head().await {
        Ok(None) => Ok("ok"),
        Ok(Some(problem)) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "journal_broken",
            format!("the journal does not verify; reads are served, writes refused: {problem}"),
        )),
        Err(e) => {
            tracing::error!("health check: {e}");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the database does not answer",
            ))
        }
    }
}

pub fn now() -> honbu_domain::time::Timestamp {
    honbu_domain::time::trunc(chrono::Utc::now())
}

/// Runs a command handler as `v`, now, in one write transaction.
pub async fn exec<T: Send + 'static>(
    state: &AppState,
    v: &Viewer,
    f: impl FnOnce(&mut dyn Conn, &Ctx) -> honbu_store::Result<(Vec<Event>, T)> + Send + 'static,
) -> Result<T, ApiError> {
    let p = v.p.clone();
    let now = now();
    let (_, out) = state
        .store
        .write(move |c| f(c, &Ctx { p: &p, now }))
        .await?;
    Ok(out)
}

/// Reads inside an incident the viewer may know of, now; "not found"
/// otherwise (a stranger learns nothing, not even that the incident exists).
pub async fn in_incident<T: Send + 'static>(
    state: &AppState,
    v: Viewer,
    id: honbu_domain::ids::IncidentId,
    f: impl FnOnce(&mut dyn Conn, &honbu_domain::access::Principal) -> honbu_store::Result<T>
        + Send
        + 'static,
) -> Result<T, ApiError> {
    in_incident_at(state, v, id, None, move |c, p, _| f(c, p)).await
}

/// Reads inside an incident the viewer may know of, at the moment asked
/// for (`at`, already parsed by [`AtParam::time`]): "not found" for a
/// stranger, then a moment the record cannot show is refused naming `at`.
pub async fn in_incident_at<T: Send + 'static>(
    state: &AppState,
    v: Viewer,
    id: honbu_domain::ids::IncidentId,
    at: Option<honbu_domain::time::Timestamp>,
    f: impl FnOnce(&mut dyn Conn, &honbu_domain::access::Principal, Moment) -> honbu_store::Result<T>
        + Send
        + 'static,
) -> Result<T, ApiError> {
    let now = now();
    Ok(state
        .store
        .read(move |c| {
            let m = honbu_store::rules::moment(c, &v.p, id, at, now)?;
            f(c, &v.p, m)
        })
        .await?)
}

/// As [`in_incident_at`], for a thing (an entry, a brief, a SITREP) whose
/// incident `find` names if the viewer may see the thing now; one that does
/// not exist, is not theirs, or did not yet exist at the moment asked for is
/// "not found" alike, and only a thing they may see can have its `at` refused.
pub async fn in_incident_of<T: Send + 'static>(
    state: &AppState,
    v: Viewer,
    find: impl FnOnce(
            &mut dyn Conn,
            &honbu_domain::access::Principal,
        ) -> honbu_store::Result<Option<honbu_domain::ids::IncidentId>>
        + Send
        + 'static,
    at: Option<honbu_domain::time::Timestamp>,
    f: impl FnOnce(
            &mut dyn Conn,
            &honbu_domain::access::Principal,
            Moment,
        ) -> honbu_store::Result<Option<T>>
        + Send
        + 'static,
) -> Result<T, ApiError> {
    let now = now();
    state
        .store
        .read(move |c| {
            let Some(id) = find(c, &v.p)? else {
                return Ok(None);
            };
            let m = honbu_store::rules::moment(c, &v.p, id, at, now)?;
            f(c, &v.p, m)
        })
        .await?
        .ok_or_else(ApiError::not_found)
}

/// `at` on an incident's reads: the record as it stood then.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AtParam {
    /// Read the record as it stood at this moment (RFC 3339 with its offset,
    /// not in the future, not before the incident was opened); absent: now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
}

impl AtParam {
    pub fn time(&self) -> Result<Option<honbu_domain::time::Timestamp>, ApiError> {
        parse_at(self.at.as_deref())
    }
}

/// An incident's list: `limit`, `cursor` and `at`.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IncidentListParams {
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Read the list as it stood at this moment (RFC 3339 with its offset,
    /// not in the future, not before the incident was opened); absent: now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
}

impl IncidentListParams {
    /// (limit, cursor, at), each checked.
    pub fn parts(
        &self,
    ) -> Result<(i64, Option<i64>, Option<honbu_domain::time::Timestamp>), ApiError> {
        let l = crate::extract::ListParams {
            limit: self.limit,
            cursor: self.cursor.clone(),
        };
        Ok((
            l.limit()?,
            l.cursor_number()?,
            parse_at(self.at.as_deref())?,
        ))
    }
}

/// An `at` as a request gave it (RFC 3339 with its offset).
pub fn parse_at(at: Option<&str>) -> Result<Option<honbu_domain::time::Timestamp>, ApiError> {
    at.filter(|a| !a.is_empty())
        .map(|a| honbu_domain::time::parse_time("at", a).map(honbu_domain::time::trunc))
        .transpose()
        .map_err(ApiError::from)
}

/// The id of something just made.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: uuid::Uuid,
}

pub fn created(id: uuid::Uuid) -> (axum::http::StatusCode, axum::Json<Created>) {
    (axum::http::StatusCode::CREATED, axum::Json(Created { id }))
}

/// A page of results.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many the viewer may see in all; with `total_exact` false, at
    /// least this many (a search counts its matches up to 1,000).
    pub total: i64,
    pub total_exact: bool,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> From<honbu_store::rules::Page<T>> for Page<T> {
    fn from(p: honbu_store::rules::Page<T>) -> Self {
        Page {
            items: p.items,
            total: p.total,
            total_exact: p.total_exact,
            next_cursor: p.next_cursor,
        }
    }
}

/// Pages an in-memory list by offset cursor.
pub fn page_of<T>(all: Vec<T>, limit: i64, cursor: Option<i64>) -> Page<T> {
    let total = all.len() as i64;
    let offset = cursor.unwrap_or(0).min(total);
    let items: Vec<T> = all
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    let end = offset + items.len() as i64;
    Page {
        items,
        total,
        total_exact: true,
        next_cursor: (end < total).then(|| end.to_string()),
    }
}
