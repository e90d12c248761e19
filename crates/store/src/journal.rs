//! The journal: append-only and hash-chained. Each row carries
//! HMAC-SHA-256(key, prev_hash ‖ canonical bytes of the row), where the
//! canonical bytes are its sequence number, time, incident, actor, kind and
//! payload exactly as stored. A row changed, removed or moved breaks the
//! chain at that row; a tail cut off disagrees with `journal_head`.
//!
//! The key lives outside the database (a file or an environment variable),
//! so whoever can write the database file cannot forge a chain.

use crate::sql::{t, Conn, Dialect, Value};
use crate::StoreError;
use hmac::{Hmac, Mac};
use honbu_domain::events::{Body, Committed, Event};
use honbu_domain::time;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The secret that keys the chain.
#[derive(Clone)]
pub struct JournalKey {
    bytes: Vec<u8>,
    /// The HMAC state with the key already absorbed; cloned per row.
    keyed: HmacSha256,
}

impl JournalKey {
    pub fn new(bytes: Vec<u8>) -> Result<Self, StoreError> {
        if bytes.len() < 16 {
            return Err(StoreError::Config(
                "the journal key must be at least 16 bytes".into(),
            ));
        }
        let keyed = HmacSha256::new_from_slice(&bytes)
            .map_err(|_| StoreError::Config("unusable journal key".into()))?;
        Ok(JournalKey { bytes, keyed })
    }

    pub fn generate() -> Self {
        use rand::RngCore;
        let mut k = vec![0u8; 32];
        rand::thread_rng().fill_bytes(&mut k);
        match Self::new(k) {
            Ok(key) => key,
            Err(_) => unreachable_key(),
        }
    }

    pub fn to_hex(&self) -> String {
        hex::encode(&self.bytes)
    }

    pub fn from_hex(s: &str) -> Result<Self, StoreError> {
        let bytes = hex::decode(s.trim())
            .map_err(|_| StoreError::Config("the journal key must be hex".into()))?;
        Self::new(bytes)
    }

    fn mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }

    /// A keyed digest of `text` for `purpose` (16 hex digits): the same text
    /// gives the same digest, so repeats can be counted, and without the key
    /// nobody can test a guess of what it was.
    pub fn digest(&self, purpose: &str, text: &str) -> String {
        let mut m = self.mac();
        m.update(purpose.as_bytes());
        m.update(b"\n");
        m.update(text.as_bytes());
        hex::encode(&m.finalize().into_bytes()[..8])
    }

    /// The whole keyed digest (64 hex digits) of `text` for `purpose`: what
    /// the journal names personal data by, so that the data can be held to
    /// it and erased while the chain holds, and nobody without the key can
    /// test a guess of it against the journal.
    pub fn seal(&self, purpose: &str, text: &str) -> String {
        let mut m = self.mac();
        m.update(purpose.as_bytes());
        m.update(b"\n");
        m.update(text.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }
}

#[allow(clippy::panic)]
fn unreachable_key() -> JournalKey {
    panic!("a 32-byte key is always accepted")
}

impl std::fmt::Debug for JournalKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JournalKey(..)")
    }
}

/// One stored row, as read back for verification.
pub struct RawRow {
    pub seq: i64,
    pub at: String,
    pub incident: Option<String>,
    pub actor: Option<String>,
    pub kind: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

pub fn chain_hash(
    key: &JournalKey,
    prev: &str,
    seq: i64,
    at: &str,
    incident: &str,
    actor: &str,
    kind: &str,
    payload: &str,
) -> String {
    let mut m = key.mac();
    for part in [prev, &seq.to_string(), at, incident, actor, kind, payload] {
        m.update(part.as_bytes());
        m.update(b"\n");
    }
    hex::encode(m.finalize().into_bytes())
}

/// The head is keyed too, so cutting entries off the end and moving the
/// head back to an earlier row is caught.
fn head_mac(key: &JournalKey, seq: i64, hash: &str) -> String {
    chain_hash(key, "head", seq, hash, "", "", "", "")
}

/// What is wrong with the journal's head, if anything: its MAC does not
/// verify (it was rewritten, or the key is not the one it was written with),
/// the last row is not the one it records (rows were cut off or added
/// behind its back), or it says the journal is empty while the read models
/// hold what only events could have put there (the journal was emptied).
/// One indexed lookup and one HMAC: cheap enough for every write.
pub fn head_problem(
    c: &mut dyn Conn,
    key: &JournalKey,
    seq: i64,
    hash: &str,
    mac: &str,
) -> Result<Option<String>, StoreError> {
    let last = c
        .query_one(
            "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1",
            &[],
        )?
        .map(|r| Ok::<_, StoreError>((r.int(0)?, r.text(1)?)))
        .transpose()?;
    if seq == 0 {
        if let Some((n, _)) = last {
            return Ok(Some(format!(
                "the journal head records no entry but the journal holds entries up to {n}"
            )));
        }
        let users = c
            .query_one("SELECT COUNT(*) FROM users", &[])?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        if users > 0 {
            return Ok(Some(format!(
                "the journal is empty but the read models hold {users} users: its entries were removed"
            )));
        }
        return Ok(None);
    }
    if mac != head_mac(key, seq, hash) {
        return Ok(Some(format!(
            "the journal head (entry {seq}) does not verify: it was changed, or the journal key is not the one it was written with"
        )));
    }
    match last {
        Some((n, h)) if n == seq && h == hash => Ok(None),
        Some((n, _)) if n == seq => Ok(Some(format!(
            "entry {seq} is not the one the journal head records: it was rewritten"
        ))),
        Some((n, _)) => Ok(Some(format!(
            "the journal ends at entry {n} but its head records entry {seq}: entries were {}",
            if n < seq {
                "removed from the end"
            } else {
                "added without the key"
            }
        ))),
        None => Ok(Some(format!(
            "the journal is empty but its head records entry {seq}: its entries were removed"
        ))),
    }
}

/// Checks the head and the newest `rows` entries of the chain (what a
/// start-up can afford; `journal verify` walks it all). Returns the first
/// problem found, with the entry it concerns.
pub fn check_tail(
    c: &mut dyn Conn,
    key: &JournalKey,
    rows: i64,
) -> Result<Option<(i64, String)>, StoreError> {
    let head = c
        .query_one("SELECT seq, hash, mac FROM journal_head WHERE id = 1", &[])?
        .ok_or_else(|| StoreError::Corrupt("journal_head row is missing".into()))?;
    let (seq, hash, mac) = (head.int(0)?, head.text(1)?, head.text(2)?);
    if let Some(p) = head_problem(c, key, seq, &hash, &mac)? {
        return Ok(Some((seq, p)));
    }
    let from = (seq - rows).max(0);
    let mut prev: Option<String> = None;
    for (expect, r) in (from + 1..).zip(read_raw(c, from, rows)?) {
        let problem = if r.seq != expect {
            Some(format!(
                "entry {expect} is missing (next present is {})",
                r.seq
            ))
        } else if prev.as_deref().is_some_and(|p| p != r.prev_hash)
            || (r.seq == 1 && r.prev_hash != crate::schema::GENESIS)
        {
            Some("does not follow the entry before it (removed or reordered)".into())
        } else if chain_hash(
            key,
            &r.prev_hash,
            r.seq,
            &r.at,
            r.incident.as_deref().unwrap_or(""),
            r.actor.as_deref().unwrap_or(""),
            &r.kind,
            &r.payload,
        ) != r.hash
        {
            Some("content was changed after it was written".into())
        } else {
            None
        };
        if let Some(p) = problem {
            return Ok(Some((r.seq.min(expect), p)));
        }
        prev = Some(r.hash);
    }
    Ok(None)
}

const ROWS_PER_INSERT: usize = 50;

fn insert_rows(c: &mut dyn Conn, values: &[Value]) -> Result<(), StoreError> {
    let n = values.len() / 8;
    let tuples: Vec<String> = (0..n)
        .map(|r| format!("({})", crate::sql::placeholders(1 + 8 * r, 8)))
        .collect();
    c.exec(
        &format!("INSERT INTO journal (seq, at, incident_id, actor, kind, payload, prev_hash, hash) VALUES {}", tuples.join(", ")),
        values,
    )?;
    Ok(())
}

/// Appends events inside the caller's write transaction and returns them
/// with their sequence numbers. The caller applies them to the read models
/// in the same transaction.
pub fn append(
    c: &mut dyn Conn,
    key: &JournalKey,
    events: Vec<Event>,
) -> Result<Vec<Committed>, StoreError> {
    // Nothing to add: the head is neither checked nor signed again.
    if events.is_empty() {
        return Ok(vec![]);
    }
    let lock = match c.dialect() {
        // Serialises writers across every instance sharing the database.
        Dialect::Postgres => "SELECT seq, hash, mac FROM journal_head WHERE id = 1 FOR UPDATE",
        // A SQLite write transaction already holds the database's one write lock.
        Dialect::Sqlite => "SELECT seq, hash, mac FROM journal_head WHERE id = 1",
    };
    let head = c
        .query_one(lock, &[])?
        .ok_or_else(|| StoreError::Corrupt("journal_head row is missing".into()))?;
    let (mut seq, mut prev, mac) = (head.int(0)?, head.text(1)?, head.text(2)?);
    // Never extend a chain whose head does not hold: signing a new head over
    // a cut or rewritten journal would launder it.
    if let Some(problem) = head_problem(c, key, seq, &prev, &mac)? {
        return Err(StoreError::JournalBroken(problem));
    }
    let mut out = Vec::with_capacity(events.len());
    // Rows go in as multi-row inserts of up to ROWS_PER_INSERT: one statement
    // per chunk rather than per event (the hot path of a bulk append).
    let mut rows: Vec<Value> = Vec::with_capacity(8 * events.len().min(ROWS_PER_INSERT));
    for event in events {
        seq += 1;
        let at = time::to_db(&event.at);
        let incident = event.incident.map(|i| i.to_string());
        let actor = event.actor.map(|a| a.to_string());
        let kind = event.body.kind();
        let payload =
            serde_json::to_string(&event.body).map_err(|e| StoreError::Decode(e.to_string()))?;
        let hash = chain_hash(
            key,
            &prev,
            seq,
            &at,
            incident.as_deref().unwrap_or(""),
            actor.as_deref().unwrap_or(""),
            kind,
            &payload,
        );
        rows.extend([
            Value::Int(seq),
            Value::Text(at),
            incident.into(),
            actor.into(),
            t(kind),
            Value::Text(payload),
            Value::Text(prev),
            Value::Text(hash.clone()),
        ]);
        prev = hash;
        out.push(Committed { seq, event });
        if rows.len() == 8 * ROWS_PER_INSERT {
            insert_rows(c, &rows)?;
            rows.clear();
        }
    }
    if !rows.is_empty() {
        insert_rows(c, &rows)?;
    }
    let mac = head_mac(key, seq, &prev);
    c.exec(
        "UPDATE journal_head SET seq = $1, hash = $2, mac = $3 WHERE id = 1",
        &[Value::Int(seq), Value::Text(prev), Value::Text(mac)],
    )?;
    Ok(out)
}

fn decode(row: &RawRow) -> Result<Committed, StoreError> {
    let body: Body = serde_json::from_str(&row.payload).map_err(|e| {
        StoreError::Corrupt(format!(
            "journal entry {}: payload does not decode: {e}",
            row.seq
        ))
    })?;
    let bad = |what: &str| StoreError::Corrupt(format!("journal entry {}: bad {what}", row.seq));
    Ok(Committed {
        seq: row.seq,
        event: Event {
            at: time::from_db(&row.at).ok_or_else(|| bad("time"))?,
            actor: row
                .actor
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|_| bad("actor"))?,
            incident: row
                .incident
                .as_deref()
                .map(str::parse)
                .transpose()
                .map_err(|_| bad("incident"))?,
            body,
        },
    })
}

const COLUMNS: &str = "seq, at, incident_id, actor, kind, payload, prev_hash, hash";

fn raw(r: &crate::sql::Row) -> Result<RawRow, StoreError> {
    Ok(RawRow {
        seq: r.int(0)?,
        at: r.text(1)?,
        incident: r.opt_text(2)?,
        actor: r.opt_text(3)?,
        kind: r.text(4)?,
        payload: r.text(5)?,
        prev_hash: r.text(6)?,
        hash: r.text(7)?,
    })
}

/// Reads raw rows after `after`, in order, `limit` at a time.
pub fn read_raw(c: &mut dyn Conn, after: i64, limit: i64) -> Result<Vec<RawRow>, StoreError> {
    c.query(
        &format!("SELECT {COLUMNS} FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2"),
        &[Value::Int(after), Value::Int(limit)],
    )?
    .iter()
    .map(raw)
    .collect()
}

/// Decoded events after `after` (all incidents), `limit` at a time.
pub fn read(c: &mut dyn Conn, after: i64, limit: i64) -> Result<Vec<Committed>, StoreError> {
    read_raw(c, after, limit)?.iter().map(decode).collect()
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Intact { events: i64, head: String },
    Broken { seq: i64, problem: String },
}

/// Walks the whole chain in batches and names the first row that does not
/// hold. `progress` is called after each batch with the rows checked so far
/// and the total.
///
/// The files of attachments are checked too: each `AttachmentAdded` the
/// walk passes is noted (digest, id, name), and once the chain is walked
/// every noted file must be in `attachment_blobs` and hash to its digest.
/// A file lost or changed breaks the verdict at the event that attached
/// it, naming the attachment; a chain that breaks is still named first,
/// with the files found wrong before that point said after it.
pub fn verify(
    c: &mut dyn Conn,
    key: &JournalKey,
    progress: &mut dyn FnMut(i64, i64),
) -> Result<Verdict, StoreError> {
    walk(c, key, progress, true)
}

/// The chain alone, as [`verify`] walks it, without the attached files:
/// what a rebuild must trust (it replays the journal, and keeps the files
/// as they are).
pub fn verify_chain(
    c: &mut dyn Conn,
    key: &JournalKey,
    progress: &mut dyn FnMut(i64, i64),
) -> Result<Verdict, StoreError> {
    walk(c, key, progress, false)
}

fn walk(
    c: &mut dyn Conn,
    key: &JournalKey,
    progress: &mut dyn FnMut(i64, i64),
    files: bool,
) -> Result<Verdict, StoreError> {
    const BATCH: i64 = 20_000;
    let head = c
        .query_one("SELECT seq, hash, mac FROM journal_head WHERE id = 1", &[])?
        .ok_or_else(|| StoreError::Corrupt("journal_head row is missing".into()))?;
    let (head_seq, head_hash, mac) = (head.int(0)?, head.text(1)?, head.text(2)?);
    if head_seq == 0 {
        if let Some(problem) = head_problem(c, key, 0, &head_hash, &mac)? {
            return Ok(Verdict::Broken { seq: 1, problem });
        }
    }
    if head_seq > 0 && mac != head_mac(key, head_seq, &head_hash) {
        return Ok(Verdict::Broken {
            seq: head_seq,
            problem: "the journal head was changed (or the journal key is not the one it was written with)".into(),
        });
    }
    let total = c
        .query_one("SELECT COUNT(*) FROM journal", &[])?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    let mut expect_seq = 1i64;
    let mut prev = crate::schema::GENESIS.to_string();
    let mut attached: Vec<crate::attachments::Recorded> = vec![];
    let mut named: Vec<crate::people::data::Named> = vec![];
    let mut erased: std::collections::HashMap<honbu_domain::ids::PersonId, i64> =
        std::collections::HashMap::new();
    let sql = format!("SELECT {COLUMNS} FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2");
    loop {
        let mut seen = 0i64;
        let mut broken: Option<Verdict> = None;
        c.scan(
            &sql,
            &[Value::Int(expect_seq - 1), Value::Int(BATCH)],
            &mut |r| {
                seen += 1;
                let (seq, prev_hash, hash) = (r[0].int(), r[6].text(), r[7].text());
                let problem = if seq != expect_seq {
                    Some((
                        expect_seq,
                        format!("entry {expect_seq} is missing (next present is {seq})"),
                    ))
                } else if prev_hash != prev {
                    Some((
                        seq,
                        "does not follow the entry before it (removed or reordered)".to_string(),
                    ))
                } else if chain_hash(
                    key,
                    prev_hash,
                    seq,
                    r[1].text(),
                    r[2].text(),
                    r[3].text(),
                    r[4].text(),
                    r[5].text(),
                ) != hash
                {
                    Some((seq, "content was changed after it was written".to_string()))
                } else {
                    None
                };
                if let Some((seq, problem)) = problem {
                    broken = Some(Verdict::Broken { seq, problem });
                    return Ok(false);
                }
                if files && r[4].text() == "attachment_added" {
                    if let Ok(Body::AttachmentAdded {
                        attachment,
                        entry,
                        name,
                        size,
                        sha256,
                        ..
                    }) = serde_json::from_str::<Body>(r[5].text())
                    {
                        attached.push(crate::attachments::Recorded {
                            seq,
                            attachment,
                            entry,
                            name,
                            size,
                            sha256,
                        });
                    }
                }
                if files
                    && (r[4].text().starts_with("person") || r[4].text() == "list_record_matched")
                {
                    note_personal(seq, r[5].text(), &mut named, &mut erased);
                }
                prev.clear();
                prev.push_str(hash);
                expect_seq += 1;
                Ok(true)
            },
        )?;
        if let Some(Verdict::Broken { seq, problem }) = broken {
            let files = held(c, key, &attached, &named, &erased)?;
            return Ok(Verdict::Broken {
                seq,
                problem: match files_broken(&files) {
                    Some((at, also)) => format!("{problem}; and before it, entry {at}: {also}"),
                    None => problem,
                },
            });
        }
        if seen == 0 {
            break;
        }
        progress(expect_seq - 1, total);
    }
    let last = expect_seq - 1;
    let files = held(c, key, &attached, &named, &erased)?;
    if last != head_seq || prev != head_hash {
        let cut = format!("the journal ends at entry {last} but its head records entry {head_seq}: entries were removed from the end");
        return Ok(Verdict::Broken {
            seq: last + 1,
            problem: match files_broken(&files) {
                Some((at, also)) => format!("{cut}; and before it, entry {at}: {also}"),
                None => cut,
            },
        });
    }
    if let Some((seq, problem)) = files_broken(&files) {
        return Ok(Verdict::Broken { seq, problem });
    }
    Ok(Verdict::Intact {
        events: last,
        head: prev,
    })
}

/// What the journal vouches for outside itself and does not hold: each
/// attached file that is missing or changed, and the first personal data
/// changed, or missing without its erasure recorded; by position.
fn held(
    c: &mut dyn Conn,
    key: &JournalKey,
    attached: &[crate::attachments::Recorded],
    named: &[crate::people::data::Named],
    erased: &std::collections::HashMap<honbu_domain::ids::PersonId, i64>,
) -> Result<Vec<(i64, String)>, StoreError> {
    let mut out = crate::attachments::blob_problems(c, attached)?;
    if let Some(p) = crate::people::data::problems(c, key, named, erased)? {
        out.push(p);
        out.sort_by_key(|(seq, _)| *seq);
    }
    Ok(out)
}

/// Notes the personal data an event of the people room names, and the
/// erasures it records.
fn note_personal(
    seq: i64,
    payload: &str,
    named: &mut Vec<crate::people::data::Named>,
    erased: &mut std::collections::HashMap<honbu_domain::ids::PersonId, i64>,
) {
    use crate::people::data::{Kind, Named};
    let mut name = |person, kind, digest: &str| {
        named.push(Named {
            seq,
            person,
            kind,
            digest: digest.to_string(),
        })
    };
    match serde_json::from_str::<Body>(payload) {
        Ok(Body::PersonRecorded {
            person, details, ..
        }) => name(person, Kind::Details, &details),
        Ok(Body::PersonAmended {
            person,
            details: Some(d),
            ..
        }) => name(person, Kind::Details, &d),
        Ok(Body::PersonStatusReported {
            person,
            note: Some(n),
            ..
        }) => name(person, Kind::Note, &n),
        Ok(Body::ListRecordMatched {
            record,
            person,
            data,
            ..
        }) => name(
            person.unwrap_or(honbu_domain::ids::PersonId(record.0)),
            Kind::Record,
            &data,
        ),
        Ok(Body::PersonalDataErased { person, .. }) => {
            erased.insert(person, seq);
        }
        _ => {}
    }
}

/// The first attachment whose file does not hold, as a verdict's position
/// and problem, the others counted (the first five named).
fn files_broken(files: &[(i64, String)]) -> Option<(i64, String)> {
    let (seq, first) = files.first()?;
    let mut problem = first.clone();
    if files.len() > 1 {
        let named: Vec<String> = files[1..]
            .iter()
            .take(4)
            .map(|(s, p)| format!("entry {s}: {p}"))
            .collect();
        problem.push_str(&format!(
            "; {} more attached file(s) or personal data do not hold: {}{}",
            files.len() - 1,
            named.join("; "),
            if files.len() > 5 { "; …" } else { "" }
        ));
    }
    Some((*seq, problem))
}

/// The sequence number of the journal's last event (0 when empty).
pub fn last_seq(c: &mut dyn Conn) -> Result<i64, StoreError> {
    Ok(
        c.query_one("SELECT seq FROM journal_head WHERE id = 1", &[])?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0),
    )
}
