//! What an attachment's event does to its table.

use crate::project::{misrouted, Cols};
use crate::sql::{t, Conn, Value};
use crate::StoreError;
use honbu_domain::events::{Body, Committed};

pub(crate) fn apply(c: &mut dyn Conn, ev: &Committed) -> Result<(), StoreError> {
    let (seq, at, actor, incident) = Cols::split(ev);
    match &ev.event.body {
        Body::AttachmentAdded {
            attachment,
            entry,
            name,
            content_type,
            size,
            sha256,
        } => {
            let size = i64::try_from(*size).map_err(|_| {
                StoreError::Corrupt(format!(
                    "journal entry {}: attachment size out of range",
                    ev.seq
                ))
            })?;
            c.exec(
                "INSERT INTO attachments (id, incident_id, entry_id, name, content_type, size, sha256, added_at, added_by, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    t(attachment),
                    incident,
                    t(entry),
                    name.into(),
                    content_type.into(),
                    Value::Int(size),
                    sha256.into(),
                    at,
                    actor,
                    seq,
                ],
            )?;
        }
        _ => return Err(misrouted(ev)),
    }
    Ok(())
}
