//! People of concern: the register, their status reports, the
//! accountability board, erasure of their personal data.

pub mod api;
pub mod chart;
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
        "/incidents/{id}/people",
        get(views::people_page).post(views::record),
    )
    .route(
        "/incidents/{id}/people/lists",
        get(views::lists_page).post(views::upload),
    )
    .route("/incidents/{id}/people/lists/paste", post(views::paste))
    .route("/incidents/{id}/people/{person}", get(views::person_page))
    .route(
        "/incidents/{id}/people/{person}/reports",
        post(views::report),
    )
    .route(
        "/incidents/{id}/people/{person}/settle",
        post(views::settle),
    )
    .route("/incidents/{id}/people/{person}/erase", post(views::erase))
    .route("/incidents/{id}/people/{person}/amend", post(views::amend))
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::list_persons, api::record_person))
        .routes(routes!(api::accountability))
        .routes(routes!(export::persons_csv))
        .routes(routes!(export::persons_pfif))
        .routes(routes!(api::import_list, api::list_lists))
        .routes(routes!(api::review_queue))
        .routes(routes!(api::get_person, api::amend_person))
        .routes(routes!(api::report_status))
        .routes(routes!(api::settle_status))
        .routes(routes!(api::erase_person))
}
