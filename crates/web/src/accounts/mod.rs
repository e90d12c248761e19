//! Accounts: signing in and out, one's own settings, and the
//! administrator's page (users, roles, tokens, the security record).

pub mod admin;
pub mod api;
pub mod login;

use crate::error::ApiError;
use crate::AppState;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A password hashed off the async threads (argon2 takes a while on
/// purpose), once its strength is checked.
pub(crate) async fn hashed(password: String) -> Result<String, ApiError> {
    honbu_store::accounts::check_password_strength(&password)?;
    tokio::task::spawn_blocking(move || honbu_store::accounts::hash_password(&password))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "hashing failed",
            )
        })?
        .map_err(ApiError::from)
}

/// The room's pages.
pub(crate) fn pages(r: Router<AppState>) -> Router<AppState> {
    r.route("/login", get(login::page).post(login::submit))
        .route("/logout", post(login::logout))
        .route(
            "/settings",
            get(login::settings_page).post(login::settings_submit),
        )
        .route("/admin", get(admin::page))
        .route("/admin/users", post(admin::create_user))
        .route("/admin/users/{name}/role", post(admin::set_role))
        .route("/admin/users/{name}/disable", post(admin::disable_user))
        .route("/admin/users/{name}/enable", post(admin::enable_user))
        .route("/admin/users/{name}/password", post(admin::reset_password))
        .route("/admin/roles", post(admin::define_role))
        .route("/admin/tokens", post(admin::create_token))
        .route("/admin/tokens/{id}/revoke", post(admin::revoke_token))
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::me, api::update_me))
        .routes(routes!(api::list_users, api::create_user))
        .routes(routes!(api::set_role))
        .routes(routes!(api::disable_user))
        .routes(routes!(api::enable_user))
        .routes(routes!(api::reset_password))
        .routes(routes!(api::list_tokens, api::create_token))
        .routes(routes!(api::revoke_token))
        .routes(routes!(api::list_roles, api::define_role))
        .routes(routes!(api::security_log))
        .routes(routes!(api::verify_journal))
}
