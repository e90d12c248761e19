//! The situation log and its sources.

use crate::api::{created, exec, Created, Page};
use crate::api::{in_incident_at, in_incident_of, AtParam};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use honbu_domain::board::EntryView;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_store::log;
use honbu_store::log::{EntryQuery, SourceRow};
use honbu_store::versions::At;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Only entries marked significant.
    pub significant: Option<bool>,
    /// Read the log as it stood at this moment (RFC 3339 with its offset,
    /// not in the future, not before the incident was opened); absent: now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
    /// Words the text must hold, each of them, in any case and any script
    /// (found by trigrams: 人質 finds 人質が解放された); a phrase in double
    /// quotes is one word. At most 500 characters and 12 words.
    pub q: Option<String>,
    /// Only entries of this headquarters (its id).
    pub hq: Option<String>,
    /// Only entries of this category.
    pub category: Option<String>,
    /// Only entries from this registered source (its id).
    pub source: Option<String>,
    /// Only entries whose source is graded so (A to F).
    pub reliability: Option<String>,
    /// Only entries of this credibility (1 to 6).
    pub credibility: Option<String>,
    /// Only entries entered by this user (their user name).
    pub author: Option<String>,
    /// Only entries that occurred at or after this moment (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only entries that occurred at or before this moment (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
}

impl LogParams {
    /// The search these parameters ask for.
    pub fn filter(&self) -> Result<log::Filter, ApiError> {
        search_filter(
            crate::log::search::Typed {
                q: self.q.as_deref(),
                hq: self.hq.as_deref(),
                category: self.category.as_deref(),
                source: self.source.as_deref(),
                reliability: self.reliability.as_deref(),
                credibility: self.credibility.as_deref(),
                author: self.author.as_deref(),
            },
            &self.from,
            &self.to,
        )
    }
}

/// A search as the API takes it: its times in RFC 3339.
pub(crate) fn search_filter(
    typed: crate::log::search::Typed,
    from: &Option<String>,
    to: &Option<String>,
) -> Result<log::Filter, ApiError> {
    let time = |field: &str, v: &Option<String>| {
        v.as_deref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| honbu_domain::time::parse_time(field, v.trim()))
            .transpose()
            .map_err(ApiError::from)
    };
    crate::log::search::filter(&typed, time("from", from)?, time("to", to)?)
}

/// The incident's log entries the caller may read, newest first; with `at`, as they stood then (a correction made later is not shown); with `q` and the other filters, those that match (`total` counts them up to 1,000, and `total_exact` is false when there are more).
#[utoipa::path(get, path = "/api/v1/incidents/{id}/log", tag = "log", params(("id" = uuid::Uuid, Path), LogParams),
    responses((status = 200, body = Page<EntryView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_entries(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<LogParams>,
) -> Result<Json<Page<EntryView>>, ApiError> {
    let lp = crate::extract::ListParams {
        limit: q.limit,
        cursor: q.cursor.clone(),
    };
    let query = EntryQuery {
        limit: lp.limit()?,
        before: lp.cursor_number()?,
        significant_only: q.significant.unwrap_or(false),
        filter: q.filter()?,
        ..Default::default()
    };
    let at = crate::api::parse_at(q.at.as_deref())?;
    let page = in_incident_at(&s, v, id, at, move |c, p, m| {
        log::entries(c, p, id, m.at, &query)
    })
    .await?;
    Ok(Json(page.into()))
}

/// Adds a log entry. Only `text` is required; see the schema for defaults.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/log", tag = "log", params(("id" = uuid::Uuid, Path)), request_body = NewEntry,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn log_entry(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<NewEntry>,
) -> Result<impl IntoResponse, ApiError> {
    let entry = exec(&s, &v, move |c, ctx| log::log_entry(c, ctx, id, &r)).await?;
    Ok(created(entry.0))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryDetail {
    pub incident: IncidentId,
    #[serde(flatten)]
    pub entry: EntryView,
    /// The files attached to it (by then, with `at`), oldest first; each
    /// fetched at `/api/v1/attachments/{id}`.
    pub attachments: Vec<honbu_store::attachments::AttachmentView>,
}

/// One entry, if the caller may read it, with the files attached to it; with `at`, as it stood then.
#[utoipa::path(get, path = "/api/v1/entries/{entry}", tag = "log", params(("entry" = uuid::Uuid, Path), AtParam),
    responses((status = 200, body = EntryDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_entry(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<EntryId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Json<EntryDetail>, ApiError> {
    let at = q.time()?;
    let (incident, entry, attachments) = in_incident_of(
        &s,
        v,
        move |c, p| Ok(log::entry(c, p, id, At::Now)?.map(|(i, _)| i)),
        at,
        move |c, p, m| {
            let Some((incident, entry)) = log::entry(c, p, id, m.at)? else {
                return Ok(None);
            };
            let files = honbu_store::attachments::attachments(c, p, id, m.at)?.unwrap_or_default();
            Ok(Some((incident, entry, files)))
        },
    )
    .await?;
    Ok(Json(EntryDetail {
        incident,
        entry,
        attachments,
    }))
}

/// Marks an entry significant (it joins the significant board) or not.
#[utoipa::path(post, path = "/api/v1/entries/{entry}/significance", tag = "log", params(("entry" = uuid::Uuid, Path)), request_body = MarkSignificant,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn mark_significant(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<EntryId>,
    ApiJson(r): ApiJson<MarkSignificant>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| log::mark_significant(c, ctx, id, &r)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Releases an HQ-only entry to another HQ of the incident (recorded).
#[utoipa::path(post, path = "/api/v1/entries/{entry}/release", tag = "log", params(("entry" = uuid::Uuid, Path)), request_body = ReleaseEntry,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn release_entry(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<EntryId>,
    ApiJson(r): ApiJson<ReleaseEntry>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| log::release_entry(c, ctx, id, &r)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Registered sources and their reliability grades.
#[utoipa::path(get, path = "/api/v1/sources", tag = "log",
    params(crate::extract::ListParams), responses((status = 200, body = Page<SourceRow>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_sources(
    State(s): State<AppState>,
    ApiViewer(_v): ApiViewer,
    ApiQuery(q): ApiQuery<crate::extract::ListParams>,
) -> Result<Json<Page<SourceRow>>, ApiError> {
    let (limit, cursor) = (q.limit()?, q.cursor_number()?);
    Ok(Json(crate::api::page_of(
        s.store.read(log::sources).await?,
        limit,
        cursor,
    )))
}

/// Registers a source with its reliability grade (A–F).
#[utoipa::path(post, path = "/api/v1/sources", tag = "log", request_body = RegisterSource,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn register_source(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiJson(r): ApiJson<RegisterSource>,
) -> Result<impl IntoResponse, ApiError> {
    let id = exec(&s, &v, move |c, ctx| log::register_source(c, ctx, &r)).await?;
    Ok(created(id.0))
}

/// Regrades a source; entries already made keep the grade they were made with.
#[utoipa::path(post, path = "/api/v1/sources/{source}/regrade", tag = "log", params(("source" = uuid::Uuid, Path)), request_body = RegradeSource,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn regrade_source(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<SourceId>,
    ApiJson(r): ApiJson<RegradeSource>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| log::regrade_source(c, ctx, id, &r)).await?;
    Ok(StatusCode::NO_CONTENT)
}
