//! Decisions and tasks.

use crate::api::{created, exec, page_of, Created, Page};
use crate::api::{in_incident_at, IncidentListParams};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ListParams};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use honbu_domain::board::{DecisionView, TaskView};
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_store::work;

/// Decisions recorded for the incident (by `at`, if given), newest first.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/decisions", tag = "decisions", params(("id" = uuid::Uuid, Path), IncidentListParams),
    responses((status = 200, body = Page<DecisionView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_decisions(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<IncidentListParams>,
) -> Result<Json<Page<DecisionView>>, ApiError> {
    let (limit, cursor, at) = q.parts()?;
    let offset = cursor.unwrap_or(0);
    let page = in_incident_at(&s, v, id, at, move |c, p, m| {
        work::decisions(c, p, id, m.at, limit, offset)
    })
    .await?;
    Ok(Json(page.into()))
}

/// Records a decision: who decided, the options, the rationale and the entries it rests on.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/decisions", tag = "decisions", params(("id" = uuid::Uuid, Path)), request_body = RecordDecision,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_decision(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<RecordDecision>,
) -> Result<impl IntoResponse, ApiError> {
    let d = exec(&s, &v, move |c, ctx| work::record_decision(c, ctx, id, &r)).await?;
    Ok(created(d.0))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskParams {
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Include done and cancelled tasks.
    pub all: Option<bool>,
    /// Read the tasks as they stood at this moment, overdue measured then
    /// (RFC 3339 with its offset, not in the future, not before the incident
    /// was opened); absent: now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
}

/// Tasks, overdue first; with `at`, as they stood then.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/tasks", tag = "tasks", params(("id" = uuid::Uuid, Path), TaskParams),
    responses((status = 200, body = Page<TaskView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_tasks(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<TaskParams>,
) -> Result<Json<Page<TaskView>>, ApiError> {
    let lp = ListParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (limit, cursor) = (lp.limit()?, lp.cursor_number()?);
    let all = q.all.unwrap_or(false);
    let at = crate::api::parse_at(q.at.as_deref())?;
    let tasks = in_incident_at(&s, v, id, at, move |c, _, m| {
        work::tasks(c, id, m.at, all, m.clock)
    })
    .await?;
    Ok(Json(page_of(tasks, limit, cursor)))
}

/// Assigns a task to an agency, unit or person, with a due time.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/tasks", tag = "tasks", params(("id" = uuid::Uuid, Path)), request_body = AssignTask,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn assign_task(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<AssignTask>,
) -> Result<impl IntoResponse, ApiError> {
    let t = exec(&s, &v, move |c, ctx| work::assign_task(c, ctx, id, &r)).await?;
    Ok(created(t.0))
}

/// Changes a task's status (open, in_progress, blocked, done, cancelled).
#[utoipa::path(patch, path = "/api/v1/tasks/{task}", tag = "tasks", params(("task" = uuid::Uuid, Path)), request_body = UpdateTask,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_task(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<TaskId>,
    ApiJson(r): ApiJson<UpdateTask>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| work::update_task(c, ctx, id, &r)).await?;
    Ok(StatusCode::NO_CONTENT)
}
