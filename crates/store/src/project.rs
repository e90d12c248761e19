//! Applies committed events to the read models. Deterministic: it reads only
//! the event and the read models themselves, so replaying the journal from
//! empty tables rebuilds exactly the live state.

use crate::sql::{t, Conn, Value};
use crate::StoreError;
use honbu_domain::events::{Body, Committed};

fn json(v: &impl serde::Serialize) -> Result<Value, StoreError> {
    serde_json::to_string(v)
        .map(Value::Text)
        .map_err(|e| StoreError::Decode(e.to_string()))
}

/// Applies events in journal order, each through the projection of the
/// room it belongs to.
#[derive(Debug, Default)]
pub struct Projector {
    log: crate::log::Projection,
}

/// Applies one event (for callers with one event).
pub fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    Projector::default().apply(c, ev)
}

impl Projector {
    pub fn apply(&mut self, c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
        match &ev.event.body {
            Body::UserCreated { .. }
            | Body::UserSettingsChanged { .. }
            | Body::PasswordChanged { .. }
            | Body::GlobalRoleSet { .. }
            | Body::TokenCreated { .. }
            | Body::TokenRevoked { .. }
            | Body::LoginSucceeded { .. }
            | Body::LoginFailed { .. }
            | Body::LoggedOut { .. }
            | Body::AccessRefused { .. }
            | Body::RoleDefined { .. } => crate::accounts::apply(c, ev),
            Body::IncidentOpened { .. }
            | Body::IncidentAmended { .. }
            | Body::IncidentStatusChanged { .. } => crate::incidents::apply(c, ev),
            Body::HqActivated { .. }
            | Body::HqMemberAdded { .. }
            | Body::HqMemberRemoved { .. }
            | Body::ReportCadenceSet { .. }
            | Body::DutyStarted { .. }
            | Body::DutyEnded { .. }
            | Body::StatusReportFiled { .. } => crate::headquarters::apply(c, ev),
            Body::SourceRegistered { .. }
            | Body::SourceRegraded { .. }
            | Body::EntryLogged(_)
            | Body::EntrySignificance { .. }
            | Body::EntryReleased { .. } => self.log.apply(c, ev),
            Body::DecisionRecorded { .. }
            | Body::TaskAssigned { .. }
            | Body::TaskStatusChanged { .. } => crate::work::apply(c, ev),
            _ => self.rest(c, ev),
        }
    }

    fn rest(&mut self, c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
        let e = &ev.event;
        let _seq = Value::Int(ev.seq);
        let at = Value::from(&e.at);
        let actor = Value::from(e.actor.map(t));
        let incident = Value::from(e.incident.map(t));
        match &e.body {
            Body::HandoverIssued {
                handover,
                hq,
                since,
                brief,
            } => {
                c.exec(
                "INSERT INTO handovers (id, incident_id, hq_id, issued_at, issued_by, since, brief, acknowledged_at, acknowledged_by) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)",
                &[t(handover), incident.clone(), t(hq), at, actor, since.map(Value::from).unwrap_or(Value::Null), json(brief)?],
            )?;
            }
            Body::HandoverAcknowledged { handover } => {
                c.exec(
                    "UPDATE handovers SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3",
                    &[at, actor, t(handover)],
                )?;
            }
            Body::SitrepIssued { sitrep, document } => {
                c.exec(
                "INSERT INTO sitreps (id, incident_id, number, issued_at, issued_by, document) \
                 VALUES ($1, $2, (SELECT COUNT(*) + 1 FROM sitreps WHERE incident_id = $2), $3, $4, $5)",
                &[t(sitrep), incident.clone(), at, actor, json(document)?],
            )?;
            }
            _ => return Err(misrouted(ev)),
        }
        Ok(())
    }
}

/// An event that reached a room's projection other than its own: a bug in
/// the routing above, reported rather than ignored.
pub(crate) fn misrouted(ev: &Committed) -> StoreError {
    StoreError::Corrupt(format!(
        "journal entry {}: {} reached the wrong projection",
        ev.seq,
        ev.event.body.kind()
    ))
}
