//! Headquarters: HQs, members, duty, cadence, status reports.

use crate::api::{created, exec, page_of, Created, Page};
use crate::api::{in_incident_at, IncidentListParams};
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
use honbu_store::headquarters;
use honbu_store::headquarters::{HqDetail, ReportRow};

/// The incident's headquarters, their members and who is on duty, now or as they stood at `at`.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/hqs", tag = "headquarters", params(("id" = uuid::Uuid, Path), IncidentListParams),
    responses((status = 200, body = Page<HqDetail>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_hqs(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<IncidentListParams>,
) -> Result<Json<Page<HqDetail>>, ApiError> {
    let (limit, cursor, at) = q.parts()?;
    let hqs = in_incident_at(&s, v, id, at, move |c, _, m| {
        headquarters::hq_details(c, id, m.at, m.clock)
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

/// Status reports filed by the incident's HQs (by `at`, if given), newest first.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/reports", tag = "headquarters", params(("id" = uuid::Uuid, Path), IncidentListParams),
    responses((status = 200, body = Page<ReportRow>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_reports(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<IncidentListParams>,
) -> Result<Json<Page<ReportRow>>, ApiError> {
    let (limit, cursor, at) = q.parts()?;
    let all = in_incident_at(&s, v, id, at, move |c, _, m| {
        headquarters::reports(c, id, m.at, None, 100_000)
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
