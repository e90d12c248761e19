//! Attachments: files (a cable, a photo, a scanned list) attached to log
//! entries, read by exactly those who may read their entry.
//!
//! The bytes are content-addressed: `attachment_blobs` holds each distinct
//! file once, under its SHA-256, written by the command handler in the
//! same transaction as the event (like `credentials`, it is not a
//! projection, and a rebuild keeps it). The journal's `AttachmentAdded`
//! holds the digest, so `journal verify` catches a file changed or lost
//! ([`blob_problems`]); `attachments` is the read model of those events,
//! rows only added, read as of any moment.

use crate::versions::Table;

pub(crate) const ATTACHMENTS: Table = Table::appended("attachments", "seq");

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
