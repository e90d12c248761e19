//! Headquarters: the HQs of an incident, their members, who is on duty,
//! the report cadence and the status reports filed.

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
        "/incidents/{id}/hqs",
        get(views::hqs_page).post(views::activate_hq),
    )
    .route("/hqs/{hq}/members", post(views::add_member))
    .route(
        "/hqs/{hq}/members/{user}/remove",
        post(views::remove_member),
    )
    .route("/hqs/{hq}/duty", post(views::duty))
    .route("/hqs/{hq}/cadence", post(views::cadence))
    .route("/hqs/{hq}/reports", post(views::report))
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::list_hqs, api::activate_hq))
        .routes(routes!(api::add_member))
        .routes(routes!(api::remove_member))
        .routes(routes!(api::duty))
        .routes(routes!(api::set_cadence))
        .routes(routes!(api::list_reports, api::file_report))
}
