//! Decisions and tasks.

pub mod api;
pub mod export;
pub mod views;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The room's pages.
pub(crate) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/incidents/{id}/decisions",
        get(views::decisions_page).post(views::decide),
    )
    .route(
        "/incidents/{id}/tasks",
        get(views::tasks_page).post(views::assign),
    )
    .route("/tasks/{task}/status", post(views::task_status))
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::list_decisions, api::record_decision))
        .routes(routes!(export::decisions_csv))
        .routes(routes!(export::decisions_json))
        .routes(routes!(api::list_tasks, api::assign_task))
        .routes(routes!(api::update_task))
}
