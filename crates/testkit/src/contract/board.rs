//! The board, live and as of a past moment.

use super::*;

pub fn live_board_equals_the_board_as_of_now(store: &Store) {
    let w = busy_world(store);
    let now = t0() + Duration::hours(6);
    for who in ["admin", "reader", "mofa.head", "lima.analyst", "officer"] {
        let live = board(&w, who, now).unwrap();
        let then = board_as_of(&w, who, now).unwrap();
        assert_eq!(live, then, "board of {who}");
    }
}

pub fn board_as_of_a_past_moment_shows_what_was_known_then(store: &Store) {
    let w = busy_world(store);
    let then = t0() + Duration::minutes(95);
    let b = board_as_of(&w, "admin", then).unwrap();
    assert_eq!(b.counts.entries, 10, "entries 0..=9 were entered by then");
    assert_eq!(b.incident.status, IncidentStatus::Monitoring);
    assert!(b.tasks.is_empty());
    assert!(b.recent.iter().all(|e| e.entered_at <= then));
    let now = board_as_of(&w, "admin", t0() + Duration::hours(6)).unwrap();
    assert_eq!(now.incident.status, IncidentStatus::Active);
    assert_eq!(now.counts.entries, 30);
}
