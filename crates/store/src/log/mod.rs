//! The situation log: registered sources and their reliability grades,
//! graded entries (occurred, reported and entered times; credibility;
//! category; release marking; links), corrections that supersede without
//! erasing, significance, and the release of an HQ-only entry to another HQ.

use crate::versions::Table;

pub(crate) const ENTRIES: Table = Table::versioned(
    "entries",
    "entries_history",
    "id, incident_id, number, seq, hq_id, author, occurred_at, reported_at, entered_at, source_id, source_name, \
     reliability, credibility, category, release, significant, text, supersedes, superseded_by, links",
    &["id"],
);
pub(crate) const RELEASES: Table = Table::appended("entry_releases", "from_seq");

/// The pairs of letters of a text, lower-cased, each once, separated by
/// spaces: what the pairs index holds for an entry (see schema V11). Runs
/// of letters and digits are paired within themselves; spaces and
/// punctuation (。、：, -) end a run.
pub fn pairs(text: &str) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let lower = text.to_lowercase();
    let mut prev: Option<char> = None;
    for ch in lower.chars() {
        if ch.is_alphanumeric() {
            if let Some(p) = prev {
                seen.insert([p, ch].iter().collect::<String>());
            }
            prev = Some(ch);
        } else {
            prev = None;
        }
    }
    seen.into_iter().collect::<Vec<_>>().join(" ")
}

/// Whether a search word is found through the pairs index: two letters or
/// digits.
pub fn is_pair(word: &str) -> bool {
    let mut n = 0;
    for ch in word.chars() {
        if !ch.is_alphanumeric() {
            return false;
        }
        n += 1;
    }
    n == 2
}

mod commands;
mod project;
mod queries;

pub use commands::*;
pub(crate) use project::Projection;
pub use queries::*;
