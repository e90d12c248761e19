//! What the events of incidents do to its tables.

use crate::project::misrouted;
use crate::sql::{json, t, Conn, Value};
use crate::StoreError;
use honbu_domain::events::{Body, Committed};
use honbu_domain::vocab::IncidentStatus;

pub(crate) fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let e = &ev.event;
    let seq = Value::Int(ev.seq);
    let at = Value::from(&e.at);
    let actor = Value::from(e.actor.map(t));
    let incident = Value::from(e.incident.map(t));
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
                "INSERT INTO incidents (id, kind, title, country, lat, lon, area, severity, time_zone, summary, status, opened_at, opened_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                &[incident.clone(), t(kind), title.into(), country.into(), place.lat.into(), place.lon.into(), area, t(severity), t(time_zone), summary.into(), t(IncidentStatus::Monitoring), at, actor],
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
            if let Some(v) = title {
                c.exec(
                    "UPDATE incidents SET title = $1 WHERE id = $2",
                    &[v.into(), incident.clone()],
                )?;
            }
            if let Some(v) = severity {
                c.exec(
                    "UPDATE incidents SET severity = $1 WHERE id = $2",
                    &[t(v), incident.clone()],
                )?;
            }
            if let Some(v) = summary {
                c.exec(
                    "UPDATE incidents SET summary = $1 WHERE id = $2",
                    &[v.into(), incident.clone()],
                )?;
            }
            if let Some(p) = place {
                c.exec(
                    "UPDATE incidents SET lat = $1, lon = $2 WHERE id = $3",
                    &[p.lat.into(), p.lon.into(), incident.clone()],
                )?;
            }
            if let Some(a) = area {
                c.exec(
                    "UPDATE incidents SET area = $1 WHERE id = $2",
                    &[json(a)?, incident.clone()],
                )?;
            }
        }
        Body::IncidentStatusChanged { from, to, reason } => {
            c.exec(
                "UPDATE incidents SET status = $1 WHERE id = $2",
                &[t(to), incident.clone()],
            )?;
            c.exec(
                "INSERT INTO incident_status_history (seq, incident_id, at, actor, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[seq, incident.clone(), at, actor, t(from), t(to), reason.into()],
            )?;
        }
        _ => return Err(misrouted(ev)),
    }
    Ok(())
}
