//! Reads of attachments, each as its entry is read, and the check of the
//! kept files against the digests the journal holds.

use super::commands::digest;
use super::ATTACHMENTS;
use crate::sql::{t, Cell, Conn, Row};
use crate::versions::At;
use crate::{log, Result, StoreError};
use honbu_domain::access::Principal;
use honbu_domain::ids::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// An attachment as its readers see it (the bytes are fetched on their own).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    pub id: AttachmentId,
    pub entry: EntryId,
    /// The file's name as it was sent.
    pub name: String,
    /// The type it was sent as (`application/octet-stream` when none was
    /// given); what a download is served as may be narrower.
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the bytes, lowercase hex: what the journal holds.
    pub sha256: String,
    pub added_at: chrono::DateTime<chrono::Utc>,
    pub added_by: Option<UserId>,
}

const COLS: &str =
    "a.id, a.entry_id, a.name, a.content_type, a.size, a.sha256, a.added_at, a.added_by";

fn row(r: &Row) -> Result<AttachmentView> {
    Ok(AttachmentView {
        id: r.parse(0)?,
        entry: r.parse(1)?,
        name: r.text(2)?,
        content_type: r.text(3)?,
        size: u64::try_from(r.int(4)?)
            .map_err(|_| StoreError::Decode("column 4: negative size".into()))?,
        sha256: r.text(5)?,
        added_at: r.time(6)?,
        added_by: r.opt_parse(7)?,
    })
}

/// The attachments of an entry as they stood at `at`, oldest first, if the
/// viewer may read the entry as it stood then (`None` alike for an entry
/// that does not exist, did not yet, or is not theirs to read).
pub fn attachments(
    c: &mut dyn Conn,
    p: &Principal,
    entry: EntryId,
    at: At,
) -> Result<Option<Vec<AttachmentView>>> {
    if log::entry(c, p, entry, at)?.is_none() {
        return Ok(None);
    }
    c.query(
        &format!(
            "SELECT {COLS} FROM {} a WHERE a.entry_id = $1 ORDER BY a.seq",
            at.rows(&ATTACHMENTS)
        ),
        &[t(entry)],
    )?
    .iter()
    .map(row)
    .collect::<Result<Vec<_>>>()
    .map(Some)
}

/// One attachment, if the viewer may read its entry now.
pub fn attachment(
    c: &mut dyn Conn,
    p: &Principal,
    id: AttachmentId,
) -> Result<Option<(IncidentId, AttachmentView)>> {
    let Some(a) = c
        .query_one(
            &format!("SELECT {COLS} FROM attachments a WHERE a.id = $1"),
            &[t(id)],
        )?
        .map(|r| row(&r))
        .transpose()?
    else {
        return Ok(None);
    };
    Ok(log::entry(c, p, a.entry, At::Now)?.map(|(incident, _)| (incident, a)))
}

/// One attachment and its bytes, if the viewer may read its entry now. The
/// bytes are checked against the digest the journal holds: a file lost or
/// changed is an error naming the attachment, never served as if it were
/// the one attached.
pub fn file(
    c: &mut dyn Conn,
    p: &Principal,
    id: AttachmentId,
) -> Result<Option<(AttachmentView, Vec<u8>)>> {
    let Some((_, a)) = attachment(c, p, id)? else {
        return Ok(None);
    };
    let data = c
        .query_one(
            "SELECT data FROM attachment_blobs WHERE sha256 = $1",
            &[a.sha256.as_str().into()],
        )?
        .map(|r| r.bytes(0))
        .transpose()?;
    match data {
        None => Err(StoreError::Corrupt(format!(
            "attachment {} \"{}\": its file is missing",
            a.id, a.name
        ))),
        Some(d) if d.len() as u64 != a.size || digest(&d) != a.sha256 => {
            Err(StoreError::Corrupt(format!(
                "attachment {} \"{}\": its file was changed (it no longer hashes to the SHA-256 the journal holds)",
                a.id, a.name
            )))
        }
        Some(d) => Ok(Some((a, d))),
    }
}

/// An attachment as the journal records it, for checking its file.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// The journal position of its `AttachmentAdded`.
    pub seq: i64,
    pub attachment: AttachmentId,
    pub entry: EntryId,
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// Each recorded attachment whose file is missing from `attachment_blobs`
/// or no longer hashes to its digest (or has another size), in journal
/// order, with what is wrong. Each distinct file is read and hashed once.
pub fn blob_problems(c: &mut dyn Conn, recorded: &[Recorded]) -> Result<Vec<(i64, String)>> {
    // digest -> (found, its size, what its bytes hash to)
    let mut seen: HashMap<&str, Option<(u64, String)>> = HashMap::new();
    for r in recorded {
        if seen.contains_key(r.sha256.as_str()) {
            continue;
        }
        let mut found = None;
        c.scan(
            "SELECT data FROM attachment_blobs WHERE sha256 = $1",
            &[r.sha256.as_str().into()],
            &mut |cells| {
                let bytes: &[u8] = match cells.first() {
                    Some(Cell::Bytes(b)) => b,
                    Some(Cell::Text(s)) => s.as_bytes(),
                    _ => &[],
                };
                found = Some((bytes.len() as u64, hex::encode(Sha256::digest(bytes))));
                Ok(false)
            },
        )?;
        seen.insert(&r.sha256, found);
    }
    let mut out = vec![];
    for r in recorded {
        let what = match seen.get(r.sha256.as_str()).and_then(Option::as_ref) {
            None => "its file is missing",
            Some((size, hash)) if *size == r.size && *hash == r.sha256 => continue,
            Some(_) => {
                "its file was changed (it no longer hashes to the SHA-256 the journal holds)"
            }
        };
        out.push((
            r.seq,
            format!(
                "attachment {} \"{}\" of log entry {}: {what}",
                r.attachment, r.name, r.entry
            ),
        ));
    }
    Ok(out)
}
