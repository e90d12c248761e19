//! Reads of decisions and tasks.

use super::{DECISIONS, TASKS};
use crate::incidents::incident_clock;
use crate::log::Refs;
use crate::rules::{Page, MAX_LIMIT};
use crate::sql::{placeholders, t, Conn, Row, Value};
use crate::versions::At;
use crate::Result;
use chrono::{DateTime, Utc};
use honbu_domain::access::{EntryFilter, Principal};
use honbu_domain::board::*;
use honbu_domain::ids::*;
use honbu_domain::vocab::*;

const DECISION_COLS: &str = "id, hq_id, decided_at, decided_by, recorded_by, recorded_at, title, options, rationale, based_on, release";

fn decision_row(r: &Row) -> Result<DecisionView> {
    Ok(DecisionView {
        id: r.parse(0)?,
        hq: r.parse(1)?,
        decided_at: r.time(2)?,
        decided_by: r.text(3)?,
        recorded_by: r.opt_parse(4)?,
        recorded_at: r.time(5)?,
        title: r.text(6)?,
        options: r.json(7)?,
        rationale: r.text(8)?,
        based_on: r.json(9)?,
        release: r.vocab(10, Release::parse)?,
    })
}

/// The SQL condition for "decisions this viewer may read" (alias `d`): as
/// for entries, those released to the incident or wider, and the HQ-only
/// ones of the viewer's HQs.
fn decision_vis(p: &Principal, incident: IncidentId, start: usize) -> (String, Vec<Value>) {
    match p.entry_filter(incident) {
        EntryFilter::All => ("1=1".into(), vec![]),
        EntryFilter::Restricted { hqs } if hqs.is_empty() => ("d.release <> 'hq'".into(), vec![]),
        EntryFilter::Restricted { hqs } => (
            format!(
                "(d.release <> 'hq' OR d.hq_id IN ({}))",
                placeholders(start, hqs.len())
            ),
            hqs.iter().map(t).collect(),
        ),
    }
}

/// The decisions recorded by `at` that the viewer may read, newest first,
/// each naming only the entries the viewer may read.
pub fn decisions(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    limit: i64,
    offset: i64,
) -> Result<Page<DecisionView>> {
    decisions_matching(c, p, incident, at, &[], limit, offset)
}

/// The decisions the viewer may read whose title, options, rationale or
/// decider hold every one of `words` (in any case), newest first.
/// Decisions are few beside entries: a scan of the incident's own finds
/// them, in any script.
pub fn decisions_matching(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    words: &[String],
    limit: i64,
    offset: i64,
) -> Result<Page<DecisionView>> {
    if !p.can_see_incident(incident) {
        return Ok(Page::empty());
    }
    let decisions = at.rows(&DECISIONS);
    let (mut vis, mut params) = decision_vis(p, incident, 2);
    params.insert(0, t(incident));
    let d = c.dialect();
    for w in words {
        params.push(Value::Text(crate::sql::like_pattern(w)));
        let n = params.len();
        vis.push_str(&format!(
            " AND ({} OR {} OR {} OR {})",
            d.contains("d.title", n),
            d.contains("d.options", n),
            d.contains("d.rationale", n),
            d.contains("d.decided_by", n)
        ));
    }
    let total = c
        .query_one(
            &format!("SELECT COUNT(*) FROM {decisions} d WHERE incident_id = $1 AND {vis}"),
            &params,
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let n = params.len();
    params.extend([Value::Int(limit.clamp(1, MAX_LIMIT)), Value::Int(offset)]);
    let mut items = c
        .query(
            &format!(
                "SELECT {DECISION_COLS} FROM {decisions} d WHERE incident_id = $1 AND {vis} ORDER BY recorded_at DESC, id DESC LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            ),
            &params,
        )?
        .iter()
        .map(decision_row)
        .collect::<Result<Vec<_>>>()?;
    let refs = Refs::of_ids(
        c,
        at,
        items
            .iter()
            .flat_map(|d| d.based_on.iter().copied())
            .collect(),
    )?;
    for d in items.iter_mut() {
        d.based_on
            .retain(|e| refs.readable(p, incident, *e).is_some());
    }
    Ok(Page::at_offset(items, total, offset))
}

const TASK_COLS: &str =
    "id, hq_id, title, owner, due_at, status, note, created_at, created_by, updated_at";

fn task_row(r: &Row, now: DateTime<Utc>) -> Result<TaskView> {
    let status = r.vocab(5, TaskStatus::parse)?;
    let due_at = r.opt_time(4)?;
    Ok(TaskView {
        id: r.parse(0)?,
        hq: r.parse(1)?,
        title: r.text(2)?,
        owner: r.text(3)?,
        due_at,
        status,
        note: r.text(6)?,
        created_at: r.time(7)?,
        created_by: r.opt_parse(8)?,
        updated_at: r.time(9)?,
        overdue: task_overdue(status, due_at, now),
    })
}

/// Tasks of an incident as they stood at `at`, overdue (at `now`, or at the
/// incident's closing) first; closed ones only when asked.
pub fn tasks(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
    include_closed: bool,
    now: DateTime<Utc>,
) -> Result<Vec<TaskView>> {
    let clock = incident_clock(c, incident, at, now)?;
    tasks_at(c, incident, at, include_closed, clock)
}

/// As [`tasks`], at a clock already resolved by [`incident_clock`].
pub(crate) fn tasks_at(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
    include_closed: bool,
    clock: DateTime<Utc>,
) -> Result<Vec<TaskView>> {
    let filter = if include_closed {
        ""
    } else {
        " AND status NOT IN ('done', 'cancelled')"
    };
    let mut items = c
        .query(
            &format!(
                "SELECT {TASK_COLS} FROM {} k WHERE incident_id = $1{filter}",
                at.rows(&TASKS)
            ),
            &[t(incident)],
        )?
        .iter()
        .map(|r| task_row(r, clock))
        .collect::<Result<Vec<_>>>()?;
    sort_tasks(&mut items);
    if include_closed {
        // Closed tasks after the open ones, most recently closed first.
        items.sort_by_key(|t| t.status.is_closed());
    }
    Ok(items)
}

pub fn task(
    c: &mut dyn Conn,
    id: TaskId,
    now: DateTime<Utc>,
) -> Result<Option<(IncidentId, TaskView)>> {
    c.query_one(
        &format!("SELECT {TASK_COLS}, incident_id FROM tasks WHERE id = $1"),
        &[t(id)],
    )?
    .map(|r| Ok((r.parse(10)?, task_row(&r, now)?)))
    .transpose()
}

// ------------------------------------------------------------ when a task is late

/// A task falls overdue once its due time has passed while it is open (the
/// clock is the incident's: now, a past moment, or its closing).
pub fn task_overdue(status: TaskStatus, due_at: Option<DateTime<Utc>>, at: DateTime<Utc>) -> bool {
    !status.is_closed() && due_at.is_some_and(|d| d < at)
}

/// Open tasks: overdue first, then by due time (none last), then by creation.
pub fn sort_tasks(tasks: &mut [TaskView]) {
    tasks.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| match (a.due_at, b.due_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.created_at.cmp(&b.created_at))
            .then_with(|| a.id.cmp(&b.id))
    });
}
