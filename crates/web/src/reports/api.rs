//! Handover briefs and situation reports.

use crate::api::{created, exec, page_of, Created, Page};
use crate::api::{in_incident_at, in_incident_of, AtParam, IncidentListParams};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_store::reports::{self, HandoverRow, SitrepRow};
use honbu_store::versions::At;

/// Handover briefs issued for the caller's HQs; with `at`, those issued by then, acknowledged or not as they stood.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/handovers", tag = "handover", params(("id" = uuid::Uuid, Path), IncidentListParams),
    responses((status = 200, body = Page<HandoverRow>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_handovers(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<IncidentListParams>,
) -> Result<Json<Page<HandoverRow>>, ApiError> {
    let (limit, cursor, at) = q.parts()?;
    let rows = in_incident_at(&s, v, id, at, move |c, p, m| {
        let mine = p.hqs_in(id);
        let all = reports::handovers(c, id, m.at)?;
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

/// One handover brief (members of its HQ only); with `at`, as it stood then (acknowledged or not).
#[utoipa::path(get, path = "/api/v1/handovers/{handover}", tag = "handover", params(("handover" = uuid::Uuid, Path), AtParam),
    responses((status = 200, body = HandoverRow), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_handover(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<HandoverId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Json<HandoverRow>, ApiError> {
    let at = q.time()?;
    let h = in_incident_of(
        &s,
        v,
        move |c, p| Ok(reports::readable_handover(c, p, id, At::Now)?.map(|h| h.incident)),
        at,
        move |c, _, m| reports::handover(c, id, m.at),
    )
    .await?;
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

/// Situation reports of the incident (issued by `at`, if given), newest first.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/sitreps", tag = "sitrep", params(("id" = uuid::Uuid, Path), IncidentListParams),
    responses((status = 200, body = Page<SitrepRow>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_sitreps(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<IncidentListParams>,
) -> Result<Json<Page<SitrepRow>>, ApiError> {
    let (limit, cursor, at) = q.parts()?;
    let rows = in_incident_at(&s, v, id, at, move |c, _, m| reports::sitreps(c, id, m.at)).await?;
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

/// One situation report: the EDXL-SitRep header fields and the body (with `at`: only if issued by then).
#[utoipa::path(get, path = "/api/v1/sitreps/{sitrep}", tag = "sitrep", params(("sitrep" = uuid::Uuid, Path), AtParam),
    responses((status = 200, body = SitrepRow), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_sitrep(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<SitrepId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Json<SitrepRow>, ApiError> {
    let at = q.time()?;
    let r = in_incident_of(
        &s,
        v,
        move |c, p| {
            Ok(reports::sitrep(c, id, At::Now)?
                .map(|r| r.incident)
                .filter(|i| p.can_see_incident(*i)))
        },
        at,
        move |c, _, m| reports::sitrep(c, id, m.at),
    )
    .await?;
    Ok(Json(r))
}
