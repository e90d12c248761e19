//! Handover briefs and situation reports.

use crate::api::{created, exec, in_incident, page_of, Created, Page};
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
use honbu_store::reports::{self, HandoverRow, SitrepRow};
use honbu_store::versions::At;

/// Handover briefs issued for the incident's HQs.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/handovers", tag = "handover", params(("id" = uuid::Uuid, Path), ListParams),
    responses((status = 200, body = Page<HandoverRow>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_handovers(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<HandoverRow>>, ApiError> {
    let (limit, cursor) = (q.limit()?, q.cursor_number()?);
    let rows = in_incident(&s, v, id, move |c, p| {
        let mine = p.hqs_in(id);
        let all = reports::handovers(c, id, At::Now)?;
        // A brief holds what its HQ may see: only that HQ's members (and administrators) read it.
        Ok(all
            .into_iter()
            .filter(|h| p.is_admin() || mine.contains(&h.hq))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(Json(page_of(rows, limit, cursor)))
}

/// Generates the handover brief for the incoming shift of an HQ.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/handovers", tag = "handover", params(("id" = uuid::Uuid, Path)), request_body = IssueHandover,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue_handover(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<IssueHandover>,
) -> Result<impl IntoResponse, ApiError> {
    let h = exec(&s, &v, move |c, ctx| {
        reports::issue_handover(c, ctx, id, &r)
    })
    .await?;
    Ok(created(h.0))
}

/// One handover brief (members of its HQ only).
#[utoipa::path(get, path = "/api/v1/handovers/{handover}", tag = "handover", params(("handover" = uuid::Uuid, Path)),
    responses((status = 200, body = HandoverRow), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_handover(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<HandoverId>,
) -> Result<Json<HandoverRow>, ApiError> {
    let h = s
        .store
        .read(move |c| reports::handover(c, id, At::Now))
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !(v.p.is_admin() || v.p.role_in(h.hq).is_some()) {
        return Err(ApiError::not_found());
    }
    Ok(Json(h))
}

/// The incoming officer acknowledges having read the brief (recorded).
#[utoipa::path(post, path = "/api/v1/handovers/{handover}/acknowledge", tag = "handover", params(("handover" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn acknowledge_handover(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<HandoverId>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        reports::acknowledge_handover(c, ctx, id)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Situation reports of the incident, newest first.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/sitreps", tag = "sitrep", params(("id" = uuid::Uuid, Path), ListParams),
    responses((status = 200, body = Page<SitrepRow>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_sitreps(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<SitrepRow>>, ApiError> {
    let (limit, cursor) = (q.limit()?, q.cursor_number()?);
    let rows = in_incident(&s, v, id, move |c, _| reports::sitreps(c, id, At::Now)).await?;
    Ok(Json(page_of(rows, limit, cursor)))
}

/// Issues a situation report for a time window; numbered per incident.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/sitreps", tag = "sitrep", params(("id" = uuid::Uuid, Path)), request_body = IssueSitrep,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue_sitrep(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<IssueSitrep>,
) -> Result<impl IntoResponse, ApiError> {
    let sr = exec(&s, &v, move |c, ctx| reports::issue_sitrep(c, ctx, id, &r)).await?;
    Ok(created(sr.0))
}

/// One situation report: the EDXL-SitRep header fields and the body.
#[utoipa::path(get, path = "/api/v1/sitreps/{sitrep}", tag = "sitrep", params(("sitrep" = uuid::Uuid, Path)),
    responses((status = 200, body = SitrepRow), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_sitrep(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<SitrepId>,
) -> Result<Json<SitrepRow>, ApiError> {
    let r = s
        .store
        .read(move |c| reports::sitrep(c, id, At::Now))
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !v.p.can_see_incident(r.incident) {
        return Err(ApiError::not_found());
    }
    Ok(Json(r))
}
