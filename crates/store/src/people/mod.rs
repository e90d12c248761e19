//! People of concern: the register of an incident's persons, the reports
//! of where each stands (the status that holds follows
//! `honbu_domain::people::judge`), and the accountability board composed
//! from them.
//!
//! Who a person is (names, date of birth, passport, contacts, location,
//! report notes) is personal data: it lives in `personal_data` ([`data`]),
//! operational state outside the projections, named from the journal by a
//! keyed digest, and erasing it deletes its rows (and scrubs them from the
//! database's files, [`crate::Store::scrub_blocking`]) while the chain
//! holds. The read models hold only the digest.

use crate::versions::Table;

pub(crate) const PERSONS: Table = Table::versioned(
    "persons",
    "persons_history",
    "id, incident_id, number, hq_id, role, nationalities, employer, details, status, status_report, status_reported_at, status_since, review, recorded_at, recorded_by, erased_at, updated_at",
    &["id"],
);
pub(crate) const REPORTS: Table = Table::appended("person_reports", "seq");
pub(crate) const SETTLEMENTS: Table = Table::appended("person_settlements", "seq");
pub(crate) const LISTS: Table = Table::appended("lists", "seq");
pub(crate) const LIST_RECORDS: Table = Table::appended("list_records", "seq");

mod commands;
pub mod data;
pub mod lists;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::Projection;
pub use queries::*;
