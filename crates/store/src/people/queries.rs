//! Reads of the persons register and the accountability board.

use super::{data, PERSONS, REPORTS, SETTLEMENTS};
use crate::rules::{Page, MAX_LIMIT};
use crate::sql::{t, Conn, Row};
use crate::versions::At;
use crate::Result;
use honbu_domain::access::Principal;
use honbu_domain::ids::*;
use honbu_domain::people::*;
use honbu_domain::time::Timestamp;
use honbu_domain::vocab::*;
use std::collections::{BTreeMap, HashMap};

/// Who may read people's personal data in an incident: its members and
/// administrators. A global reader, who oversees every incident, sees the
/// register by numbers, statuses and counts, not who the people are.
pub fn may_read_personal(p: &Principal, incident: IncidentId) -> bool {
    p.is_admin() || p.is_member(incident)
}

/// Who sees passport numbers and contacts whole.
pub fn may_identify(p: &Principal, incident: IncidentId) -> bool {
    p.can_in_incident(incident, Capability::PersonsIdentify)
}

/// A person's row as stored, before what the viewer may see of it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: PersonId,
    pub incident: IncidentId,
    pub number: i64,
    pub hq: HqId,
    pub role: PersonRole,
    pub nationalities: Vec<String>,
    pub employer: Option<String>,
    pub details: String,
    pub status: PersonStatus,
    pub status_report: Option<PersonReportId>,
    pub status_reported_at: Option<Timestamp>,
    pub status_since: Timestamp,
    pub review: Option<String>,
    pub recorded_at: Timestamp,
    pub erased_at: Option<Timestamp>,
}

const COLS: &str = "p.id, p.incident_id, p.number, p.hq_id, p.role, p.nationalities, p.employer, p.details, p.status, p.status_report, \
     p.status_reported_at, p.status_since, p.review, p.recorded_at, p.erased_at";

fn stored_row(r: &Row) -> Result<Stored> {
    Ok(Stored {
        id: r.parse(0)?,
        incident: r.parse(1)?,
        number: r.int(2)?,
        hq: r.parse(3)?,
        role: r.vocab(4, PersonRole::parse)?,
        nationalities: r.json(5)?,
        employer: r.opt_text(6)?,
        details: r.text(7)?,
        status: r.vocab(8, PersonStatus::parse)?,
        status_report: r.opt_parse(9)?,
        status_reported_at: r.opt_time(10)?,
        status_since: r.time(11)?,
        review: r.opt_text(12)?,
        recorded_at: r.time(13)?,
        erased_at: r.opt_time(14)?,
    })
}

/// The person as stored at `at`, whoever asks (callers check the viewer).
pub fn stored(c: &mut dyn Conn, person: PersonId, at: At) -> Result<Option<Stored>> {
    let persons = at.rows(&PERSONS);
    c.query_one(
        &format!("SELECT {COLS} FROM {persons} p WHERE p.id = $1"),
        &[t(person)],
    )?
    .map(|r| stored_row(&r))
    .transpose()
}

/// The person's details as kept; `None` once erased.
pub fn details_of(c: &mut dyn Conn, p: &Stored) -> Result<Option<PersonDetails>> {
    if p.erased_at.is_some() {
        return Ok(None);
    }
    Ok(data::read::<PersonDetails>(c, &[p.details.as_str()])?.remove(&p.details))
}

/// The status a report on `person` gave, if it is one of theirs.
pub fn report_status_of(
    c: &mut dyn Conn,
    person: PersonId,
    report: PersonReportId,
) -> Result<Option<PersonStatus>> {
    c.query_one(
        "SELECT status FROM person_reports WHERE id = $1 AND person_id = $2",
        &[t(report), t(person)],
    )?
    .map(|r| r.vocab(0, PersonStatus::parse))
    .transpose()
}

/// The incident a person belongs to, if the viewer may know the person.
pub fn person_incident(
    c: &mut dyn Conn,
    p: &Principal,
    person: PersonId,
) -> Result<Option<IncidentId>> {
    Ok(stored(c, person, At::Now)?
        .map(|s| s.incident)
        .filter(|i| p.can_see_incident(*i)))
}

/// The views of `rows` for viewer `p`: details read in one go, masked or
/// withheld as the viewer's rights say.
fn views(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    rows: Vec<Stored>,
) -> Result<Vec<PersonView>> {
    let personal = may_read_personal(p, incident);
    let identifying = may_identify(p, incident);
    let digests: Vec<&str> = if personal {
        rows.iter()
            .filter(|r| r.erased_at.is_none())
            .map(|r| r.details.as_str())
            .collect()
    } else {
        vec![]
    };
    let mut kept = data::read::<PersonDetails>(c, &digests)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let details = if personal && r.erased_at.is_none() {
                kept.remove(&r.details).map(|mut d| {
                    if !identifying {
                        d.passport_number = mask_passport(&d.passport_number);
                        d.contacts.clear();
                    }
                    d
                })
            } else {
                None
            };
            PersonView {
                id: r.id,
                incident: r.incident,
                number: r.number,
                role: r.role,
                nationalities: r.nationalities,
                employer: r.employer,
                status: r.status,
                status_reported_at: r.status_reported_at,
                status_since: r.status_since,
                review: r.review,
                recorded_at: r.recorded_at,
                identifying: identifying && details.is_some(),
                details,
                erased_at: r.erased_at,
            }
        })
        .collect())
}

/// Which people a register read lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonFilter {
    pub status: Option<PersonStatus>,
    /// Only those not yet accounted for.
    pub unaccounted: bool,
    /// Only those waiting in review.
    pub in_review: bool,
    /// Words each of which some name of the person holds (in any case and
    /// script; ignored for a viewer who may not read names).
    pub words: Vec<String>,
}

/// Every person of the incident at `at`, by number.
fn all_stored(c: &mut dyn Conn, incident: IncidentId, at: At) -> Result<Vec<Stored>> {
    let persons = at.rows(&PERSONS);
    c.query(
        &format!("SELECT {COLS} FROM {persons} p WHERE p.incident_id = $1 ORDER BY p.number"),
        &[t(incident)],
    )?
    .iter()
    .map(stored_row)
    .collect()
}

fn folded(s: &str) -> String {
    s.to_lowercase()
}

fn names_hold(d: &PersonDetails, words: &[String]) -> bool {
    let hay = folded(&format!(
        "{} {} {} {} {}",
        d.family_name,
        d.given_name,
        d.native_name,
        d.other_names.join(" "),
        d.passport_number
    ));
    words.iter().all(|w| hay.contains(&folded(w)))
}

/// One page of the incident's register as the viewer may see it at `at`,
/// by number.
pub fn persons(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    f: &PersonFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<PersonView>> {
    if !p.can_see_incident(incident) {
        return Ok(Page::empty());
    }
    let rows: Vec<Stored> = all_stored(c, incident, at)?
        .into_iter()
        .filter(|r| f.status.is_none_or(|s| r.status == s))
        .filter(|r| !f.unaccounted || !r.status.is_accounted())
        .filter(|r| !f.in_review || r.review.is_some())
        .collect();
    let limit = limit.clamp(1, MAX_LIMIT);
    if f.words.is_empty() || !may_read_personal(p, incident) {
        let total = rows.len() as i64;
        let page: Vec<Stored> = rows
            .into_iter()
            .skip(offset.max(0) as usize)
            .take(limit as usize)
            .collect();
        return Ok(Page::at_offset(views(c, p, incident, page)?, total, offset));
    }
    let all = views(c, p, incident, rows)?;
    let hits: Vec<PersonView> = all
        .into_iter()
        .filter(|v| v.details.as_ref().is_some_and(|d| names_hold(d, &f.words)))
        .collect();
    let total = hits.len() as i64;
    let items = hits
        .into_iter()
        .skip(offset.max(0) as usize)
        .take(limit as usize)
        .collect();
    Ok(Page::at_offset(items, total, offset))
}

/// A person and their reports, newest first, as the viewer may see them at
/// `at`; `None` if the viewer may not know the person or they were not yet
/// recorded then.
pub fn person(
    c: &mut dyn Conn,
    p: &Principal,
    person: PersonId,
    at: At,
) -> Result<Option<PersonRecord>> {
    let Some(s) = stored(c, person, at)? else {
        return Ok(None);
    };
    if !p.can_see_incident(s.incident) {
        return Ok(None);
    }
    let incident = s.incident;
    let erased = s.erased_at.is_some();
    let view = views(c, p, incident, vec![s])?.remove(0);
    let reports = report_views(c, p, incident, at, Some(person), erased)?
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    let (lists, records) = (at.rows(&super::LISTS), at.rows(&super::LIST_RECORDS));
    let mentions = c
        .query(
            &format!(
                "SELECT r.list_id, l.source_name, r.line, r.outcome, r.probability, l.imported_at \
                 FROM {records} r JOIN {lists} l ON l.id = r.list_id WHERE r.person_id = $1 ORDER BY r.seq"
            ),
            &[t(person)],
        )?
        .iter()
        .map(|r| {
            Ok(ListMention {
                list: r.parse(0)?,
                source_name: r.text(1)?,
                line: r.int(2)?,
                outcome: r.vocab(3, MatchOutcome::parse)?,
                // NULL for a row that made the person (nothing to be sure of).
                probability: r.real(4).ok(),
                imported_at: r.time(5)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(PersonRecord {
        person: view,
        reports,
        lists: mentions,
    }))
}

/// The reports of one person (`Some`) or of the whole incident, newest
/// first, as viewer `p` may see them at `at` (notes only for those who may
/// read personal data, and none of a person erased: `erased` for one
/// person; for the incident, the notes of erased people are gone anyway).
fn report_views(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    person: Option<PersonId>,
    erased: bool,
) -> Result<Vec<(PersonId, StatusReportView)>> {
    let reports = at.rows(&REPORTS);
    let settlements = at.rows(&SETTLEMENTS);
    let (cond, param) = match person {
        Some(x) => ("r.person_id = $1", t(x)),
        None => ("r.incident_id = $1", t(incident)),
    };
    // Settlements name their person, not the incident: people are never
    // removed from the register, so its rows name every person ever recorded.
    let settled_cond = match person {
        Some(_) => "r.person_id = $1",
        None => "r.person_id IN (SELECT id FROM persons WHERE incident_id = $1)",
    };
    let settled: std::collections::HashSet<PersonReportId> = c
        .query(
            &format!("SELECT r.report_id FROM {settlements} r WHERE {settled_cond}"),
            std::slice::from_ref(&param),
        )?
        .iter()
        .map(|r| r.parse(0))
        .collect::<Result<_>>()?;
    let rows = c.query(
        &format!(
            "SELECT r.id, r.status, r.reported_at, r.source_id, r.source_name, r.source_kind, r.reliability, r.credibility, \
             r.outcome, r.reason, r.note, r.hq_id, r.recorded_at, u.display_name, r.person_id \
             FROM {reports} r LEFT JOIN users u ON u.id = r.recorded_by WHERE {cond} ORDER BY r.seq DESC"
        ),
        &[param],
    )?;
    let personal = may_read_personal(p, incident) && !erased;
    let notes: Vec<String> = rows
        .iter()
        .filter_map(|r| r.opt_text(10).ok().flatten())
        .collect();
    let kept: HashMap<String, String> = if personal {
        data::read(c, &notes.iter().map(String::as_str).collect::<Vec<_>>())?
    } else {
        HashMap::new()
    };
    let mut out = vec![];
    for r in &rows {
        let id: PersonReportId = r.parse(0)?;
        let reason = r.opt_text(9)?.unwrap_or_default();
        out.push((
            r.parse(14)?,
            StatusReportView {
                id,
                status: r.vocab(1, PersonStatus::parse)?,
                reported_at: r.time(2)?,
                source: r.opt_parse(3)?,
                source_name: r.text(4)?,
                source_kind: r
                    .opt_text(5)?
                    .map(|k| SourceKind::parse("source_kind", &k))
                    .transpose()?,
                reliability: r.vocab(6, Reliability::parse)?,
                credibility: r.vocab(7, Credibility::parse)?,
                outcome: match r.text(8)?.as_str() {
                    "holds" => Outcome::Holds,
                    "review" => Outcome::Review { reason },
                    _ => Outcome::Noted { reason },
                },
                note: r.opt_text(10)?.and_then(|d| kept.get(&d).cloned()),
                hq: r.parse(11)?,
                recorded_at: r.time(12)?,
                recorded_by: r.opt_text(13)?,
                settled: settled.contains(&id),
            },
        ));
    }
    Ok(out)
}

/// Every report of the incident's people at `at`, by person, newest first,
/// as viewer `p` may see them (for exports).
pub fn reports_by_person(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
) -> Result<HashMap<PersonId, Vec<StatusReportView>>> {
    let mut out: HashMap<PersonId, Vec<StatusReportView>> = HashMap::new();
    if !p.can_see_incident(incident) {
        return Ok(out);
    }
    for (person, r) in report_views(c, p, incident, at, None, false)? {
        out.entry(person).or_default().push(r);
    }
    Ok(out)
}

/// How many of the incident's people are not yet accounted for are listed
/// on the board (the rest are counted).
pub const BOARD_LIST: usize = 200;

fn counted(m: BTreeMap<String, i64>) -> Vec<Count> {
    let mut v: Vec<Count> = m
        .into_iter()
        .map(|(key, count)| Count { key, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
    v
}

/// The accountability board of the incident at `at`: counts by status,
/// nationality, employer and role, and the people not yet accounted for,
/// longest in that state first.
pub fn accountability(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
) -> Result<Accountability> {
    let rows = if p.can_see_incident(incident) {
        all_stored(c, incident, at)?
    } else {
        vec![]
    };
    let mut by_status: HashMap<PersonStatus, i64> = HashMap::new();
    let (mut nat, mut emp, mut role) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut in_review = 0;
    for r in &rows {
        *by_status.entry(r.status).or_default() += 1;
        for n in &r.nationalities {
            *nat.entry(n.clone()).or_default() += 1;
        }
        if r.nationalities.is_empty() {
            *nat.entry(String::new()).or_default() += 1;
        }
        *emp.entry(r.employer.clone().unwrap_or_default())
            .or_default() += 1;
        *role.entry(r.role.as_str().to_string()).or_default() += 1;
        in_review += i64::from(r.review.is_some());
    }
    let accounted = rows.iter().filter(|r| r.status.is_accounted()).count() as i64;
    let mut open: Vec<Stored> = rows
        .iter()
        .filter(|r| !r.status.is_accounted())
        .cloned()
        .collect();
    open.sort_by(|a, b| {
        a.status_since
            .cmp(&b.status_since)
            .then(a.number.cmp(&b.number))
    });
    open.truncate(BOARD_LIST);
    Ok(Accountability {
        total: rows.len() as i64,
        accounted,
        unaccounted: rows.len() as i64 - accounted,
        in_review,
        by_status: PersonStatus::ALL
            .iter()
            .map(|s| Count {
                key: s.as_str().to_string(),
                count: by_status.get(s).copied().unwrap_or(0),
            })
            .collect(),
        by_nationality: counted(nat),
        by_employer: counted(emp),
        by_role: counted(role),
        not_accounted: views(c, p, incident, open)?,
    })
}

/// How many people the incident has at `at`, how many are not yet
/// accounted for, how many wait in review (for the board's counts).
pub fn counts(c: &mut dyn Conn, incident: IncidentId, at: At) -> Result<(i64, i64, i64)> {
    let persons = at.rows(&PERSONS);
    let r = c.query_one(
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.status IN ('unknown', 'missing', 'hostage') THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN p.review IS NOT NULL THEN 1 ELSE 0 END), 0) FROM {persons} p WHERE p.incident_id = $1"
        ),
        &[t(incident)],
    )?;
    match r {
        Some(r) => Ok((r.int(0)?, r.int(1)?, r.int(2)?)),
        None => Ok((0, 0, 0)),
    }
}

fn mention(s: &Stored) -> Mention {
    Mention {
        id: s.id,
        number: s.number,
        status: s.status,
        since: s.status_since,
    }
}

/// The people as a brief for the shift since `since` names them, at `at`.
pub fn shift_people(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
    since: Timestamp,
) -> Result<ShiftPeople> {
    let rows = all_stored(c, incident, at)?;
    let accounted = rows.iter().filter(|r| r.status.is_accounted()).count() as i64;
    let mut newly: Vec<&Stored> = rows
        .iter()
        .filter(|r| r.status.is_accounted() && r.status_since > since)
        .collect();
    newly.sort_by(|a, b| {
        b.status_since
            .cmp(&a.status_since)
            .then(a.number.cmp(&b.number))
    });
    let mut still: Vec<&Stored> = rows.iter().filter(|r| !r.status.is_accounted()).collect();
    still.sort_by(|a, b| {
        a.status_since
            .cmp(&b.status_since)
            .then(a.number.cmp(&b.number))
    });
    Ok(ShiftPeople {
        total: rows.len() as i64,
        accounted,
        unaccounted: rows.len() as i64 - accounted,
        in_review: rows.iter().filter(|r| r.review.is_some()).count() as i64,
        newly_accounted: newly.into_iter().take(BOARD_LIST).map(mention).collect(),
        still_unaccounted: still.into_iter().take(BOARD_LIST).map(mention).collect(),
    })
}

/// The SITREP's casualty-and-illness summary of the incident at `at`.
pub fn casualties(c: &mut dyn Conn, incident: IncidentId, at: At) -> Result<Casualties> {
    use PersonStatus::*;
    let rows = all_stored(c, incident, at)?;
    let n = |f: &dyn Fn(PersonStatus) -> bool| rows.iter().filter(|r| f(r.status)).count() as i64;
    let mut nat = BTreeMap::new();
    for r in &rows {
        for x in &r.nationalities {
            *nat.entry(x.clone()).or_default() += 1;
        }
    }
    Ok(Casualties {
        total_of_concern: rows.len() as i64,
        accounted_for: n(&|s| s.is_accounted()),
        safe: n(&|s| s.is_known_alive()),
        injured: n(&|s| matches!(s, Injured | Hospitalised)),
        deceased: n(&|s| s == Deceased),
        missing: n(&|s| s == Missing),
        held: n(&|s| s == Hostage),
        unknown: n(&|s| s == Unknown),
        in_review: rows.iter().filter(|r| r.review.is_some()).count() as i64,
        by_nationality: counted(nat),
    })
}

/// How each of `persons` is named to viewer `p` in incident `incident`:
/// "P-3 YAMADA Taro", or "P-3" alone when the viewer may not read names or
/// the data was erased (for briefs, which name people by number only).
pub fn labels(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    persons: &[PersonId],
) -> Result<HashMap<PersonId, String>> {
    Ok(person_views(c, p, incident, At::Now, persons)?
        .into_iter()
        .map(|(id, v)| (id, v.label()))
        .collect())
}

/// The views of `persons` of the incident at `at`, as viewer `p` may see
/// them, in one read of the register (those not of the incident are left out).
pub fn person_views(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    persons: &[PersonId],
) -> Result<HashMap<PersonId, PersonView>> {
    if !p.can_see_incident(incident) || persons.is_empty() {
        return Ok(HashMap::new());
    }
    let wanted: std::collections::HashSet<&PersonId> = persons.iter().collect();
    let rows: Vec<Stored> = all_stored(c, incident, at)?
        .into_iter()
        .filter(|r| wanted.contains(&r.id))
        .collect();
    Ok(views(c, p, incident, rows)?
        .into_iter()
        .map(|v| (v.id, v))
        .collect())
}

/// One point of the incident's people over time: after the journal event
/// at `at`, how many people stood at each status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPoint {
    pub at: Timestamp,
    /// Counts in the order of `PersonStatus::ALL`.
    pub counts: Vec<i64>,
}

/// How many people stood at each status after each change, up to `at`
/// (from the versions the register keeps: no second reading of events).
pub fn status_over_time(
    c: &mut dyn Conn,
    incident: IncidentId,
    at: At,
) -> Result<Vec<StatusPoint>> {
    let upto = match at {
        At::Now => i64::MAX,
        At::Seq(s) => s,
    };
    // Each version of each person: its status and the positions it held between.
    let rows = c.query(
        "SELECT status, from_seq, to_seq FROM persons_history WHERE incident_id = $1 \
         UNION ALL SELECT status, from_seq, NULL FROM persons WHERE incident_id = $1",
        &[t(incident)],
    )?;
    let mut deltas: BTreeMap<i64, Vec<(usize, i64)>> = BTreeMap::new();
    for r in &rows {
        let status = r.vocab(0, PersonStatus::parse)?;
        let i = PersonStatus::ALL
            .iter()
            .position(|s| *s == status)
            .unwrap_or(0);
        let (from, to) = (r.int(1)?, r.opt_int(2)?);
        if from > upto {
            continue;
        }
        deltas.entry(from).or_default().push((i, 1));
        if let Some(to) = to.filter(|to| *to <= upto) {
            deltas.entry(to).or_default().push((i, -1));
        }
    }
    if deltas.is_empty() {
        return Ok(vec![]);
    }
    // The time of each position that changed something.
    let seqs: Vec<i64> = deltas.keys().copied().collect();
    let mut times: HashMap<i64, Timestamp> = HashMap::new();
    for chunk in seqs.chunks(500) {
        let params: Vec<crate::sql::Value> =
            chunk.iter().map(|s| crate::sql::Value::Int(*s)).collect();
        for r in c.query(
            &format!(
                "SELECT seq, at FROM journal WHERE seq IN ({})",
                crate::sql::placeholders(1, chunk.len())
            ),
            &params,
        )? {
            times.insert(r.int(0)?, r.time(1)?);
        }
    }
    let mut counts = vec![0i64; PersonStatus::ALL.len()];
    let mut out: Vec<StatusPoint> = vec![];
    for (seq, ds) in deltas {
        for (i, d) in ds {
            counts[i] += d;
        }
        let Some(at) = times.get(&seq).copied() else {
            continue;
        };
        match out.last_mut() {
            // Changes at the same instant are one point.
            Some(last) if last.at == at => last.counts = counts.clone(),
            _ => out.push(StatusPoint {
                at,
                counts: counts.clone(),
            }),
        }
    }
    Ok(out)
}
