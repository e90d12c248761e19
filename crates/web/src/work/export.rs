//! The decisions exported whole, as CSV and JSON: those the caller may
//! read, every time in UTC and in the deciding HQ's zone.

use crate::api::{in_incident_at, AtParam};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::export::{download, json_download, local, utc, Csv};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use honbu_domain::ids::*;
use honbu_domain::time::Zone;
use honbu_domain::vocab::Release;
use honbu_store::rules::MAX_LIMIT;
use honbu_store::{log, work};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// One decision as exported.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedDecision {
    pub id: DecisionId,
    pub hq: HqId,
    pub hq_name: String,
    /// The IANA zone of the HQ, in which the `*_local` times are given.
    pub hq_zone: String,
    pub decided_at: String,
    pub decided_at_local: String,
    pub decided_by: String,
    /// Who recorded it (display name).
    pub recorded_by: Option<String>,
    pub recorded_at: String,
    pub recorded_at_local: String,
    pub title: String,
    pub options: Vec<String>,
    pub rationale: String,
    /// The numbers of the entries it rests on, of those the caller may read.
    pub based_on: Vec<i64>,
    #[schema(value_type = String)]
    pub release: Release,
}

/// The decisions as exported.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionsExport {
    pub incident: IncidentId,
    pub exported_at: String,
    pub as_of: Option<String>,
    pub decisions: Vec<ExportedDecision>,
}

async fn export(
    s: &AppState,
    v: crate::auth::Viewer,
    id: IncidentId,
    q: &AtParam,
) -> Result<DecisionsExport, ApiError> {
    let at = q.time()?;
    let decisions = in_incident_at(s, v, id, at, move |c, p, m| {
        let hqs: HashMap<HqId, (String, Zone)> =
            honbu_store::headquarters::hq_views(c, id, m.at, m.clock)?
                .into_iter()
                .map(|h| (h.id, (h.name, h.time_zone)))
                .collect();
        let names = honbu_store::accounts::names(c)?;
        let mut all = vec![];
        loop {
            let page = work::decisions(c, p, id, m.at, MAX_LIMIT, all.len() as i64)?;
            let n = page.items.len();
            all.extend(page.items);
            if n < MAX_LIMIT as usize {
                break;
            }
        }
        all.reverse();
        let ids: Vec<EntryId> = all.iter().flat_map(|d| d.based_on.clone()).collect();
        let numbers = log::readable_numbers(c, p, id, m.at, &ids)?;
        let unknown = (String::new(), Zone::UTC);
        Ok(all
            .into_iter()
            .map(|d| {
                let (hq_name, zone) = hqs.get(&d.hq).unwrap_or(&unknown).clone();
                ExportedDecision {
                    id: d.id,
                    hq: d.hq,
                    hq_name,
                    hq_zone: zone.name().to_string(),
                    decided_at: utc(&d.decided_at),
                    decided_at_local: local(&d.decided_at, zone),
                    decided_by: d.decided_by,
                    recorded_by: d.recorded_by.and_then(|u| names.get(&u).cloned()),
                    recorded_at: utc(&d.recorded_at),
                    recorded_at_local: local(&d.recorded_at, zone),
                    title: d.title,
                    options: d.options,
                    rationale: d.rationale,
                    based_on: d
                        .based_on
                        .iter()
                        .filter_map(|e| numbers.get(e).copied())
                        .collect(),
                    release: d.release,
                }
            })
            .collect())
    })
    .await?;
    Ok(DecisionsExport {
        incident: id,
        exported_at: utc(&crate::api::now()),
        as_of: at.as_ref().map(utc),
        decisions,
    })
}

fn file_name(d: &DecisionsExport, ext: &str) -> String {
    format!(
        "honbu-decisions-{}-{}{}.{ext}",
        d.incident,
        if d.as_of.is_some() { "as-of-" } else { "" },
        d.as_of.as_deref().unwrap_or(&d.exported_at)
    )
}

/// The decisions as CSV, oldest first (with `at`, as they stood then): each
/// time in UTC and in the deciding HQ's zone; options joined by " | ".
#[utoipa::path(get, path = "/api/v1/incidents/{id}/decisions.csv", tag = "decisions", params(("id" = uuid::Uuid, Path), AtParam),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decisions_csv(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Response, ApiError> {
    let doc = export(&s, v, id, &q).await?;
    let mut csv = Csv::new(&[
        "id",
        "hq",
        "hq_name",
        "hq_zone",
        "decided_at_utc",
        "decided_at_local",
        "decided_by",
        "recorded_by",
        "recorded_at_utc",
        "recorded_at_local",
        "title",
        "options",
        "rationale",
        "based_on",
        "release",
    ]);
    for d in &doc.decisions {
        let based_on = crate::export::numbers(&d.based_on);
        let row: [String; 15] = [
            d.id.to_string(),
            d.hq.to_string(),
            d.hq_name.clone(),
            d.hq_zone.clone(),
            d.decided_at.clone(),
            d.decided_at_local.clone(),
            d.decided_by.clone(),
            d.recorded_by.clone().unwrap_or_default(),
            d.recorded_at.clone(),
            d.recorded_at_local.clone(),
            d.title.clone(),
            d.options.join(" | "),
            d.rationale.clone(),
            based_on,
            d.release.to_string(),
        ];
        csv.row(row.iter().map(String::as_str));
    }
    let name = file_name(&doc, "csv");
    Ok(download(csv.finish(), "text/csv; charset=utf-8", &name))
}

/// The decisions as one JSON document: as the CSV export.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/decisions.json", tag = "decisions", params(("id" = uuid::Uuid, Path), AtParam),
    responses((status = 200, body = DecisionsExport), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decisions_json(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Response, ApiError> {
    let doc = export(&s, v, id, &q).await?;
    let name = file_name(&doc, "json");
    json_download(&doc, &name)
}
