//! Reads of headquarters: the HQs with their duty and what is due, members, reports.

use super::{DUTY, HQS, MEMBERS, REPORTS};
use crate::incidents::incident_clock;
use crate::sql::{t, Conn, Value};
use crate::versions::At;
use crate::Result;
use chrono::{DateTime, Utc};
use honbu_domain::board::*;
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberRow {
    pub user: UserId,
    pub username: String,
    pub name: String,
    pub role: String,
    pub on_duty_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HqDetail {
    #[serde(flatten)]
    pub hq: HqView,
    pub member_list: Vec<MemberRow>,
}

/// The incident's HQs as they stood at `at`, with what is due measured at
/// `now` or, for a closed incident, at its closing.
pub fn hq_views(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
    now: DateTime<Utc>,
) -> Result<Vec<HqView>> {
    let clock = incident_clock(c, incident, at, now)?;
    hq_views_at(c, incident, at, clock)
}

/// As [`hq_views`], at a clock already resolved by [`incident_clock`].
pub(crate) fn hq_views_at(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
    clock: DateTime<Utc>,
) -> Result<Vec<HqView>> {
    let mut duty: HashMap<HqId, Vec<Person>> = HashMap::new();
    for r in c.query(
        &format!(
            "SELECT d.hq_id, d.user_id, u.display_name FROM {} d JOIN {} h ON h.id = d.hq_id JOIN users u ON u.id = d.user_id WHERE h.incident_id = $1",
            at.rows(&DUTY),
            at.rows(&HQS)
        ),
        &[t(incident)],
    )? {
        duty.entry(r.parse(0)?).or_default().push(Person { id: r.parse(1)?, name: r.text(2)? });
    }
    let mut members: HashMap<HqId, usize> = HashMap::new();
    for r in c.query(
        &format!(
            "SELECT hq_id, COUNT(*) FROM {} m WHERE incident_id = $1 GROUP BY hq_id",
            at.rows(&MEMBERS)
        ),
        &[t(incident)],
    )? {
        members.insert(r.parse(0)?, r.int(1)? as usize);
    }
    c.query(
        &format!(
            "SELECT id, name, kind, time_zone, activated_at, report_every_minutes, last_report_at FROM {} h WHERE incident_id = $1 ORDER BY ordinal",
            at.rows(&HQS)
        ),
        &[t(incident)],
    )?
    .iter()
    .map(|r| {
        let id: HqId = r.parse(0)?;
        let every = r.opt_int(5)?.map(|m| m as u32);
        let activated_at = r.time(4)?;
        let last = r.opt_time(6)?;
        let (due, overdue) = report_due(every, activated_at, last, clock);
        let mut on_duty = duty.remove(&id).unwrap_or_default();
        on_duty.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(HqView {
            id,
            name: r.text(1)?,
            kind: r.vocab(2, HqKind::parse)?,
            time_zone: r.zone(3)?,
            activated_at,
            members: members.get(&id).copied().unwrap_or(0),
            on_duty,
            report_every_minutes: every,
            last_report_at: last,
            report_due_at: due,
            report_overdue: overdue,
        })
    })
    .collect()
}

/// The incident's HQs at `at` with their members and who is on duty.
pub fn hq_details(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
    now: DateTime<Utc>,
) -> Result<Vec<HqDetail>> {
    let views = hq_views(c, incident, at, now)?;
    let mut out = vec![];
    for hq in views {
        let member_list = c
            .query(
                &format!(
                    "SELECT m.user_id, u.username, u.display_name, m.role, d.since FROM {} m JOIN users u ON u.id = m.user_id \
                     LEFT JOIN {} d ON d.hq_id = m.hq_id AND d.user_id = m.user_id WHERE m.hq_id = $1 \
                     ORDER BY CASE m.role WHEN 'head' THEN 0 WHEN 'deputy' THEN 1 ELSE 2 END, u.display_name",
                    at.rows(&MEMBERS),
                    at.rows(&DUTY)
                ),
                &[t(hq.id)],
            )?
            .iter()
            .map(|r| Ok(MemberRow { user: r.parse(0)?, username: r.text(1)?, name: r.text(2)?, role: r.text(3)?, on_duty_since: r.opt_time(4)? }))
            .collect::<Result<Vec<_>>>()?;
        out.push(HqDetail { hq, member_list });
    }
    Ok(out)
}

/// (hq id, incident id) of a headquarters.
pub fn hq_incident(c: &mut dyn Conn, hq: HqId) -> Result<Option<IncidentId>> {
    c.query_one("SELECT incident_id FROM hqs WHERE id = $1", &[t(hq)])?
        .map(|r| r.parse(0))
        .transpose()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    pub id: ReportId,
    pub hq: HqId,
    pub at: DateTime<Utc>,
    pub author: Option<UserId>,
    pub text: String,
}

/// The status reports filed by `at`, newest first.
pub fn reports(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
    since: Option<DateTime<Utc>>,
    limit: i64,
) -> Result<Vec<ReportRow>> {
    c.query(
        &format!("SELECT id, hq_id, at, author, text FROM {} r WHERE incident_id = $1 AND at >= $2 ORDER BY at DESC, id LIMIT $3", at.rows(&REPORTS)),
        &[t(incident), since.map(Value::from).unwrap_or(Value::Text(String::new())), Value::Int(limit)],
    )?
    .iter()
    .map(|r| Ok(ReportRow { id: r.parse(0)?, hq: r.parse(1)?, at: r.time(2)?, author: r.opt_parse(3)?, text: r.text(4)? }))
    .collect()
}

/// When the next report is due and whether it is late.
pub fn report_due(
    every_minutes: Option<u32>,
    activated_at: DateTime<Utc>,
    last_report_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> (Option<DateTime<Utc>>, bool) {
    match every_minutes {
        Some(m) if m > 0 => {
            let due =
                last_report_at.unwrap_or(activated_at) + chrono::Duration::minutes(i64::from(m));
            (Some(due), due < at)
        }
        _ => (None, false),
    }
}
