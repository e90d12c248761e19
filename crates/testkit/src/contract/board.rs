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

/// Seen: significant entries were listed by number, so a report that
/// arrived late of something that happened first sat on top. The board
/// lists them by when they occurred, the latest first.
pub fn significant_entries_are_listed_by_when_they_occurred(store: &Store) {
    let w = world(store);
    let t = t0() + Duration::hours(2);
    let at = |m: i64| Some((t0() + Duration::minutes(m)).to_rfc3339());
    for (text, occurred) in [
        ("Shots heard at the residence", 30),
        ("Ambassador seen at a window", 90),
        // Reported late: it happened first.
        ("Gate forced at 20:17", 10),
    ] {
        entry(
            &w,
            "mofa.head",
            t,
            NewEntry {
                text: text.into(),
                significant: Some(true),
                occurred_at: at(occurred),
                ..Default::default()
            },
        )
        .unwrap();
    }
    let b = board(&w, "mofa.head", t).unwrap();
    let shown: Vec<&str> = b.significant.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        shown,
        [
            "Ambassador seen at a window",
            "Shots heard at the residence",
            "Gate forced at 20:17"
        ]
    );
}
