//! What the events of decisions and tasks do to their tables.

use super::TASKS;
use crate::project::{misrouted, Cols};
use crate::sql::{json, t, Conn, Value};
use crate::versions;
use crate::StoreError;
use honbu_domain::events::{Body, Committed};
use honbu_domain::vocab::TaskStatus;

pub(crate) fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let e = &ev.event;
    let (seq, at, actor, incident) = Cols::split(ev);
    match &e.body {
        Body::DecisionRecorded {
            decision,
            hq,
            decided_at,
            decided_by,
            title,
            options,
            rationale,
            based_on,
            release,
        } => {
            c.exec(
                "INSERT INTO decisions (id, incident_id, hq_id, decided_at, decided_by, recorded_by, recorded_at, title, options, rationale, based_on, from_seq, release) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                &[t(decision), incident.clone(), t(hq), decided_at.into(), decided_by.into(), actor, at, title.into(), json(options)?, rationale.into(), json(based_on)?, seq, t(release)],
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
                "INSERT INTO tasks (id, incident_id, hq_id, title, owner, due_at, status, note, created_at, created_by, updated_at, from_seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $11)",
                &[t(task), incident.clone(), t(hq), title.into(), owner.into(), due_at.map(Value::from).unwrap_or(Value::Null), t(TaskStatus::Open), note.into(), at.clone(), actor.clone(), seq.clone()],
            )?;
            c.exec(
                "INSERT INTO task_history (seq, task_id, at, actor, status, note) VALUES ($1, $2, $3, $4, $5, $6)",
                &[seq, t(task), at, actor, t(TaskStatus::Open), note.into()],
            )?;
        }
        Body::TaskStatusChanged { task, status, note } => {
            versions::update(
                c,
                &TASKS,
                ev.seq,
                &[t(task)],
                &[
                    ("status", t(status)),
                    ("note", note.into()),
                    ("updated_at", at.clone()),
                ],
            )?;
            c.exec(
                "INSERT INTO task_history (seq, task_id, at, actor, status, note) VALUES ($1, $2, $3, $4, $5, $6)",
                &[seq, t(task), at, actor, t(status), note.into()],
            )?;
        }
        _ => return Err(misrouted(ev)),
    }
    Ok(())
}
