//! Work: decisions (who decided, the options, the rationale, the entries
//! they rest on) and tasks handed to other ministries and agencies (owner,
//! due time, status; overdue first).

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
