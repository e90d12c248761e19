//! Incidents: who may know one exists, its lifecycle, a closed incident.

use super::*;

pub fn stranger_is_told_incident_does_not_exist(store: &Store) {
    let w = world(store);
    entry(
        &w,
        "mofa.head",
        t0() + Duration::minutes(5),
        text_entry("first cable"),
    )
    .unwrap();
    assert!(board(&w, "stranger", t0() + Duration::minutes(6)).is_none());
    assert!(board_as_of(&w, "stranger", t0() + Duration::minutes(6)).is_none());
    let p = principal(store, "stranger");
    let page = store
        .read_blocking(move |c| honbu_store::incidents::incidents(c, &p, 100, 0))
        .unwrap();
    assert_eq!(page.total, 0);
    assert!(page.items.is_empty());
    // Writing to it is refused as "not found", not "forbidden".
    let e = entry(
        &w,
        "stranger",
        t0() + Duration::minutes(7),
        text_entry("hello"),
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    // The global reader and the members do see it.
    for who in ["reader", "mofa.head", "lima.analyst", "admin"] {
        assert!(
            board(&w, who, t0() + Duration::minutes(6)).is_some(),
            "{who}"
        );
    }
}

/// Once closed, nothing on an incident's board becomes overdue: the task
/// and the report that fall due after the closing are not flagged, on the
/// live board and on the one read as of a later moment alike.
pub fn a_closed_incident_stops_its_clock(store: &Store) {
    let w = busy_world(store);
    // Before the charter flight task falls due (t0 + 2 h 20) and before
    // Lima's report (t0 + 5 h).
    let closing = t0() + Duration::minutes(130);
    run(store, "mofa.head", closing, |c, ctx| {
        honbu_store::incidents::change_status(
            c,
            ctx,
            w.incident,
            &honbu_domain::commands::ChangeStatus {
                status: "closed".into(),
                reason: "Handed over to ordinary work".into(),
            },
        )
    })
    .unwrap();
    let later = t0() + Duration::hours(6);
    for who in ["admin", "mofa.head", "lima.analyst"] {
        let live = board(&w, who, later).unwrap();
        assert_eq!(live.incident.status, IncidentStatus::Closed);
        assert_eq!(live.counts.overdue_tasks, 0, "{who}: {:?}", live.tasks);
        assert_eq!(live.counts.reports_overdue, 0, "{who}");
        assert_eq!(live, board_as_of(&w, who, later).unwrap(), "board of {who}");
    }
    // Its record is final: no new work, a stranger still told nothing, and
    // whoever is on duty may still sign off.
    let task = honbu_domain::commands::AssignTask {
        title: "After the end".into(),
        owner: "Nobody".into(),
        ..Default::default()
    };
    let t2 = task.clone();
    let r = run(store, "mofa.head", later, |c, ctx| {
        honbu_store::work::assign_task(c, ctx, w.incident, &task)
    });
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    let r = run(store, "stranger", later, |c, ctx| {
        honbu_store::work::assign_task(c, ctx, w.incident, &t2)
    });
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    let on = honbu_domain::commands::Duty {
        on: true,
        user: None,
    };
    let r = run(store, "mofa.head", later, |c, ctx| {
        honbu_store::headquarters::duty(c, ctx, w.mofa, &on)
    });
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    let off = honbu_domain::commands::Duty {
        on: false,
        user: None,
    };
    run(store, "mofa.head", later, |c, ctx| {
        honbu_store::headquarters::duty(c, ctx, w.mofa, &off)
    })
    .unwrap();
}

pub fn analyst_cannot_record_decisions_or_change_status(store: &Store) {
    let w = world(store);
    let inc = w.incident;
    let at = t0() + Duration::minutes(30);
    let e = run(store, "lima.analyst", at, |c, ctx| {
        honbu_store::work::record_decision(
            c,
            ctx,
            inc,
            &RecordDecision {
                title: "x".into(),
                rationale: "y".into(),
                ..Default::default()
            },
        )
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    let e = run(store, "lima.analyst", at, |c, ctx| {
        honbu_store::incidents::change_status(
            c,
            ctx,
            inc,
            &ChangeStatus {
                status: "active".into(),
                reason: "r".into(),
            },
        )
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    let e = run(store, "reader", at, |c, ctx| {
        honbu_store::log::log_entry(c, ctx, inc, &text_entry("readers only read"))
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    run(store, "officer", at, |c, ctx| {
        honbu_store::incidents::change_status(
            c,
            ctx,
            inc,
            &ChangeStatus {
                status: "active".into(),
                reason: "confirmed".into(),
            },
        )
    })
    .unwrap();
    let e = run(store, "officer", at, |c, ctx| {
        honbu_store::incidents::change_status(
            c,
            ctx,
            inc,
            &ChangeStatus {
                status: "monitoring".into(),
                reason: "".into(),
            },
        )
    })
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field == "reason"),
        "{e:?}"
    );
    run(store, "officer", at, |c, ctx| {
        honbu_store::incidents::change_status(
            c,
            ctx,
            inc,
            &ChangeStatus {
                status: "closed".into(),
                reason: "over".into(),
            },
        )
    })
    .unwrap();
    let e = run(store, "officer", at, |c, ctx| {
        honbu_store::incidents::change_status(
            c,
            ctx,
            inc,
            &ChangeStatus {
                status: "active".into(),
                reason: "again".into(),
            },
        )
    })
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field == "status"),
        "{e:?}"
    );
}
