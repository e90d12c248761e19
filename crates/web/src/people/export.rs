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
use honbu_formats::pfif;
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
        let zone =
            honbu_store::incidents::incident(c, p, id, m.at)?.map_or(Zone::UTC, |i| i.time_zone);
        let mut all = vec![];
        loop {
            let page = people::persons(
                c,
                p,
                id,
                m.at,
                &PersonFilter::default(),
                MAX_LIMIT,
                all.len() as i64,
            )?;
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

/// A person's PFIF record: their names and details as the caller may read
/// them (their number alone otherwise), what PFIF has no field for (role,
/// nationalities, employer) in the description, and each status report as
/// a note (our statuses as PFIF's, with the word PFIF lacks in the text).
fn pfif_person(
    p: &PersonView,
    reports: &[honbu_domain::people::StatusReportView],
    source: &str,
) -> pfif::Person {
    let id = format!("{PFIF_DOMAIN}/person.{}", p.id);
    let d = p.details.clone().unwrap_or_default();
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut alternate: Vec<String> = d.other_names.clone();
    if !d.native_name.is_empty() {
        alternate.insert(0, d.native_name.clone());
    }
    let full = match &p.details {
        Some(d) => d.display_name(),
        None => format!("P-{}", p.number),
    };
    let mut description = vec![format!("honbu P-{}; role: {}", p.number, p.role)];
    if !p.nationalities.is_empty() {
        description.push(format!("nationalities: {}", p.nationalities.join(", ")));
    }
    if let Some(e) = &p.employer {
        description.push(format!("employer: {e}"));
    }
    let notes = reports
        .iter()
        .rev()
        .map(|r| {
            let (status, word) = pfif::note_status_for(r.status.as_str()).unzip();
            let mut text = vec![format!("status: {}", r.status)];
            if let Some(w) = word.filter(|w| !w.is_empty()) {
                text.push(w.to_string());
            }
            match &r.outcome {
                honbu_domain::people::Outcome::Holds => {}
                honbu_domain::people::Outcome::Noted { reason } => {
                    text.push(format!("kept as history: {reason}"))
                }
                honbu_domain::people::Outcome::Review { reason } => {
                    text.push(format!("in review: {reason}"))
                }
            }
            text.push(format!(
                "source {} ({}{})",
                r.source_name, r.reliability, r.credibility
            ));
            if let Some(n) = &r.note {
                text.push(n.clone());
            }
            pfif::Note {
                note_record_id: format!("{PFIF_DOMAIN}/note.{}", r.id),
                person_record_id: id.clone(),
                entry_date: Some(r.recorded_at),
                author_name: Some(r.source_name.clone()),
                source_date: Some(r.reported_at),
                // Only a report that holds says where the person stands.
                status: if r.outcome == honbu_domain::people::Outcome::Holds {
                    status
                } else {
                    None
                },
                text: Some(text.join(". ")),
                ..Default::default()
            }
        })
        .collect();
    pfif::Person {
        person_record_id: id,
        entry_date: Some(p.recorded_at),
        source_name: Some(source.to_string()),
        source_date: Some(p.recorded_at),
        full_name: vec![full],
        given_name: some(&d.given_name),
        family_name: some(&d.family_name),
        alternate_names: alternate,
        description: Some(description.join("; ")),
        sex: d.sex.and_then(|s| match s {
            honbu_domain::vocab::Sex::Female => Some(pfif::Sex::Female),
            honbu_domain::vocab::Sex::Male => Some(pfif::Sex::Male),
            honbu_domain::vocab::Sex::Other => Some(pfif::Sex::Other),
            honbu_domain::vocab::Sex::Unknown => None,
        }),
        date_of_birth: d
            .date_of_birth
            .and_then(|b| pfif::DateOfBirth::parse(&b.to_string())),
        age: d.age.map(|a| a.to_string()),
        notes,
        ..Default::default()
    }
}

/// The domain of the record ids honbu writes (`honbu/person.<id>`).
const PFIF_DOMAIN: &str = "honbu";

/// The register as PFIF 1.4 (persons with their notes), with `at` as it
/// stood then; what each caller may read, as for the CSV.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/persons.pfif", tag = "people", params(("id" = uuid::Uuid, Path), AtParam),
    responses((status = 200, content_type = "application/xml", body = String), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn persons_pfif(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Response, ApiError> {
    let at = q.time()?;
    let (all, _) = register(&s, v.clone(), id, at).await?;
    let (reports, title) = in_incident_at(&s, v, id, at, move |c, p, m| {
        let title = honbu_store::incidents::incident(c, p, id, m.at)?
            .map(|i| i.title)
            .unwrap_or_default();
        Ok((people::reports_by_person(c, p, id, m.at)?, title))
    })
    .await?;
    let source = format!("honbu: {title}");
    let persons: Vec<pfif::Person> = all
        .iter()
        .map(|p| {
            pfif_person(
                p,
                reports.get(&p.id).map_or(&[][..], Vec::as_slice),
                &source,
            )
        })
        .collect();
    Ok(download(
        pfif::write_pfif14(&persons, &[]),
        "application/xml; charset=utf-8",
        &file_name(id, "persons", at, "pfif.xml"),
    ))
}
