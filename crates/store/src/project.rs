//! Applies committed events to the read models. Deterministic: it reads only
//! the event and the read models themselves, so replaying the journal from
//! empty tables rebuilds exactly the live state.

use crate::sql::{t, Conn, Value};
use crate::StoreError;
use honbu_domain::events::{Body, Committed};
use honbu_domain::vocab::TaskStatus;

fn json(v: &impl serde::Serialize) -> Result<Value, StoreError> {
    serde_json::to_string(v)
        .map(Value::Text)
        .map_err(|e| StoreError::Decode(e.to_string()))
}

/// Applies events in journal order. Within one append it remembers each
/// incident's last entry number, so a hundred entries cost one lookup.
#[derive(Debug, Default)]
pub struct Projector {
    last_number: std::collections::HashMap<String, i64>,
}

/// Applies one event (for callers with one event).
pub fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    Projector::default().apply(c, ev)
}

impl Projector {
    /// The number the incident's next entry takes (numbers run 1, 2, 3, …
    /// per incident; entries are never deleted); `None` for an unknown
    /// incident.
    fn next_number(&mut self, c: &mut dyn Conn, incident: &str) -> Result<Option<i64>, StoreError> {
        let last = match self.last_number.get(incident) {
            Some(n) => *n,
            None => {
                let row = c.query_one(
                    "SELECT COALESCE((SELECT MAX(number) FROM entries WHERE incident_id = $1), 0) FROM incidents WHERE id = $1",
                    &[Value::Text(incident.to_string())],
                )?;
                let Some(r) = row else { return Ok(None) };
                r.int(0)?
            }
        };
        self.last_number.insert(incident.to_string(), last + 1);
        Ok(Some(last + 1))
    }

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
            _ => self.rest(c, ev),
        }
    }

    fn rest(&mut self, c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
        let e = &ev.event;
        let seq = Value::Int(ev.seq);
        let at = Value::from(&e.at);
        let actor = Value::from(e.actor.map(t));
        let incident = Value::from(e.incident.map(t));
        match &e.body {
            Body::SourceRegistered {
                source,
                name,
                kind,
                reliability,
            } => {
                c.exec(
                "INSERT INTO sources (id, name, kind, reliability, registered_at, registered_by) VALUES ($1, $2, $3, $4, $5, $6)",
                &[t(source), name.into(), t(kind), t(reliability), at, actor],
            )?;
            }
            Body::SourceRegraded {
                source,
                reliability,
                ..
            } => {
                c.exec(
                    "UPDATE sources SET reliability = $1 WHERE id = $2",
                    &[t(reliability), t(source)],
                )?;
            }
            Body::EntryLogged(l) => {
                let Some(number) = self.next_number(
                    c,
                    &ev.event.incident.map(|i| i.to_string()).unwrap_or_default(),
                )?
                else {
                    return Err(StoreError::Corrupt(format!(
                        "journal entry {}: entry for an unknown incident",
                        ev.seq
                    )));
                };
                c.exec(
                "INSERT INTO entries (id, incident_id, number, seq, hq_id, author, occurred_at, reported_at, entered_at, source_id, source_name, reliability, credibility, category, release, significant, text, supersedes, superseded_by, links) \
                 VALUES ($1, $2, $19, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULL, $18)",
                &[
                    t(l.entry), incident.clone(), seq, t(l.hq), actor, (&l.occurred_at).into(), (&l.reported_at).into(), at,
                    l.source.map(t).into(), (&l.source_name).into(), t(l.reliability), t(l.credibility), t(l.category),
                    t(l.release), l.significant.into(), (&l.text).into(), l.supersedes.map(t).into(), json(&l.links)?,
                    Value::Int(number),
                ],
            )?;
                if let Some(old) = l.supersedes {
                    c.exec(
                        "UPDATE entries SET superseded_by = $1 WHERE id = $2",
                        &[t(l.entry), t(old)],
                    )?;
                }
            }
            Body::EntrySignificance { entry, significant } => {
                c.exec(
                    "UPDATE entries SET significant = $1 WHERE id = $2",
                    &[(*significant).into(), t(entry)],
                )?;
            }
            Body::EntryReleased { entry, to_hq } => {
                c.exec(
                "INSERT INTO entry_releases (entry_id, hq_id, at, actor) VALUES ($1, $2, $3, $4) ON CONFLICT (entry_id, hq_id) DO NOTHING",
                &[t(entry), t(to_hq), at, actor],
            )?;
            }

            Body::DecisionRecorded {
                decision,
                hq,
                decided_at,
                decided_by,
                title,
                options,
                rationale,
                based_on,
            } => {
                c.exec(
                "INSERT INTO decisions (id, incident_id, hq_id, decided_at, decided_by, recorded_by, recorded_at, title, options, rationale, based_on) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[t(decision), incident.clone(), t(hq), decided_at.into(), decided_by.into(), actor, at, title.into(), json(options)?, rationale.into(), json(based_on)?],
            )?;
            }
            Body::TaskAssigned {
                task,
                hq,
                title,
                owner,
                due_at,
                note,
            } => {
                c.exec(
                "INSERT INTO tasks (id, incident_id, hq_id, title, owner, due_at, status, note, created_at, created_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9)",
                &[t(task), incident.clone(), t(hq), title.into(), owner.into(), due_at.map(Value::from).unwrap_or(Value::Null), t(TaskStatus::Open), note.into(), at.clone(), actor.clone()],
            )?;
                c.exec(
                "INSERT INTO task_history (seq, task_id, at, actor, status, note) VALUES ($1, $2, $3, $4, $5, $6)",
                &[seq, t(task), at, actor, t(TaskStatus::Open), note.into()],
            )?;
            }
            Body::TaskStatusChanged { task, status, note } => {
                c.exec(
                    "UPDATE tasks SET status = $1, note = $2, updated_at = $3 WHERE id = $4",
                    &[t(status), note.into(), at.clone(), t(task)],
                )?;
                c.exec(
                "INSERT INTO task_history (seq, task_id, at, actor, status, note) VALUES ($1, $2, $3, $4, $5, $6)",
                &[seq, t(task), at, actor, t(status), note.into()],
            )?;
            }
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
