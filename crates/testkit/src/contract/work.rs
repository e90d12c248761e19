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

/// A decision carries a release marking like an entry: resting on an
/// HQ-only entry it is by default read by that HQ only, everywhere
/// (the list, the board and its count, the other HQ's brief, the SITREP),
/// and it names to each reader only the entries that reader may read.
pub fn a_decision_resting_on_an_hq_only_entry_is_read_by_that_hq_only(store: &Store) {
    let w = world(store);
    let (inc, lima, mofa) = (w.incident, w.lima, w.mofa);
    let at = t0() + Duration::minutes(30);
    let hidden = entry(
        &w,
        "officer",
        at,
        NewEntry {
            hq: Some(lima),
            release: Some("hq".into()),
            ..text_entry("Lima only: a source inside says the guards sleep at 3")
        },
    )
    .unwrap();
    let open = entry(&w, "mofa.head", at, text_entry("Talks resumed")).unwrap();
    let decide = |title: &str, release: Option<&str>| {
        run(store, "officer", at, |c, ctx| {
            honbu_store::work::record_decision(
                c,
                ctx,
                inc,
                &RecordDecision {
                    hq: Some(lima),
                    title: title.into(),
                    rationale: "Because".into(),
                    based_on: vec![hidden, open],
                    release: release.map(str::to_string),
                    ..Default::default()
                },
            )
        })
        .unwrap()
    };
    // Not in an HQ that does not read the entry it rests on.
    let elsewhere = run(store, "officer", at, |c, ctx| {
        honbu_store::work::record_decision(
            c,
            ctx,
            inc,
            &RecordDecision {
                hq: Some(mofa),
                title: "Tell Tokyo".into(),
                rationale: "Because".into(),
                based_on: vec![open, hidden],
                ..Default::default()
            },
        )
    })
    .unwrap_err();
    assert!(
        matches!(&elsewhere, StoreError::Invalid(f) if f.field == "based_on[1]"),
        "{elsewhere:?}"
    );
    let narrow = decide("Prepare for a night operation", None);
    let wide = decide("Ask Peru for a briefing", Some("incident"));
    let read = |who: &str| {
        let p = principal(store, who);
        store
            .read_blocking(move |c| honbu_store::work::decisions(c, &p, inc, At::Now, 100, 0))
            .unwrap()
    };
    let ids = |who: &str| read(who).items.iter().map(|d| d.id).collect::<Vec<_>>();
    assert_eq!(ids("officer"), vec![wide, narrow]);
    assert_eq!(ids("admin"), vec![wide, narrow]);
    for who in ["mofa.head", "reader"] {
        assert_eq!(
            ids(who),
            vec![wide],
            "{who} does not read Lima's own decision"
        );
        assert_eq!(read(who).total, 1);
        let b = board(&w, who, at).unwrap();
        assert_eq!(
            b.decisions.iter().map(|d| d.id).collect::<Vec<_>>(),
            vec![wide]
        );
        assert_eq!(b.counts.decisions, 1, "{who}'s count");
    }
    let stranger = principal(store, "stranger");
    assert!(store
        .read_blocking(move |c| honbu_store::work::decisions(c, &stranger, inc, At::Now, 100, 0))
        .unwrap()
        .items
        .is_empty());
    let lima_view = read("officer");
    assert_eq!(lima_view.items[1].release, Release::Hq, "by default");
    assert_eq!(lima_view.items[1].based_on, vec![hidden, open]);
    assert_eq!(
        read("mofa.head").items[0].based_on,
        vec![open],
        "only the entries MOFA may read"
    );
    // MOFA's brief and the SITREP hold only what their readers may read.
    let later = at + Duration::minutes(5);
    let h = run(store, "mofa.head", later, |c, ctx| {
        honbu_store::reports::issue_handover(c, ctx, inc, &IssueHandover { hq: mofa })
    })
    .unwrap();
    let brief: honbu_domain::reports::Brief = serde_json::from_value(
        store
            .read_blocking(move |c| honbu_store::reports::handover(c, h, At::Now))
            .unwrap()
            .unwrap()
            .brief,
    )
    .unwrap();
    assert_eq!(
        brief.decisions.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![wide]
    );
    assert_eq!(brief.decisions[0].based_on, vec![open]);
    let s = run(store, "officer", later, |c, ctx| {
        honbu_store::reports::issue_sitrep(
            c,
            ctx,
            inc,
            &IssueSitrep {
                from: "1996-12-18T00:00:00Z".into(),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let doc: honbu_domain::reports::Sitrep = serde_json::from_value(
        store
            .read_blocking(move |c| honbu_store::reports::sitrep(c, s, At::Now))
            .unwrap()
            .unwrap()
            .document,
    )
    .unwrap();
    assert_eq!(
        doc.decisions.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![wide]
    );
    assert_eq!(doc.decisions[0].based_on, vec![open]);
    assert_eq!(doc.counts.decisions, 1);
}
