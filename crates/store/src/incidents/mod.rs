//! Incidents: opening one (with its first headquarters), its lifecycle
//! (monitoring → active → resolved → closed, each change with a reason),
//! amendments, and the list of incidents a viewer may know of.

use crate::versions::Table;

pub(crate) const INCIDENTS: Table = Table::versioned(
    "incidents",
    "incidents_history",
    "id, kind, title, country, lat, lon, area, severity, time_zone, summary, status, opened_at, opened_by",
    &["id"],
);
pub(crate) const STATUS_HISTORY: Table = Table::appended("incident_status_history", "seq");

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
