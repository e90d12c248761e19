//! The situation log: registered sources and their reliability grades,
//! graded entries (occurred, reported and entered times; credibility;
//! category; release marking; links), corrections that supersede without
//! erasing, significance, and the release of an HQ-only entry to another HQ.

use crate::versions::Table;

pub(crate) const ENTRIES: Table = Table::versioned(
    "entries",
    "entries_history",
    "id, incident_id, number, seq, hq_id, author, occurred_at, reported_at, entered_at, source_id, source_name, \
     reliability, credibility, category, release, significant, text, supersedes, superseded_by, links",
    &["id"],
);
pub(crate) const RELEASES: Table = Table::appended("entry_releases", "from_seq");

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::Projection;
pub use queries::*;
