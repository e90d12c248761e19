//! The board: the common operating picture, live or as of a past
//! moment, its map, and the live stream of changes.

pub mod api;
pub mod views;

use crate::AppState;
use axum::routing::get;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The room's pages.
pub(crate) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/incidents/{id}", get(views::page))
        .route("/incidents/{id}/board", get(views::partial))
        .route("/incidents/{id}/map.svg", get(views::map))
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::board)).routes(routes!(api::stream))
}
