//! Applies committed events to the read models. Deterministic: it reads only
//! the event and the read models themselves, so replaying the journal from
//! empty tables rebuilds exactly the live state.

use crate::sql::{t, Conn, Value};
use crate::StoreError;
use honbu_domain::events::{Body, Committed};

/// Applies events in journal order, each through the projection of the
/// room it belongs to.
#[derive(Debug, Default)]
pub struct Projector {
    log: crate::log::Projection,
    people: crate::people::Projection,
}

/// Applies one event (for callers with one event).
pub fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let mut p = Projector::default();
    p.apply(c, ev)
}

impl Projector {
    pub fn apply(&mut self, c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
        match &ev.event.body {
            Body::UserCreated { .. }
            | Body::UserSettingsChanged { .. }
            | Body::PasswordChanged { .. }
            | Body::GlobalRoleSet { .. }
            | Body::UserDisabled { .. }
            | Body::UserEnabled { .. }
            | Body::PasswordReset { .. }
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
            Body::AttachmentAdded { .. } => crate::attachments::apply(c, ev),
            Body::DecisionRecorded { .. }
            | Body::TaskAssigned { .. }
            | Body::TaskStatusChanged { .. } => crate::work::apply(c, ev),
            Body::HandoverIssued { .. }
            | Body::HandoverAcknowledged { .. }
            | Body::SitrepIssued { .. } => crate::reports::apply(c, ev),
            Body::PersonRecorded { .. }
            | Body::PersonAmended { .. }
            | Body::PersonStatusReported { .. }
            | Body::PersonStatusSettled { .. }
            | Body::PersonalDataErased { .. }
            | Body::ListImported { .. }
            | Body::ListRecordMatched { .. } => self.people.apply(c, ev),
        }
    }
}

/// An event's own columns, as every projection writes them: its journal
/// position, time, actor and incident.
pub(crate) struct Cols {
    pub seq: Value,
    pub at: Value,
    pub actor: Value,
    pub incident: Value,
}

impl Cols {
    /// (seq, at, actor, incident) of `ev`.
    pub fn split(ev: &Committed) -> (Value, Value, Value, Value) {
        let c = Self::of(ev);
        (c.seq, c.at, c.actor, c.incident)
    }

    pub fn of(ev: &Committed) -> Self {
        let e = &ev.event;
        Cols {
            seq: Value::Int(ev.seq),
            at: Value::from(&e.at),
            actor: Value::from(e.actor.map(t)),
            incident: Value::from(e.incident.map(t)),
        }
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
