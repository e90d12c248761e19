//! What the log's events do to its tables.

use super::ENTRIES;
use crate::project::{misrouted, Cols};
use crate::sql::{json, t, Conn, Value};
use crate::versions;
use crate::StoreError;
use honbu_domain::events::{Body, Committed};

/// The log's projection. Within one append it remembers each incident's
/// last entry number, so a hundred entries cost one lookup.
#[derive(Debug, Default)]
pub(crate) struct Projection {
    last_number: std::collections::HashMap<String, i64>,
}

impl Projection {
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

    pub(crate) fn apply(&mut self, c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
        let e = &ev.event;
        let (seq, at, actor, incident) = Cols::split(ev);
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
                let sqlite = c.dialect() == crate::sql::Dialect::Sqlite;
                // PostgreSQL keeps the pairs in the row (its index covers
                // them with the text); SQLite's search index is written
                // after the commit, beside the database (honbu-store-sqlite's
                // `search`).
                let (col, val) = if sqlite {
                    ("", "")
                } else {
                    (", pairs", ", string_to_array($20, ' ')")
                };
                let mut params = vec![
                    t(l.entry),
                    incident.clone(),
                    seq,
                    t(l.hq),
                    actor,
                    (&l.occurred_at).into(),
                    (&l.reported_at).into(),
                    at,
                    l.source.map(t).into(),
                    (&l.source_name).into(),
                    t(l.reliability),
                    t(l.credibility),
                    t(l.category),
                    t(l.release),
                    l.significant.into(),
                    (&l.text).into(),
                    l.supersedes.map(t).into(),
                    json(&l.links)?,
                    Value::Int(number),
                ];
                if !sqlite {
                    params.push(Value::Text(super::pairs(&l.text)));
                }
                c.exec(
                &format!("INSERT INTO entries (id, incident_id, number, seq, hq_id, author, occurred_at, reported_at, entered_at, source_id, source_name, reliability, credibility, category, release, significant, text, supersedes, superseded_by, links, from_seq{col}) \
                 VALUES ($1, $2, $19, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULL, $18, $3{val})"),
                &params,
            )?;
                if let Some(old) = l.supersedes {
                    versions::update(
                        c,
                        &ENTRIES,
                        ev.seq,
                        &[t(old)],
                        &[("superseded_by", t(l.entry))],
                    )?;
                }
            }
            Body::EntrySignificance { entry, significant } => {
                versions::update(
                    c,
                    &ENTRIES,
                    ev.seq,
                    &[t(entry)],
                    &[("significant", (*significant).into())],
                )?;
            }
            Body::EntryReleased { entry, to_hq } => {
                c.exec(
                "INSERT INTO entry_releases (entry_id, hq_id, at, actor, from_seq) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (entry_id, hq_id) DO NOTHING",
                &[t(entry), t(to_hq), at, actor, seq],
            )?;
            }

            _ => return Err(misrouted(ev)),
        }
        Ok(())
    }
}
