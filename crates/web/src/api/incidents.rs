//! Incidents, their boards and live streams, and their headquarters.

use super::{created, exec, in_incident, now, page_of, Created, Page};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ListParams};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use honbu_domain::board::{Board, IncidentView};
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_store::board;
use honbu_store::headquarters;
use honbu_store::headquarters::{HqDetail, ReportRow};
use honbu_store::incidents;
use honbu_store::incidents::{IncidentSummary, StatusChange};
use honbu_store::journal;
use honbu_store::versions::At;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// 200 when the database answers.
#[utoipa::path(get, path = "/healthz", tag = "system", security(()),
    responses((status = 200, description = "The database answers", body = String), (status = 503, description = "It does not", body = ErrorBody)))]
pub async fn health(State(s): State<AppState>) -> Result<&'static str, ApiError> {
    s.store.read(journal::last_seq).await.map_err(|e| {
        tracing::error!("health check: {e}");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the database does not answer",
        )
    })?;
    Ok("ok")
}

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

/// One incident with its headquarters; 404 if it does not exist or is not the caller's to know.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = IncidentDetail), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_incident(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
) -> Result<Json<IncidentDetail>, ApiError> {
    let d = s
        .store
        .read(move |c| {
            let Some(incident) = incidents::incident(c, &v.p, id, At::Now)? else {
                return Ok(None);
            };
            Ok(Some(IncidentDetail {
                incident,
                hqs: headquarters::hq_details(c, id, At::Now, now())?,
                status_history: incidents::status_history(c, id, At::Now)?,
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

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// Show the board as it stood at this moment (RFC 3339 with offset), rebuilt from the journal.
    pub at: Option<String>,
}

/// The common operating picture, now or as of a past moment.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/board", tag = "incidents", params(("id" = uuid::Uuid, Path), AsOf),
    responses((status = 200, body = Board), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn board(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<AsOf>,
) -> Result<Json<Board>, ApiError> {
    let at =
        q.at.as_deref()
            .map(|a| honbu_domain::time::parse_time("at", a))
            .transpose()?;
    let b = s
        .store
        .read(move |c| match at {
            Some(at) => board::board_as_of(c, &v.p, id, at),
            None => board::board(c, &v.p, id, At::Now, now()),
        })
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(b))
}

/// Server-Sent Events of the incident: one event per change the caller may see.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/stream", tag = "incidents", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, description = "text/event-stream: `event` is the change's kind, `id` its journal number, `data` a JSON object", content_type = "text/event-stream", body = String),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn stream(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
) -> Result<axum::response::Response, ApiError> {
    crate::live::incident_stream(&s, v, id).await
}

/// The incident's headquarters, their members and who is on duty.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/hqs", tag = "headquarters", params(("id" = uuid::Uuid, Path), ListParams),
    responses((status = 200, body = Page<HqDetail>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_hqs(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<HqDetail>>, ApiError> {
    let (limit, cursor) = (q.limit()?, q.cursor_number()?);
    let hqs = in_incident(&s, v, id, move |c, _| {
        headquarters::hq_details(c, id, At::Now, now())
    })
    .await?;
    Ok(Json(page_of(hqs, limit, cursor)))
}

/// Activates another headquarters for the incident; its head joins it.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/hqs", tag = "headquarters", params(("id" = uuid::Uuid, Path)), request_body = NewHq,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn activate_hq(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<NewHq>,
) -> Result<impl IntoResponse, ApiError> {
    let hq = exec(&s, &v, move |c, ctx| {
        headquarters::activate_hq(c, ctx, id, &r)
    })
    .await?;
    Ok(created(hq.0))
}

/// Adds a member in a role (or changes their role).
#[utoipa::path(post, path = "/api/v1/hqs/{hq}/members", tag = "headquarters", params(("hq" = uuid::Uuid, Path)), request_body = AddMember,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(hq): ApiPath<HqId>,
    ApiJson(r): ApiJson<AddMember>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        headquarters::add_member(c, ctx, hq, &r)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member.
#[utoipa::path(delete, path = "/api/v1/hqs/{hq}/members/{username}", tag = "headquarters", params(("hq" = uuid::Uuid, Path), ("username" = honbu_domain::openapi::Username, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn remove_member(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath((hq, user)): ApiPath<(HqId, String)>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        headquarters::remove_member(c, ctx, hq, &user)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signs a member on or off duty.
#[utoipa::path(post, path = "/api/v1/hqs/{hq}/duty", tag = "headquarters", params(("hq" = uuid::Uuid, Path)), request_body = Duty,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn duty(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(hq): ApiPath<HqId>,
    ApiJson(r): ApiJson<Duty>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| headquarters::duty(c, ctx, hq, &r)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets how often this HQ is expected to file a status report (null: not expected).
#[utoipa::path(put, path = "/api/v1/hqs/{hq}/cadence", tag = "headquarters", params(("hq" = uuid::Uuid, Path)), request_body = SetCadence,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_cadence(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(hq): ApiPath<HqId>,
    ApiJson(r): ApiJson<SetCadence>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        headquarters::set_cadence(c, ctx, hq, &r)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Status reports filed by the incident's HQs, newest first.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/reports", tag = "headquarters", params(("id" = uuid::Uuid, Path), ListParams),
    responses((status = 200, body = Page<ReportRow>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_reports(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> Result<Json<Page<ReportRow>>, ApiError> {
    let (limit, cursor) = (q.limit()?, q.cursor_number()?);
    let all = in_incident(&s, v, id, move |c, _| {
        headquarters::reports(c, id, At::Now, None, 100_000)
    })
    .await?;
    Ok(Json(page_of(all, limit, cursor)))
}

/// Files this HQ's status report.
#[utoipa::path(post, path = "/api/v1/hqs/{hq}/reports", tag = "headquarters", params(("hq" = uuid::Uuid, Path)), request_body = FileReport,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn file_report(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(hq): ApiPath<HqId>,
    ApiJson(r): ApiJson<FileReport>,
) -> Result<impl IntoResponse, ApiError> {
    let id = exec(&s, &v, move |c, ctx| {
        headquarters::file_report(c, ctx, hq, &r)
    })
    .await?;
    Ok(created(id.0))
}
