//! The board, now or as of a past moment, and the live stream.

use crate::api::now;
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use honbu_domain::board::Board;
use honbu_domain::ids::*;
use honbu_store::board;
use honbu_store::versions::At;
use serde::Deserialize;
use utoipa::IntoParams;

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
