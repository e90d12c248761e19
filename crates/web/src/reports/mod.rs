//! Handover briefs and situation reports.

pub mod api;
pub mod views;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The room's pages.
pub(crate) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route(
        "/incidents/{id}/handover",
        get(views::handover_page).post(views::handover_issue),
    )
    .route("/handovers/{h}", get(views::brief_page))
    .route("/handovers/{h}/acknowledge", post(views::brief_ack))
    .route(
        "/incidents/{id}/sitreps",
        get(views::sitreps_page).post(views::sitrep_issue),
    )
    .route("/sitreps/{s}", get(views::sitrep_page))
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::list_handovers, api::issue_handover))
        .routes(routes!(api::get_handover))
        .routes(routes!(api::acknowledge_handover))
        .routes(routes!(api::list_sitreps, api::issue_sitrep))
        .routes(routes!(api::get_sitrep))
}
