//! Reports: shift handover briefs (ICS 201 in spirit), built with exactly
//! what a member of the HQ may see and acknowledged by the incoming
//! officer; and numbered SITREPs with the EDXL-SitRep header fields,
//! holding only what every HQ of the incident may read. Both are stored as
//! issued.

use crate::versions::Table;

pub(crate) const HANDOVERS: Table = Table::versioned(
    "handovers",
    "handovers_history",
    "id, incident_id, hq_id, issued_at, issued_by, since, brief, acknowledged_at, acknowledged_by",
    &["id"],
);
pub(crate) const SITREPS: Table = Table::appended("sitreps", "from_seq");

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
