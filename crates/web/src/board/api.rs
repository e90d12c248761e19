//! The board, now or as of a past moment, and the live stream.

use crate::api::{in_incident_at, AtParam};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use honbu_domain::board::Board;
use honbu_domain::ids::*;
use honbu_store::board;

/// The common operating picture, now or as the record stood at a past moment.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/board", tag = "incidents", params(("id" = uuid::Uuid, Path), AtParam),
    responses((status = 200, body = Board), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn board(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Json<Board>, ApiError> {
    let at = q.time()?;
    let b = in_incident_at(&s, v, id, at, move |c, p, m| {
        board::board(c, p, id, m.at, m.clock)
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
