//! Reads of handover briefs and SITREPs.

use super::{HANDOVERS, SITREPS};
use crate::sql::{t, Conn, Row};
use crate::versions::At;
use crate::Result;
use chrono::{DateTime, Utc};
use honbu_domain::access::Principal;
use honbu_domain::ids::*;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverRow {
    pub id: HandoverId,
    pub incident: IncidentId,
    pub hq: HqId,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Option<UserId>,
    pub since: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub brief: serde_json::Value,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<UserId>,
}

const HANDOVER_COLS: &str =
    "id, incident_id, hq_id, issued_at, issued_by, since, brief, acknowledged_at, acknowledged_by";

fn handover_row(r: &Row) -> Result<HandoverRow> {
    Ok(HandoverRow {
        id: r.parse(0)?,
        incident: r.parse(1)?,
        hq: r.parse(2)?,
        issued_at: r.time(3)?,
        issued_by: r.opt_parse(4)?,
        since: r.opt_time(5)?,
        brief: r.json(6)?,
        acknowledged_at: r.opt_time(7)?,
        acknowledged_by: r.opt_parse(8)?,
    })
}

/// The briefs issued by `at`, as they stood then (acknowledged or not).
pub fn handovers(c: &mut dyn Conn, incident: IncidentId, at: At) -> Result<Vec<HandoverRow>> {
    c.query(
        &format!(
            "SELECT {HANDOVER_COLS} FROM {} h WHERE incident_id = $1 ORDER BY issued_at DESC, id",
            at.rows(&HANDOVERS)
        ),
        &[t(incident)],
    )?
    .iter()
    .map(handover_row)
    .collect()
}

pub fn handover(c: &mut dyn Conn, id: HandoverId, at: At) -> Result<Option<HandoverRow>> {
    c.query_one(
        &format!(
            "SELECT {HANDOVER_COLS} FROM {} h WHERE id = $1",
            at.rows(&HANDOVERS)
        ),
        &[t(id)],
    )?
    .map(|r| handover_row(&r))
    .transpose()
}

/// A brief as the viewer may read it: it holds what its HQ may see, so only
/// that HQ's members (and administrators) read it; `None` alike for a brief
/// that does not exist and one of another HQ.
pub fn readable_handover(
    c: &mut dyn Conn,
    p: &Principal,
    id: HandoverId,
    at: At,
) -> Result<Option<HandoverRow>> {
    Ok(handover(c, id, at)?.filter(|h| p.is_admin() || p.role_in(h.hq).is_some()))
}

/// The last acknowledged handover of an HQ: where the next brief starts.
pub fn last_handover(c: &mut dyn Conn, hq: HqId) -> Result<Option<HandoverRow>> {
    c.query_one(
        &format!("SELECT {HANDOVER_COLS} FROM handovers WHERE hq_id = $1 AND acknowledged_at IS NOT NULL ORDER BY acknowledged_at DESC LIMIT 1"),
        &[t(hq)],
    )?
    .map(|r| handover_row(&r))
    .transpose()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SitrepRow {
    pub id: SitrepId,
    pub incident: IncidentId,
    pub number: i64,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub document: serde_json::Value,
}

const SITREP_COLS: &str = "id, incident_id, number, issued_at, issued_by, document";

fn sitrep_row(r: &Row) -> Result<SitrepRow> {
    Ok(SitrepRow {
        id: r.parse(0)?,
        incident: r.parse(1)?,
        number: r.int(2)?,
        issued_at: r.time(3)?,
        issued_by: r.opt_parse(4)?,
        document: r.json(5)?,
    })
}

/// The SITREPs issued by `at`, newest first.
pub fn sitreps(c: &mut dyn Conn, incident: IncidentId, at: At) -> Result<Vec<SitrepRow>> {
    c.query(
        &format!(
            "SELECT {SITREP_COLS} FROM {} s WHERE incident_id = $1 ORDER BY number DESC",
            at.rows(&SITREPS)
        ),
        &[t(incident)],
    )?
    .iter()
    .map(sitrep_row)
    .collect()
}

pub fn sitrep(c: &mut dyn Conn, id: SitrepId, at: At) -> Result<Option<SitrepRow>> {
    c.query_one(
        &format!(
            "SELECT {SITREP_COLS} FROM {} s WHERE id = $1",
            at.rows(&SITREPS)
        ),
        &[t(id)],
    )?
    .map(|r| sitrep_row(&r))
    .transpose()
}
