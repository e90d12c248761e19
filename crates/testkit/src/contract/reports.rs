//! Handover briefs and SITREPs.

use super::*;
use honbu_store::versions::At;

pub fn handover_brief_covers_changes_since_last_acknowledged_one(store: &Store) {
    let w = busy_world(store);
    let (inc, mofa) = (w.incident, w.mofa);
    let first = t0() + Duration::hours(6);
    let h1 = run(store, "mofa.head", first, |c, ctx| {
        honbu_store::reports::issue_handover(c, ctx, inc, &IssueHandover { hq: mofa })
    })
    .unwrap();
    let row = store
        .read_blocking(move |c| honbu_store::reports::handover(c, h1, At::Now))
        .unwrap()
        .unwrap();
    let brief: honbu_domain::reports::Brief = serde_json::from_value(row.brief).unwrap();
    assert_eq!(
        brief.since,
        t0(),
        "the first brief covers the incident from its opening"
    );
    assert_eq!(
        brief.changes_total, 26,
        "30 entries less the four Lima kept to itself (one a correction of another)"
    );
    assert_eq!(brief.tasks.len(), 2);
    assert!(brief.tasks[0].overdue);
    assert_eq!(brief.decisions.len(), 1);
    assert_eq!(brief.status_changes.len(), 1);
    assert!(brief.reports_due.iter().any(|r| r.overdue));
    assert!(
        brief.changes.first().is_some_and(|e| e.significant),
        "significant changes first"
    );
    // The one who prepared it does not acknowledge it; the officer taking
    // over does, and is on duty from then.
    let e = run(
        store,
        "mofa.head",
        first + Duration::minutes(5),
        |c, ctx| honbu_store::reports::acknowledge_handover(c, ctx, h1),
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    run(store, "mofa.head", first, |c, ctx| {
        honbu_store::headquarters::add_member(
            c,
            ctx,
            mofa,
            &AddMember {
                user: "officer".into(),
                role: "analyst".into(),
            },
        )
    })
    .unwrap();
    let on_duty = |at| {
        board(&w, "mofa.head", at)
            .unwrap()
            .hqs
            .iter()
            .find(|h| h.id == mofa)
            .unwrap()
            .on_duty
            .iter()
            .map(|p| p.name.clone())
            .collect::<Vec<_>>()
    };
    assert!(!on_duty(first).iter().any(|n| n.starts_with("officer")));
    run(store, "officer", first + Duration::minutes(5), |c, ctx| {
        honbu_store::reports::acknowledge_handover(c, ctx, h1)
    })
    .unwrap();
    assert!(
        on_duty(first + Duration::minutes(5))
            .iter()
            .any(|n| n.starts_with("officer")),
        "acknowledging signs the incoming officer on duty"
    );
    let e = run(store, "officer", first + Duration::minutes(6), |c, ctx| {
        honbu_store::reports::acknowledge_handover(c, ctx, h1)
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    let e = run(
        store,
        "lima.analyst",
        first + Duration::minutes(6),
        |c, ctx| honbu_store::reports::issue_handover(c, ctx, inc, &IssueHandover { hq: mofa }),
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    entry(
        &w,
        "mofa.head",
        first + Duration::hours(1),
        text_entry("after the handover"),
    )
    .unwrap();
    let h2 = run(store, "mofa.head", first + Duration::hours(8), |c, ctx| {
        honbu_store::reports::issue_handover(c, ctx, inc, &IssueHandover { hq: mofa })
    })
    .unwrap();
    let row = store
        .read_blocking(move |c| honbu_store::reports::handover(c, h2, At::Now))
        .unwrap()
        .unwrap();
    let brief: honbu_domain::reports::Brief = serde_json::from_value(row.brief).unwrap();
    assert_eq!(brief.since, first + Duration::minutes(5));
    assert_eq!(brief.changes_total, 1);
    assert_eq!(brief.changes[0].text, "after the handover");
    let row = store
        .read_blocking(move |c| honbu_store::reports::handover(c, h1, At::Now))
        .unwrap()
        .unwrap();
    assert_eq!(row.acknowledged_at, Some(first + Duration::minutes(5)));
}

pub fn sitreps_are_numbered_per_incident(store: &Store) {
    let w = busy_world(store);
    let inc = w.incident;
    let now = t0() + Duration::hours(6);
    let req = IssueSitrep {
        from: "1996-12-18T00:00:00Z".into(),
        urgency: Some("immediate".into()),
        confidence: Some("highly_confident".into()),
        action_plan: Some("Support Peru's lead".into()),
        next_contact: Some("1996-12-18T12:00:00Z".into()),
        ..Default::default()
    };
    let s1 = run(store, "mofa.head", now, |c, ctx| {
        honbu_store::reports::issue_sitrep(c, ctx, inc, &req)
    })
    .unwrap();
    let s2 = run(store, "mofa.head", now + Duration::hours(1), |c, ctx| {
        honbu_store::reports::issue_sitrep(c, ctx, inc, &req)
    })
    .unwrap();
    let (a, b) = store
        .read_blocking(move |c| {
            Ok((
                honbu_store::reports::sitrep(c, s1, At::Now)?.unwrap(),
                honbu_store::reports::sitrep(c, s2, At::Now)?.unwrap(),
            ))
        })
        .unwrap();
    assert_eq!((a.number, b.number), (1, 2));
    let doc: honbu_domain::reports::Sitrep = serde_json::from_value(a.document.clone()).unwrap();
    assert_eq!(doc.report_number, 1);
    assert_eq!(doc.report_version, "Initial");
    assert_eq!(doc.severity, Severity::Extreme);
    for key in [
        "preparedBy",
        "authorizedBy",
        "reportNumber",
        "reportVersion",
        "forTimePeriod",
        "urgency",
        "reportConfidence",
        "severity",
        "actionPlan",
        "nextContact",
    ] {
        assert!(
            a.document.get(key).is_some(),
            "EDXL-SitRep header field {key}"
        );
    }
    // Every 4th of 30 entries is significant (8); one of those is kept to
    // its HQ, and a SITREP holds only what every HQ may read.
    assert_eq!(doc.significant.len(), 7);
    assert!(doc
        .significant
        .iter()
        .all(|e| e.release >= Release::Incident));
    let e = run(store, "lima.analyst", now, |c, ctx| {
        honbu_store::reports::issue_sitrep(
            c,
            ctx,
            inc,
            &IssueSitrep {
                from: "bad".into(),
                ..Default::default()
            },
        )
    })
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field == "from"),
        "{e:?}"
    );
}
