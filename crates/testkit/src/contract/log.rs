//! The situation log: markings, defaults, corrections, bad input, paging.

use super::*;
use honbu_store::schema;
use honbu_store::versions::At;

pub fn release_markings_decide_who_reads_an_entry(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(10);
    let internal = entry(
        &w,
        "mofa.head",
        at,
        NewEntry {
            release: Some("hq".into()),
            significant: Some(true),
            ..text_entry("MOFA internal assessment")
        },
    )
    .unwrap();
    let shared = entry(&w, "mofa.head", at, text_entry("shared with all HQs")).unwrap();
    let sees = |who: &str| entries(&w, who).iter().map(|e| e.id).collect::<Vec<_>>();
    assert!(sees("mofa.head").contains(&internal));
    assert!(!sees("lima.analyst").contains(&internal));
    assert!(sees("lima.analyst").contains(&shared));
    assert!(
        !sees("reader").contains(&internal),
        "a global reader sees only what is released to the incident"
    );
    assert!(sees("admin").contains(&internal));
    assert!(sees("stranger").is_empty());
    // Counts follow the same rule.
    assert_eq!(board(&w, "lima.analyst", at).unwrap().counts.entries, 1);
    assert_eq!(board(&w, "mofa.head", at).unwrap().counts.entries, 2);
    assert_eq!(board(&w, "mofa.head", at).unwrap().counts.significant, 1);
    // An analyst in Lima cannot release a MOFA entry; the MOFA head can, and it is recorded.
    let lima = w.lima;
    let e = run(store, "lima.analyst", at, |c, ctx| {
        honbu_store::log::release_entry(c, ctx, internal, &ReleaseEntry { to_hq: lima })
    })
    .unwrap_err();
    assert!(
        matches!(e, StoreError::NotFound),
        "the analyst cannot even see it: {e:?}"
    );
    run(store, "mofa.head", at, |c, ctx| {
        honbu_store::log::release_entry(c, ctx, internal, &ReleaseEntry { to_hq: lima })
    })
    .unwrap();
    assert!(sees("lima.analyst").contains(&internal));
    assert_eq!(board(&w, "lima.analyst", at).unwrap().counts.entries, 2);
    let released = entries(&w, "lima.analyst")
        .into_iter()
        .find(|e| e.id == internal)
        .unwrap();
    assert_eq!(released.released_to, vec![lima]);
    // A second release to the same HQ is a conflict, not a second event.
    let before = seq(store);
    let e = run(store, "mofa.head", at, |c, ctx| {
        honbu_store::log::release_entry(c, ctx, internal, &ReleaseEntry { to_hq: lima })
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    assert_eq!(seq(store), before);
    // Counts are taken from the entries as they stand: marking and
    // unmarking significance moves them for each reader by that reader's
    // rule, and the live board agrees with the one read as of now.
    let mark = |who: &str, id: EntryId, significant: bool| {
        run(store, who, at, |c, ctx| {
            honbu_store::log::mark_significant(c, ctx, id, &MarkSignificant { significant })
        })
        .unwrap()
    };
    let significant = |who: &str| board(&w, who, at).unwrap().counts.significant;
    mark("mofa.head", shared, true);
    assert_eq!(
        (
            significant("mofa.head"),
            significant("lima.analyst"),
            significant("reader")
        ),
        (2, 2, 1)
    );
    mark("mofa.head", internal, false);
    assert_eq!(
        (
            significant("mofa.head"),
            significant("lima.analyst"),
            significant("reader")
        ),
        (1, 1, 1)
    );
    let later = at + Duration::minutes(1);
    for who in ["mofa.head", "lima.analyst", "reader", "admin"] {
        let (live, then) = (
            board(&w, who, later).unwrap(),
            board_as_of(&w, who, later).unwrap(),
        );
        assert_eq!(
            (live.counts.entries, live.counts.significant, live.seq),
            (then.counts.entries, then.counts.significant, then.seq),
            "{who}: the live board and the one as of now differ"
        );
    }
}

pub fn entry_with_only_text_takes_defaults(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(3);
    let id = entry(
        &w,
        "lima.analyst",
        at,
        text_entry("Gunfire heard near the residence"),
    )
    .unwrap();
    let e = entries(&w, "lima.analyst")
        .into_iter()
        .find(|e| e.id == id)
        .unwrap();
    assert_eq!(e.occurred_at, at);
    assert_eq!(e.reported_at, at);
    assert_eq!(e.entered_at, at);
    assert_eq!(e.credibility, Credibility::C6);
    assert_eq!(e.reliability, Reliability::F);
    assert_eq!(e.category, Category::Information);
    assert_eq!(e.release, Release::Incident);
    assert_eq!(e.source_name, "lima.analyst (test)");
    assert_eq!(e.hq, w.lima);
    assert_eq!(e.number, 1);
    assert!(!e.significant);
}

pub fn correction_supersedes_and_both_stay_visible(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(20);
    let old = entry(&w, "mofa.head", at, text_entry("About 200 hostages")).unwrap();
    let new = entry(
        &w,
        "mofa.head",
        at + Duration::minutes(30),
        NewEntry {
            supersedes: Some(old),
            ..text_entry("About 400 hostages (corrected)")
        },
    )
    .unwrap();
    let all = entries(&w, "mofa.head");
    let o = all.iter().find(|e| e.id == old).unwrap();
    let n = all.iter().find(|e| e.id == new).unwrap();
    assert_eq!(o.text, "About 200 hostages", "the original is never edited");
    assert_eq!(o.superseded_by, Some(new));
    assert_eq!(n.supersedes, Some(old));
    // Correcting the superseded one again is refused: correct the newer one.
    let e = entry(
        &w,
        "mofa.head",
        at + Duration::minutes(40),
        NewEntry {
            supersedes: Some(old),
            ..text_entry("again")
        },
    )
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field == "supersedes"),
        "{e:?}"
    );
}

pub fn supersede_of_another_incidents_entry_is_refused_and_nothing_written(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(20);
    let other = run(store, "officer", at, |c, ctx| {
        honbu_store::incidents::open_incident(
            c,
            ctx,
            &OpenIncident {
                kind: "other".into(),
                title: "Other".into(),
                country: "JP".into(),
                lat: 35.0,
                lon: 139.0,
                time_zone: "Asia/Tokyo".into(),
                hqs: vec![NewHq {
                    name: "HQ".into(),
                    time_zone: "Asia/Tokyo".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
    })
    .unwrap();
    let foreign = run(store, "officer", at, |c, ctx| {
        honbu_store::log::log_entry(c, ctx, other, &text_entry("elsewhere"))
    })
    .unwrap();
    let before = seq(store);
    let dump_before = store.read_blocking(schema::dump_read_models).unwrap();
    let e = entry(
        &w,
        "officer",
        at,
        NewEntry {
            supersedes: Some(foreign),
            ..text_entry("bad correction")
        },
    )
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field == "supersedes"),
        "{e:?}"
    );
    let e = entry(
        &w,
        "officer",
        at,
        NewEntry {
            links: vec![foreign],
            ..text_entry("bad link")
        },
    )
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field == "links[0]"),
        "{e:?}"
    );
    assert_eq!(seq(store), before, "the journal is unchanged");
    assert_eq!(
        store.read_blocking(schema::dump_read_models).unwrap(),
        dump_before,
        "the tables are unchanged"
    );
}

/// Seen: an HQ B member got 404 reading HQ A's HQ-only entry, yet
/// `supersedes` on it succeeded (marking HQ A's entry corrected by HQ B) and
/// `links` to it succeeded, while `based_on` refused it. Every field naming
/// an entry now answers for a hidden one exactly as for a random id, and
/// changes nothing.
pub fn a_reference_to_a_hidden_entry_answers_as_one_to_no_entry(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(20);
    let hidden = entry(
        &w,
        "lima.analyst",
        at,
        NewEntry {
            release: Some("hq".into()),
            ..text_entry("Lima only")
        },
    )
    .unwrap();
    let random = EntryId::new();
    let before = seq(store);
    let dump_before = store.read_blocking(schema::dump_read_models).unwrap();
    let mofa = Some(w.mofa);
    let refusal = |id: EntryId| {
        let e = |r: NewEntry| {
            entry(&w, "mofa.head", at, r)
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        let decision = run(store, "mofa.head", at, |c, ctx| {
            honbu_store::work::record_decision(
                c,
                ctx,
                w.incident,
                &RecordDecision {
                    title: "Hold".into(),
                    rationale: "Because".into(),
                    based_on: vec![id],
                    hq: mofa,
                    ..Default::default()
                },
            )
        })
        .map(|_| ())
        .unwrap_err()
        .to_string();
        let significance = run(store, "mofa.head", at, |c, ctx| {
            honbu_store::log::mark_significant(c, ctx, id, &MarkSignificant { significant: true })
        })
        .unwrap_err()
        .to_string();
        let release = run(store, "mofa.head", at, |c, ctx| {
            honbu_store::log::release_entry(c, ctx, id, &ReleaseEntry { to_hq: w.mofa })
        })
        .unwrap_err()
        .to_string();
        (
            e(NewEntry {
                supersedes: Some(id),
                hq: mofa,
                ..text_entry("correction")
            }),
            e(NewEntry {
                links: vec![id],
                hq: mofa,
                ..text_entry("link")
            }),
            decision,
            significance,
            release,
        )
    };
    let to_hidden = refusal(hidden);
    assert_eq!(to_hidden, refusal(random), "hidden and absent answer alike");
    assert!(to_hidden.0.contains("supersedes"), "{to_hidden:?}");
    assert!(to_hidden.1.contains("links[0]"), "{to_hidden:?}");
    assert!(to_hidden.2.contains("based_on[0]"), "{to_hidden:?}");
    assert_eq!(seq(store), before, "the journal is unchanged");
    assert_eq!(
        store.read_blocking(schema::dump_read_models).unwrap(),
        dump_before,
        "the hidden entry is not marked corrected, nor anything else changed"
    );
    // Its own HQ may still correct it.
    entry(
        &w,
        "lima.analyst",
        at,
        NewEntry {
            supersedes: Some(hidden),
            ..text_entry("Lima corrects its own")
        },
    )
    .unwrap();
}

/// A correction reaches everyone who may read what it corrects (so nobody
/// reads a corrected entry as current), and an entry names to each reader
/// only the entries that reader may read.
pub fn a_correction_reaches_everyone_who_read_what_it_corrects(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(30);
    let lima = Some(w.lima);
    let find = |who: &str, id: EntryId| entries(&w, who).into_iter().find(|e| e.id == id);
    // What Lima's head logs for Lima.
    let in_lima = |r: NewEntry| entry(&w, "officer", at, NewEntry { hq: lima, ..r });
    // A Lima-only entry corrected by a Lima-only correction, then released
    // to MOFA: the correction goes with it.
    let x = in_lima(NewEntry {
        release: Some("hq".into()),
        significant: Some(true),
        ..text_entry("Lima only: two guards at the gate")
    })
    .unwrap();
    let c1 = in_lima(NewEntry {
        supersedes: Some(x),
        ..text_entry("Lima only: four guards at the gate")
    })
    .unwrap();
    let c1v = find("officer", c1).unwrap();
    assert_eq!(
        c1v.release,
        Release::Hq,
        "takes the marking of what it corrects"
    );
    assert!(c1v.significant, "and its significance");
    assert!(find("mofa.head", x).is_none() && find("mofa.head", c1).is_none());
    run(store, "officer", at, |c, ctx| {
        honbu_store::log::release_entry(c, ctx, x, &ReleaseEntry { to_hq: w.mofa })
    })
    .unwrap();
    let xv = find("mofa.head", x).expect("released to MOFA");
    assert_eq!(xv.superseded_by, Some(c1), "MOFA reads it as corrected");
    let c1m = find("mofa.head", c1).expect("the correction was released with it");
    assert_eq!(xv.superseded_by_number, Some(c1m.number));
    assert_eq!(c1m.supersedes_number, Some(xv.number));

    // An entry released to MOFA, corrected in Lima with an HQ-only
    // correction: released to MOFA as it is logged.
    let y = in_lima(NewEntry {
        release: Some("hq".into()),
        ..text_entry("Lima only: water delivered")
    })
    .unwrap();
    run(store, "officer", at, |c, ctx| {
        honbu_store::log::release_entry(c, ctx, y, &ReleaseEntry { to_hq: w.mofa })
    })
    .unwrap();
    let c2 = in_lima(NewEntry {
        supersedes: Some(y),
        release: Some("hq".into()),
        ..text_entry("Lima only: water and food delivered")
    })
    .unwrap();
    assert_eq!(find("mofa.head", y).unwrap().superseded_by, Some(c2));
    assert!(
        find("mofa.head", c2).is_some(),
        "MOFA reads the correction too"
    );

    // An incident-wide entry cannot be corrected by an HQ-only one: the
    // other HQs would read the old text as current.
    let z = entry(
        &w,
        "mofa.head",
        at,
        text_entry("All quiet at the residence"),
    )
    .unwrap();
    let before = seq(store);
    let narrow = in_lima(NewEntry {
        supersedes: Some(z),
        release: Some("hq".into()),
        ..text_entry("Shots heard")
    })
    .unwrap_err();
    assert!(
        matches!(&narrow, StoreError::Invalid(f) if f.field == "release"),
        "{narrow:?}"
    );
    assert!(narrow.to_string().contains("incident"), "{narrow}");
    assert_eq!(seq(store), before, "nothing written");
    let c3 = in_lima(NewEntry {
        supersedes: Some(z),
        ..text_entry("Shots heard at the residence")
    })
    .unwrap();
    let zr = find("reader", z).unwrap();
    assert_eq!(
        zr.superseded_by,
        Some(c3),
        "every reader reads it as corrected"
    );
    assert!(zr.superseded_by_number.is_some());

    // A Lima-only entry named by incident-wide ones: named to those who may
    // read it, and to nobody else.
    let h = in_lima(NewEntry {
        release: Some("hq".into()),
        ..text_entry("Lima only: source in the kitchen staff")
    })
    .unwrap();
    let link = in_lima(NewEntry {
        links: vec![h, z],
        ..text_entry("Kitchen staff say the guards rotate at dawn")
    })
    .unwrap();
    let wide = in_lima(NewEntry {
        supersedes: Some(h),
        release: Some("incident".into()),
        ..text_entry("A source inside reports the guards rotate at dawn")
    })
    .unwrap();
    assert_eq!(find("officer", link).unwrap().links, vec![h, z]);
    assert_eq!(
        find("mofa.head", link).unwrap().links,
        vec![z],
        "only what MOFA reads"
    );
    assert_eq!(find("reader", link).unwrap().links, vec![z]);
    let (o, m) = (
        find("officer", wide).unwrap(),
        find("mofa.head", wide).unwrap(),
    );
    assert_eq!(o.supersedes, Some(h));
    assert_eq!(
        (m.supersedes, m.supersedes_number),
        (None, None),
        "a hidden entry is named to nobody who may not read it"
    );
    let one = store
        .read_blocking({
            let p = principal(store, "mofa.head");
            move |c| honbu_store::log::entry(c, &p, link, At::Now)
        })
        .unwrap()
        .unwrap()
        .1;
    assert_eq!(one.links, vec![z], "one entry read alone says the same");
}

pub fn bad_grades_and_times_are_refused_naming_the_field(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(20);
    let before = seq(store);
    let cases: Vec<(NewEntry, &str)> = vec![
        (
            NewEntry {
                credibility: Some(serde_json::json!(7)),
                ..text_entry("x")
            },
            "credibility",
        ),
        (
            NewEntry {
                credibility: Some(serde_json::json!("A")),
                ..text_entry("x")
            },
            "credibility",
        ),
        (
            NewEntry {
                occurred_at: Some("1996-12-18T09:40:00".into()),
                ..text_entry("x")
            },
            "occurred_at",
        ),
        (
            NewEntry {
                reported_at: Some("yesterday".into()),
                ..text_entry("x")
            },
            "reported_at",
        ),
        (
            NewEntry {
                category: Some("gossip".into()),
                ..text_entry("x")
            },
            "category",
        ),
        (
            NewEntry {
                release: Some("everyone".into()),
                ..text_entry("x")
            },
            "release",
        ),
        (
            NewEntry {
                text: "   ".into(),
                ..Default::default()
            },
            "text",
        ),
        (
            NewEntry {
                source: Some(SourceId::new()),
                ..text_entry("x")
            },
            "source",
        ),
        (
            NewEntry {
                hq: Some(HqId::new()),
                ..text_entry("x")
            },
            "hq",
        ),
        (
            NewEntry {
                occurred_at: Some("1996-12-18T09:40:00+09:00".into()),
                reported_at: Some("1996-12-18T09:00:00+09:00".into()),
                ..text_entry("x")
            },
            "reported_at",
        ),
    ];
    for (input, field) in cases {
        let e = entry(&w, "mofa.head", at, input).unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(f) if f.field == field),
            "{field}: {e:?}"
        );
    }
    let e = run(store, "officer", at, |c, ctx| {
        honbu_store::log::register_source(
            c,
            ctx,
            &RegisterSource {
                name: "Wire".into(),
                kind: "media".into(),
                reliability: "G".into(),
            },
        )
    })
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field == "reliability"),
        "{e:?}"
    );
    let bad_poly = OpenIncident {
        kind: "bombing".into(),
        title: "x".into(),
        country: "PE".into(),
        lat: -12.0,
        lon: -77.0,
        time_zone: "America/Lima".into(),
        area: Some(honbu_domain::geo::AreaInput {
            radius_m: None,
            kind: Some("Polygon".into()),
            coordinates: Some(vec![vec![
                [-77.0, -12.0],
                [-77.1, -12.0],
                [-77.1, -12.1],
                [-77.0, -12.2],
            ]]),
        }),
        ..Default::default()
    };
    let e = run(store, "officer", at, |c, ctx| {
        honbu_store::incidents::open_incident(c, ctx, &bad_poly)
    })
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field.starts_with("area.coordinates")),
        "{e:?}"
    );
    let e = run(store, "officer", at, |c, ctx| {
        honbu_store::incidents::open_incident(
            c,
            ctx,
            &OpenIncident {
                country: "XX".into(),
                ..bad_poly.clone()
            },
        )
    })
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field == "country"),
        "{e:?}"
    );
    assert_eq!(seq(store), before, "nothing was written");
}

pub fn lists_page_with_cursor_and_total(store: &Store) {
    let w = busy_world(store);
    let p = principal(store, "admin");
    let id = w.incident;
    let (first, second) = store
        .read_blocking(move |c| {
            let a = honbu_store::log::entries(
                c,
                &p,
                id,
                At::Now,
                &EntryQuery {
                    limit: 20,
                    ..Default::default()
                },
            )?;
            let before = a.next_cursor.as_deref().and_then(|s| s.parse().ok());
            let b = honbu_store::log::entries(
                c,
                &p,
                id,
                At::Now,
                &EntryQuery {
                    limit: 20,
                    before,
                    ..Default::default()
                },
            )?;
            Ok((a, b))
        })
        .unwrap();
    assert_eq!(
        (first.total, first.items.len(), second.items.len()),
        (30, 20, 10)
    );
    assert_eq!(first.items[0].number, 30);
    assert_eq!(second.items[0].number, 10);
    assert!(second.next_cursor.is_none());
}
