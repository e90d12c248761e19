//! Accounts: users and their credentials, sign-in sessions, API tokens,
//! the roles an administrator defines, and the security record (sign-ins,
//! failures, refusals).
//!
//! Credentials and sessions are operational state, written by the command
//! handlers in the same transaction as their events and never journaled:
//! the journal cannot forget, so it holds no password hash. A rebuild keeps
//! the credentials and signs everyone out.

mod commands;
mod project;
mod queries;
mod secrets;

pub use commands::*;
pub(crate) use project::apply;
pub use queries::*;
pub use secrets::*;
