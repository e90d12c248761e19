//! honbu's interchange formats. Pure: no IO, no network, no files; the
//! caller hands in bytes and gets records (or a refusal naming the reason).
//!
//! - [`pfif`]: PFIF, the People Finder Interchange Format (zesty.ca/pfif).
//!   [`pfif::read_pfif`] reads PFIF 1.1, 1.2, 1.3 and 1.4 into 1.4's fields;
//!   [`pfif::write_pfif14`] writes PFIF 1.4.

pub mod pfif;

pub use pfif::{
    note_status_for, read_pfif, status_note, write_pfif14, DateOfBirth, Document, Limits, Note,
    NoteStatus, Person, PfifError, PfifVersion, Problem, RecordKind, Sex,
};
