//! Commands: issuing and acknowledging handover briefs, issuing SITREPs.

use crate::rules::{forbid, not_closed, opt_time, visible_incident, Ctx};
use crate::sql::{t, Conn};
use crate::versions::At;
use crate::{board, headquarters, incidents, log, work, Result, StoreError};
use honbu_domain::access::Principal;
use honbu_domain::board::*;
use honbu_domain::commands::*;
use honbu_domain::error::text;
use honbu_domain::events::{Body, Event};
use honbu_domain::ids::*;
use honbu_domain::reports::*;
use honbu_domain::time::parse_time;
use honbu_domain::vocab::*;
use honbu_domain::FieldError;

/// The brief is read by the members of one HQ, so it is built with exactly
/// what a member of that HQ (and no other) may see, whoever issues it.
fn member_of(p: &Principal, incident: IncidentId, hq: HqId) -> Principal {
    Principal {
        global_role: None,
        memberships: vec![honbu_domain::access::Membership {
            incident,
            hq,
            role: RoleName::head(),
            capabilities: vec![],
        }],
        ..p.clone()
    }
}

/// A SITREP goes to everyone who knows the incident, so it holds only what
/// is released to all its HQs.
fn incident_wide(p: &Principal) -> Principal {
    Principal {
        global_role: Some(GlobalRole::Reader),
        memberships: vec![],
        ..p.clone()
    }
}

pub fn build_brief(c: &mut dyn Conn, ctx: &Ctx, id: IncidentId, hq: HqId) -> Result<Brief> {
    let viewer = member_of(ctx.p, id, hq);
    let ctx = &Ctx {
        p: &viewer,
        now: ctx.now,
    };
    let board = board::board(c, ctx.p, id, At::Now, ctx.now)?.ok_or(StoreError::NotFound)?;
    let hqv = board
        .hqs
        .iter()
        .find(|h| h.id == hq)
        .cloned()
        .ok_or_else(|| FieldError::new("hq", "is not a headquarters of this incident"))?;
    let since = super::last_handover(c, hq)?
        .and_then(|h| h.acknowledged_at)
        .unwrap_or(board.incident.opened_at);
    let status_changes = incidents::status_history(c, id, At::Now)?
        .into_iter()
        .filter(|s| s.at > since)
        .map(|s| StatusChangeItem {
            at: s.at,
            from: s.from,
            to: s.to,
            reason: s.reason,
        })
        .collect();
    let q = log::EntryQuery {
        limit: MAX_BRIEF_ENTRIES,
        entered_from: Some(since),
        ..Default::default()
    };
    let page = log::entries(c, ctx.p, id, At::Now, &q)?;
    let mut changes = page.items;
    changes.sort_by(|a, b| {
        b.significant
            .cmp(&a.significant)
            .then(b.number.cmp(&a.number))
    });
    let decisions = work::decisions(c, ctx.p, id, At::Now, 100, 0)?
        .items
        .into_iter()
        .filter(|d| d.recorded_at > since)
        .collect();
    let reports_due = board
        .hqs
        .iter()
        .filter_map(|h| {
            Some(ReportDue {
                hq: h.id,
                hq_name: h.name.clone(),
                every_minutes: h.report_every_minutes?,
                last_report_at: h.last_report_at,
                due_at: h.report_due_at?,
                overdue: h.report_overdue,
            })
        })
        .collect();
    let horizon = ctx.now + chrono::Duration::hours(12);
    let mut contacts_due: Vec<ContactDue> = board
        .tasks
        .iter()
        .filter(|t| t.due_at.is_some_and(|d| d <= horizon))
        .filter_map(|t| {
            Some(ContactDue {
                what: t.title.clone(),
                with: t.owner.clone(),
                due_at: t.due_at?,
                overdue: t.overdue,
            })
        })
        .collect();
    if let Some(s) = super::sitreps(c, id, At::Now)?.into_iter().next() {
        if let Some(next) = s
            .document
            .get("nextContact")
            .and_then(|v| v.as_str())
            .and_then(|v| parse_time("", v).ok())
        {
            contacts_due.push(ContactDue {
                what: format!("SITREP {}", s.number + 1),
                with: board.incident.title.clone(),
                due_at: next,
                overdue: next < ctx.now,
            });
        }
    }
    contacts_due.sort_by_key(|c| c.due_at);
    let people = crate::people::shift_people(c, id, At::Now, since)?;
    Ok(Brief {
        incident: board.incident,
        hq,
        hq_name: hqv.name,
        since,
        until: ctx.now,
        counts: board.counts,
        on_duty: hqv.on_duty,
        status_changes,
        changes,
        changes_total: page.total,
        decisions,
        tasks: board.tasks,
        reports_due,
        contacts_due,
        people,
    })
}

const MAX_BRIEF_ENTRIES: i64 = 50;

pub fn issue_handover(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: IncidentId,
    r: &IssueHandover,
) -> Result<(Vec<Event>, HandoverId)> {
    visible_incident(c, ctx, id)?;
    match headquarters::hq_incident(c, r.hq)? {
        Some(i) if i == id => {}
        _ => return Err(FieldError::new("hq", "is not a headquarters of this incident").into()),
    }
    if ctx.p.role_in(r.hq).is_none() && !ctx.p.is_admin() {
        return Err(forbid(
            "take over a shift in a headquarters you are not a member of",
        ));
    }
    let brief = build_brief(c, ctx, id, r.hq)?;
    let since = Some(brief.since);
    let brief = serde_json::to_value(&brief).map_err(|e| StoreError::Decode(e.to_string()))?;
    let handover = HandoverId::new();
    not_closed(c, id)?;
    Ok((
        vec![ctx.ev(
            Some(id),
            Body::HandoverIssued {
                handover,
                hq: r.hq,
                since,
                brief,
            },
        )],
        handover,
    ))
}

pub fn acknowledge_handover(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: HandoverId,
) -> Result<(Vec<Event>, ())> {
    // Another HQ's brief answers as it does to reading it: not found.
    let h = super::readable_handover(c, ctx.p, id, At::Now)?.ok_or(StoreError::NotFound)?;
    if h.acknowledged_at.is_some() {
        return Err(StoreError::Conflict(
            "this brief has already been acknowledged".into(),
        ));
    }
    // The incoming officer acknowledges: the one who prepared it hands over.
    if h.issued_by == Some(ctx.p.user) {
        return Err(forbid(
            "acknowledge a brief you prepared: the officer taking over acknowledges it",
        ));
    }
    let mut events = vec![ctx.ev(
        Some(h.incident),
        Body::HandoverAcknowledged { handover: id },
    )];
    // Taking the brief is taking the shift: a member of the HQ not yet on
    // duty there is signed on with it.
    let member = c
        .query_one(
            "SELECT role FROM hq_members WHERE hq_id = $1 AND user_id = $2",
            &[t(h.hq), t(ctx.p.user)],
        )?
        .is_some();
    let on_duty = c
        .query_one(
            "SELECT since FROM duty WHERE hq_id = $1 AND user_id = $2",
            &[t(h.hq), t(ctx.p.user)],
        )?
        .is_some();
    if member && !on_duty {
        events.push(ctx.ev(
            Some(h.incident),
            Body::DutyStarted {
                hq: h.hq,
                user: ctx.p.user,
            },
        ));
    }
    Ok((events, ()))
}

pub fn issue_sitrep(
    c: &mut dyn Conn,
    ctx: &Ctx,
    id: IncidentId,
    r: &IssueSitrep,
) -> Result<(Vec<Event>, SitrepId)> {
    let inc = visible_incident(c, ctx, id)?;
    let from = honbu_domain::time::trunc(parse_time("from", &r.from)?);
    let to = opt_time("to", &r.to, ctx.now)?;
    if to < from {
        return Err(FieldError::new("to", "must not be before from").into());
    }
    if to > ctx.now + chrono::Duration::minutes(5) {
        return Err(FieldError::new("to", "must not be in the future").into());
    }
    let urgency = r
        .urgency
        .as_deref()
        .map(|s| Urgency::parse("urgency", s))
        .transpose()?
        .unwrap_or(Urgency::Unknown);
    let confidence = r
        .confidence
        .as_deref()
        .map(|s| Confidence::parse("confidence", s))
        .transpose()?
        .unwrap_or(Confidence::SomewhatConfident);
    let authorized_by = text(
        "authorized_by",
        r.authorized_by.as_deref().unwrap_or(&ctx.p.display_name),
        1,
        200,
    )?;
    let action_plan = text(
        "action_plan",
        r.action_plan.as_deref().unwrap_or(""),
        0,
        20_000,
    )?;
    let next_contact = r
        .next_contact
        .as_deref()
        .map(|s| parse_time("next_contact", s).map(honbu_domain::time::trunc))
        .transpose()?;
    if !ctx.p.can_in_incident(id, Capability::SitrepIssue) {
        return Err(forbid("issue situation reports"));
    }
    let wide = incident_wide(ctx.p);
    let board = board::board(c, &wide, id, At::Now, ctx.now)?.ok_or(StoreError::NotFound)?;
    let q = log::EntryQuery {
        significant_only: true,
        limit: 200,
        entered_from: Some(from),
        entered_to: Some(to),
        ..Default::default()
    };
    let significant = log::entries(c, &wide, id, At::Now, &q)?.items;
    let decisions: Vec<DecisionView> =
        work::decisions(c, &wide, id, At::Now, MAX_LIMIT_DECISIONS, 0)?
            .items
            .into_iter()
            .filter(|d| d.recorded_at >= from && d.recorded_at <= to)
            .collect();
    let number = c
        .query_one(
            "SELECT COUNT(*) + 1 FROM sitreps WHERE incident_id = $1",
            &[t(id)],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(1);
    let sitrep = SitrepId::new();
    let doc = Sitrep {
        message_id: sitrep,
        incident_id: id,
        incident_name: inc.title.clone(),
        prepared_by: SitrepPerson {
            person_name: ctx.p.display_name.clone(),
            organisation: None,
            time_signed: Some(ctx.now),
        },
        authorized_by: SitrepPerson {
            person_name: authorized_by,
            organisation: None,
            time_signed: None,
        },
        report_number: number,
        report_version: if inc.status == IncidentStatus::Closed {
            "Final".into()
        } else if number == 1 {
            "Initial".into()
        } else {
            "Update".into()
        },
        for_time_period: TimePeriod { from, to },
        report_title: format!("SITREP {number}: {}", inc.title),
        urgency,
        report_confidence: confidence,
        severity: inc.severity,
        action_plan,
        next_contact,
        issued_at: ctx.now,
        status: inc.status,
        summary: inc.summary.clone(),
        counts: board.counts,
        significant,
        decisions,
        tasks: board.tasks,
        casualties: crate::people::casualties(c, id, At::Now)?,
    };
    let document = serde_json::to_value(&doc).map_err(|e| StoreError::Decode(e.to_string()))?;
    Ok((
        vec![ctx.ev(Some(id), Body::SitrepIssued { sitrep, document })],
        sitrep,
    ))
}

const MAX_LIMIT_DECISIONS: i64 = 1000;
