//! Reads of the log: sources, entries as a viewer may read them, one entry.

use super::{ENTRIES, RELEASES};
use crate::rules::{Page, MAX_LIMIT, SEARCH_COUNT_CAP};
use crate::sql::{like_pattern, placeholders, t, Conn, Dialect, Row, Value};
use crate::versions::At;
use crate::Result;
use chrono::{DateTime, Utc};
use honbu_domain::access::{EntryFilter, Principal};
use honbu_domain::board::EntryView;
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use serde::Serialize;
use std::collections::HashMap;

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

pub(crate) const ENTRY_COLS: &str = "e.id, e.number, e.hq_id, e.author, e.occurred_at, e.reported_at, e.entered_at, e.source_id, e.source_name, \
     e.reliability, e.credibility, e.category, e.release, e.significant, e.text, e.supersedes, e.superseded_by, e.links";

pub(crate) fn entry_row(r: &Row) -> Result<EntryView> {
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
        supersedes_number: None,
        superseded_by_number: None,
        links: r.json(17)?,
        released_to: vec![],
    })
}

/// The SQL condition for "entries this viewer may read" (alias `e`), with
/// the releases made by `at`.
pub(crate) fn entry_vis(
    p: &Principal,
    incident: IncidentId,
    at: At,
    start: usize,
) -> (String, Vec<Value>) {
    match p.entry_filter(incident) {
        EntryFilter::All => ("1=1".into(), vec![]),
        EntryFilter::Restricted { hqs } if hqs.is_empty() => ("e.release <> 'hq'".into(), vec![]),
        EntryFilter::Restricted { hqs } => {
            let a = placeholders(start, hqs.len());
            let b = placeholders(start + hqs.len(), hqs.len());
            let mut params: Vec<Value> = hqs.iter().map(t).collect();
            params.extend(hqs.iter().map(t));
            (
                format!("(e.release <> 'hq' OR e.hq_id IN ({a}) OR EXISTS (SELECT 1 FROM {} r WHERE r.entry_id = e.id AND r.hq_id IN ({b})))", at.rows(&RELEASES)),
                params,
            )
        }
    }
}

/// Which HQs each of these entries had been released to by `at`.
fn releases_of(c: &mut dyn Conn, at: At, ids: &[EntryId]) -> Result<HashMap<EntryId, Vec<HqId>>> {
    let mut map: HashMap<EntryId, Vec<HqId>> = HashMap::new();
    if ids.is_empty() {
        return Ok(map);
    }
    let params: Vec<Value> = ids.iter().map(t).collect();
    let rows = c.query(
        &format!(
            "SELECT entry_id, hq_id FROM {} r WHERE entry_id IN ({}) ORDER BY hq_id",
            at.rows(&RELEASES),
            placeholders(1, params.len())
        ),
        &params,
    )?;
    for r in rows {
        map.entry(r.parse(0)?).or_default().push(r.parse(1)?);
    }
    Ok(map)
}

/// Which HQs each entry had been released to by `at`.
pub(crate) fn fill_releases(c: &mut dyn Conn, at: At, entries: &mut [EntryView]) -> Result<()> {
    let ids: Vec<EntryId> = entries.iter().map(|e| e.id).collect();
    let mut map = releases_of(c, at, &ids)?;
    for e in entries.iter_mut() {
        if let Some(v) = map.remove(&e.id) {
            e.released_to = v;
        }
    }
    Ok(())
}

/// What a reader must know of an entry that another one names (as the
/// entry it corrects, the one correcting it, or a link): its number, and
/// its marking, to tell whether this reader may know of it at all.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub number: i64,
    pub hq: HqId,
    pub release: Release,
    pub released_to: Vec<HqId>,
}

/// The marks of the entries some entries name, as they stood at `at`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refs(HashMap<EntryId, Mark>);

impl Refs {
    pub fn of(c: &mut dyn Conn, at: At, entries: &[EntryView]) -> Result<Refs> {
        let ids: Vec<EntryId> = entries
            .iter()
            .flat_map(|e| {
                e.supersedes
                    .iter()
                    .chain(e.superseded_by.iter())
                    .chain(e.links.iter())
            })
            .copied()
            .collect();
        Refs::of_ids(c, at, ids)
    }

    /// The marks of these entries, as they stood at `at`.
    pub fn of_ids(c: &mut dyn Conn, at: At, mut ids: Vec<EntryId>) -> Result<Refs> {
        ids.sort_by_key(|i| i.to_string());
        ids.dedup();
        if ids.is_empty() {
            return Ok(Refs::default());
        }
        let params: Vec<Value> = ids.iter().map(t).collect();
        let rows = c.query(
            &format!(
                "SELECT e.id, e.number, e.hq_id, e.release FROM {} e WHERE e.id IN ({})",
                at.rows(&ENTRIES),
                placeholders(1, params.len())
            ),
            &params,
        )?;
        let mut releases = releases_of(c, at, &ids)?;
        let mut map = HashMap::new();
        for r in rows {
            let id: EntryId = r.parse(0)?;
            map.insert(
                id,
                Mark {
                    number: r.int(1)?,
                    hq: r.parse(2)?,
                    release: r.vocab(3, Release::parse)?,
                    released_to: releases.remove(&id).unwrap_or_default(),
                },
            );
        }
        Ok(Refs(map))
    }

    /// The number of `id`, when `p` may read it in `incident`.
    pub fn readable(&self, p: &Principal, incident: IncidentId, id: EntryId) -> Option<i64> {
        self.0
            .get(&id)
            .filter(|m| p.can_read_entry(incident, m.hq, m.release, &m.released_to))
            .map(|m| m.number)
    }

    /// `e` with the numbers of the entries it names, for a reader who may
    /// read them all.
    pub fn number(&self, e: &mut EntryView) {
        e.supersedes_number = e
            .supersedes
            .and_then(|id| self.0.get(&id))
            .map(|m| m.number);
        e.superseded_by_number = e
            .superseded_by
            .and_then(|id| self.0.get(&id))
            .map(|m| m.number);
    }

    /// Whether `e` names an entry `p` may not read.
    pub fn hides_any(&self, p: &Principal, incident: IncidentId, e: &EntryView) -> bool {
        e.supersedes
            .iter()
            .chain(e.superseded_by.iter())
            .chain(e.links.iter())
            .any(|id| self.readable(p, incident, *id).is_none())
    }

    /// `e` as `p` may read it: naming only the entries `p` may read (a
    /// reference to a hidden entry is left out, as if it were none), with
    /// the numbers of the entry it corrects and the one correcting it.
    pub fn apply(&self, p: &Principal, incident: IncidentId, e: &mut EntryView) {
        e.supersedes_number = e.supersedes.and_then(|id| self.readable(p, incident, id));
        if e.supersedes_number.is_none() {
            e.supersedes = None;
        }
        e.superseded_by_number = e
            .superseded_by
            .and_then(|id| self.readable(p, incident, id));
        if e.superseded_by_number.is_none() {
            e.superseded_by = None;
        }
        e.links
            .retain(|id| self.readable(p, incident, *id).is_some());
    }
}

/// The numbers of these entries of `incident`, of those `p` may read as
/// of `at` (any number of ids; an id not returned names nothing to `p`).
pub fn readable_numbers(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    ids: &[EntryId],
) -> Result<HashMap<EntryId, i64>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(MAX_LIMIT as usize) {
        for e in entries_by_id(c, p, incident, at, chunk)? {
            out.insert(e.id, e.number);
        }
    }
    Ok(out)
}

/// The entries as `p` may read them: their references resolved to numbers,
/// those to entries `p` may not read left out.
pub(crate) fn resolve_refs(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    entries: &mut [EntryView],
) -> Result<()> {
    let refs = Refs::of(c, at, entries)?;
    for e in entries.iter_mut() {
        refs.apply(p, incident, e);
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
    /// What a search narrows the log to.
    pub filter: Filter,
}

/// A search of the log: words its text must hold, and the columns an
/// officer narrows it by. Empty, it narrows nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Each must appear somewhere in the text, in any case; a phrase typed
    /// in double quotes is one word. Found by trigrams, so in any script:
    /// 人質 finds 人質が解放された.
    pub words: Vec<String>,
    pub hq: Option<HqId>,
    pub category: Option<Category>,
    pub source: Option<SourceId>,
    pub reliability: Option<Reliability>,
    pub credibility: Option<Credibility>,
    /// The user name of the officer who entered it.
    pub author: Option<String>,
    pub occurred_from: Option<DateTime<Utc>>,
    pub occurred_to: Option<DateTime<Utc>>,
}

/// Which words of a search a query's SQL compares.
#[derive(Debug, Clone, Copy)]
enum Words {
    /// All of them (PostgreSQL, where the database's own indexes serve
    /// them; SQLite for words of one letter).
    InSql,
    /// Those the walked SQLite index does not answer for.
    Driven(Index),
    /// None: they are checked on the rows found ([`Filter::holds_words`]).
    Elsewhere,
}

/// SQLite's two search indexes (in the search file, attached as `search`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Index {
    /// The trigrams of the text: words of three letters or more.
    Trigrams,
    /// The pairs of letters: words of two.
    Pairs,
}

impl Index {
    fn table(self) -> &'static str {
        match self {
            Index::Trigrams => "entries_search",
            Index::Pairs => "entry_pairs",
        }
    }

    /// Whether this index answers for `word`.
    fn answers(self, word: &str) -> bool {
        match self {
            Index::Trigrams => word.chars().count() >= 3,
            Index::Pairs => super::is_pair(word),
        }
    }
}

/// The longest a search may be, and the most words it may hold.
pub const MAX_SEARCH_CHARS: usize = 500;
pub const MAX_SEARCH_WORDS: usize = 12;

/// The words of a search as typed: split at white space, a phrase in
/// double quotes kept whole (an unclosed quote runs to the end).
pub fn words(typed: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quoted = false;
    for ch in typed.chars() {
        match ch {
            '"' => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
                quoted = !quoted;
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out.dedup();
    out
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// On SQLite, the index a search walks (in the search file, see
    /// [`indexed`]) and what it asks of it: the trigram index for words of
    /// three letters or more (their phrases ANDed in one MATCH), else the
    /// pairs index for words of two.
    fn drive(&self, d: Dialect) -> Option<(Index, String)> {
        if d != Dialect::Sqlite {
            return None;
        }
        let quoted = |ws: Vec<&String>, lower: bool| {
            ws.iter()
                .map(|w| {
                    let w = if lower {
                        w.to_lowercase()
                    } else {
                        w.to_string()
                    };
                    format!("\"{}\"", w.replace('"', "\"\""))
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        [(Index::Trigrams, false), (Index::Pairs, true)]
            .into_iter()
            .find_map(|(index, lower)| {
                let ws: Vec<&String> = self.words.iter().filter(|w| index.answers(w)).collect();
                (!ws.is_empty()).then(|| (index, quoted(ws, lower)))
            })
    }

    /// Whether `text` holds every word, in any case (what SQLite's index
    /// answers, for the entries it does not hold yet).
    fn holds_words(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        self.words.iter().all(|w| text.contains(&w.to_lowercase()))
    }

    /// The conditions on entries (alias `e`) this filter adds, each
    /// starting with ` AND `, its values pushed onto `params`; `words` says
    /// which of its words the SQL is to compare.
    fn sql(&self, d: Dialect, at: At, words: Words, params: &mut Vec<Value>) -> String {
        let mut cond = String::new();
        fn add(cond: &mut String, params: &mut Vec<Value>, v: Value, f: &dyn Fn(usize) -> String) {
            params.push(v);
            cond.push_str(" AND ");
            cond.push_str(&f(params.len()));
        }
        // SQLite: the words the walked index does not answer for are
        // compared on the rows it finds (LIKE). PostgreSQL: ILIKE, which
        // pg_trgm's index serves for three letters or more; two letters
        // through the pairs index; one letter row by row.
        let (pairs, rest): (Vec<&String>, Vec<&String>) = self
            .words
            .iter()
            .partition(|w| d == Dialect::Postgres && super::is_pair(w));
        for w in pairs {
            // The pairs are a column of the entry as it is now (an entry's
            // text never changes, so of every version of it).
            add(
                &mut cond,
                params,
                Value::Text(w.to_lowercase()),
                &|n| match at {
                    At::Now => format!("e.pairs @> ARRAY[${n}::text]"),
                    At::Seq(_) => format!(
                        "e.seq IN (SELECT x.seq FROM entries x WHERE x.pairs @> ARRAY[${n}::text])"
                    ),
                },
            );
        }
        let short: Vec<&String> = rest
            .into_iter()
            .filter(|w| match words {
                Words::Driven(index) => !index.answers(w),
                Words::InSql => true,
                Words::Elsewhere => false,
            })
            .collect();
        for w in short {
            // pg_trgm finds no trigram in a word of one or two letters and
            // would read its whole index for it: such a word is compared
            // row by row instead (an expression the index does not cover).
            let col = if d == Dialect::Postgres && w.chars().count() < 3 {
                "(e.text || '')"
            } else {
                "e.text"
            };
            add(&mut cond, params, Value::Text(like_pattern(w)), &|n| {
                d.contains_word(col, n, w)
            });
        }
        if let Some(h) = self.hq {
            add(&mut cond, params, t(h), &|n| format!("e.hq_id = ${n}"));
        }
        if let Some(v) = self.category {
            add(&mut cond, params, t(v), &|n| format!("e.category = ${n}"));
        }
        if let Some(v) = self.source {
            add(&mut cond, params, t(v), &|n| format!("e.source_id = ${n}"));
        }
        if let Some(v) = self.reliability {
            add(&mut cond, params, t(v), &|n| {
                format!("e.reliability = ${n}")
            });
        }
        if let Some(v) = self.credibility {
            add(&mut cond, params, t(v), &|n| {
                format!("e.credibility = ${n}")
            });
        }
        if let Some(a) = &self.author {
            add(&mut cond, params, Value::Text(a.clone()), &|n| {
                format!("e.author IN (SELECT u.id FROM users u WHERE u.username = ${n})")
            });
        }
        if let Some(f) = self.occurred_from {
            add(&mut cond, params, Value::from(f), &|n| {
                format!("e.occurred_at >= ${n}")
            });
        }
        if let Some(to) = self.occurred_to {
            add(&mut cond, params, Value::from(to), &|n| {
                format!("e.occurred_at <= ${n}")
            });
        }
        cond
    }
}

/// The incident's entries the viewer may read, as they stood at `at`.
pub fn entries(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    q: &EntryQuery,
) -> Result<Page<EntryView>> {
    if !p.can_see_incident(incident) {
        return Ok(Page::empty());
    }
    let entries = at.rows(&ENTRIES);
    let d = c.dialect();
    let mut params: Vec<Value> = vec![t(incident)];
    let (vis, vp) = entry_vis(p, incident, at, 2);
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
    let limit = q.limit.clamp(1, MAX_LIMIT);
    let (mut items, total, total_exact) = match q.filter.drive(d) {
        Some((index, expr)) => indexed(c, at, q, limit, &entries, &cond, params, index, expr)?,
        None => {
            cond.push_str(&q.filter.sql(d, at, Words::InSql, &mut params));
            // A search counts up to its cap; the plain list counts all.
            let (total, total_exact) = if q.filter.words.is_empty() {
                (
                    count(c, &format!("{entries} e"), &cond, &params, None)?,
                    true,
                )
            } else {
                capped(count(
                    c,
                    &format!("{entries} e"),
                    &cond,
                    &params,
                    Some(SEARCH_COUNT_CAP + 1),
                )?)
            };
            if let Some(b) = q.before {
                params.push(Value::Int(b));
                let cmp = if q.ascending { ">" } else { "<" };
                cond.push_str(&format!(" AND e.number {cmp} ${}", params.len()));
            }
            params.push(Value::Int(limit));
            let order = if q.ascending { "ASC" } else { "DESC" };
            let items = c
                .query(
                    &format!("SELECT {ENTRY_COLS} FROM {entries} e WHERE {cond} ORDER BY e.number {order} LIMIT ${}", params.len()),
                    &params,
                )?
                .iter()
                .map(entry_row)
                .collect::<Result<Vec<_>>>()?;
            (items, total, total_exact)
        }
    };
    fill_releases(c, at, &mut items)?;
    resolve_refs(c, p, incident, at, &mut items)?;
    let next = if items.len() as i64 == limit {
        items.last().map(|e| e.number.to_string())
    } else {
        None
    };
    Ok(Page {
        items,
        total,
        total_exact,
        next_cursor: next,
    })
}

/// How many rows `cond` finds in `from`, up to `cap` when given.
fn count(
    c: &mut dyn Conn,
    from: &str,
    cond: &str,
    params: &[Value],
    cap: Option<i64>,
) -> Result<i64> {
    let sql = match cap {
        Some(n) => format!("SELECT COUNT(*) FROM (SELECT 1 FROM {from} WHERE {cond} LIMIT {n}) x"),
        None => format!("SELECT COUNT(*) FROM {from} WHERE {cond}"),
    };
    Ok(c.query_one(&sql, params)?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0))
}

/// A search's total, counted to one past the cap: the total shown, and
/// whether it is exact.
fn capped(n: i64) -> (i64, bool) {
    (n.min(SEARCH_COUNT_CAP), n <= SEARCH_COUNT_CAP)
}

/// A search on SQLite: the matches of the search file's `index` (attached
/// as `search`) up to the position it has indexed, walked in journal order
/// (an incident's entries are numbered in that order; `CROSS JOIN` and
/// `ORDER BY s.rowid` keep the planner walking the index's rowids, so a
/// page and a capped count stop early), and after them the entries logged
/// since, compared row by row: the index may be a moment behind the log, a
/// search never is. `cond` and `params` hold the incident and the
/// reader's markings as `$1…`.
#[allow(clippy::too_many_arguments)]
fn indexed(
    c: &mut dyn Conn,
    at: At,
    q: &EntryQuery,
    limit: i64,
    entries: &str,
    cond: &str,
    params: Vec<Value>,
    index: Index,
    expr: String,
) -> Result<(Vec<EntryView>, i64, bool)> {
    let d = c.dialect();
    let upto = c
        .query_one("SELECT upto FROM search.indexed WHERE id = 1", &[])?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let order = if q.ascending { "ASC" } else { "DESC" };
    // The entries the index does not hold yet: every one of them, for the
    // count; those past the cursor for the page.
    let mut tp = params.clone();
    // `+`: through the index by journal position (the few rows past `upto`),
    // not the incident's.
    let mut tcond = format!("+{cond}");
    tcond.push_str(&q.filter.sql(d, at, Words::Elsewhere, &mut tp));
    tp.push(Value::Int(upto));
    let tail: Vec<EntryView> = c
        .query(
            &format!("SELECT {ENTRY_COLS} FROM {entries} e WHERE {tcond} AND e.seq > ${} ORDER BY e.number {order}", tp.len()),
            &tp,
        )?
        .iter()
        .map(entry_row)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .filter(|e| q.filter.holds_words(&e.text))
        .collect();
    // The index's matches.
    let mut ip = params;
    ip.push(Value::Text(expr));
    ip.push(Value::Int(upto));
    let table = index.table();
    let from = format!("search.{table} s CROSS JOIN {entries} e ON e.seq = s.rowid");
    let mut icond = format!(
        "s.{table} MATCH ${} AND s.rowid <= ${} AND +{cond}",
        ip.len() - 1,
        ip.len()
    );
    icond.push_str(&q.filter.sql(d, at, Words::Driven(index), &mut ip));
    let room = SEARCH_COUNT_CAP + 1 - tail.len() as i64;
    let found = if room > 0 {
        count(c, &from, &icond, &ip, Some(room))?
    } else {
        0
    };
    let (total, exact) = capped(tail.len() as i64 + found);
    let past = |n: i64| match q.before {
        Some(b) if q.ascending => n > b,
        Some(b) => n < b,
        None => true,
    };
    let mut tail = tail.into_iter().filter(|e| past(e.number));
    let from_index = |c: &mut dyn Conn, want: usize| -> Result<Vec<EntryView>> {
        let mut p = ip.clone();
        let mut cnd = icond.clone();
        if let Some(b) = q.before {
            p.push(Value::Int(b));
            let cmp = if q.ascending { ">" } else { "<" };
            // The index's walk starts at the cursor's entry.
            cnd.push_str(&format!(
                " AND e.number {cmp} ${n} AND s.rowid {cmp} (SELECT c.seq FROM entries c WHERE c.incident_id = $1 AND c.number = ${n})",
                n = p.len()
            ));
        }
        p.push(Value::Int(want as i64));
        c.query(
            &format!(
                "SELECT {ENTRY_COLS} FROM {from} WHERE {cnd} ORDER BY s.rowid {order} LIMIT ${}",
                p.len()
            ),
            &p,
        )?
        .iter()
        .map(entry_row)
        .collect()
    };
    let want = limit as usize;
    // Newest first: what the index does not hold yet is the newest.
    let items = if q.ascending {
        let mut items = from_index(c, want)?;
        items.extend(tail.take(want - items.len()));
        items
    } else {
        let mut items: Vec<EntryView> = tail.by_ref().take(want).collect();
        if items.len() < want {
            let more = from_index(c, want - items.len())?;
            items.extend(more);
        }
        items
    };
    Ok((items, total, exact))
}

/// These entries of the incident, as they stood at `at`, of those the
/// viewer may read (in no particular order; at most `MAX_LIMIT` ids).
pub fn entries_by_id(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    ids: &[EntryId],
) -> Result<Vec<EntryView>> {
    if ids.is_empty() || !p.can_see_incident(incident) {
        return Ok(vec![]);
    }
    let ids = &ids[..ids.len().min(MAX_LIMIT as usize)];
    let mut params: Vec<Value> = vec![t(incident)];
    let (vis, vp) = entry_vis(p, incident, at, 2);
    params.extend(vp);
    let from = params.len() + 1;
    params.extend(ids.iter().map(t));
    let mut items = c
        .query(
            &format!(
                "SELECT {ENTRY_COLS} FROM {} e WHERE e.incident_id = $1 AND {vis} AND e.id IN ({})",
                at.rows(&ENTRIES),
                placeholders(from, ids.len())
            ),
            &params,
        )?
        .iter()
        .map(entry_row)
        .collect::<Result<Vec<_>>>()?;
    fill_releases(c, at, &mut items)?;
    resolve_refs(c, p, incident, at, &mut items)?;
    Ok(items)
}

/// Entries shown as they stood when a document was issued, marked with the
/// corrections the viewer may read that came since (as of `at`): a brief or
/// a SITREP never shows a corrected entry as current.
pub fn mark_corrections(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    at: At,
    shown: &mut [EntryView],
) -> Result<()> {
    let ids: Vec<EntryId> = shown.iter().map(|e| e.id).collect();
    let now: HashMap<EntryId, EntryView> = entries_by_id(c, p, incident, at, &ids)?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    for e in shown.iter_mut() {
        if let Some(n) = now.get(&e.id) {
            if e.superseded_by.is_none() && n.superseded_by.is_some() {
                e.superseded_by = n.superseded_by;
                e.superseded_by_number = n.superseded_by_number;
            }
        }
    }
    Ok(())
}

/// One entry, as it stood at `at`, if it existed then and the viewer may
/// read it.
pub fn entry(
    c: &mut dyn Conn,
    p: &Principal,
    id: EntryId,
    at: At,
) -> Result<Option<(IncidentId, EntryView)>> {
    let Some((incident, e)) = entry_unchecked(c, id, at)?
        .filter(|(incident, e)| p.can_read_entry(*incident, e.hq, e.release, &e.released_to))
    else {
        return Ok(None);
    };
    let mut e = [e];
    resolve_refs(c, p, incident, at, &mut e)?;
    let [e] = e;
    Ok(Some((incident, e)))
}

/// One entry as it stood at `at`, whoever asks: only for a caller that
/// decides itself, for each reader, whether they may see it (the live
/// stream checks every subscriber against the entry's marking).
pub fn entry_unchecked(
    c: &mut dyn Conn,
    id: EntryId,
    at: At,
) -> Result<Option<(IncidentId, EntryView)>> {
    let Some(r) = c.query_one(
        &format!(
            "SELECT {ENTRY_COLS}, e.incident_id FROM {} e WHERE e.id = $1",
            at.rows(&ENTRIES)
        ),
        &[t(id)],
    )?
    else {
        return Ok(None);
    };
    let incident: IncidentId = r.parse(18)?;
    let mut e = vec![entry_row(&r)?];
    fill_releases(c, at, &mut e)?;
    let e = e.remove(0);
    Ok(Some((incident, e)))
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
    let (vis, vp) = entry_vis(p, incident, At::Now, 2);
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

/// An entry a command names (to supersede, link, base a decision on) as
/// the viewer may read it now in `incident`; `None` alike for an entry that
/// does not exist, one of another incident and one the viewer may not read,
/// so that the answer to a reference tells nothing of what is hidden.
pub fn referable_entry(
    c: &mut dyn Conn,
    p: &Principal,
    incident: IncidentId,
    id: EntryId,
) -> Result<Option<EntryView>> {
    Ok(entry(c, p, id, At::Now)?
        .filter(|(i, _)| *i == incident)
        .map(|(_, e)| e))
}
