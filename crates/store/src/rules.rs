//! The rules every feature shares: who acts and when ([`Ctx`]), who may
//! know an incident or a headquarters exists, that a closed incident takes
//! no new work, and how lists are paged.
//!
//! A viewer who may not know an incident exists gets `NotFound`, never
//! `Forbidden`, so refusals leak nothing; checks that could tell the two
//! apart (a rule of the incident, a closed incident) run after the access
//! checks.

use crate::sql::{placeholders, t, Conn, Value};
use crate::versions::At;
use crate::{accounts, headquarters, incidents, Result, StoreError};
use honbu_domain::access::Principal;
use honbu_domain::board::IncidentView;
use honbu_domain::error::text;
use honbu_domain::events::{Body, Event};
use honbu_domain::ids::*;
use honbu_domain::time::{parse_time, Timestamp};
use honbu_domain::vocab::*;
use honbu_domain::FieldError;
use serde::Serialize;

/// Who acts, and when.
pub struct Ctx<'a> {
    pub p: &'a Principal,
    pub now: Timestamp,
}

impl Ctx<'_> {
    /// An event by this actor, now.
    pub fn ev(&self, incident: Option<IncidentId>, body: Body) -> Event {
        Event {
            at: self.now,
            actor: Some(self.p.user),
            incident,
            body,
        }
    }
}

pub fn forbid(what: &str) -> StoreError {
    StoreError::Forbidden(what.to_string())
}

/// The reason every change of record gives (1 to 2,000 characters).
pub fn reason(s: &str) -> Result<String> {
    Ok(text("reason", s, 1, 2000)?)
}

/// A time the request may leave out (then `default`), truncated as stored.
pub fn opt_time(field: &str, v: &Option<String>, default: Timestamp) -> Result<Timestamp> {
    match v {
        Some(s) => Ok(honbu_domain::time::trunc(parse_time(field, s)?)),
        None => Ok(default),
    }
}

/// The user a request names by username, or an error on `field`.
pub fn user_id(c: &mut dyn Conn, field: &str, username: &str) -> Result<UserId> {
    accounts::user_by_name(c, username.trim())?
        .map(|l| l.user.id)
        .ok_or_else(|| {
            FieldError::new(field, format!("no user named {:?}", username.trim())).into()
        })
}

// ---------------------------------------------------------------- visibility

/// The SQL condition for "incidents this viewer may know exist", on the
/// incident id column `col`, its parameters numbered from `start`.
pub fn incident_vis(p: &Principal, col: &str, start: usize) -> (String, Vec<Value>) {
    if p.can_see_incident(IncidentId(uuid::Uuid::nil())) {
        // Admin or global reader: every incident.
        return ("1=1".into(), vec![]);
    }
    let mut ids: Vec<IncidentId> = p.memberships.iter().map(|m| m.incident).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return ("1=0".into(), vec![]);
    }
    (
        format!("{col} IN ({})", placeholders(start, ids.len())),
        ids.into_iter().map(t).collect(),
    )
}

/// The incident if the viewer may know it, else `NotFound`.
pub fn visible_incident(c: &mut dyn Conn, ctx: &Ctx, id: IncidentId) -> Result<IncidentView> {
    incidents::incident(c, ctx.p, id, At::Now)?.ok_or(StoreError::NotFound)
}

/// The incident of an HQ the viewer may know, or `NotFound`.
pub fn hq_home(c: &mut dyn Conn, ctx: &Ctx, hq: HqId) -> Result<IncidentId> {
    let inc = headquarters::hq_incident(c, hq)?.ok_or(StoreError::NotFound)?;
    if !ctx.p.can_see_incident(inc) {
        return Err(StoreError::NotFound);
    }
    Ok(inc)
}

/// The HQ, which must belong to `incident`, and the check that the viewer
/// may act there with `cap`.
pub fn hq_in(
    c: &mut dyn Conn,
    ctx: &Ctx,
    incident: IncidentId,
    hq: HqId,
    field: &str,
    cap: Capability,
) -> Result<()> {
    match headquarters::hq_incident(c, hq)? {
        Some(i) if i == incident => {}
        _ => return Err(FieldError::new(field, "is not a headquarters of this incident").into()),
    }
    if !ctx.p.can(hq, cap) {
        return Err(forbid(&format!("{} in this headquarters", cap.as_str())));
    }
    Ok(())
}

/// The HQ to act from: the one the request names (checked as by
/// [`hq_in`]) or, when it names none, the viewer's first HQ in the
/// incident that grants `cap` (an administrator's: the first HQ).
pub fn acting_hq(
    c: &mut dyn Conn,
    ctx: &Ctx,
    incident: IncidentId,
    named: Option<HqId>,
    cap: Capability,
) -> Result<HqId> {
    if let Some(h) = named {
        hq_in(c, ctx, incident, h, "hq", cap)?;
        return Ok(h);
    }
    if let Some(m) = ctx
        .p
        .memberships
        .iter()
        .find(|m| m.incident == incident && m.capabilities.contains(&cap))
    {
        return Ok(m.hq);
    }
    if ctx.p.is_admin() {
        if let Some(r) = c.query_one(
            "SELECT id FROM hqs WHERE incident_id = $1 ORDER BY ordinal LIMIT 1",
            &[t(incident)],
        )? {
            return r.parse(0);
        }
        return Err(FieldError::new("hq", "this incident has no headquarters yet").into());
    }
    Err(forbid(cap.as_str()))
}

// ------------------------------------------------------------ a closed incident

/// Refuses new operational work on a closed incident: its record is final
/// (called after the access checks, so a stranger learns nothing from it).
/// Membership still changes after closing: an investigation needs readers.
pub fn open_for_work(incident: &IncidentView) -> Result<()> {
    if incident.status == IncidentStatus::Closed {
        return Err(StoreError::Conflict(
            "the incident is closed; its record is final".into(),
        ));
    }
    Ok(())
}

/// As [`open_for_work`], for an incident not yet read.
pub fn not_closed(c: &mut dyn Conn, incident: IncidentId) -> Result<()> {
    match incidents::incident_raw(c, incident, At::Now)? {
        Some(i) => open_for_work(&i),
        None => Err(StoreError::NotFound),
    }
}

// --------------------------------------------------------------------- lists

/// How far a search counts its matches: past it, the total says "this
/// many or more" (counting every match would cost a search of a common
/// word its every match, where the page needs a hundred).
pub const SEARCH_COUNT_CAP: i64 = 1000;

/// One page of a list, with the total the viewer may see.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// False when `total` is a lower bound: a search counts its matches
    /// only up to [`SEARCH_COUNT_CAP`] (walking the rest would cost each
    /// search its every match).
    pub total_exact: bool,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page that starts `offset` items into a list of `total`.
    pub fn at_offset(items: Vec<T>, total: i64, offset: i64) -> Self {
        let end = offset + items.len() as i64;
        Page {
            items,
            total,
            total_exact: true,
            next_cursor: (end < total).then(|| end.to_string()),
        }
    }

    pub fn empty() -> Self {
        Page {
            items: vec![],
            total: 0,
            total_exact: true,
            next_cursor: None,
        }
    }
}

/// The most items one page holds.
pub const MAX_LIMIT: i64 = 1000;

// ------------------------------------------------------------------ a moment

/// The moment of an incident's record a read is of: the present, or the
/// record as it stood at a past time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// Which state of the record: now, or the journal position the time asked
    /// for falls at.
    pub at: At,
    /// When deadlines are measured: now, or the time asked for.
    pub clock: Timestamp,
    /// The past time asked for; `None` for the present.
    pub asked: Option<Timestamp>,
}

impl Moment {
    pub fn now(now: Timestamp) -> Self {
        Moment {
            at: At::Now,
            clock: now,
            asked: None,
        }
    }

    pub fn is_now(&self) -> bool {
        self.asked.is_none()
    }
}

/// The moment of `incident` a read asks for (`asked`, the `at` field of a
/// request), once the viewer is known to be allowed to know the incident:
/// `NotFound` for a stranger whatever the time, then a time after `now` or
/// before the incident was opened is refused naming `at`.
pub fn moment(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    asked: Option<Timestamp>,
    now: Timestamp,
) -> Result<Moment> {
    let inc = incidents::incident(c, p, incident, At::Now)?.ok_or(StoreError::NotFound)?;
    let Some(t) = asked else {
        return Ok(Moment::now(now));
    };
    if t > now + chrono::Duration::minutes(5) {
        return Err(FieldError::new(
            "at",
            "must not be in the future: the record shows what was known, not what will be",
        )
        .into());
    }
    if t < inc.opened_at {
        return Err(FieldError::new(
            "at",
            format!(
                "is before the incident was opened ({})",
                inc.opened_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
        )
        .into());
    }
    Ok(Moment {
        at: At::of_time(c, incident, &t)?,
        clock: t,
        asked: Some(t),
    })
}
