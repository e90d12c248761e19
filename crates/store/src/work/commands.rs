//! Commands on decisions and tasks.

use crate::rules::{acting_hq, forbid, not_closed, opt_time, visible_incident, Ctx};
use crate::sql::Conn;
use crate::{log, Result, StoreError};
use honbu_domain::commands::*;
use honbu_domain::error::text;
use honbu_domain::events::{Body, Event};
use honbu_domain::ids::*;
use honbu_domain::time::parse_time;
use honbu_domain::vocab::*;
use honbu_domain::FieldError;

pub fn record_decision(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: IncidentId,
    r: &RecordDecision,
) -> Result<(Vec<Event>, DecisionId)> {
    visible_incident(c, ctx, id)?;
    let title = text("title", &r.title, 1, 300)?;
    let rationale = text("rationale", &r.rationale, 1, 20_000)?;
    let decided_at = opt_time("decided_at", &r.decided_at, ctx.now)?;
    let decided_by = match &r.decided_by {
        Some(s) => text("decided_by", s, 1, 200)?,
        None => ctx.p.display_name.clone(),
    };
    if r.options.len() > 20 {
        return Err(FieldError::new("options", "at most 20 options").into());
    }
    let options = r
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| text(&format!("options[{i}]"), o, 1, 2000))
        .collect::<Result<Vec<_>, _>>()?;
    if r.based_on.len() > RecordDecision::MAX_BASED_ON {
        return Err(FieldError::new(
            "based_on",
            format!("at most {} entries", RecordDecision::MAX_BASED_ON),
        )
        .into());
    }
    let release = r
        .release
        .as_deref()
        .map(|s| Release::parse("release", s))
        .transpose()?;
    let hq = acting_hq(c, ctx, id, r.hq, Capability::DecisionRecord)?;
    // A decision resting on an HQ-only entry is by default read by its HQ
    // only (what it says may tell what the entry says), and that HQ must be
    // one that reads the entry.
    let mut narrowest = Release::Public;
    for (i, e) in r.based_on.iter().enumerate() {
        let Some(e) = log::referable_entry(c, ctx.p, id, *e)? else {
            return Err(FieldError::new(
                format!("based_on[{i}]"),
                "is not an entry of this incident",
            )
            .into());
        };
        if e.release == Release::Hq && e.hq != hq && !e.released_to.contains(&hq) {
            return Err(FieldError::new(
                format!("based_on[{i}]"),
                format!(
                    "entry #{} is kept to another headquarters: record the decision there, or release the entry to this one first",
                    e.number
                ),
            )
            .into());
        }
        narrowest = narrowest.min(e.release);
    }
    let release = release.unwrap_or(if narrowest == Release::Hq {
        Release::Hq
    } else {
        Release::Incident
    });
    let decision = DecisionId::new();
    not_closed(c, id)?;
    Ok((
        vec![ctx.ev(
            Some(id),
            Body::DecisionRecorded {
                decision,
                hq,
                decided_at,
                decided_by,
                title,
                options,
                rationale,
                based_on: r.based_on.clone(),
                release,
            },
        )],
        decision,
    ))
}

pub fn assign_task(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: IncidentId,
    r: &AssignTask,
) -> Result<(Vec<Event>, TaskId)> {
    visible_incident(c, ctx, id)?;
    let title = text("title", &r.title, 1, 300)?;
    let owner = text("owner", &r.owner, 1, 200)?;
    let due_at = r
        .due_at
        .as_deref()
        .map(|s| parse_time("due_at", s).map(honbu_domain::time::trunc))
        .transpose()?;
    let note = text("note", r.note.as_deref().unwrap_or(""), 0, 5000)?;
    let hq = acting_hq(c, ctx, id, r.hq, Capability::TaskManage)?;
    let task = TaskId::new();
    not_closed(c, id)?;
    Ok((
        vec![ctx.ev(
            Some(id),
            Body::TaskAssigned {
                task,
                hq,
                title,
                owner,
                due_at,
                note,
            },
        )],
        task,
    ))
}

pub fn update_task(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: TaskId,
    r: &UpdateTask,
) -> Result<(Vec<Event>, ())> {
    let (inc, task) = super::task(c, id, ctx.now)?.ok_or(StoreError::NotFound)?;
    if !ctx.p.can_see_incident(inc) {
        return Err(StoreError::NotFound);
    }
    let status = TaskStatus::parse("status", &r.status)?;
    let note = text("note", r.note.as_deref().unwrap_or(""), 0, 5000)?;
    if !ctx.p.can_in_incident(inc, Capability::TaskManage) {
        return Err(forbid("update tasks"));
    }
    if task.status == status && task.note == note {
        return Err(StoreError::Conflict(format!(
            "the task is already {status}"
        )));
    }
    not_closed(c, inc)?;
    Ok((
        vec![ctx.ev(
            Some(inc),
            Body::TaskStatusChanged {
                task: id,
                status,
                note,
            },
        )],
        (),
    ))
}
