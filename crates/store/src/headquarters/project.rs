//! What the events of headquarters do to its tables.

use crate::project::misrouted;
use crate::sql::{t, Conn, Value};
use crate::StoreError;
use honbu_domain::events::{Body, Committed};

pub(crate) fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let e = &ev.event;
    let seq = Value::Int(ev.seq);
    let at = Value::from(&e.at);
    let actor = Value::from(e.actor.map(t));
    let incident = Value::from(e.incident.map(t));
    match &e.body {
        Body::HqActivated {
            hq,
            name,
            kind,
            time_zone,
            report_every_minutes,
        } => {
            c.exec(
                "INSERT INTO hqs (id, incident_id, name, kind, time_zone, activated_at, report_every_minutes, last_report_at, ordinal) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, (SELECT COUNT(*) FROM hqs WHERE incident_id = $2))",
                &[t(hq), incident.clone(), name.into(), t(kind), t(time_zone), at, report_every_minutes.map(i64::from).into()],
            )?;
        }
        Body::HqMemberAdded { hq, user, role } => {
            c.exec(
                "INSERT INTO hq_members (hq_id, user_id, incident_id, role, added_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (hq_id, user_id) DO UPDATE SET role = excluded.role",
                &[t(hq), t(user), incident.clone(), t(role), at],
            )?;
        }
        Body::HqMemberRemoved { hq, user } => {
            c.exec(
                "DELETE FROM hq_members WHERE hq_id = $1 AND user_id = $2",
                &[t(hq), t(user)],
            )?;
            c.exec(
                "DELETE FROM duty WHERE hq_id = $1 AND user_id = $2",
                &[t(hq), t(user)],
            )?;
        }
        Body::ReportCadenceSet { hq, every_minutes } => {
            c.exec(
                "UPDATE hqs SET report_every_minutes = $1 WHERE id = $2",
                &[every_minutes.map(i64::from).into(), t(hq)],
            )?;
        }
        Body::DutyStarted { hq, user } | Body::DutyEnded { hq, user } => {
            let on = matches!(e.body, Body::DutyStarted { .. });
            if on {
                c.exec(
                    "INSERT INTO duty (hq_id, user_id, since) VALUES ($1, $2, $3) ON CONFLICT (hq_id, user_id) DO NOTHING",
                    &[t(hq), t(user), at.clone()],
                )?;
            } else {
                c.exec(
                    "DELETE FROM duty WHERE hq_id = $1 AND user_id = $2",
                    &[t(hq), t(user)],
                )?;
            }
            c.exec(
                "INSERT INTO duty_log (seq, hq_id, user_id, at, on_duty) VALUES ($1, $2, $3, $4, $5)",
                &[seq, t(hq), t(user), at, on.into()],
            )?;
        }
        Body::StatusReportFiled { report, hq, text } => {
            c.exec(
                "INSERT INTO status_reports (id, hq_id, incident_id, at, author, text) VALUES ($1, $2, $3, $4, $5, $6)",
                &[t(report), t(hq), incident.clone(), at.clone(), actor, text.into()],
            )?;
            c.exec(
                "UPDATE hqs SET last_report_at = $1 WHERE id = $2",
                &[at, t(hq)],
            )?;
        }

        _ => return Err(misrouted(ev)),
    }
    Ok(())
}
