//! Decisions and tasks.

use super::*;

pub fn overdue_tasks_come_first_and_missed_reports_show(store: &Store) {
    let w = busy_world(store);
    let now = t0() + Duration::hours(6);
    let b = board(&w, "mofa.head", now).unwrap();
    assert_eq!(b.tasks.len(), 2);
    assert!(b.tasks[0].overdue && b.tasks[0].title == "Charter flight");
    assert!(!b.tasks[1].overdue);
    assert_eq!(b.counts.overdue_tasks, 1);
    let lima = b.hqs.iter().find(|h| h.id == w.lima).unwrap();
    // Reported at t0+3h, every 2 h: due t0+5h, so overdue at t0+6h.
    assert_eq!(lima.report_due_at, Some(t0() + Duration::hours(5)));
    assert!(lima.report_overdue);
    assert!(
        !board(&w, "mofa.head", t0() + Duration::hours(4))
            .unwrap()
            .hqs
            .iter()
            .find(|h| h.id == w.lima)
            .unwrap()
            .report_overdue
    );
}
