//! What the incidents' events do to their tables.

use super::{INCIDENTS, STATUS_HISTORY};
use crate::project::{misrouted, Cols};
use crate::sql::{json, t, Conn, Value};
use crate::versions;
use crate::StoreError;
use honbu_domain::events::{Body, Committed};
use honbu_domain::vocab::IncidentStatus;

pub(crate) fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let e = &ev.event;
    let (_, at, actor, incident) = Cols::split(ev);
    match &e.body {
        Body::IncidentOpened {
            kind,
            title,
            country,
            place,
            area,
            severity,
            time_zone,
            summary,
        } => {
            let area = match area {
                Some(a) => json(a)?,
                None => Value::Null,
            };
            c.exec(
                "INSERT INTO incidents (id, kind, title, country, lat, lon, area, severity, time_zone, summary, status, opened_at, opened_by, from_seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                &[incident, t(kind), title.into(), country.into(), place.lat.into(), place.lon.into(), area, t(severity), t(time_zone), summary.into(), t(IncidentStatus::Monitoring), at, actor, Value::Int(ev.seq)],
            )?;
        }
        Body::IncidentAmended {
            title,
            severity,
            summary,
            place,
            area,
            ..
        } => {
            let mut set: Vec<(&str, Value)> = vec![];
            if let Some(v) = title {
                set.push(("title", v.into()));
            }
            if let Some(v) = severity {
                set.push(("severity", t(v)));
            }
            if let Some(v) = summary {
                set.push(("summary", v.into()));
            }
            if let Some(p) = place {
                set.push(("lat", p.lat.into()));
                set.push(("lon", p.lon.into()));
            }
            if let Some(a) = area {
                set.push(("area", json(a)?));
            }
            versions::update(c, &INCIDENTS, ev.seq, &[incident], &set)?;
        }
        Body::IncidentStatusChanged { from, to, reason } => {
            versions::update(
                c,
                &INCIDENTS,
                ev.seq,
                std::slice::from_ref(&incident),
                &[("status", t(to))],
            )?;
            c.exec(
                &format!("INSERT INTO {} (seq, incident_id, at, actor, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)", STATUS_HISTORY.name),
                &[Value::Int(ev.seq), incident, at, actor, t(from), t(to), reason.into()],
            )?;
        }
        _ => return Err(misrouted(ev)),
    }
    Ok(())
}
