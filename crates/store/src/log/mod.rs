//! The situation log: registered sources and their reliability grades,
//! graded entries (occurred, reported and entered times; credibility;
//! category; release marking; links), corrections that supersede without
//! erasing, significance, and the release of an HQ-only entry to another HQ.

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::Projection;
pub use queries::*;
