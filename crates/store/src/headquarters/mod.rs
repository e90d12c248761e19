//! Headquarters: the linked HQs of an incident (ministry, Prime Minister's
//! office, on site), their members in roles, who is on duty, the status
//! reports each owes at its cadence, and the reports filed.

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
