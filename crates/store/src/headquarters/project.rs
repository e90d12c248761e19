//! What the headquarters' events do to their tables.

use super::{DUTY, HQS, MEMBERS};
use crate::project::{misrouted, Cols};
use crate::sql::{t, Conn};
use crate::versions;
use crate::StoreError;
use honbu_domain::events::{Body, Committed};

pub(crate) fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let e = &ev.event;
    let (seq, at, actor, incident) = Cols::split(ev);
    match &e.body {
        Body::HqActivated {
            hq,
            name,
            kind,
            time_zone,
            report_every_minutes,
        } => {
            c.exec(
                "INSERT INTO hqs (id, incident_id, name, kind, time_zone, activated_at, report_every_minutes, last_report_at, ordinal, from_seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, (SELECT COUNT(*) FROM hqs WHERE incident_id = $2), $8)",
                &[t(hq), incident, name.into(), t(kind), t(time_zone), at, report_every_minutes.map(i64::from).into(), seq],
            )?;
        }
        Body::HqMemberAdded { hq, user, role } => {
            let key = [t(hq), t(user)];
            // Added again: the role changes, the membership goes on.
            if versions::exists(c, &MEMBERS, &key)? {
                versions::update(c, &MEMBERS, ev.seq, &key, &[("role", t(role))])?;
            } else {
                c.exec(
                    "INSERT INTO hq_members (hq_id, user_id, incident_id, role, added_at, from_seq) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[t(hq), t(user), incident, t(role), at, seq],
                )?;
            }
        }
        Body::HqMemberRemoved { hq, user } => {
            let key = [t(hq), t(user)];
            versions::remove(c, &MEMBERS, ev.seq, &key)?;
            versions::remove(c, &DUTY, ev.seq, &key)?;
        }
        Body::ReportCadenceSet { hq, every_minutes } => {
            versions::update(
                c,
                &HQS,
                ev.seq,
                &[t(hq)],
                &[("report_every_minutes", every_minutes.map(i64::from).into())],
            )?;
        }
        Body::DutyStarted { hq, user } | Body::DutyEnded { hq, user } => {
            let on = matches!(e.body, Body::DutyStarted { .. });
            if on {
                c.exec(
                    "INSERT INTO duty (hq_id, user_id, since, from_seq) VALUES ($1, $2, $3, $4) ON CONFLICT (hq_id, user_id) DO NOTHING",
                    &[t(hq), t(user), at.clone(), seq.clone()],
                )?;
            } else {
                versions::remove(c, &DUTY, ev.seq, &[t(hq), t(user)])?;
            }
            c.exec(
                "INSERT INTO duty_log (seq, hq_id, user_id, at, on_duty) VALUES ($1, $2, $3, $4, $5)",
                &[seq, t(hq), t(user), at, on.into()],
            )?;
        }
        Body::StatusReportFiled { report, hq, text } => {
            c.exec(
                "INSERT INTO status_reports (id, hq_id, incident_id, at, author, text, from_seq) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[t(report), t(hq), incident, at.clone(), actor, text.into(), seq],
            )?;
            versions::update(c, &HQS, ev.seq, &[t(hq)], &[("last_report_at", at)])?;
        }
        _ => return Err(misrouted(ev)),
    }
    Ok(())
}
