//! Reads. Every query that returns incident data takes the viewer and
//! applies the need-to-know rules in SQL, so that lists, counts and pages
//! never include what the viewer may not see.

use crate::headquarters::hq_views_at;
use crate::incidents::{incident, incident_clock};
use crate::rules::{Page, MAX_LIMIT};
use crate::sql::{placeholders, t, Conn, Row, Value};
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use honbu_domain::access::{EntryFilter, Principal};
use honbu_domain::board::*;
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use serde::Serialize;
use std::collections::HashMap;

// ---------------------------------------------------------------- principals

// ----------------------------------------------------------------- incidents

// ----------------------------------------------------------------------- HQs

// ------------------------------------------------------------------- sources

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceRow {
    pub id: SourceId,
    pub name: String,
    pub kind: SourceKind,
    pub reliability: Reliability,
}

pub fn sources(c: &mut dyn Conn) -> Result<Vec<SourceRow>> {
    c.query(
        "SELECT id, name, kind, reliability FROM sources ORDER BY name",
        &[],
    )?
    .iter()
    .map(source_row)
    .collect()
}

fn source_row(r: &Row) -> Result<SourceRow> {
    Ok(SourceRow {
        id: r.parse(0)?,
        name: r.text(1)?,
        kind: r.vocab(2, SourceKind::parse)?,
        reliability: r.vocab(3, Reliability::parse)?,
    })
}

pub fn source(c: &mut dyn Conn, id: SourceId) -> Result<Option<SourceRow>> {
    c.query_one(
        "SELECT id, name, kind, reliability FROM sources WHERE id = $1",
        &[t(id)],
    )?
    .map(|r| source_row(&r))
    .transpose()
}

// ------------------------------------------------------------------- entries

const ENTRY_COLS: &str = "e.id, e.number, e.hq_id, e.author, e.occurred_at, e.reported_at, e.entered_at, e.source_id, e.source_name, \
     e.reliability, e.credibility, e.category, e.release, e.significant, e.text, e.supersedes, e.superseded_by, e.links";

fn entry_row(r: &Row) -> Result<EntryView> {
    Ok(EntryView {
        id: r.parse(0)?,
        number: r.int(1)?,
        hq: r.parse(2)?,
        author: r.opt_parse(3)?,
        occurred_at: r.time(4)?,
        reported_at: r.time(5)?,
        entered_at: r.time(6)?,
        source: r.opt_parse(7)?,
        source_name: r.text(8)?,
        reliability: r.vocab(9, Reliability::parse)?,
        credibility: r.vocab(10, Credibility::parse)?,
        category: r.vocab(11, Category::parse)?,
        release: r.vocab(12, Release::parse)?,
        significant: r.bool(13)?,
        text: r.text(14)?,
        supersedes: r.opt_parse(15)?,
        superseded_by: r.opt_parse(16)?,
        links: r.json(17)?,
        released_to: vec![],
    })
}

/// The SQL condition for "entries this viewer may read" (alias `e`).
fn entry_vis(p: &Principal, incident: IncidentId, start: usize) -> (String, Vec<Value>) {
    match p.entry_filter(incident) {
        EntryFilter::All => ("1=1".into(), vec![]),
        EntryFilter::Restricted { hqs } if hqs.is_empty() => ("e.release <> 'hq'".into(), vec![]),
        EntryFilter::Restricted { hqs } => {
            let a = placeholders(start, hqs.len());
            let b = placeholders(start + hqs.len(), hqs.len());
            let mut params: Vec<Value> = hqs.iter().map(t).collect();
            params.extend(hqs.iter().map(t));
            (
                format!("(e.release <> 'hq' OR e.hq_id IN ({a}) OR EXISTS (SELECT 1 FROM entry_releases r WHERE r.entry_id = e.id AND r.hq_id IN ({b})))"),
                params,
            )
        }
    }
}

fn fill_releases(c: &mut dyn Conn, entries: &mut [EntryView]) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let ids: Vec<Value> = entries.iter().map(|e| t(e.id)).collect();
    let rows = c.query(
        &format!(
            "SELECT entry_id, hq_id FROM entry_releases WHERE entry_id IN ({}) ORDER BY hq_id",
            placeholders(1, ids.len())
        ),
        &ids,
    )?;
    let mut map: HashMap<EntryId, Vec<HqId>> = HashMap::new();
    for r in rows {
        map.entry(r.parse(0)?).or_default().push(r.parse(1)?);
    }
    for e in entries.iter_mut() {
        if let Some(v) = map.remove(&e.id) {
            e.released_to = v;
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct EntryQuery {
    pub significant_only: bool,
    /// Entries numbered below this (the cursor of the previous page).
    pub before: Option<i64>,
    pub limit: i64,
    /// Oldest first instead of newest first.
    pub ascending: bool,
    pub entered_from: Option<DateTime<Utc>>,
    pub entered_to: Option<DateTime<Utc>>,
}

pub fn entries(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    q: &EntryQuery,
) -> Result<Page<EntryView>> {
    if !p.can_see_incident(incident) {
        return Ok(Page {
            items: vec![],
            total: 0,
            next_cursor: None,
        });
    }
    let mut params: Vec<Value> = vec![t(incident)];
    let (vis, vp) = entry_vis(p, incident, 2);
    params.extend(vp);
    let mut cond = format!("e.incident_id = $1 AND {vis}");
    if q.significant_only {
        cond.push_str(" AND e.significant = 1");
    }
    if let Some(f) = q.entered_from {
        params.push(Value::from(f));
        cond.push_str(&format!(" AND e.entered_at >= ${}", params.len()));
    }
    if let Some(to) = q.entered_to {
        params.push(Value::from(to));
        cond.push_str(&format!(" AND e.entered_at <= ${}", params.len()));
    }
    let total = c
        .query_one(
            &format!("SELECT COUNT(*) FROM entries e WHERE {cond}"),
            &params,
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    if let Some(b) = q.before {
        params.push(Value::Int(b));
        cond.push_str(&format!(
            " AND e.number {} ${}",
            if q.ascending { ">" } else { "<" },
            params.len()
        ));
    }
    let limit = q.limit.clamp(1, MAX_LIMIT);
    params.push(Value::Int(limit));
    let order = if q.ascending { "ASC" } else { "DESC" };
    let mut items = c
        .query(&format!("SELECT {ENTRY_COLS} FROM entries e WHERE {cond} ORDER BY e.number {order} LIMIT ${}", params.len()), &params)?
        .iter()
        .map(entry_row)
        .collect::<Result<Vec<_>>>()?;
    fill_releases(c, &mut items)?;
    let next = if items.len() as i64 == limit {
        items.last().map(|e| e.number.to_string())
    } else {
        None
    };
    Ok(Page {
        items,
        total,
        next_cursor: next,
    })
}

/// One entry if it exists and the viewer may read it.
pub fn entry(
    c: &mut dyn Conn,
    p: &Principal,
    id: EntryId,
) -> Result<Option<(IncidentId, EntryView)>> {
    let Some(r) = c.query_one(
        &format!("SELECT {ENTRY_COLS}, e.incident_id FROM entries e WHERE e.id = $1"),
        &[t(id)],
    )?
    else {
        return Ok(None);
    };
    let incident: IncidentId = r.parse(18)?;
    let mut e = vec![entry_row(&r)?];
    fill_releases(c, &mut e)?;
    let e = e.remove(0);
    Ok(p.can_read_entry(incident, e.hq, e.release, &e.released_to)
        .then_some((incident, e)))
}

/// The ids of an incident's entries by their numbers, of those the viewer
/// may read (a number not returned is not one the viewer may link to).
pub fn entry_ids_by_number(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    numbers: &[i64],
) -> Result<HashMap<i64, EntryId>> {
    if numbers.is_empty() || !p.can_see_incident(incident) {
        return Ok(HashMap::new());
    }
    let mut params: Vec<Value> = vec![t(incident)];
    let (vis, vp) = entry_vis(p, incident, 2);
    params.extend(vp);
    let from = params.len() + 1;
    params.extend(numbers.iter().map(|n| Value::Int(*n)));
    c.query(
        &format!(
            "SELECT e.number, e.id FROM entries e WHERE e.incident_id = $1 AND {vis} AND e.number IN ({})",
            placeholders(from, numbers.len())
        ),
        &params,
    )?
    .iter()
    .map(|r| Ok((r.int(0)?, r.parse(1)?)))
    .collect()
}

/// The incident and origin HQ of an entry, whoever asks (for rule checks).
pub fn entry_home(c: &mut dyn Conn, id: EntryId) -> Result<Option<(IncidentId, HqId)>> {
    c.query_one(
        "SELECT incident_id, hq_id FROM entries WHERE id = $1",
        &[t(id)],
    )?
    .map(|r| Ok((r.parse(0)?, r.parse(1)?)))
    .transpose()
}

// ----------------------------------------------------- decisions and tasks

const DECISION_COLS: &str = "id, hq_id, decided_at, decided_by, recorded_by, recorded_at, title, options, rationale, based_on";

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
    })
}

pub fn decisions(
    c: &mut dyn Conn,
    incident: IncidentId,
    limit: i64,
    offset: i64,
) -> Result<Page<DecisionView>> {
    let total = c
        .query_one(
            "SELECT COUNT(*) FROM decisions WHERE incident_id = $1",
            &[t(incident)],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let items = c
        .query(
            &format!("SELECT {DECISION_COLS} FROM decisions WHERE incident_id = $1 ORDER BY recorded_at DESC, id DESC LIMIT $2 OFFSET $3"),
            &[t(incident), Value::Int(limit.clamp(1, MAX_LIMIT)), Value::Int(offset)],
        )?
        .iter()
        .map(decision_row)
        .collect::<Result<Vec<_>>>()?;
    let next =
        (offset + (items.len() as i64) < total).then(|| (offset + items.len() as i64).to_string());
    Ok(Page {
        items,
        total,
        next_cursor: next,
    })
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

/// Tasks of an incident, overdue first; closed ones only when asked.
pub fn tasks(
    c: &mut dyn Conn,
    incident: IncidentId,
    include_closed: bool,
    now: DateTime<Utc>,
) -> Result<Vec<TaskView>> {
    let at = incident_clock(c, incident, now)?;
    tasks_at(c, incident, include_closed, at)
}

/// As [`tasks`], at a clock already resolved by [`incident_clock`].
fn tasks_at(
    c: &mut dyn Conn,
    incident: IncidentId,
    include_closed: bool,
    now: DateTime<Utc>,
) -> Result<Vec<TaskView>> {
    let filter = if include_closed {
        ""
    } else {
        " AND status NOT IN ('done', 'cancelled')"
    };
    let mut items = c
        .query(
            &format!("SELECT {TASK_COLS} FROM tasks WHERE incident_id = $1{filter}"),
            &[t(incident)],
        )?
        .iter()
        .map(|r| task_row(r, now))
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

// --------------------------------------------------------------------- board

/// The live board, read from the tables.
pub fn board(
    c: &mut dyn Conn,
    p: &Principal,
    id: IncidentId,
    now: DateTime<Utc>,
) -> Result<Option<Board>> {
    let Some(incident) = incident(c, p, id)? else {
        return Ok(None);
    };
    // Counted from the entries' indexes, not kept as running totals (which
    // would cost every entry a write of the incident's row): entries are
    // numbered 1, 2, 3, … and never deleted, so the highest number is the
    // count; the significant ones and the HQ-only ones have partial indexes
    // of their own. The board stands as of the incident's last journal event.
    let Some(meta) = c.query_one(
        "SELECT COALESCE((SELECT MAX(seq) FROM journal WHERE incident_id = $1), 0), \
                COALESCE((SELECT MAX(number) FROM entries WHERE incident_id = $1), 0), \
                (SELECT COUNT(*) FROM entries WHERE incident_id = $1 AND significant = 1), \
                (SELECT COUNT(*) FROM entries WHERE incident_id = $1 AND release = 'hq'), \
                (SELECT COUNT(*) FROM entries WHERE incident_id = $1 AND release = 'hq' AND significant = 1)",
        &[t(id)],
    )?
    else {
        return Ok(None);
    };
    let seq = meta.int(0)?;
    let (total, significant_total) = (meta.int(1)?, meta.int(2)?);
    // Released to the incident or wider: all but the HQ-only ones.
    let (open, significant_open) = (total - meta.int(3)?, significant_total - meta.int(4)?);
    let (vis, vp) = entry_vis(p, id, 2);
    let mut params = vec![t(id)];
    params.extend(vp);
    let (entries, significant) = match p.entry_filter(id) {
        EntryFilter::All => (total, significant_total),
        EntryFilter::Restricted { hqs } if hqs.is_empty() => (open, significant_open),
        EntryFilter::Restricted { hqs } => {
            // Entries released to the incident or wider, and of the HQ-only
            // ones the viewer's HQs' own (an index range) and those released
            // to them from elsewhere.
            let mut p: Vec<Value> = vec![t(id)];
            p.extend(hqs.iter().map(t));
            let own = c
                .query_one(
                    &format!(
                        "SELECT COUNT(*), CAST(COALESCE(SUM(significant), 0) AS BIGINT) FROM entries \
                         WHERE incident_id = $1 AND release = 'hq' AND hq_id IN ({})",
                        placeholders(2, hqs.len())
                    ),
                    &p,
                )?
                .ok_or_else(|| StoreError::Db("count returned no row".into()))?;
            p.extend(hqs.iter().map(t));
            let released = c
                .query_one(
                    &format!(
                        // Driven from the (few) releases, not the (many) entries:
                        // CROSS JOIN fixes that order in SQLite and is a plain join elsewhere.
                        "SELECT COUNT(*), CAST(COALESCE(SUM(e.significant), 0) AS BIGINT) \
                         FROM (SELECT DISTINCT entry_id FROM entry_releases WHERE hq_id IN ({})) r \
                         CROSS JOIN entries e \
                         WHERE e.id = r.entry_id AND e.incident_id = $1 AND e.release = 'hq' AND e.hq_id NOT IN ({})",
                        placeholders(2 + hqs.len(), hqs.len()),
                        placeholders(2, hqs.len())
                    ),
                    &p,
                )?
                .ok_or_else(|| StoreError::Db("count returned no row".into()))?;
            (
                open + own.int(0)? + released.int(0)?,
                significant_open + own.int(1)? + released.int(1)?,
            )
        }
    };
    let n = params.len();
    let mut significant_list = c
        .query(
            &format!("SELECT {ENTRY_COLS} FROM entries e WHERE e.incident_id = $1 AND e.significant = 1 AND {vis} ORDER BY e.number DESC LIMIT ${}", n + 1),
            &[params.clone(), vec![Value::Int(BOARD_SIGNIFICANT as i64)]].concat(),
        )?
        .iter()
        .map(entry_row)
        .collect::<Result<Vec<_>>>()?;
    fill_releases(c, &mut significant_list)?;
    let mut recent = c
        .query(
            &format!("SELECT {ENTRY_COLS} FROM entries e WHERE e.incident_id = $1 AND {vis} ORDER BY e.number DESC LIMIT ${}", n + 1),
            &[params, vec![Value::Int(BOARD_RECENT as i64)]].concat(),
        )?
        .iter()
        .map(entry_row)
        .collect::<Result<Vec<_>>>()?;
    fill_releases(c, &mut recent)?;
    // A closed incident's clock stops: nothing becomes overdue after it closed.
    let now = incident_clock(c, id, now)?;
    let tasks = tasks_at(c, id, false, now)?;
    let decisions = decisions(c, id, BOARD_DECISIONS as i64, 0)?;
    let hqs = hq_views_at(c, id, now)?;
    let counts = Counts {
        entries,
        significant,
        open_tasks: tasks.len() as i64,
        overdue_tasks: tasks.iter().filter(|t| t.overdue).count() as i64,
        decisions: decisions.total,
        on_duty: hqs.iter().map(|h| h.on_duty.len() as i64).sum(),
        // The HQs of a closed incident have stood down: none is short of staff.
        hqs_without_duty: if incident.status.is_closed() {
            0
        } else {
            hqs.iter().filter(|h| h.on_duty.is_empty()).count() as i64
        },
        reports_overdue: hqs.iter().filter(|h| h.report_overdue).count() as i64,
    };
    Ok(Some(Board {
        incident,
        as_of: now,
        seq,
        hqs,
        significant: significant_list,
        recent,
        tasks,
        decisions: decisions.items,
        counts,
    }))
}

/// The board as it stood at `at`, folded from the journal.
pub fn board_as_of(
    c: &mut dyn Conn,
    p: &Principal,
    id: IncidentId,
    at: DateTime<Utc>,
) -> Result<Option<Board>> {
    if !p.can_see_incident(id) {
        return Ok(None);
    }
    let events = crate::journal::read_incident(c, id, Some(&at))?;
    let state = honbu_domain::state::IncidentState::fold(&events);
    let names = crate::accounts::names(c)?;
    Ok(state.board(p, at, &|u| {
        names.get(&u).cloned().unwrap_or_else(|| u.to_string())
    }))
}

// --------------------------------------------------- handovers and sitreps

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandoverRow {
    pub id: HandoverId,
    pub incident: IncidentId,
    pub hq: HqId,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Option<UserId>,
    pub since: Option<DateTime<Utc>>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub brief: serde_json::Value,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<UserId>,
}

const HANDOVER_COLS: &str =
    "id, incident_id, hq_id, issued_at, issued_by, since, brief, acknowledged_at, acknowledged_by";

fn handover_row(r: &Row) -> Result<HandoverRow> {
    Ok(HandoverRow {
        id: r.parse(0)?,
        incident: r.parse(1)?,
        hq: r.parse(2)?,
        issued_at: r.time(3)?,
        issued_by: r.opt_parse(4)?,
        since: r.opt_time(5)?,
        brief: r.json(6)?,
        acknowledged_at: r.opt_time(7)?,
        acknowledged_by: r.opt_parse(8)?,
    })
}

pub fn handovers(c: &mut dyn Conn, incident: IncidentId) -> Result<Vec<HandoverRow>> {
    c.query(&format!("SELECT {HANDOVER_COLS} FROM handovers WHERE incident_id = $1 ORDER BY issued_at DESC, id"), &[t(incident)])?
        .iter()
        .map(handover_row)
        .collect()
}

pub fn handover(c: &mut dyn Conn, id: HandoverId) -> Result<Option<HandoverRow>> {
    c.query_one(
        &format!("SELECT {HANDOVER_COLS} FROM handovers WHERE id = $1"),
        &[t(id)],
    )?
    .map(|r| handover_row(&r))
    .transpose()
}

/// The last acknowledged handover of an HQ: where the next brief starts.
pub fn last_handover(c: &mut dyn Conn, hq: HqId) -> Result<Option<HandoverRow>> {
    c.query_one(
        &format!("SELECT {HANDOVER_COLS} FROM handovers WHERE hq_id = $1 AND acknowledged_at IS NOT NULL ORDER BY acknowledged_at DESC LIMIT 1"),
        &[t(hq)],
    )?
    .map(|r| handover_row(&r))
    .transpose()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SitrepRow {
    pub id: SitrepId,
    pub incident: IncidentId,
    pub number: i64,
    pub issued_at: DateTime<Utc>,
    pub issued_by: Option<UserId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub document: serde_json::Value,
}

const SITREP_COLS: &str = "id, incident_id, number, issued_at, issued_by, document";

fn sitrep_row(r: &Row) -> Result<SitrepRow> {
    Ok(SitrepRow {
        id: r.parse(0)?,
        incident: r.parse(1)?,
        number: r.int(2)?,
        issued_at: r.time(3)?,
        issued_by: r.opt_parse(4)?,
        document: r.json(5)?,
    })
}

pub fn sitreps(c: &mut dyn Conn, incident: IncidentId) -> Result<Vec<SitrepRow>> {
    c.query(
        &format!("SELECT {SITREP_COLS} FROM sitreps WHERE incident_id = $1 ORDER BY number DESC"),
        &[t(incident)],
    )?
    .iter()
    .map(sitrep_row)
    .collect()
}

pub fn sitrep(c: &mut dyn Conn, id: SitrepId) -> Result<Option<SitrepRow>> {
    c.query_one(
        &format!("SELECT {SITREP_COLS} FROM sitreps WHERE id = $1"),
        &[t(id)],
    )?
    .map(|r| sitrep_row(&r))
    .transpose()
}

pub fn journal_seq(c: &mut dyn Conn) -> Result<i64> {
    Ok(
        c.query_one("SELECT seq FROM journal_head WHERE id = 1", &[])?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0),
    )
}

/// Every read-model row, as text, for comparing a rebuilt database with the
/// live one.
pub fn dump_read_models(c: &mut dyn Conn) -> Result<Vec<(String, Vec<Row>)>> {
    let mut out = vec![];
    for table in crate::schema::READ_MODELS {
        let rows = c.query(&format!("SELECT * FROM {table} ORDER BY 1, 2"), &[])?;
        out.push((table.to_string(), rows));
    }
    Ok(out)
}
