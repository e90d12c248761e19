//! Every moment: what each incident page reads as of a past journal
//! position is exactly what the projections make of the journal replayed up
//! to that position. This is the check that holds "each event's effect is
//! defined once": the projection is the only definition, and the past is
//! read from what it wrote, never worked out a second way.

use super::*;
use honbu_store::versions::At;
use honbu_store::{attachments, board, headquarters, incidents, log, people, reports, work};

/// The world of [`busy_world`], then every kind of change an incident page
/// shows: amendments, marking and unmarking, releases, corrections, a role
/// changed, a member on duty removed, duty on and off, cadence, reports,
/// tasks moved on, a decision, a brief issued and acknowledged, a SITREP,
/// files attached, another HQ, and the closing.
pub fn eventful_world(store: &Store) -> World {
    let w = busy_world(store);
    let (inc, mofa, lima) = (w.incident, w.mofa, w.lima);
    let at = |m: i64| t0() + Duration::hours(4) + Duration::minutes(m);
    run(store, "officer", at(1), |c, ctx| {
        honbu_store::incidents::amend_incident(
            c,
            ctx,
            inc,
            &AmendIncident {
                title: Some("Residence seized, Lima".into()),
                summary: Some("About 400 held".into()),
                lat: Some(-12.098),
                lon: Some(-77.036),
                area: Some(honbu_domain::geo::AreaInput {
                    radius_m: Some(800.0),
                    kind: None,
                    coordinates: None,
                }),
                reason: "better figures".into(),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let kept = entry(
        &w,
        "mofa.head",
        at(2),
        NewEntry {
            release: Some("hq".into()),
            significant: Some(true),
            ..text_entry("MOFA only, for now")
        },
    )
    .unwrap();
    run(store, "mofa.head", at(3), |c, ctx| {
        honbu_store::log::release_entry(c, ctx, kept, &ReleaseEntry { to_hq: lima })
    })
    .unwrap();
    for (m, significant) in [(4, false), (5, true), (6, false)] {
        run(store, "mofa.head", at(m), |c, ctx| {
            honbu_store::log::mark_significant(c, ctx, kept, &MarkSignificant { significant })
        })
        .unwrap();
    }
    let corrected = entry(
        &w,
        "mofa.head",
        at(7),
        NewEntry {
            supersedes: Some(kept),
            ..text_entry("Released to Lima: the corrected figure")
        },
    )
    .unwrap();
    run(store, "officer", at(8), |c, ctx| {
        honbu_store::headquarters::add_member(
            c,
            ctx,
            lima,
            &AddMember {
                user: "lima.analyst".into(),
                role: "duty_officer".into(),
            },
        )
    })
    .unwrap();
    let duty = |who: &'static str, hq: HqId, on: bool, m: i64| {
        run(store, who, at(m), |c, ctx| {
            honbu_store::headquarters::duty(c, ctx, hq, &Duty { on, user: None })
        })
        .unwrap()
    };
    duty("lima.analyst", lima, true, 9);
    duty("mofa.head", mofa, false, 10);
    duty("mofa.head", mofa, true, 11);
    run(store, "officer", at(12), |c, ctx| {
        honbu_store::headquarters::remove_member(c, ctx, lima, "lima.analyst")
    })
    .unwrap();
    run(store, "officer", at(13), |c, ctx| {
        honbu_store::headquarters::set_cadence(
            c,
            ctx,
            lima,
            &SetCadence {
                every_minutes: Some(30),
            },
        )
    })
    .unwrap();
    run(store, "officer", at(14), |c, ctx| {
        honbu_store::headquarters::file_report(
            c,
            ctx,
            lima,
            &FileReport {
                text: "Cordon unchanged".into(),
            },
        )
    })
    .unwrap();
    let task = run(store, "mofa.head", at(15), |c, ctx| {
        honbu_store::work::assign_task(
            c,
            ctx,
            inc,
            &AssignTask {
                title: "Brief the families".into(),
                owner: "Consular".into(),
                due_at: Some("1996-12-18T05:30:00Z".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    for (m, status) in [(16, "in_progress"), (17, "blocked"), (18, "done")] {
        run(store, "mofa.head", at(m), |c, ctx| {
            honbu_store::work::update_task(
                c,
                ctx,
                task,
                &UpdateTask {
                    status: status.into(),
                    note: Some(format!("now {status}")),
                },
            )
        })
        .unwrap();
    }
    run(store, "mofa.head", at(19), |c, ctx| {
        honbu_store::work::record_decision(
            c,
            ctx,
            inc,
            &RecordDecision {
                title: "Ask Peru for a channel".into(),
                rationale: "The host government leads".into(),
                based_on: vec![corrected],
                ..Default::default()
            },
        )
    })
    .unwrap();
    let brief = run(store, "mofa.head", at(20), |c, ctx| {
        honbu_store::reports::issue_handover(c, ctx, inc, &IssueHandover { hq: mofa })
    })
    .unwrap();
    run(store, "admin", at(21), |c, ctx| {
        honbu_store::reports::acknowledge_handover(c, ctx, brief)
    })
    .unwrap();
    run(store, "mofa.head", at(22), |c, ctx| {
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
    // A file attached to the HQ-only entry released to Lima, and one to
    // its correction.
    for (m, on, name) in [(22, kept, "cable.pdf"), (23, corrected, "photo.jpg")] {
        run(store, "mofa.head", at(m), |c, ctx| {
            honbu_store::attachments::add_attachment(
                c,
                ctx,
                on,
                honbu_domain::attachments::NewAttachment {
                    name: name.into(),
                    content_type: None,
                    data: name.as_bytes().to_vec(),
                },
            )
        })
        .unwrap();
    }
    run(store, "officer", at(23), |c, ctx| {
        honbu_store::headquarters::activate_hq(
            c,
            ctx,
            inc,
            &NewHq {
                name: "Prime Minister's Office".into(),
                kind: Some("cabinet".into()),
                time_zone: "Asia/Tokyo".into(),
                report_every_minutes: Some(240),
                head: None,
            },
        )
    })
    .unwrap();
    // People of concern: recorded, reported on (holding, in review,
    // noted), amended, settled, one erased.
    let key = store.key().clone();
    let mut persons = vec![];
    for (family, role) in [("Aoki", "hostage"), ("Baca", "guest"), ("Chen", "staff")] {
        persons.push(
            super::people::record(
                &w,
                "officer",
                at(23),
                NewPerson {
                    family_name: Some(family.into()),
                    nationalities: vec!["JP".into()],
                    role: role.into(),
                    ..Default::default()
                },
            )
            .unwrap(),
        );
    }
    let report = |p: PersonId, status: &str, m: i64| {
        super::people::report(
            &w,
            "officer",
            at(m),
            p,
            ReportStatus {
                status: status.into(),
                note: Some(format!("{status} at {m}")),
                ..Default::default()
            },
        )
        .unwrap()
    };
    report(persons[0], "hostage", 23);
    let safe = report(persons[1], "safe", 23);
    report(persons[1], "missing", 24);
    report(persons[2], "evacuated", 24);
    run(store, "officer", at(24), |c, ctx| {
        honbu_store::people::amend_person(
            c,
            ctx,
            &key,
            persons[0],
            &AmendPerson {
                given_name: Some("Kenji".into()),
                employer: Some("Nikko".into()),
                ..Default::default()
            },
        )
    })
    .unwrap();
    run(store, "officer", at(24), |c, ctx| {
        honbu_store::people::settle_status(
            c,
            ctx,
            persons[1],
            &SettleStatus {
                report: safe.id,
                reason: "seen".into(),
            },
        )
    })
    .unwrap();
    run(store, "officer", at(24), |c, ctx| {
        honbu_store::people::erase_person(
            c,
            ctx,
            persons[2],
            &ErasePerson {
                basis: "request".into(),
                reason: "asked".into(),
            },
        )
    })
    .unwrap();
    for (m, status) in [(24, "resolved"), (25, "closed")] {
        run(store, "officer", at(m), |c, ctx| {
            honbu_store::incidents::change_status(
                c,
                ctx,
                inc,
                &ChangeStatus {
                    status: status.into(),
                    reason: "as it went".into(),
                },
            )
        })
        .unwrap();
    }
    duty("mofa.head", mofa, false, 26);
    w
}

/// What [`pages`] reads: each page, labelled, in its debug form.
type Pages = Vec<(String, String)>;

/// Everything the incident pages read, for each viewer, as `at`, with
/// deadlines measured at `clock`; each item labelled for the message.
fn pages(
    c: &mut dyn honbu_store::sql::Conn,
    viewers: &[Principal],
    incident: IncidentId,
    entry_ids: &[EntryId],
    person_ids: &[PersonId],
    at: At,
    clock: Timestamp,
) -> honbu_store::Result<Pages> {
    let mut out = vec![];
    let mut put =
        |what: &str, v: &dyn std::fmt::Debug| out.push((what.to_string(), format!("{v:#?}")));
    put("incident", &incidents::incident_raw(c, incident, at)?);
    put(
        "status history",
        &incidents::status_history(c, incident, at)?,
    );
    put("clock", &incidents::incident_clock(c, incident, at, clock)?);
    put("hqs", &headquarters::hq_details(c, incident, at, clock)?);
    put(
        "reports",
        &headquarters::reports(c, incident, at, None, 1000)?,
    );
    put("tasks", &work::tasks(c, incident, at, true, clock)?);
    put("briefs", &reports::handovers(c, incident, at)?);
    put("sitreps", &reports::sitreps(c, incident, at)?);
    put(
        "people over time",
        &people::status_over_time(c, incident, at)?,
    );
    for p in viewers {
        let who = &p.username;
        put(
            &format!("board of {who}"),
            &board::board(c, p, incident, at, clock)?,
        );
        let q = EntryQuery {
            limit: 1000,
            ..Default::default()
        };
        put(
            &format!("decisions of {who}"),
            &work::decisions(c, p, incident, at, 1000, 0)?,
        );
        put(
            &format!("log of {who}"),
            &log::entries(c, p, incident, at, &q)?,
        );
        let q = EntryQuery {
            limit: 7,
            significant_only: true,
            ..Default::default()
        };
        put(
            &format!("significant log of {who}"),
            &log::entries(c, p, incident, at, &q)?,
        );
        put(
            &format!("accountability of {who}"),
            &people::accountability(c, p, incident, at)?,
        );
        put(
            &format!("register of {who}"),
            &people::persons(c, p, incident, at, &Default::default(), 1000, 0)?,
        );
        for person in person_ids {
            put(
                &format!("person {person} to {who}"),
                &people::person(c, p, *person, at)?,
            );
        }
        for e in entry_ids {
            put(&format!("entry {e} to {who}"), &log::entry(c, p, *e, at)?);
            put(
                &format!("attachments of entry {e} to {who}"),
                &attachments::attachments(c, p, *e, at)?,
            );
        }
    }
    Ok(out)
}

/// The pages of the database as it was when the journal's event `upto`
/// was written: the journal cut back to it and replayed into emptied read
/// models, inside a transaction that is then rolled back (the store is left
/// as it was).
fn replayed(
    store: &Store,
    upto: i64,
    read: &dyn Fn(&mut dyn honbu_store::sql::Conn) -> honbu_store::Result<Pages>,
) -> Pages {
    let mut got = None;
    let slot = &mut got;
    let r = store.write_blocking(move |c| {
        for table in honbu_store::schema::READ_MODELS {
            c.exec(&format!("DELETE FROM {table}"), &[])?;
        }
        c.exec(
            "DELETE FROM journal WHERE seq > $1",
            &[honbu_store::sql::Value::Int(upto)],
        )?;
        let events = honbu_store::journal::read(c, 0, upto)?;
        let mut projector = honbu_store::project::Projector::default();
        for ev in &events {
            projector.apply(c, ev)?;
        }
        *slot = Some(read(c)?);
        // Nothing of this is kept.
        Err::<(Vec<honbu_domain::events::Event>, ()), _>(StoreError::Conflict(
            "scratch replay".into(),
        ))
    });
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    got.expect("the replay read the pages")
}

pub fn every_page_as_of_any_moment_equals_the_journal_replayed_to_it(store: &Store) {
    let w = eventful_world(store);
    let viewers: Vec<Principal> = [
        "admin",
        "reader",
        "mofa.head",
        "lima.analyst",
        "officer",
        "stranger",
    ]
    .iter()
    .map(|n| principal(store, n))
    .collect();
    let incident = w.incident;
    let (last, entry_ids, person_ids, times) = store
        .read_blocking(move |c| {
            let last = honbu_store::journal::last_seq(c)?;
            let ids = c
                .query("SELECT id FROM entries ORDER BY number", &[])?
                .iter()
                .map(|r| r.parse(0))
                .collect::<honbu_store::Result<Vec<EntryId>>>()?;
            let persons = c
                .query("SELECT id FROM persons ORDER BY number", &[])?
                .iter()
                .map(|r| r.parse(0))
                .collect::<honbu_store::Result<Vec<PersonId>>>()?;
            let times = honbu_store::journal::read(c, 0, last)?
                .iter()
                .map(|e| e.event.at)
                .collect::<Vec<_>>();
            Ok((last, ids, persons, times))
        })
        .unwrap();
    assert!(last > 70, "a long enough history: {last} events");
    for s in 1..=last {
        // Deadlines measured a while after the event, so that some fall due.
        let clock = times[(s - 1) as usize] + Duration::hours(3);
        let read = |c: &mut dyn honbu_store::sql::Conn| {
            pages(
                c,
                &viewers,
                incident,
                &entry_ids,
                &person_ids,
                At::Now,
                clock,
            )
        };
        let then = replayed(store, s, &read);
        let (v, ids, pids) = (viewers.clone(), entry_ids.clone(), person_ids.clone());
        let past = store
            .read_blocking(move |c| pages(c, &v, incident, &ids, &pids, At::Seq(s), clock))
            .unwrap();
        for ((what, a), (_, b)) in past.iter().zip(then.iter()) {
            assert_eq!(
                a, b,
                "{what} as of journal position {s} differs from the replay"
            );
        }
        assert_eq!(past.len(), then.len());
    }
    // And now is the last moment.
    let now = times[times.len() - 1] + Duration::hours(3);
    let (v, ids, pids) = (viewers.clone(), entry_ids.clone(), person_ids.clone());
    let (live, past) = store
        .read_blocking(move |c| {
            Ok((
                pages(c, &v, incident, &ids, &pids, At::Now, now)?,
                pages(c, &v, incident, &ids, &pids, At::Seq(last), now)?,
            ))
        })
        .unwrap();
    assert_eq!(live, past);
}

/// The versions a table keeps hold every column: a row read back as of the
/// moment before a change is the row as it was.
pub fn a_changed_row_reads_as_it_was_before_the_change(store: &Store) {
    let w = world(store);
    let e = entry(
        &w,
        "mofa.head",
        t0() + Duration::minutes(1),
        NewEntry {
            significant: Some(false),
            ..text_entry("first word")
        },
    )
    .unwrap();
    let before = seq(store);
    run(store, "mofa.head", t0() + Duration::minutes(2), |c, ctx| {
        honbu_store::log::mark_significant(c, ctx, e, &MarkSignificant { significant: true })
    })
    .unwrap();
    let p = principal(store, "mofa.head");
    let (then, now) = store
        .read_blocking(move |c| {
            Ok((
                log::entry(c, &p, e, At::Seq(before))?.unwrap().1,
                log::entry(c, &p, e, At::Now)?.unwrap().1,
            ))
        })
        .unwrap();
    assert!(!then.significant && now.significant);
    assert_eq!(
        honbu_domain::board::EntryView {
            significant: true,
            ..then
        },
        now,
        "only what changed differs"
    );
    // Before it was logged, it was not there.
    let p = principal(store, "mofa.head");
    assert!(store
        .read_blocking(move |c| log::entry(c, &p, e, At::Seq(before - 1)))
        .unwrap()
        .is_none());
}
