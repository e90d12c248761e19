//! The situation log and its sources.

pub mod api;
pub mod export;
pub mod search;
pub mod views;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The room's pages.
pub(crate) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/incidents/{id}/log", get(views::page).post(views::create))
        .route("/incidents/{id}/log/{entry}", get(views::entry_page))
        .route("/entries/{entry}/significance", post(views::significance))
        .route("/entries/{entry}/release", post(views::release))
        .route(
            "/sources",
            get(views::sources_page).post(views::source_create),
        )
        .route("/sources/{s}/regrade", post(views::source_regrade))
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::list_entries, api::log_entry))
        .routes(routes!(export::log_csv))
        .routes(routes!(export::log_json))
        .routes(routes!(api::get_entry))
        .routes(routes!(api::mark_significant))
        .routes(routes!(api::release_entry))
        .routes(routes!(api::list_sources, api::register_source))
        .routes(routes!(api::regrade_source))
}
