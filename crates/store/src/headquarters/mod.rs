//! Headquarters: the linked HQs of an incident (ministry, Prime Minister's
//! office, on site), their members in roles, who is on duty, the status
//! reports each owes at its cadence, and the reports filed.

use crate::versions::Table;

pub(crate) const HQS: Table = Table::versioned(
    "hqs",
    "hqs_history",
    "id, incident_id, name, kind, time_zone, activated_at, report_every_minutes, last_report_at, ordinal",
    &["id"],
);
pub(crate) const MEMBERS: Table = Table::versioned(
    "hq_members",
    "hq_members_history",
    "hq_id, user_id, incident_id, role, added_at",
    &["hq_id", "user_id"],
);
pub(crate) const DUTY: Table = Table::versioned(
    "duty",
    "duty_history",
    "hq_id, user_id, since",
    &["hq_id", "user_id"],
);
pub(crate) const REPORTS: Table = Table::appended("status_reports", "from_seq");

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
