//! What the events of briefs and SITREPs do to their tables.

use super::HANDOVERS;
use crate::project::{misrouted, Cols};
use crate::sql::{json, t, Conn, Value};
use crate::versions;
use crate::StoreError;
use honbu_domain::events::{Body, Committed};

pub(crate) fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let e = &ev.event;
    let (_, at, actor, incident) = Cols::split(ev);
    match &e.body {
        Body::HandoverIssued {
            handover,
            hq,
            since,
            brief,
        } => {
            c.exec(
                "INSERT INTO handovers (id, incident_id, hq_id, issued_at, issued_by, since, brief, acknowledged_at, acknowledged_by, from_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, $8)",
                &[t(handover), incident.clone(), t(hq), at, actor, since.map(Value::from).unwrap_or(Value::Null), json(brief)?, Value::Int(ev.seq)],
            )?;
        }
        Body::HandoverAcknowledged { handover } => {
            versions::update(
                c,
                &HANDOVERS,
                ev.seq,
                &[t(handover)],
                &[("acknowledged_at", at), ("acknowledged_by", actor)],
            )?;
        }
        Body::SitrepIssued { sitrep, document } => {
            c.exec(
                "INSERT INTO sitreps (id, incident_id, number, issued_at, issued_by, document, from_seq) \
                 VALUES ($1, $2, (SELECT COUNT(*) + 1 FROM sitreps WHERE incident_id = $2), $3, $4, $5, $6)",
                &[t(sitrep), incident.clone(), at, actor, json(document)?, Value::Int(ev.seq)],
            )?;
        }
        _ => return Err(misrouted(ev)),
    }
    Ok(())
}
