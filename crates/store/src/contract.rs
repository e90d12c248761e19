//! The contract every backend passes. Each backend's test binary expands
//! [`crate::contract_tests!`] with a function that makes a fresh, empty
//! store; every check below then runs against that backend.
//!
//! The checks are written as users see the behaviour: what a member, a
//! reader and a stranger may see, what a correction does, what the journal
//! proves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::journal::Verdict;
use crate::queries::{self, EntryQuery};
use crate::service::{self, Ctx};
use crate::{Store, StoreError};
use chrono::{Duration, TimeZone, Utc};
use honbu_domain::access::Principal;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::time::Timestamp;
use honbu_domain::vocab::*;
use std::sync::OnceLock;

/// Expands to one `#[test]` per contract check, each on a fresh store from
/// `$make`, a function returning `Option<Store>`.
#[macro_export]
macro_rules! contract_tests {
    ($make:path) => {
        $crate::contract_tests!(@each $make;
            stranger_is_told_incident_does_not_exist,
            release_markings_decide_who_reads_an_entry,
            entry_with_only_text_takes_defaults,
            correction_supersedes_and_both_stay_visible,
            supersede_of_another_incidents_entry_is_refused_and_nothing_written,
            bad_grades_and_times_are_refused_naming_the_field,
            live_board_equals_board_folded_from_journal,
            a_closed_incident_stops_its_clock,
            board_as_of_a_past_moment_shows_what_was_known_then,
            journal_verifies_and_names_the_changed_entry,
            journal_names_a_removed_or_reordered_entry,
            rebuilt_read_models_equal_the_live_ones,
            passwords_stay_out_of_the_journal_and_survive_a_rebuild,
            overdue_tasks_come_first_and_missed_reports_show,
            duty_roster_flags_headquarters_with_no_one_on_duty,
            handover_brief_covers_changes_since_last_acknowledged_one,
            sitreps_are_numbered_per_incident,
            analyst_cannot_record_decisions_or_change_status,
            lists_page_with_cursor_and_total,
            security_events_are_recorded,
            live_subscribers_receive_committed_events,
            each_role_may_do_exactly_what_its_capabilities_allow
        );
    };
    (@each $make:path; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                // `None`: the backend is not configured here (never under CI).
                let Some(store) = $make() else { return };
                $crate::contract::$name(&store);
            }
        )*
    };
}

pub fn t0() -> Timestamp {
    Utc.with_ymd_and_hms(1996, 12, 18, 0, 40, 0)
        .single()
        .unwrap()
}

fn pw_hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| service::hash_password("correct horse battery").unwrap())
        .clone()
}

/// A small world: an incident with two HQs (MOFA in Tokyo, local in Lima),
/// a member of each, a global reader, an officer and a stranger.
pub struct World {
    pub store: Store,
    pub incident: IncidentId,
    pub mofa: HqId,
    pub lima: HqId,
}

pub fn user(store: &Store, name: &str, role: Option<&str>) -> UserId {
    let hash = pw_hash();
    store
        .write_blocking(|c| {
            service::create_user(
                c,
                None,
                t0(),
                name,
                Some(&format!("{name} (test)")),
                hash,
                role,
                None,
            )
        })
        .unwrap()
        .1
}

pub fn principal(store: &Store, name: &str) -> Principal {
    let name = name.to_string();
    store
        .read_blocking(move |c| {
            let (u, _) = queries::user_by_name(c, &name)?.ok_or(StoreError::NotFound)?;
            queries::principal(c, u.id)?.ok_or(StoreError::NotFound)
        })
        .unwrap()
}

/// Runs a command as `who` at `now`.
pub fn run<T>(
    store: &Store,
    who: &str,
    now: Timestamp,
    f: impl FnOnce(
        &mut dyn crate::sql::Conn,
        &Ctx,
    ) -> crate::Result<(Vec<honbu_domain::events::Event>, T)>,
) -> crate::Result<T> {
    let p = principal(store, who);
    store
        .write_blocking(|c| f(c, &Ctx { p: &p, now }))
        .map(|(_, t)| t)
}

pub fn world(store: &Store) -> World {
    user(store, "admin", Some("admin"));
    user(store, "officer", Some("officer"));
    user(store, "reader", Some("reader"));
    user(store, "stranger", None);
    user(store, "mofa.head", None);
    user(store, "lima.analyst", None);
    let open = OpenIncident {
        kind: "hostage_taking".into(),
        title: "Seizure of the Ambassador's Residence, Lima".into(),
        country: "PE".into(),
        lat: -12.0975,
        lon: -77.037,
        area: Some(honbu_domain::geo::AreaInput {
            radius_m: Some(400.0),
            kind: None,
            coordinates: None,
        }),
        severity: Some("extreme".into()),
        time_zone: "America/Lima".into(),
        summary: Some("Reception guests held.".into()),
        hqs: vec![
            NewHq {
                name: "MOFA Emergency HQ".into(),
                kind: Some("ministry".into()),
                time_zone: "Asia/Tokyo".into(),
                report_every_minutes: None,
                head: Some("mofa.head".into()),
            },
            NewHq {
                name: "Local HQ Lima".into(),
                kind: Some("local".into()),
                time_zone: "America/Lima".into(),
                report_every_minutes: Some(120),
                head: Some("officer".into()),
            },
        ],
    };
    let incident = run(store, "officer", t0(), |c, ctx| {
        service::open_incident(c, ctx, &open)
    })
    .unwrap();
    let p = principal(store, "officer");
    let mut hqs = p.hqs_in(incident);
    hqs.sort();
    let details = store
        .read_blocking(move |c| queries::hq_details(c, incident, t0()))
        .unwrap();
    let mofa = details
        .iter()
        .find(|h| h.hq.name.starts_with("MOFA"))
        .unwrap()
        .hq
        .id;
    let lima = details
        .iter()
        .find(|h| h.hq.name.starts_with("Local"))
        .unwrap()
        .hq
        .id;
    run(store, "officer", t0(), |c, ctx| {
        service::add_member(
            c,
            ctx,
            lima,
            &AddMember {
                user: "lima.analyst".into(),
                role: "analyst".into(),
            },
        )
    })
    .unwrap();
    World {
        store: store.clone(),
        incident,
        mofa,
        lima,
    }
}

fn entry(w: &World, who: &str, at: Timestamp, e: NewEntry) -> crate::Result<EntryId> {
    run(&w.store, who, at, |c, ctx| {
        service::log_entry(c, ctx, w.incident, &e)
    })
}

/// Logs a text entry in `incident` as the MOFA head at [`t0`] (for tests and
/// benchmarks outside the contract that need entries in the world's incident).
pub fn log_text(store: &Store, incident: IncidentId, text: &str) -> EntryId {
    run(store, "mofa.head", t0(), |c, ctx| {
        service::log_entry(c, ctx, incident, &text_entry(text))
    })
    .unwrap()
}

fn text_entry(text: &str) -> NewEntry {
    NewEntry {
        text: text.into(),
        ..Default::default()
    }
}

fn seq(store: &Store) -> i64 {
    store.read_blocking(queries::journal_seq).unwrap()
}

fn board(w: &World, who: &str, at: Timestamp) -> Option<honbu_domain::board::Board> {
    let p = principal(&w.store, who);
    let id = w.incident;
    w.store
        .read_blocking(move |c| queries::board(c, &p, id, at))
        .unwrap()
}

fn board_as_of(w: &World, who: &str, at: Timestamp) -> Option<honbu_domain::board::Board> {
    let p = principal(&w.store, who);
    let id = w.incident;
    w.store
        .read_blocking(move |c| queries::board_as_of(c, &p, id, at))
        .unwrap()
}

fn entries(w: &World, who: &str) -> Vec<honbu_domain::board::EntryView> {
    let p = principal(&w.store, who);
    let id = w.incident;
    w.store
        .read_blocking(move |c| {
            queries::entries(
                c,
                &p,
                id,
                &EntryQuery {
                    limit: 1000,
                    ..Default::default()
                },
            )
        })
        .unwrap()
        .items
}

// ------------------------------------------------------------------ checks

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
        .read_blocking(move |c| queries::incidents(c, &p, 100, 0))
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
        service::release_entry(c, ctx, internal, &ReleaseEntry { to_hq: lima })
    })
    .unwrap_err();
    assert!(
        matches!(e, StoreError::NotFound),
        "the analyst cannot even see it: {e:?}"
    );
    run(store, "mofa.head", at, |c, ctx| {
        service::release_entry(c, ctx, internal, &ReleaseEntry { to_hq: lima })
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
        service::release_entry(c, ctx, internal, &ReleaseEntry { to_hq: lima })
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    assert_eq!(seq(store), before);
    // Counts are taken from the entries as they stand: marking and
    // unmarking significance moves them for each reader by that reader's
    // rule, and the board read from the tables agrees with the one folded
    // from the journal.
    let mark = |who: &str, id: EntryId, significant: bool| {
        run(store, who, at, |c, ctx| {
            service::mark_significant(c, ctx, id, &MarkSignificant { significant })
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
        let (live, folded) = (
            board(&w, who, later).unwrap(),
            board_as_of(&w, who, later).unwrap(),
        );
        assert_eq!(
            (live.counts.entries, live.counts.significant, live.seq),
            (folded.counts.entries, folded.counts.significant, folded.seq),
            "{who}: the live board and the folded one differ"
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
        service::open_incident(
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
        service::log_entry(c, ctx, other, &text_entry("elsewhere"))
    })
    .unwrap();
    let before = seq(store);
    let dump_before = store.read_blocking(queries::dump_read_models).unwrap();
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
        store.read_blocking(queries::dump_read_models).unwrap(),
        dump_before,
        "the tables are unchanged"
    );
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
        service::register_source(
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
        service::open_incident(c, ctx, &bad_poly)
    })
    .unwrap_err();
    assert!(
        matches!(&e, StoreError::Invalid(f) if f.field.starts_with("area.coordinates")),
        "{e:?}"
    );
    let e = run(store, "officer", at, |c, ctx| {
        service::open_incident(
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

fn busy_world(store: &Store) -> World {
    let w = world(store);
    let s = run(store, "officer", t0(), |c, ctx| {
        service::register_source(
            c,
            ctx,
            &RegisterSource {
                name: "Embassy cables".into(),
                kind: "embassy".into(),
                reliability: "B".into(),
            },
        )
    })
    .unwrap();
    let mut last = None;
    for i in 0..30 {
        let at = t0() + Duration::minutes(10 * i);
        let who = if i % 2 == 0 {
            "mofa.head"
        } else {
            "lima.analyst"
        };
        let e = NewEntry {
            source: (i % 3 == 0).then_some(s),
            credibility: Some(serde_json::json!(1 + i % 6)),
            significant: Some(i % 4 == 0),
            release: Some(if i % 5 == 0 { "hq" } else { "incident" }.into()),
            supersedes: if i % 7 == 6 { last } else { None },
            ..text_entry(&format!("entry {i}"))
        };
        last = Some(entry(&w, who, at, e).unwrap());
    }
    let (inc, mofa, lima) = (w.incident, w.mofa, w.lima);
    run(store, "mofa.head", t0() + Duration::hours(2), |c, ctx| {
        service::assign_task(
            c,
            ctx,
            inc,
            &AssignTask {
                title: "Charter flight".into(),
                owner: "JAL desk".into(),
                due_at: Some("1996-12-18T03:00:00Z".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let t2 = run(store, "mofa.head", t0() + Duration::hours(2), |c, ctx| {
        service::assign_task(
            c,
            ctx,
            inc,
            &AssignTask {
                title: "Family line".into(),
                owner: "Consular".into(),
                due_at: Some("1996-12-20T03:00:00Z".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    run(store, "mofa.head", t0() + Duration::hours(3), |c, ctx| {
        service::update_task(
            c,
            ctx,
            t2,
            &UpdateTask {
                status: "in_progress".into(),
                note: Some("staffed".into()),
            },
        )
    })
    .unwrap();
    run(store, "mofa.head", t0() + Duration::hours(3), |c, ctx| {
        service::record_decision(
            c,
            ctx,
            inc,
            &RecordDecision {
                title: "Peaceful resolution".into(),
                rationale: "Lives first".into(),
                options: vec!["wait".into(), "act".into()],
                ..Default::default()
            },
        )
    })
    .unwrap();
    run(store, "mofa.head", t0() + Duration::hours(3), |c, ctx| {
        service::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: true,
                user: None,
            },
        )
    })
    .unwrap();
    run(store, "officer", t0() + Duration::hours(3), |c, ctx| {
        service::file_report(
            c,
            ctx,
            lima,
            &FileReport {
                text: "All quiet".into(),
            },
        )
    })
    .unwrap();
    run(store, "officer", t0() + Duration::hours(4), |c, ctx| {
        service::change_status(
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
    w
}

pub fn live_board_equals_board_folded_from_journal(store: &Store) {
    let w = busy_world(store);
    let now = t0() + Duration::hours(6);
    for who in ["admin", "reader", "mofa.head", "lima.analyst", "officer"] {
        let live = board(&w, who, now).unwrap();
        let folded = board_as_of(&w, who, now).unwrap();
        assert_eq!(live, folded, "board of {who}");
    }
}

/// Once closed, nothing on an incident's board becomes overdue: the task
/// and the report that fall due after the closing are not flagged, on the
/// live board and on the one folded from the journal alike.
pub fn a_closed_incident_stops_its_clock(store: &Store) {
    let w = busy_world(store);
    // Before the charter flight task falls due (t0 + 2 h 20) and before
    // Lima's report (t0 + 5 h).
    let closing = t0() + Duration::minutes(130);
    run(store, "mofa.head", closing, |c, ctx| {
        service::change_status(
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
        service::assign_task(c, ctx, w.incident, &task)
    });
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    let r = run(store, "stranger", later, |c, ctx| {
        service::assign_task(c, ctx, w.incident, &t2)
    });
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
    let on = honbu_domain::commands::Duty {
        on: true,
        user: None,
    };
    let r = run(store, "mofa.head", later, |c, ctx| {
        service::duty(c, ctx, w.mofa, &on)
    });
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    let off = honbu_domain::commands::Duty {
        on: false,
        user: None,
    };
    run(store, "mofa.head", later, |c, ctx| {
        service::duty(c, ctx, w.mofa, &off)
    })
    .unwrap();
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

pub fn journal_verifies_and_names_the_changed_entry(store: &Store) {
    let w = busy_world(store);
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    let Verdict::Intact { events, .. } = v else {
        panic!("{v:?}")
    };
    assert_eq!(events, seq(store));
    let target = w
        .store
        .read_blocking(|c| {
            c.query_one(
                "SELECT seq FROM journal WHERE kind = 'entry_logged' ORDER BY seq LIMIT 1 OFFSET 4",
                &[],
            )
        })
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    store
        .write_blocking(move |c| {
            c.exec(
                "UPDATE journal SET payload = REPLACE(payload, 'entry', 'ENTRY') WHERE seq = $1",
                &[crate::sql::Value::Int(target)],
            )?;
            Ok((vec![], ()))
        })
        .unwrap();
    assert_eq!(
        store.verify_blocking(&mut |_, _| {}).unwrap(),
        Verdict::Broken {
            seq: target,
            problem: "content was changed after it was written".into()
        }
    );
}

pub fn journal_names_a_removed_or_reordered_entry(store: &Store) {
    busy_world(store);
    let raw = |sql: &'static str, v: i64| {
        store
            .write_blocking(move |c| {
                c.exec(sql, &[crate::sql::Value::Int(v)])?;
                Ok((vec![], ()))
            })
            .unwrap()
    };
    raw("DELETE FROM journal WHERE seq = $1", 12);
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert!(matches!(&v, Verdict::Broken { seq: 12, .. }), "{v:?}");
    // Put a later row in the gap: reordered.
    raw("UPDATE journal SET seq = 12 WHERE seq = $1", 20);
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert!(matches!(&v, Verdict::Broken { seq: 12, .. }), "{v:?}");
    // Cutting off the tail is caught by the keyed head.
    let n = seq(store);
    raw("DELETE FROM journal WHERE seq >= $1", 13);
    raw("UPDATE journal SET seq = seq WHERE seq = $1", n);
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert!(matches!(v, Verdict::Broken { .. }), "{v:?}");
}

pub fn rebuilt_read_models_equal_the_live_ones(store: &Store) {
    busy_world(store);
    let live = store.read_blocking(queries::dump_read_models).unwrap();
    let n = store.rebuild_blocking().unwrap();
    assert_eq!(n, seq(store));
    let rebuilt = store.read_blocking(queries::dump_read_models).unwrap();
    for ((t1, a), (_, b)) in live.iter().zip(rebuilt.iter()) {
        assert_eq!(a, b, "table {t1} differs after rebuild");
    }
    assert!(live
        .iter()
        .find(|(t, _)| t == "entries")
        .is_some_and(|(_, r)| r.len() == 30));
}

pub fn passwords_stay_out_of_the_journal_and_survive_a_rebuild(store: &Store) {
    world(store);
    let p = principal(store, "mofa.head");
    let hash = service::hash_password("a new and longer passphrase").unwrap();
    store
        .write_blocking(|c| service::change_password(c, &service::Ctx { p: &p, now: t0() }, hash))
        .unwrap();
    let payloads: Vec<String> = store
        .read_blocking(|c| c.query("SELECT payload FROM journal", &[]))
        .unwrap()
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect();
    assert!(payloads.iter().any(|p| p.contains("password_changed")));
    assert!(
        payloads.iter().all(|p| !p.contains("$argon2")),
        "no password hash is written to the journal"
    );
    store.rebuild_blocking().unwrap();
    let (_, h) = store
        .read_blocking(|c| queries::user_by_name(c, "mofa.head"))
        .unwrap()
        .unwrap();
    assert!(
        service::verify_password("a new and longer passphrase", &h),
        "the new password still signs in after a rebuild"
    );
}

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

pub fn duty_roster_flags_headquarters_with_no_one_on_duty(store: &Store) {
    let w = world(store);
    let at = t0() + Duration::minutes(30);
    let b = board(&w, "officer", at).unwrap();
    assert_eq!(b.counts.hqs_without_duty, 2);
    let mofa = w.mofa;
    run(store, "mofa.head", at, |c, ctx| {
        service::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: true,
                user: None,
            },
        )
    })
    .unwrap();
    let b = board(&w, "officer", at).unwrap();
    assert_eq!(b.counts.hqs_without_duty, 1);
    assert_eq!(
        b.hqs.iter().find(|h| h.id == mofa).unwrap().on_duty[0].name,
        "mofa.head (test)"
    );
    // Not a member: refused. Twice on: conflict.
    let e = run(store, "lima.analyst", at, |c, ctx| {
        service::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: true,
                user: None,
            },
        )
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    let e = run(store, "mofa.head", at, |c, ctx| {
        service::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: true,
                user: None,
            },
        )
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    run(store, "mofa.head", at, |c, ctx| {
        service::duty(
            c,
            ctx,
            mofa,
            &Duty {
                on: false,
                user: None,
            },
        )
    })
    .unwrap();
    assert_eq!(board(&w, "officer", at).unwrap().counts.hqs_without_duty, 2);
}

pub fn handover_brief_covers_changes_since_last_acknowledged_one(store: &Store) {
    let w = busy_world(store);
    let (inc, mofa) = (w.incident, w.mofa);
    let first = t0() + Duration::hours(6);
    let h1 = run(store, "mofa.head", first, |c, ctx| {
        service::issue_handover(c, ctx, inc, &IssueHandover { hq: mofa })
    })
    .unwrap();
    let row = store
        .read_blocking(move |c| queries::handover(c, h1))
        .unwrap()
        .unwrap();
    let brief: honbu_domain::reports::Brief = serde_json::from_value(row.brief).unwrap();
    assert_eq!(
        brief.since,
        t0(),
        "the first brief covers the incident from its opening"
    );
    assert_eq!(
        brief.changes_total, 27,
        "30 entries less the three Lima kept to itself"
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
    run(
        store,
        "mofa.head",
        first + Duration::minutes(5),
        |c, ctx| service::acknowledge_handover(c, ctx, h1),
    )
    .unwrap();
    let e = run(
        store,
        "mofa.head",
        first + Duration::minutes(6),
        |c, ctx| service::acknowledge_handover(c, ctx, h1),
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
    let e = run(
        store,
        "lima.analyst",
        first + Duration::minutes(6),
        |c, ctx| service::issue_handover(c, ctx, inc, &IssueHandover { hq: mofa }),
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
        service::issue_handover(c, ctx, inc, &IssueHandover { hq: mofa })
    })
    .unwrap();
    let row = store
        .read_blocking(move |c| queries::handover(c, h2))
        .unwrap()
        .unwrap();
    let brief: honbu_domain::reports::Brief = serde_json::from_value(row.brief).unwrap();
    assert_eq!(brief.since, first + Duration::minutes(5));
    assert_eq!(brief.changes_total, 1);
    assert_eq!(brief.changes[0].text, "after the handover");
    let row = store
        .read_blocking(move |c| queries::handover(c, h1))
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
        service::issue_sitrep(c, ctx, inc, &req)
    })
    .unwrap();
    let s2 = run(store, "mofa.head", now + Duration::hours(1), |c, ctx| {
        service::issue_sitrep(c, ctx, inc, &req)
    })
    .unwrap();
    let (a, b) = store
        .read_blocking(move |c| {
            Ok((
                queries::sitrep(c, s1)?.unwrap(),
                queries::sitrep(c, s2)?.unwrap(),
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
    // Every 4th of 30 entries is significant (8); two of those are kept to
    // their HQ, and a SITREP holds only what every HQ may read.
    assert_eq!(doc.significant.len(), 6);
    assert!(doc
        .significant
        .iter()
        .all(|e| e.release >= Release::Incident));
    let e = run(store, "lima.analyst", now, |c, ctx| {
        service::issue_sitrep(
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

pub fn analyst_cannot_record_decisions_or_change_status(store: &Store) {
    let w = world(store);
    let inc = w.incident;
    let at = t0() + Duration::minutes(30);
    let e = run(store, "lima.analyst", at, |c, ctx| {
        service::record_decision(
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
        service::change_status(
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
        service::log_entry(c, ctx, inc, &text_entry("readers only read"))
    })
    .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden(_)), "{e:?}");
    run(store, "officer", at, |c, ctx| {
        service::change_status(
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
        service::change_status(
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
        service::change_status(
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
        service::change_status(
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

pub fn lists_page_with_cursor_and_total(store: &Store) {
    let w = busy_world(store);
    let p = principal(store, "admin");
    let id = w.incident;
    let (first, second) = store
        .read_blocking(move |c| {
            let a = queries::entries(
                c,
                &p,
                id,
                &EntryQuery {
                    limit: 20,
                    ..Default::default()
                },
            )?;
            let before = a.next_cursor.as_deref().and_then(|s| s.parse().ok());
            let b = queries::entries(
                c,
                &p,
                id,
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

pub fn security_events_are_recorded(store: &Store) {
    let w = world(store);
    let u = principal(store, "stranger").user;
    let now = t0();
    store
        .write_blocking(|c| service::open_session(c, u, now))
        .unwrap();
    store
        .append_blocking(service::login_failed("stranger", "wrong password", 0, now))
        .unwrap();
    let p = principal(store, "stranger");
    store
        .append_blocking(service::refused(
            Some(p.user),
            "GET",
            &format!("/incidents/{}", w.incident),
            12,
            now,
        ))
        .unwrap();
    let log = store
        .read_blocking(|c| queries::security_log(c, 10, 0).map(|p| p.items))
        .unwrap();
    let kinds: Vec<&str> = log.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        &kinds[..3],
        &["access_refused", "login_failed", "login_succeeded"]
    );
    assert_eq!(log[0].username.as_deref(), Some("stranger"));
    assert!(
        log[0]
            .detail
            .ends_with("(and 12 more like it, counted, not recorded one by one)"),
        "a counted flood shows its count: {}",
        log[0].detail
    );
}

pub fn live_subscribers_receive_committed_events(store: &Store) {
    let mut rx = store.subscribe();
    let w = world(store);
    entry(&w, "mofa.head", t0(), text_entry("live")).unwrap();
    let want = seq(store);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut last = 0;
    while last < want {
        match rx.try_recv() {
            Ok(ev) => {
                assert!(ev.seq > last, "in journal order");
                last = ev.seq;
            }
            Err(tokio::sync::broadcast::error::TryRecvError::Empty) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "no event after 10 s (got up to {last} of {want})"
                );
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(e) => panic!("{e}"),
        }
    }
}

/// The access matrix: for every built-in role, every action is allowed
/// exactly when the role's capabilities say so; a reader, an officer who is
/// not a member and a stranger may do none of them.
pub fn each_role_may_do_exactly_what_its_capabilities_allow(store: &Store) {
    use honbu_domain::vocab::{Capability as C, RoleName, BUILTIN_ROLES};
    let w = world(store);
    let (inc, lima, mofa) = (w.incident, w.lima, w.mofa);
    let at = t0() + Duration::minutes(30);
    let mofa_entry = entry(
        &w,
        "mofa.head",
        at,
        NewEntry {
            hq: Some(mofa),
            release: Some("hq".into()),
            ..text_entry("held at MOFA")
        },
    )
    .unwrap();
    let lima_entry = entry(
        &w,
        "officer",
        at,
        NewEntry {
            hq: Some(lima),
            release: Some("hq".into()),
            ..text_entry("held in Lima")
        },
    )
    .unwrap();
    // What each action needs; `true` when it succeeded.
    let attempt = |who: &str, action: C| -> bool {
        let r = match action {
            C::LogWrite => run(store, who, at, |c, ctx| {
                service::log_entry(
                    c,
                    ctx,
                    inc,
                    &NewEntry {
                        hq: Some(lima),
                        ..text_entry("x")
                    },
                )
            })
            .map(|_| ()),
            C::LogRelease => run(store, who, at, |c, ctx| {
                service::release_entry(c, ctx, lima_entry, &ReleaseEntry { to_hq: mofa })
            })
            .map(|_| ()),
            C::IncidentManage => run(store, who, at, |c, ctx| {
                service::amend_incident(
                    c,
                    ctx,
                    inc,
                    &AmendIncident {
                        summary: Some("s".into()),
                        reason: "r".into(),
                        ..Default::default()
                    },
                )
            }),
            C::HqManage => run(store, who, at, |c, ctx| {
                service::set_cadence(
                    c,
                    ctx,
                    lima,
                    &SetCadence {
                        every_minutes: Some(60),
                    },
                )
            }),
            C::DecisionRecord => run(store, who, at, |c, ctx| {
                service::record_decision(
                    c,
                    ctx,
                    inc,
                    &RecordDecision {
                        hq: Some(lima),
                        title: "d".into(),
                        rationale: "r".into(),
                        ..Default::default()
                    },
                )
            })
            .map(|_| ()),
            C::TaskManage => run(store, who, at, |c, ctx| {
                service::assign_task(
                    c,
                    ctx,
                    inc,
                    &AssignTask {
                        hq: Some(lima),
                        title: "t".into(),
                        owner: "o".into(),
                        ..Default::default()
                    },
                )
            })
            .map(|_| ()),
            C::ReportFile => run(store, who, at, |c, ctx| {
                service::file_report(c, ctx, lima, &FileReport { text: "r".into() })
            })
            .map(|_| ()),
            C::SitrepIssue => run(store, who, at, |c, ctx| {
                service::issue_sitrep(
                    c,
                    ctx,
                    inc,
                    &IssueSitrep {
                        from: "1996-12-18T00:00:00Z".into(),
                        ..Default::default()
                    },
                )
            })
            .map(|_| ()),
        };
        match r {
            Ok(()) => true,
            Err(StoreError::Forbidden(_)) | Err(StoreError::NotFound) => false,
            // A release already made is still proof the right was there.
            Err(StoreError::Conflict(_)) => true,
            Err(e) => panic!("{who} {action}: unexpected {e:?}"),
        }
    };
    for role in BUILTIN_ROLES {
        let name = format!("role.{role}");
        user(store, &name, None);
        let r = AddMember {
            user: name.clone(),
            role: role.to_string(),
        };
        run(store, "officer", at, |c, ctx| {
            service::add_member(c, ctx, lima, &r)
        })
        .unwrap();
        let caps = RoleName::parse("role", role)
            .unwrap()
            .builtin_capabilities()
            .unwrap();
        for action in C::ALL {
            assert_eq!(
                attempt(&name, *action),
                caps.contains(action),
                "role {role}, action {action}"
            );
        }
        // Whatever the role, an entry kept to the other HQ stays unseen.
        let p = principal(store, &name);
        assert!(
            store
                .read_blocking(move |c| queries::entry(c, &p, mofa_entry))
                .unwrap()
                .is_none(),
            "{role} reads MOFA's HQ-only entry"
        );
    }
    // A role an administrator defines gives exactly what it lists.
    run(store, "admin", at, |c, ctx| {
        service::define_role(
            c,
            ctx,
            &DefineRole {
                name: "press_officer".into(),
                label: "Press".into(),
                capabilities: vec!["log_write".into(), "sitrep_issue".into()],
            },
        )
    })
    .unwrap();
    user(store, "lima.press", None);
    run(store, "officer", at, |c, ctx| {
        service::add_member(
            c,
            ctx,
            lima,
            &AddMember {
                user: "lima.press".into(),
                role: "press_officer".into(),
            },
        )
    })
    .unwrap();
    for action in C::ALL {
        assert_eq!(
            attempt("lima.press", *action),
            matches!(action, C::LogWrite | C::SitrepIssue),
            "press_officer {action}"
        );
    }
    // No membership, no rights: the reader, a stranger, an officer of another incident.
    user(store, "officer2", Some("officer"));
    for who in ["reader", "stranger", "officer2"] {
        for action in C::ALL {
            assert!(!attempt(who, *action), "{who} may {action}");
        }
    }
}
