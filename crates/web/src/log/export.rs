//! The log exported whole, as CSV and JSON: what the caller may read,
//! every time in UTC and in the recording HQ's zone.

use crate::api::in_incident_at;
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::export::{download, json_download, local, utc, Csv};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::response::Response;
use honbu_domain::access::Principal;
use honbu_domain::board::EntryView;
use honbu_domain::ids::*;
use honbu_domain::time::Zone;
use honbu_domain::vocab::*;
use honbu_store::log::{self, EntryQuery, Filter};
use honbu_store::rules::{Moment, MAX_LIMIT};
use honbu_store::sql::Conn;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Export the log as it stood at this moment (RFC 3339 with its
    /// offset); absent: now.
    #[param(value_type = Option<String>, format = DateTime)]
    pub at: Option<String>,
    /// Only entries marked significant.
    pub significant: Option<bool>,
    /// Only entries whose text holds every one of these words (as the
    /// log's `q`).
    pub q: Option<String>,
    /// Only entries of this headquarters (its id).
    pub hq: Option<String>,
    /// Only entries of this category.
    pub category: Option<String>,
    /// Only entries from this registered source (its id).
    pub source: Option<String>,
    /// Only entries whose source is graded so (A to F).
    pub reliability: Option<String>,
    /// Only entries of this credibility (1 to 6).
    pub credibility: Option<String>,
    /// Only entries entered by this user (their user name).
    pub author: Option<String>,
    /// Only entries that occurred at or after this moment (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub from: Option<String>,
    /// Only entries that occurred at or before this moment (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub to: Option<String>,
}

impl ExportParams {
    fn filter(&self) -> Result<Filter, ApiError> {
        super::api::search_filter(
            crate::log::search::Typed {
                q: self.q.as_deref(),
                hq: self.hq.as_deref(),
                category: self.category.as_deref(),
                source: self.source.as_deref(),
                reliability: self.reliability.as_deref(),
                credibility: self.credibility.as_deref(),
                author: self.author.as_deref(),
            },
            &self.from,
            &self.to,
        )
    }
}

/// One entry as exported: the log's columns, names for ids, each time in
/// UTC and in the zone of the HQ that recorded it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedEntry {
    pub number: i64,
    pub id: EntryId,
    pub hq: HqId,
    pub hq_name: String,
    /// The IANA zone of the HQ, in which the `*_local` times are given.
    pub hq_zone: String,
    /// Who entered it (display name).
    pub author: Option<String>,
    pub occurred_at: String,
    pub occurred_at_local: String,
    pub reported_at: String,
    pub reported_at_local: String,
    pub entered_at: String,
    pub entered_at_local: String,
    pub source_name: String,
    #[schema(value_type = String)]
    pub reliability: Reliability,
    pub credibility: i64,
    #[schema(value_type = String)]
    pub category: Category,
    #[schema(value_type = String)]
    pub release: Release,
    /// The HQs an HQ-only entry was released to, by name.
    pub released_to: Vec<String>,
    pub significant: bool,
    /// The number of the entry this one corrects.
    pub supersedes: Option<i64>,
    /// The number of the entry that corrects this one: not current.
    pub superseded_by: Option<i64>,
    /// The numbers of the entries it links to.
    pub links: Vec<i64>,
    pub text: String,
}

/// The log as exported.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogExport {
    pub incident: IncidentId,
    /// When the export was made (UTC).
    pub exported_at: String,
    /// The moment the log is shown as of, when not now (UTC).
    pub as_of: Option<String>,
    pub entries: Vec<ExportedEntry>,
}

const CSV_HEADER: [&str; 24] = [
    "number",
    "id",
    "hq",
    "hq_name",
    "hq_zone",
    "author",
    "occurred_at_utc",
    "occurred_at_local",
    "reported_at_utc",
    "reported_at_local",
    "entered_at_utc",
    "entered_at_local",
    "source",
    "reliability",
    "credibility",
    "category",
    "release",
    "released_to",
    "significant",
    "supersedes",
    "superseded_by",
    "links",
    "status",
    "text",
];

/// Every entry the viewer may read at the moment, oldest first, as exported.
fn collect(
    c: &mut dyn Conn,
    p: &Principal,
    id: IncidentId,
    m: &Moment,
    significant_only: bool,
    filter: Filter,
) -> honbu_store::Result<Vec<ExportedEntry>> {
    let hqs: HashMap<HqId, (String, Zone)> =
        honbu_store::headquarters::hq_views(c, id, m.at, m.clock)?
            .into_iter()
            .map(|h| (h.id, (h.name, h.time_zone)))
            .collect();
    let names = honbu_store::accounts::names(c)?;
    let mut all: Vec<EntryView> = vec![];
    let mut after = None;
    loop {
        let page = log::entries(
            c,
            p,
            id,
            m.at,
            &EntryQuery {
                limit: MAX_LIMIT,
                before: after,
                ascending: true,
                significant_only,
                filter: filter.clone(),
                ..Default::default()
            },
        )?;
        let more = page.next_cursor.is_some();
        after = page.items.last().map(|e| e.number);
        all.extend(page.items);
        if !more {
            break;
        }
    }
    // The numbers of the entries they name: those exported, and those
    // left out by the search (read as the viewer may).
    let mut numbers: HashMap<EntryId, i64> = all.iter().map(|e| (e.id, e.number)).collect();
    let missing: Vec<EntryId> = all
        .iter()
        .flat_map(|e| e.links.iter().copied())
        .filter(|l| !numbers.contains_key(l))
        .collect();
    numbers.extend(log::readable_numbers(c, p, id, m.at, &missing)?);
    let unknown = (String::new(), Zone::UTC);
    Ok(all
        .into_iter()
        .map(|e| {
            let (hq_name, zone) = hqs.get(&e.hq).unwrap_or(&unknown).clone();
            ExportedEntry {
                number: e.number,
                id: e.id,
                hq: e.hq,
                hq_name,
                hq_zone: zone.name().to_string(),
                author: e.author.and_then(|a| names.get(&a).cloned()),
                occurred_at: utc(&e.occurred_at),
                occurred_at_local: local(&e.occurred_at, zone),
                reported_at: utc(&e.reported_at),
                reported_at_local: local(&e.reported_at, zone),
                entered_at: utc(&e.entered_at),
                entered_at_local: local(&e.entered_at, zone),
                source_name: e.source_name,
                reliability: e.reliability,
                credibility: e.credibility.number(),
                category: e.category,
                release: e.release,
                released_to: e
                    .released_to
                    .iter()
                    .map(|h| hqs.get(h).map(|x| x.0.clone()).unwrap_or_default())
                    .collect(),
                significant: e.significant,
                supersedes: e.supersedes_number,
                superseded_by: e.superseded_by_number,
                links: e
                    .links
                    .iter()
                    .filter_map(|l| numbers.get(l).copied())
                    .collect(),
                text: e.text,
            }
        })
        .collect())
}

async fn export(
    s: &AppState,
    v: crate::auth::Viewer,
    id: IncidentId,
    q: &ExportParams,
) -> Result<(Vec<ExportedEntry>, Option<String>), ApiError> {
    let filter = q.filter()?;
    let significant_only = q.significant.unwrap_or(false);
    let at = crate::api::parse_at(q.at.as_deref())?;
    let entries = in_incident_at(s, v, id, at, move |c, p, m| {
        collect(c, p, id, &m, significant_only, filter)
    })
    .await?;
    Ok((entries, at.as_ref().map(utc)))
}

fn file_name(id: IncidentId, as_of: &Option<String>, ext: &str) -> String {
    match as_of {
        Some(t) => format!("honbu-log-{id}-as-of-{t}.{ext}"),
        None => format!("honbu-log-{id}-{}.{ext}", utc(&crate::api::now())),
    }
}

/// The log as CSV: every entry the caller may read (with `at`, as it stood
/// then; with the search parameters, those that match), oldest first, each
/// time in UTC and in its HQ's zone. A field that a spreadsheet would read
/// as a formula is written with a leading `'`.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/log.csv", tag = "log", params(("id" = uuid::Uuid, Path), ExportParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn log_csv(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let (entries, as_of) = export(&s, v, id, &q).await?;
    let mut csv = Csv::new(&CSV_HEADER);
    for e in &entries {
        let links = crate::export::numbers(&e.links);
        let row: [String; 24] = [
            e.number.to_string(),
            e.id.to_string(),
            e.hq.to_string(),
            e.hq_name.clone(),
            e.hq_zone.clone(),
            e.author.clone().unwrap_or_default(),
            e.occurred_at.clone(),
            e.occurred_at_local.clone(),
            e.reported_at.clone(),
            e.reported_at_local.clone(),
            e.entered_at.clone(),
            e.entered_at_local.clone(),
            e.source_name.clone(),
            e.reliability.to_string(),
            e.credibility.to_string(),
            e.category.to_string(),
            e.release.to_string(),
            e.released_to.join("; "),
            e.significant.to_string(),
            e.supersedes.map(|n| n.to_string()).unwrap_or_default(),
            e.superseded_by.map(|n| n.to_string()).unwrap_or_default(),
            links,
            if e.superseded_by.is_some() {
                "corrected".into()
            } else {
                "current".into()
            },
            e.text.clone(),
        ];
        csv.row(row.iter().map(String::as_str));
    }
    Ok(download(
        csv.finish(),
        "text/csv; charset=utf-8",
        &file_name(id, &as_of, "csv"),
    ))
}

/// The log as one JSON document: as the CSV export, with the same rows.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/log.json", tag = "log", params(("id" = uuid::Uuid, Path), ExportParams),
    responses((status = 200, body = LogExport), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn log_json(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<IncidentId>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let (entries, as_of) = export(&s, v, id, &q).await?;
    let name = file_name(id, &as_of, "json");
    let doc = LogExport {
        incident: id,
        exported_at: utc(&crate::api::now()),
        as_of,
        entries,
    };
    json_download(&doc, &name)
}
