//! honbu's domain: the types a crisis desk works with, the rules that turn a
//! request into events, and the access policy.
//!
//! Invariants kept here:
//! - No IO: nothing in this crate touches a database, a socket or the clock.
//!   Every function that needs "now" takes it as an argument, so the demo can
//!   replay 1996 and tests can pin time.
//! - Every value that enters the system passes a `parse` that names the field
//!   that is wrong ([`FieldError`]); past that point types are valid by
//!   construction.
//! - Every change is an [`events::Event`]. What an event does to the record
//!   is defined once, by its projection in `honbu-store`, which serves the
//!   present and every past moment alike.

pub mod access;
pub mod attachments;
pub mod board;
pub mod commands;
pub mod error;
pub mod events;
pub mod geo;
pub mod ids;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod people;
pub mod reports;
pub mod time;
pub mod vocab;

pub use error::FieldError;
