//! The JSON API, `/api/v1`. Everything the pages can do, the API can do.
//! Every route is registered with `routes!`, which puts it in the OpenAPI
//! document at the same time.

mod accounts;
mod incidents;
mod log;
mod work;

use crate::auth::Viewer;
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use honbu_domain::events::Event;
use honbu_store::rules::Ctx;
use honbu_store::sql::Conn;
use honbu_store::versions::At;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "honbu", description = "The crisis desk's emergency headquarters: incidents, linked HQs, the graded situation log, decisions, tasks, briefs and reports."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(ErrorBody))
)]
struct Doc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(Doc::openapi())
        .routes(routes!(incidents::health))
        .routes(routes!(incidents::list_incidents, incidents::open_incident))
        .routes(routes!(incidents::get_incident))
        .routes(routes!(incidents::change_status))
        .routes(routes!(incidents::amend_incident))
        .routes(routes!(incidents::board))
        .routes(routes!(incidents::stream))
        .routes(routes!(incidents::list_hqs, incidents::activate_hq))
        .routes(routes!(incidents::add_member))
        .routes(routes!(incidents::remove_member))
        .routes(routes!(incidents::duty))
        .routes(routes!(incidents::set_cadence))
        .routes(routes!(incidents::list_reports, incidents::file_report))
        .routes(routes!(log::list_entries, log::log_entry))
        .routes(routes!(log::get_entry))
        .routes(routes!(log::mark_significant))
        .routes(routes!(log::release_entry))
        .routes(routes!(log::list_sources, log::register_source))
        .routes(routes!(log::regrade_source))
        .routes(routes!(work::list_decisions, work::record_decision))
        .routes(routes!(work::list_tasks, work::assign_task))
        .routes(routes!(work::update_task))
        .routes(routes!(work::list_handovers, work::issue_handover))
        .routes(routes!(work::get_handover))
        .routes(routes!(work::acknowledge_handover))
        .routes(routes!(work::list_sitreps, work::issue_sitrep))
        .routes(routes!(work::get_sitrep))
        .routes(routes!(accounts::me, accounts::update_me))
        .routes(routes!(accounts::list_users, accounts::create_user))
        .routes(routes!(accounts::set_role))
        .routes(routes!(accounts::list_tokens, accounts::create_token))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::list_roles, accounts::define_role))
        .routes(routes!(accounts::security_log))
        .routes(routes!(accounts::verify_journal))
}

pub fn now() -> honbu_domain::time::Timestamp {
    honbu_domain::time::trunc(chrono::Utc::now())
}

/// Runs a command handler as `v`, now, in one write transaction.
pub async fn exec<T: Send + 'static>(
    state: &AppState,
    v: &Viewer,
    f: impl FnOnce(&mut dyn Conn, &Ctx) -> honbu_store::Result<(Vec<Event>, T)> + Send + 'static,
) -> Result<T, ApiError> {
    let p = v.p.clone();
    let now = now();
    let (_, out) = state
        .store
        .write(move |c| f(c, &Ctx { p: &p, now }))
        .await?;
    Ok(out)
}

/// Reads inside an incident the viewer may know of; "not found" otherwise
/// (a stranger learns nothing, not even that the incident exists).
pub async fn in_incident<T: Send + 'static>(
    state: &AppState,
    v: Viewer,
    id: honbu_domain::ids::IncidentId,
    f: impl FnOnce(&mut dyn Conn, &honbu_domain::access::Principal) -> honbu_store::Result<T>
        + Send
        + 'static,
) -> Result<T, ApiError> {
    state
        .store
        .read(move |c| {
            if honbu_store::incidents::incident(c, &v.p, id, At::Now)?.is_none() {
                return Ok(None);
            }
            f(c, &v.p).map(Some)
        })
        .await?
        .ok_or_else(ApiError::not_found)
}

/// The id of something just made.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: uuid::Uuid,
}

pub fn created(id: uuid::Uuid) -> (axum::http::StatusCode, axum::Json<Created>) {
    (axum::http::StatusCode::CREATED, axum::Json(Created { id }))
}

/// A page of results.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// How many the viewer may see in all.
    pub total: i64,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> From<honbu_store::rules::Page<T>> for Page<T> {
    fn from(p: honbu_store::rules::Page<T>) -> Self {
        Page {
            items: p.items,
            total: p.total,
            next_cursor: p.next_cursor,
        }
    }
}

/// Pages an in-memory list by offset cursor.
pub fn page_of<T>(all: Vec<T>, limit: i64, cursor: Option<i64>) -> Page<T> {
    let total = all.len() as i64;
    let offset = cursor.unwrap_or(0).min(total);
    let items: Vec<T> = all
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    let end = offset + items.len() as i64;
    Page {
        items,
        total,
        next_cursor: (end < total).then(|| end.to_string()),
    }
}
