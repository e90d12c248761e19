//! The board: the common operating picture of one incident as one viewer
//! may see it, composed above the features from their reads (the
//! incident, its HQs and duty, the log's significant and recent entries,
//! open tasks, recent decisions, the counts).

use crate::headquarters::hq_views_at;
use crate::incidents::{incident, incident_clock};
use crate::log::{
    entry_row, entry_vis, fill_releases, resolve_refs, ENTRIES, ENTRY_COLS, RELEASES,
};
use crate::sql::{placeholders, t, Conn, Value};
use crate::versions::At;
use crate::work::{decisions, tasks_at};
use crate::{Result, StoreError};
use chrono::{DateTime, Utc};
use honbu_domain::access::{EntryFilter, Principal};
use honbu_domain::board::*;
use honbu_domain::ids::*;

/// The board as `p` may see it, of the record as it stood at `at`, with
/// deadlines measured at `now` (or at the incident's closing).
pub fn board(
    c: &mut dyn Conn,
    p: &Principal,
    id: IncidentId,
    at: At,
    now: DateTime<Utc>,
) -> Result<Option<Board>> {
    let Some(incident) = incident(c, p, id, at)? else {
        return Ok(None);
    };
    let all = at.rows(&ENTRIES);
    // Counted from the entries' indexes, not kept as running totals (which
    // would cost every entry a write of the incident's row): entries are
    // numbered 1, 2, 3, … and never deleted, so the highest number is the
    // count; the significant ones and the HQ-only ones have partial indexes
    // of their own. The board stands as of the incident's last journal event.
    let Some(meta) = c.query_one(
        &format!(
            "SELECT COALESCE((SELECT MAX(seq) FROM journal WHERE incident_id = $1 AND {upto}), 0), \
                COALESCE((SELECT MAX(number) FROM {all} e WHERE incident_id = $1), 0), \
                (SELECT COUNT(*) FROM {all} e WHERE incident_id = $1 AND significant = 1), \
                (SELECT COUNT(*) FROM {all} e WHERE incident_id = $1 AND release = 'hq'), \
                (SELECT COUNT(*) FROM {all} e WHERE incident_id = $1 AND release = 'hq' AND significant = 1)",
            upto = at.upto("seq"),
        ),
        &[t(id)],
    )?
    else {
        return Ok(None);
    };
    let seq = meta.int(0)?;
    let (total, significant_total) = (meta.int(1)?, meta.int(2)?);
    // Released to the incident or wider: all but the HQ-only ones.
    let (open, significant_open) = (total - meta.int(3)?, significant_total - meta.int(4)?);
    let (vis, vp) = entry_vis(p, id, at, 2);
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
                        "SELECT COUNT(*), CAST(COALESCE(SUM(significant), 0) AS BIGINT) FROM {all} e \
                         WHERE incident_id = $1 AND release = 'hq' AND hq_id IN ({})",
                        placeholders(2, hqs.len())
                    ),
                    &p,
                )?
                .ok_or_else(|| StoreError::db("count returned no row"))?;
            p.extend(hqs.iter().map(t));
            let released = c
                .query_one(
                    &format!(
                        // Driven from the (few) releases, not the (many) entries:
                        // CROSS JOIN fixes that order in SQLite and is a plain join elsewhere.
                        "SELECT COUNT(*), CAST(COALESCE(SUM(e.significant), 0) AS BIGINT) \
                         FROM (SELECT DISTINCT entry_id FROM {} x WHERE hq_id IN ({})) r \
                         CROSS JOIN {all} e \
                         WHERE e.id = r.entry_id AND e.incident_id = $1 AND e.release = 'hq' AND e.hq_id NOT IN ({})",
                        at.rows(&RELEASES),
                        placeholders(2 + hqs.len(), hqs.len()),
                        placeholders(2, hqs.len())
                    ),
                    &p,
                )?
                .ok_or_else(|| StoreError::db("count returned no row"))?;
            (
                open + own.int(0)? + released.int(0)?,
                significant_open + own.int(1)? + released.int(1)?,
            )
        }
    };
    let n = params.len();
    let mut significant_list = c
        .query(
            &format!("SELECT {ENTRY_COLS} FROM {all} e WHERE e.incident_id = $1 AND e.significant = 1 AND {vis} ORDER BY e.occurred_at DESC, e.number DESC LIMIT ${}", n + 1),
            &[params.clone(), vec![Value::Int(BOARD_SIGNIFICANT as i64)]].concat(),
        )?
        .iter()
        .map(entry_row)
        .collect::<Result<Vec<_>>>()?;
    fill_releases(c, at, &mut significant_list)?;
    resolve_refs(c, p, id, at, &mut significant_list)?;
    let mut recent = c
        .query(
            &format!("SELECT {ENTRY_COLS} FROM {all} e WHERE e.incident_id = $1 AND {vis} ORDER BY e.number DESC LIMIT ${}", n + 1),
            &[params, vec![Value::Int(BOARD_RECENT as i64)]].concat(),
        )?
        .iter()
        .map(entry_row)
        .collect::<Result<Vec<_>>>()?;
    fill_releases(c, at, &mut recent)?;
    resolve_refs(c, p, id, at, &mut recent)?;
    // A closed incident's clock stops: nothing becomes overdue after it closed.
    let now = incident_clock(c, id, at, now)?;
    let tasks = tasks_at(c, id, at, false, now)?;
    let decisions = decisions(c, p, id, at, BOARD_DECISIONS as i64, 0)?;
    let hqs = hq_views_at(c, id, at, now)?;
    let (people, people_unaccounted, people_in_review) = crate::people::counts(c, id, at)?;
    let counts = Counts {
        people,
        people_unaccounted,
        people_in_review,
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

/// The board as it stood at time `at`: the same board, of the record as it
/// stood after the incident's last event recorded by then, with deadlines
/// measured at `at`.
pub fn board_as_of(
    c: &mut dyn Conn,
    p: &Principal,
    id: IncidentId,
    at: DateTime<Utc>,
) -> Result<Option<Board>> {
    if !p.can_see_incident(id) {
        return Ok(None);
    }
    let moment = At::of_time(c, id, &at)?;
    board(c, p, id, moment, at)
}
