//! Incidents: the list, opening, one incident, its lifecycle, amendments.

use crate::api::{created, exec, Created, Page};
use crate::api::{in_incident_at, AtParam};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ListParams};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use honbu_domain::board::IncidentView;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_store::headquarters;
use honbu_store::headquarters::HqDetail;
use honbu_store::incidents;
use honbu_store::incidents::{IncidentSummary, StatusChange};
use serde::Serialize;
use utoipa::ToSchema;

/// Incidents the caller may know of: active first, then monitoring, resolved, closed.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(ListParams),
    responses((status = 200, body = Page<IncidentSummary>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_incidents(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<IncidentSummary>>, ApiError> {
    let (limit, offset) = (q.limit()?, q.cursor_number()?.unwrap_or(0));
    let page = s
        .store
        .read(move |c| incidents::incidents(c, &v.p, limit, offset))
        .await?;
    Ok(Json(page.into()))
}

/// Opens an incident, activating the headquarters given.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", request_body = OpenIncident,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open_incident(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiJson(r): ApiJson<OpenIncident>,
) -> Result<impl IntoResponse, ApiError> {
    let id = exec(&s, &v, move |c, ctx| incidents::open_incident(c, ctx, &r)).await?;
    Ok(created(id.0))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentDetail {
    #[serde(flatten)]
    pub incident: IncidentView,
    pub hqs: Vec<HqDetail>,
    pub status_history: Vec<StatusChange>,
}

/// One incident with its headquarters, now or as it stood at `at`; 404 if it does not exist or is not the caller's to know.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = uuid::Uuid, Path), AtParam),
    responses((status = 200, body = IncidentDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_incident(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Json<IncidentDetail>, ApiError> {
    let at = q.time()?;
    let d = in_incident_at(&s, v, id, at, move |c, p, m| {
        let Some(incident) = incidents::incident(c, p, id, m.at)? else {
            return Ok(None);
        };
        Ok(Some(IncidentDetail {
            incident,
            hqs: headquarters::hq_details(c, id, m.at, m.clock)?,
            status_history: incidents::status_history(c, id, m.at)?,
        }))
    })
    .await?
    .ok_or_else(ApiError::not_found)?;
    Ok(Json(d))
}

/// Moves the incident along its lifecycle (monitoring → active → resolved → closed), with a reason.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/status", tag = "incidents", params(("id" = uuid::Uuid, Path)), request_body = ChangeStatus,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_status(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<ChangeStatus>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        incidents::change_status(c, ctx, id, &r)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Amends title, severity, summary, place or area, with a reason.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/amend", tag = "incidents", params(("id" = uuid::Uuid, Path)), request_body = AmendIncident,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn amend_incident(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<AmendIncident>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        incidents::amend_incident(c, ctx, id, &r)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
