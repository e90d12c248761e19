//! Work: decisions (who decided, the options, the rationale, the entries
//! they rest on) and tasks handed to other ministries and agencies (owner,
//! due time, status; overdue first).

use crate::versions::Table;

pub(crate) const DECISIONS: Table = Table::appended("decisions", "from_seq");
pub(crate) const TASKS: Table = Table::versioned(
    "tasks",
    "tasks_history",
    "id, incident_id, hq_id, title, owner, due_at, status, note, created_at, created_by, updated_at",
    &["id"],
);

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
