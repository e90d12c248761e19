//! Reads of incidents: the list, one incident, its status history, its clock.

use super::{INCIDENTS, STATUS_HISTORY};
use crate::rules::{incident_vis, Page};
use crate::sql::{t, Conn, Row, Value};
use crate::versions::At;
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use honbu_domain::access::Principal;
use honbu_domain::board::IncidentView;
use honbu_domain::geo::Point;
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use serde::Serialize;

const INCIDENT_COLS: &str =
    "id, kind, title, country, lat, lon, area, severity, time_zone, summary, status, opened_at, opened_by";

fn incident_row(r: &Row) -> Result<IncidentView> {
    Ok(IncidentView {
        id: r.parse(0)?,
        kind: r.vocab(1, IncidentKind::parse)?,
        title: r.text(2)?,
        country: r.text(3)?,
        place: Point {
            lat: r.real(4)?,
            lon: r.real(5)?,
        },
        area: r
            .opt_text(6)?
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| StoreError::Decode(e.to_string()))?,
        severity: r.vocab(7, Severity::parse)?,
        time_zone: r.zone(8)?,
        summary: r.text(9)?,
        status: r.vocab(10, IncidentStatus::parse)?,
        opened_at: r.time(11)?,
        opened_by: r.opt_parse(12)?,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentSummary {
    #[serde(flatten)]
    pub incident: IncidentView,
    pub updated_at: DateTime<Utc>,
}

pub fn incidents(
    c: &mut dyn Conn,
    p: &Principal,
    limit: i64,
    offset: i64,
) -> Result<Page<IncidentSummary>> {
    let (vis, mut params) = incident_vis(p, "id", 1);
    let total = c
        .query_one(
            &format!("SELECT COUNT(*) FROM incidents WHERE {vis}"),
            &params,
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let n = params.len();
    params.push(Value::Int(limit));
    params.push(Value::Int(offset));
    let items = c
        .query(
            &format!(
                // The last change is the incident's last journal event.
                "SELECT {INCIDENT_COLS}, COALESCE((SELECT j.at FROM journal j WHERE j.incident_id = incidents.id ORDER BY j.seq DESC LIMIT 1), opened_at) FROM incidents WHERE {vis} \
                 ORDER BY CASE status WHEN 'active' THEN 0 WHEN 'monitoring' THEN 1 WHEN 'resolved' THEN 2 ELSE 3 END, opened_at DESC, id \
                 LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            ),
            &params,
        )?
        .iter()
        .map(|r| Ok(IncidentSummary { incident: incident_row(r)?, updated_at: r.time(13)? }))
        .collect::<Result<Vec<_>>>()?;
    let next =
        (offset + (items.len() as i64) < total).then(|| (offset + items.len() as i64).to_string());
    Ok(Page {
        items,
        total,
        total_exact: true,
        next_cursor: next,
    })
}

/// The incident if it exists (at `at`); the caller checks whether the
/// viewer may know it.
pub fn incident_raw(c: &mut dyn Conn, id: IncidentId, at: At) -> Result<Option<IncidentView>> {
    c.query_one(
        &format!(
            "SELECT {INCIDENT_COLS} FROM {} i WHERE id = $1",
            at.rows(&INCIDENTS)
        ),
        &[t(id)],
    )?
    .map(|r| incident_row(&r))
    .transpose()
}

/// The incident as the viewer may see it at `at`: `None` both when it does
/// not exist (or did not yet) and when the viewer may not know it does.
pub fn incident(
    c: &mut dyn Conn,
    p: &Principal,
    id: IncidentId,
    at: At,
) -> Result<Option<IncidentView>> {
    if !p.can_see_incident(id) {
        return Ok(None);
    }
    incident_raw(c, id, at)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub from: IncidentStatus,
    pub to: IncidentStatus,
    pub reason: String,
}

pub fn status_history(c: &mut dyn Conn, id: IncidentId, at: At) -> Result<Vec<StatusChange>> {
    c.query(
        &format!(
            "SELECT at, actor, from_status, to_status, reason FROM {} h WHERE incident_id = $1 ORDER BY seq",
            at.rows(&STATUS_HISTORY)
        ),
        &[t(id)],
    )?
    .iter()
    .map(|r| {
        Ok(StatusChange {
            at: r.time(0)?,
            actor: r.opt_parse(1)?,
            from: r.vocab(2, IncidentStatus::parse)?,
            to: r.vocab(3, IncidentStatus::parse)?,
            reason: r.text(4)?,
        })
    })
    .collect()
}

/// The moment an incident's deadlines are measured at: `now`, or the moment
/// it closed (a closed incident's clock stops), whichever is earlier — as
/// the record stood at `at`.
pub fn incident_clock(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    let closed = c
        .query_one(
            &format!(
                "SELECT h.at FROM {} i JOIN {} h ON h.incident_id = i.id \
                 WHERE i.id = $1 AND i.status = 'closed' AND h.to_status = 'closed' ORDER BY h.seq DESC LIMIT 1",
                at.rows(&INCIDENTS),
                at.rows(&STATUS_HISTORY)
            ),
            &[t(incident)],
        )?
        .map(|r| r.time(0))
        .transpose()?;
    Ok(closed.map_or(now, |at| at.min(now)))
}
