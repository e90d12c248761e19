//! honbu-formats: the PFIF reader on Google Person Finder's own test
//! documents (testdata/pfif, see SOURCES.md there), what it refuses, and the
//! PFIF 1.4 writer read back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod pfif;
