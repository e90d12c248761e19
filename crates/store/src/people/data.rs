//! Personal data: kept outside the journal so it can be erased.
//!
//! Each value (a person's details, a report's note) is one row of
//! `personal_data`, named by the keyed digest the journal's event carries
//! (`JournalKey::seal` over its kind, its person and its JSON text). The
//! command handler writes the row in the event's transaction, after every
//! check; a rebuild keeps the rows, as it keeps attached files; erasure
//! deletes every row of the person, and `journal verify` holds every row
//! still there to its digest.

use crate::journal::JournalKey;
use crate::sql::{placeholders, t, Conn, Value};
use crate::{Result, StoreError};
use honbu_domain::ids::PersonId;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;

/// What a row of personal data holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A person's `PersonDetails`.
    Details,
    /// A status report's note.
    Note,
    /// A row of an imported list, as its source spelled it.
    Record,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Details => "details",
            Kind::Note => "note",
            Kind::Record => "record",
        }
    }
}

/// The digest the journal names `body` by.
pub fn digest(key: &JournalKey, kind: Kind, person: PersonId, body: &str) -> String {
    key.seal(&format!("personal_data {} {person}", kind.as_str()), body)
}

/// Keeps `value` for `person` and returns its digest (the same value kept
/// twice is one row).
pub fn keep(
    c: &mut dyn Conn,
    key: &JournalKey,
    kind: Kind,
    person: PersonId,
    value: &impl Serialize,
) -> Result<String> {
    let body = serde_json::to_string(value)
        .map_err(|e| StoreError::Decode(format!("personal data: {e}")))?;
    let d = digest(key, kind, person, &body);
    if c.query_one(
        "SELECT 1 FROM personal_data WHERE digest = $1",
        &[d.as_str().into()],
    )?
    .is_none()
    {
        c.exec(
            "INSERT INTO personal_data (digest, person_id, kind, body) VALUES ($1, $2, $3, $4)",
            &[
                d.as_str().into(),
                t(person),
                kind.as_str().into(),
                body.into(),
            ],
        )?;
    }
    Ok(d)
}

/// The values named by `digests` that are still kept, by digest.
pub fn read<T: DeserializeOwned>(c: &mut dyn Conn, digests: &[&str]) -> Result<HashMap<String, T>> {
    let mut out = HashMap::new();
    for chunk in digests.chunks(500) {
        let params: Vec<Value> = chunk.iter().map(|d| Value::Text(d.to_string())).collect();
        for r in c.query(
            &format!(
                "SELECT digest, body FROM personal_data WHERE digest IN ({})",
                placeholders(1, chunk.len())
            ),
            &params,
        )? {
            let body = r.text(1)?;
            let v = serde_json::from_str(&body)
                .map_err(|e| StoreError::Decode(format!("personal data: {e}")))?;
            out.insert(r.text(0)?, v);
        }
    }
    Ok(out)
}

/// Deletes every value kept for `person`; returns how many rows went.
/// SQLite's writer overwrites what it deletes (`secure_delete`); what a
/// write-ahead log or a table's dead space still holds is scrubbed after
/// commit ([`crate::Store::scrub_blocking`]).
pub fn erase(c: &mut dyn Conn, person: PersonId) -> Result<u64> {
    c.exec(
        "DELETE FROM personal_data WHERE person_id = $1",
        &[t(person)],
    )
}

/// A value the journal names by its digest: as `journal verify` checks it.
pub(crate) struct Named {
    pub seq: i64,
    pub person: PersonId,
    pub kind: Kind,
    pub digest: String,
}

/// The first value named by the journal that is kept but does not hash to
/// its digest, is missing though the journal records no erasure of it, or
/// is still kept though it records one: `(seq, problem)`. `erased` holds
/// the position of each person's erasure.
pub(crate) fn problems(
    c: &mut dyn Conn,
    key: &JournalKey,
    named: &[Named],
    erased: &HashMap<PersonId, i64>,
) -> Result<Option<(i64, String)>> {
    for chunk in named.chunks(500) {
        let params: Vec<Value> = chunk
            .iter()
            .map(|n| Value::Text(n.digest.clone()))
            .collect();
        let mut kept: HashMap<String, (String, String, String)> = HashMap::new();
        for r in c.query(
            &format!(
                "SELECT digest, person_id, kind, body FROM personal_data WHERE digest IN ({})",
                placeholders(1, chunk.len())
            ),
            &params,
        )? {
            kept.insert(r.text(0)?, (r.text(1)?, r.text(2)?, r.text(3)?));
        }
        for n in chunk {
            let erased_since = erased.get(&n.person).filter(|e| **e > n.seq);
            match kept.get(&n.digest) {
                Some(_) if erased_since.is_some() => {
                    return Ok(Some((
                        n.seq,
                        format!(
                            "the {} of person {} it names is still kept though the journal records its erasure",
                            n.kind.as_str(),
                            n.person
                        ),
                    )));
                }
                Some((person, kind, body)) => {
                    if *person != n.person.to_string()
                        || kind != n.kind.as_str()
                        || digest(key, n.kind, n.person, body) != n.digest
                    {
                        return Ok(Some((
                            n.seq,
                            format!(
                                "the {} of person {} it names was changed outside honbu",
                                n.kind.as_str(),
                                n.person
                            ),
                        )));
                    }
                }
                None if erased_since.is_some() => {}
                None => {
                    return Ok(Some((
                        n.seq,
                        format!(
                            "the {} of person {} it names is missing, and the journal records no erasure",
                            n.kind.as_str(),
                            n.person
                        ),
                    )))
                }
            }
        }
    }
    Ok(None)
}
