//! Incidents: the list, opening one, amending it, its lifecycle.

pub mod api;
pub mod views;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The room's pages.
pub(crate) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/", get(views::index))
        .route("/incidents/new", get(views::new_page))
        .route("/incidents", post(views::create))
        .route("/incidents/{id}/status", post(views::status))
        .route(
            "/incidents/{id}/amend",
            get(views::amend_page).post(views::amend),
        )
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::list_incidents, api::open_incident))
        .routes(routes!(api::get_incident))
        .routes(routes!(api::change_status))
        .routes(routes!(api::amend_incident))
}
