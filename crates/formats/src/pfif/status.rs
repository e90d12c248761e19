//! Which note's status holds, and honbu's statuses in PFIF's words.

use super::{Note, NoteStatus};

/// The note whose status holds for a person, among `notes` (all about that
/// one person): of the notes that carry a status, the one with the latest
/// `source_date`, so that a backdated note (one whose `source_date` is earlier
/// than a note already given) does not override the later one. A note without
/// a `source_date` holds only if no note with one carries a status; between
/// notes of the same `source_date`, the later in the slice holds.
pub fn status_note(notes: &[Note]) -> Option<&Note> {
    notes
        .iter()
        .filter(|n| n.status.is_some())
        // max_by_key returns the last of equal maxima: the later in the slice.
        .max_by_key(|n| n.source_date)
}

/// honbu's word for a person's status in PFIF's: the note status to write,
/// and the English words to put in the note's text where PFIF has no word of
/// its own (empty where the status says it all).
///
/// honbu's statuses are not this crate's vocabulary (it depends on no other
/// honbu crate), so they are taken as their spelling: `unknown`, `safe`,
/// `missing`, `hostage`, `released`, `injured`, `hospitalised`, `evacuated`,
/// `deceased`, `not_involved`. Any other word answers `None`.
///
/// | honbu | PFIF status | text |
/// |---|---|---|
/// | unknown | information_sought | |
/// | safe | believed_alive | |
/// | released | believed_alive | released |
/// | injured | believed_alive | injured |
/// | hospitalised | believed_alive | hospitalised |
/// | evacuated | believed_alive | evacuated |
/// | missing | believed_missing | |
/// | hostage | believed_missing | held hostage / detained |
/// | deceased | believed_dead | |
/// | not_involved | believed_alive | not involved: found to be elsewhere |
pub fn note_status_for(honbu_status: &str) -> Option<(NoteStatus, &'static str)> {
    use NoteStatus::*;
    Some(match honbu_status {
        "unknown" => (InformationSought, ""),
        "safe" => (BelievedAlive, ""),
        "released" => (BelievedAlive, "released"),
        "injured" => (BelievedAlive, "injured"),
        "hospitalised" => (BelievedAlive, "hospitalised"),
        "evacuated" => (BelievedAlive, "evacuated"),
        "missing" => (BelievedMissing, ""),
        "hostage" => (BelievedMissing, "held hostage / detained"),
        "deceased" => (BelievedDead, ""),
        "not_involved" => (BelievedAlive, "not involved: found to be elsewhere"),
        _ => return None,
    })
}
