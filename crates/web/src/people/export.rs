//! The register exported whole: what the caller may read of each person,
//! every time in UTC and in the incident's own zone.

use crate::api::{in_incident_at, AtParam};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::export::{download, local, utc, Csv};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use honbu_domain::ids::*;
use honbu_domain::people::PersonView;
use honbu_domain::time::{Timestamp, Zone};
use honbu_store::people::{self, PersonFilter};
use honbu_store::rules::MAX_LIMIT;

/// Every person of the incident the caller may see at the moment asked
/// for, by number, with the incident's zone.
pub(crate) async fn register(
    s: &AppState,
    v: crate::auth::Viewer,
    id: IncidentId,
    at: Option<Timestamp>,
) -> Result<(Vec<PersonView>, Zone), ApiError> {
    in_incident_at(s, v, id, at, move |c, p, m| {
        let zone = honbu_store::incidents::incident(c, p, id, m.at)?
            .map_or(Zone::UTC, |i| i.time_zone);
        let mut all = vec![];
        loop {
            let page = people::persons(c, p, id, m.at, &PersonFilter::default(), MAX_LIMIT, all.len() as i64)?;
            let n = page.items.len();
            all.extend(page.items);
            if n < MAX_LIMIT as usize {
                break;
            }
        }
        Ok((all, zone))
    })
    .await
}

pub(crate) fn file_name(id: IncidentId, what: &str, at: Option<Timestamp>, ext: &str) -> String {
    format!(
        "honbu-{what}-{id}-{}{}.{ext}",
        if at.is_some() { "as-of-" } else { "" },
        utc(&at.unwrap_or_else(crate::api::now))
    )
}

/// The register as CSV, by number (with `at`, as it stood then): names and
/// personal details only for those who may read them, the passport number
/// masked and contacts left out for a role that does not need them; every
/// time in UTC and in the incident's zone.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/persons.csv", tag = "people", params(("id" = uuid::Uuid, Path), AtParam),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn persons_csv(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Response, ApiError> {
    let at = q.time()?;
    let (all, zone) = register(&s, v, id, at).await?;
    let mut csv = Csv::new(&[
        "number",
        "family_name",
        "given_name",
        "native_name",
        "other_names",
        "sex",
        "date_of_birth",
        "age",
        "nationalities",
        "passport_number",
        "employer",
        "role",
        "status",
        "status_since",
        "status_since_local",
        "status_reported_at",
        "in_review",
        "location",
        "contacts",
        "personal_data_erased_at",
        "local_zone",
    ]);
    for p in &all {
        let d = p.details.clone().unwrap_or_default();
        let number = format!("P-{}", p.number);
        let (dob, age) = (
            d.date_of_birth.map(|b| b.to_string()).unwrap_or_default(),
            d.age.map(|a| a.to_string()).unwrap_or_default(),
        );
        let reported = p.status_reported_at.as_ref().map(utc).unwrap_or_default();
        let erased = p.erased_at.as_ref().map(utc).unwrap_or_default();
        let (since, since_local) = (utc(&p.status_since), local(&p.status_since, zone));
        csv.row([
            number.as_str(),
            &d.family_name,
            &d.given_name,
            &d.native_name,
            &d.other_names.join(" | "),
            d.sex.map_or("", |s| s.as_str()),
            &dob,
            &age,
            &p.nationalities.join(" "),
            &d.passport_number,
            p.employer.as_deref().unwrap_or(""),
            p.role.as_str(),
            p.status.as_str(),
            &since,
            &since_local,
            &reported,
            p.review.as_deref().unwrap_or(""),
            &d.location,
            &d.contacts.join(" | "),
            &erased,
            zone.name(),
        ]);
    }
    Ok(download(
        csv.finish(),
        "text/csv; charset=utf-8",
        &file_name(id, "persons", at, "csv"),
    ))
}
