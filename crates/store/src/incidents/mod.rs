//! Incidents: opening one (with its first headquarters), its lifecycle
//! (monitoring → active → resolved → closed, each change with a reason),
//! amendments, and the list of incidents a viewer may know of.

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
