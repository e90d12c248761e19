//! Attaching a file to an entry.

use crate::rules::{forbid, not_closed, Ctx};
use crate::sql::{Conn, Value};
use crate::versions::At;
use crate::{log, Result, StoreError};
use honbu_domain::attachments::{self, NewAttachment};
use honbu_domain::events::{Body, Event};
use honbu_domain::ids::*;
use honbu_domain::vocab::Capability;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What attaching a file made: its id, and the digest and size the journal
/// now holds for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Added {
    pub id: AttachmentId,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    pub size: u64,
}

/// The SHA-256 of `data`, lowercase hex, as the journal and the blobs name it.
pub fn digest(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Attaches a file to an entry. Whoever may read the entry and write the
/// log in its incident may (as for correcting it); an entry the viewer may
/// not read answers as one that does not exist, and nothing is written.
/// The bytes are kept once per digest, in this same transaction.
pub fn add_attachment(
    c: &mut dyn Conn,
    ctx: &Ctx,
    entry: EntryId,
    r: NewAttachment,
) -> Result<(Vec<Event>, Added)> {
    let (incident, _) = log::entry(c, ctx.p, entry, At::Now)?.ok_or(StoreError::NotFound)?;
    let name = attachments::name("name", &r.name)?;
    attachments::data("file", &r.data)?;
    let content_type = attachments::content_type(r.content_type.as_deref());
    if !ctx.p.can_in_incident(incident, Capability::LogWrite) {
        return Err(forbid("attach files to this incident's entries"));
    }
    not_closed(c, incident)?;
    let sha256 = digest(&r.data);
    let size = r.data.len() as u64;
    keep_blob(c, &sha256, r.data)?;
    let attachment = AttachmentId::new();
    Ok((
        vec![ctx.ev(
            Some(incident),
            Body::AttachmentAdded {
                attachment,
                entry,
                name,
                content_type,
                size,
                sha256: sha256.clone(),
            },
        )],
        Added {
            id: attachment,
            sha256,
            size,
        },
    ))
}

/// Stores the bytes under their digest, unless they are there already:
/// the same file attached twice is kept once.
fn keep_blob(c: &mut dyn Conn, sha256: &str, data: Vec<u8>) -> Result<()> {
    if c.query_one(
        "SELECT 1 FROM attachment_blobs WHERE sha256 = $1",
        &[sha256.into()],
    )?
    .is_some()
    {
        return Ok(());
    }
    let size = i64::try_from(data.len()).map_err(|_| StoreError::db("file too large"))?;
    c.exec(
        "INSERT INTO attachment_blobs (sha256, size, data) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
        &[sha256.into(), Value::Int(size), Value::Bytes(data)],
    )?;
    Ok(())
}
