//! People of concern: the register, status reports, the accountability
//! board, erasure.

use crate::api::{created, exec, in_incident_at, in_incident_of, Created, Page};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, ListParams};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::people::{Accountability, ImportReport, PersonRecord, PersonView};
use honbu_domain::vocab::PersonStatus;
use honbu_store::people::{self, PersonFilter, Reported};

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PersonParams {
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<i64>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Only people of this status.
    #[param(value_type = Option<PersonStatus>)]
    pub status: Option<String>,
    /// Only people not yet accounted for (unknown, missing, hostage).
    pub unaccounted: Option<bool>,
    /// Only people waiting in review.
    pub review: Option<bool>,
    /// Words each of which one of the person's names (or passport number)
    /// holds, in any case or script; needs the right to read names.
    pub q: Option<String>,
    /// Read the register as it stood at this moment (RFC 3339 with its
    /// offset, not in the future, not before the incident was opened).
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
}

impl PersonParams {
    /// The filter the query asks for, each bad value named.
    pub fn filter(&self) -> Result<PersonFilter, ApiError> {
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(PersonStatus::parse("status", s)?),
        };
        let q = self.q.as_deref().unwrap_or("");
        if q.chars().count() > 200 {
            return Err(ApiError::invalid("q", "at most 200 characters"));
        }
        Ok(PersonFilter {
            status,
            unaccounted: self.unaccounted.unwrap_or(false),
            in_review: self.review.unwrap_or(false),
            words: q.split_whitespace().take(10).map(str::to_string).collect(),
        })
    }
}

/// The incident's people of concern, by number; with `at`, as they stood then.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/persons", tag = "people", params(("id" = uuid::Uuid, Path), PersonParams),
    responses((status = 200, body = Page<PersonView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_persons(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<PersonParams>,
) -> Result<Json<Page<PersonView>>, ApiError> {
    let lp = ListParams {
        limit: q.limit,
        cursor: q.cursor.clone(),
    };
    let (limit, offset) = (lp.limit()?, lp.cursor_number()?.unwrap_or(0));
    let f = q.filter()?;
    let at = crate::api::parse_at(q.at.as_deref())?;
    let page = in_incident_at(&s, v, id, at, move |c, p, m| {
        people::persons(c, p, id, m.at, &f, limit, offset)
    })
    .await?;
    Ok(Json(page.into()))
}

/// Enters a person in the incident's register; their personal data is kept
/// apart from the journal, so that it can be erased.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/persons", tag = "people", params(("id" = uuid::Uuid, Path)), request_body = NewPerson,
    responses((status = 201, body = Created), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn record_person(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiJson(r): ApiJson<NewPerson>,
) -> Result<impl IntoResponse, ApiError> {
    let key = s.store.key().clone();
    let p = exec(&s, &v, move |c, ctx| {
        people::record_person(c, ctx, &key, id, &r)
    })
    .await?;
    Ok(created(p.0))
}

/// The accountability board: counts by status, nationality, employer and
/// role, and who is not yet accounted for; with `at`, as it stood then.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/accountability", tag = "people", params(("id" = uuid::Uuid, Path), crate::api::AtParam),
    responses((status = 200, body = Accountability), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn accountability(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<crate::api::AtParam>,
) -> Result<Json<Accountability>, ApiError> {
    let at = q.time()?;
    let a = in_incident_at(&s, v, id, at, move |c, p, m| {
        people::accountability(c, p, id, m.at)
    })
    .await?;
    Ok(Json(a))
}

/// A person and every report on them, newest first; with `at`, as they stood then.
#[utoipa::path(get, path = "/api/v1/persons/{person}", tag = "people", params(("person" = uuid::Uuid, Path), crate::api::AtParam),
    responses((status = 200, body = PersonRecord), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_person(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(person): ApiPath<PersonId>,
    ApiQuery(q): ApiQuery<crate::api::AtParam>,
) -> Result<Json<PersonRecord>, ApiError> {
    let at = q.time()?;
    let r = in_incident_of(
        &s,
        v,
        move |c, p| people::person_incident(c, p, person),
        at,
        move |c, p, m| people::person(c, p, person, m.at),
    )
    .await?;
    Ok(Json(r))
}

/// Changes what is recorded of a person: each field given replaces it.
#[utoipa::path(patch, path = "/api/v1/persons/{person}", tag = "people", params(("person" = uuid::Uuid, Path)), request_body = AmendPerson,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn amend_person(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(person): ApiPath<PersonId>,
    ApiJson(r): ApiJson<AmendPerson>,
) -> Result<StatusCode, ApiError> {
    let key = s.store.key().clone();
    exec(&s, &v, move |c, ctx| {
        people::amend_person(c, ctx, &key, person, &r)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a report of where a person stands: who said it, how sure, as of
/// when. The answer says whether it now holds, was noted as history, or put
/// the person in review (and why).
#[utoipa::path(post, path = "/api/v1/persons/{person}/reports", tag = "people", params(("person" = uuid::Uuid, Path)), request_body = ReportStatus,
    responses((status = 201, body = Reported), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn report_status(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(person): ApiPath<PersonId>,
    ApiJson(r): ApiJson<ReportStatus>,
) -> Result<impl IntoResponse, ApiError> {
    let key = s.store.key().clone();
    let out = exec(&s, &v, move |c, ctx| {
        people::report_status(c, ctx, &key, person, &r)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// Settles which report stands for a person: its status becomes theirs and
/// any review ends.
#[utoipa::path(post, path = "/api/v1/persons/{person}/settle", tag = "people", params(("person" = uuid::Uuid, Path)), request_body = SettleStatus,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn settle_status(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(person): ApiPath<PersonId>,
    ApiJson(r): ApiJson<SettleStatus>,
) -> Result<StatusCode, ApiError> {
    exec(&s, &v, move |c, ctx| {
        people::settle_status(c, ctx, person, &r)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an erasure removed.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Erased {
    /// Rows of personal data deleted (the details in each version, notes).
    pub rows: u64,
}

/// Erases a person's personal data (names, dates, passport, contacts,
/// notes) from the database and its files; the person's number, role and
/// statuses stay on the record, and the journal still verifies.
#[utoipa::path(post, path = "/api/v1/persons/{person}/erase", tag = "people", params(("person" = uuid::Uuid, Path)), request_body = ErasePerson,
    responses((status = 200, body = Erased), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn erase_person(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(person): ApiPath<PersonId>,
    ApiJson(r): ApiJson<ErasePerson>,
) -> Result<Json<Erased>, ApiError> {
    let rows = erase(&s, &v, person, r).await?;
    Ok(Json(Erased { rows }))
}

/// Erases, then scrubs the database's files (the page and the API alike).
pub(crate) async fn erase(
    s: &AppState,
    v: &crate::auth::Viewer,
    person: PersonId,
    r: ErasePerson,
) -> Result<u64, ApiError> {
    let rows = exec(s, v, move |c, ctx| people::erase_person(c, ctx, person, &r)).await?;
    if let Err(e) = s.store.scrub().await {
        // The rows are gone from the tables; what a log or dead space may
        // still hold goes at the next scrub. Said loudly, not hidden.
        tracing::error!("personal data erased, but the database files were not scrubbed: {e}");
    }
    Ok(rows)
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// The registered source the list comes from: its id or its name.
    pub source: String,
    /// Import the good rows even though some are refused (default: a list
    /// with a refused row imports nothing, and says which).
    pub take_good: Option<bool>,
    /// The role of the people a row does not give one for (default other).
    #[param(value_type = Option<honbu_domain::vocab::PersonRole>)]
    pub role: Option<String>,
}

/// A list refused whole: the error, and what each row would have done.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HeldList {
    pub error: crate::error::ErrorDetail,
    pub report: ImportReport,
}

/// Imports a list of people from a source, as it came: CSV (`text/csv`, a
/// header naming the columns) or PFIF 1.1–1.4 (`application/xml`). Each row
/// is matched to the register: linked when the match is sure, a new person
/// when it matches no one, in review beside its candidates otherwise. A
/// list with a refused row imports nothing unless `take_good=true`; the
/// same file from the same source twice creates nothing new.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/lists", tag = "people", params(("id" = uuid::Uuid, Path), ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The list as CSV (or PFIF as application/xml)"),
    responses((status = 201, body = ImportReport), (status = 200, description = "The same file was imported before: nothing new", body = ImportReport),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, description = "Rows refused (each by line and field), nothing imported; or the list cannot be read", body = HeldList)))]
pub async fn import_list(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<ImportParams>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<axum::response::Response, ApiError> {
    let report = import_report(&s, &v, id, &q, &headers, body.to_vec()).await?;
    Ok(report_response(report))
}

/// The report as the API answers it: 201 when imported, 200 when the same
/// file came before, 422 with the refused rows when the list is held.
pub(crate) fn report_response(report: ImportReport) -> axum::response::Response {
    use axum::response::IntoResponse;
    if report.held {
        let message = format!(
            "{} row(s) refused, nothing imported: correct them, or send again with take_good=true to import the others",
            report.refused.len()
        );
        let detail = crate::error::ErrorDetail {
            code: "rows_refused",
            field: Some("body".into()),
            message,
        };
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(HeldList {
                error: detail,
                report,
            }),
        )
            .into_response();
    }
    let status = if report.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    (status, Json(report)).into_response()
}

/// Reads and imports a list as `v` (the API and the people page alike):
/// CSV or PFIF by its content type (or, with none, by its first character).
pub(crate) async fn import_report(
    s: &AppState,
    v: &crate::auth::Viewer,
    id: IncidentId,
    q: &ImportParams,
    headers: &axum::http::HeaderMap,
    bytes: Vec<u8>,
) -> Result<ImportReport, ApiError> {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let pfif = ct.contains("xml")
        || (!ct.contains("csv") && bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<'));
    let role = match q.role.as_deref().map(str::trim) {
        None | Some("") => honbu_domain::vocab::PersonRole::Other,
        Some(r) => honbu_domain::vocab::PersonRole::parse("role", r)?,
    };
    let take_good = q.take_good.unwrap_or(false);
    let source = q.source.trim().to_string();
    let key = s.store.key().clone();
    exec(s, v, move |c, ctx| {
        // A stranger learns nothing of the incident, not even that a source is wrong.
        honbu_store::rules::visible_incident(c, ctx, id)?;
        // The source by id, or by its name as registered.
        let src = match source.parse::<SourceId>() {
            Ok(sid) => honbu_store::log::source(c, sid)?.map(|x| x.id),
            Err(_) => honbu_store::log::sources(c)?
                .into_iter()
                .find(|x| x.name.eq_ignore_ascii_case(&source))
                .map(|x| x.id),
        };
        let src = src.ok_or_else(|| {
            honbu_domain::FieldError::new("source", format!("no registered source {source:?}: register it first (its kind and reliability grade the list's reports)"))
        })?;
        let year = people::lists::this_year(ctx);
        let (format, read) = if pfif {
            (people::lists::Format::Pfif, people::lists::read_pfif(&bytes, role, year)?)
        } else {
            (people::lists::Format::Csv, people::lists::read_csv(&bytes, role, year)?)
        };
        people::lists::import_list(c, ctx, &key, id, src, format, &bytes, read, take_good)
    })
    .await
}

/// The lists imported into the incident, newest first, with what became of
/// their rows; with `at`, as they stood then.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/lists", tag = "people", params(("id" = uuid::Uuid, Path), crate::api::AtParam),
    responses((status = 200, body = Vec<people::lists::ListView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_lists(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<crate::api::AtParam>,
) -> Result<Json<Vec<people::lists::ListView>>, ApiError> {
    let at = q.time()?;
    Ok(Json(
        in_incident_at(&s, v, id, at, move |c, p, m| {
            people::lists::lists(c, p, id, m.at)
        })
        .await?,
    ))
}

/// The records of imported lists waiting for an officer, each with the
/// people it could be, oldest first.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/review", tag = "people", params(("id" = uuid::Uuid, Path), crate::api::AtParam),
    responses((status = 200, body = Vec<people::lists::ReviewItem>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_queue(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<crate::api::AtParam>,
) -> Result<Json<Vec<people::lists::ReviewItem>>, ApiError> {
    let at = q.time()?;
    Ok(Json(
        in_incident_at(&s, v, id, at, move |c, p, m| {
            people::lists::review_queue(c, p, id, m.at)
        })
        .await?,
    ))
}
