//! People of concern: the register, the precedence of status reports,
//! who sees what of a person, and personal data that is really erased.

use super::*;
use honbu_domain::people::{Outcome, PersonRecord};
use honbu_store::people::{self, PersonFilter, Reported};
use honbu_store::sql::Value;

pub(crate) fn yamada() -> NewPerson {
    NewPerson {
        family_name: Some("Yamada".into()),
        given_name: Some("Taro".into()),
        native_name: Some("山田 太郎".into()),
        other_names: vec!["YAMADA Tarou".into()],
        sex: Some("male".into()),
        date_of_birth: Some("1948-03".into()),
        nationalities: vec!["JP".into()],
        passport_number: Some("TK1234567".into()),
        employer: Some("Nikko Trading".into()),
        role: "hostage".into(),
        location: Some("Residence, second floor".into()),
        contacts: vec!["+81 3 5555 0100".into()],
        ..Default::default()
    }
}

pub(crate) fn record(
    w: &World,
    who: &str,
    at: Timestamp,
    r: NewPerson,
) -> honbu_store::Result<PersonId> {
    let (inc, key) = (w.incident, w.store.key().clone());
    run(&w.store, who, at, |c, ctx| {
        people::record_person(c, ctx, &key, inc, &r)
    })
}

pub(crate) fn report(
    w: &World,
    who: &str,
    at: Timestamp,
    person: PersonId,
    r: ReportStatus,
) -> honbu_store::Result<Reported> {
    let key = w.store.key().clone();
    run(&w.store, who, at, |c, ctx| {
        people::report_status(c, ctx, &key, person, &r)
    })
}

fn status(s: &str, source: Option<SourceId>, credibility: i64, at: Timestamp) -> ReportStatus {
    ReportStatus {
        status: s.into(),
        source,
        credibility: Some(serde_json::json!(credibility)),
        reported_at: Some(at.to_rfc3339()),
        note: None,
        hq: None,
    }
}

fn source(w: &World, name: &str, kind: &str, reliability: &str) -> SourceId {
    run(&w.store, "officer", t0(), |c, ctx| {
        honbu_store::log::register_source(
            c,
            ctx,
            &RegisterSource {
                name: name.into(),
                kind: kind.into(),
                reliability: reliability.into(),
            },
        )
    })
    .unwrap()
}

pub(crate) fn person_as(w: &World, who: &str, person: PersonId) -> Option<PersonRecord> {
    let p = principal(&w.store, who);
    w.store
        .read_blocking(move |c| people::person(c, &p, person, At::Now))
        .unwrap()
}

/// Every status comes from a report, and which one holds follows the rules:
/// a death only from an authorised source by a confirmed report, a later
/// "missing" does not replace "safe" without review, a backdated report is
/// history only; an officer settles a review, and the whole history stays.
pub fn a_persons_status_follows_its_reports_by_the_precedence_rules(store: &Store) {
    let w = world(store);
    let press = source(&w, "Lima press", "media", "C");
    let embassy = source(&w, "Embassy of Japan", "embassy", "A");
    let p = record(&w, "officer", t0(), yamada()).unwrap();
    let h = |n: i64| t0() + Duration::hours(n);
    let outcome = |r: Reported| r.outcome;
    assert_eq!(
        outcome(
            report(
                &w,
                "officer",
                h(1),
                p,
                status("hostage", Some(press), 3, h(1))
            )
            .unwrap()
        ),
        Outcome::Holds
    );
    // A death reported by the press waits for an officer.
    assert!(matches!(
        outcome(
            report(
                &w,
                "lima.analyst",
                h(2),
                p,
                status("deceased", Some(press), 2, h(2))
            )
            .unwrap()
        ),
        Outcome::Review { .. }
    ));
    let now = person_as(&w, "officer", p).unwrap().person;
    assert_eq!(now.status, PersonStatusVocab::Hostage);
    assert!(
        now.review
            .as_deref()
            .unwrap_or("")
            .contains("authorised source"),
        "{:?}",
        now.review
    );
    let released = report(
        &w,
        "officer",
        h(3),
        p,
        status("released", Some(embassy), 1, h(3)),
    )
    .unwrap();
    assert_eq!(released.outcome, Outcome::Holds);
    // A report as of an earlier time is history only.
    assert!(matches!(
        outcome(
            report(
                &w,
                "officer",
                h(4),
                p,
                status("hostage", Some(press), 3, h(1) + Duration::minutes(30))
            )
            .unwrap()
        ),
        Outcome::Noted { .. }
    ));
    // "Missing" after "released" does not overwrite it.
    assert!(matches!(
        outcome(
            report(
                &w,
                "officer",
                h(5),
                p,
                status("missing", Some(embassy), 2, h(5))
            )
            .unwrap()
        ),
        Outcome::Review { .. }
    ));
    let rec = person_as(&w, "officer", p).unwrap();
    assert_eq!(rec.person.status, PersonStatusVocab::Released);
    assert_eq!(rec.person.status_since, h(3));
    assert_eq!(rec.reports.len(), 5, "the whole history stays");
    assert_eq!(
        rec.reports[0].status,
        PersonStatusVocab::Missing,
        "newest first"
    );
    // The officer settles on the release; the review ends.
    let settle = |report: PersonReportId| {
        run(store, "officer", h(6), |c, ctx| {
            people::settle_status(
                c,
                ctx,
                p,
                &SettleStatus {
                    report,
                    reason: "Embassy saw him at the hospital".into(),
                },
            )
        })
    };
    settle(released.id).unwrap();
    let rec = person_as(&w, "officer", p).unwrap();
    assert_eq!(
        (rec.person.status, rec.person.review.clone()),
        (PersonStatusVocab::Released, None)
    );
    assert!(rec.reports.iter().any(|r| r.id == released.id && r.settled));
    assert!(
        matches!(settle(released.id), Err(StoreError::Conflict(_))),
        "already stands"
    );
    // A report that is not this person's is refused naming the field.
    let other = record(
        &w,
        "officer",
        t0(),
        NewPerson {
            family_name: Some("Sato".into()),
            role: "guest".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let r2 = report(&w, "officer", h(1), other, status("safe", None, 6, h(1))).unwrap();
    match settle(r2.id) {
        Err(StoreError::Invalid(e)) => assert_eq!(e.field, "report"),
        other => panic!("{other:?}"),
    }
}

use honbu_domain::vocab::PersonStatus as PersonStatusVocab;

/// A stranger learns nothing of the register; a global reader sees people
/// by number, role and status, never who they are; a member without the
/// right records nothing; bad fields are named and nothing is written.
pub fn a_stranger_learns_nothing_of_the_register_and_a_reader_no_names(store: &Store) {
    let w = world(store);
    let p = record(&w, "officer", t0(), yamada()).unwrap();
    let before = seq(store);
    // The stranger: nothing, and the same answer as for a random id.
    assert!(person_as(&w, "stranger", p).is_none());
    let stranger = principal(store, "stranger");
    let inc = w.incident;
    let list = store
        .read_blocking(move |c| {
            people::persons(c, &stranger, inc, At::Now, &PersonFilter::default(), 100, 0)
        })
        .unwrap();
    assert_eq!(list.total, 0);
    assert!(matches!(
        record(&w, "stranger", t0(), yamada()),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        report(&w, "stranger", t0(), p, status("safe", None, 6, t0())),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        report(
            &w,
            "stranger",
            t0(),
            PersonId::new(),
            status("safe", None, 6, t0())
        ),
        Err(StoreError::NotFound)
    ));
    let erase = |who: &str, person: PersonId| {
        run(store, who, t0(), |c, ctx| {
            people::erase_person(
                c,
                ctx,
                person,
                &ErasePerson {
                    basis: "request".into(),
                    reason: "asked".into(),
                },
            )
        })
    };
    assert!(matches!(erase("stranger", p), Err(StoreError::NotFound)));
    // The reader: the person by number, no name, no note.
    let seen = person_as(&w, "reader", p).unwrap().person;
    assert_eq!((seen.number, seen.details.clone()), (1, None));
    assert_eq!(seen.label(), "P-1");
    assert!(matches!(
        record(&w, "reader", t0(), yamada()),
        Err(StoreError::Forbidden(_))
    ));
    // An analyst may record people but not erase them.
    assert!(matches!(
        erase("lima.analyst", p),
        Err(StoreError::Forbidden(_))
    ));
    assert_eq!(seq(store), before, "nothing written");
    // Bad fields, each named.
    for (bad, field) in [
        (
            NewPerson {
                role: "hostage".into(),
                ..Default::default()
            },
            "family_name",
        ),
        (
            NewPerson {
                role: "victim".into(),
                ..yamada()
            },
            "role",
        ),
        (
            NewPerson {
                date_of_birth: Some("1948-02-30".into()),
                ..yamada()
            },
            "date_of_birth",
        ),
        (
            NewPerson {
                nationalities: vec!["JP".into(), "XX".into()],
                ..yamada()
            },
            "nationalities[1]",
        ),
        (
            NewPerson {
                passport_number: Some("TK 12/34".into()),
                ..yamada()
            },
            "passport_number",
        ),
        (
            NewPerson {
                age: Some(200),
                ..yamada()
            },
            "age",
        ),
        (
            NewPerson {
                sex: Some("m".into()),
                ..yamada()
            },
            "sex",
        ),
    ] {
        match record(&w, "officer", t0(), bad) {
            Err(StoreError::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    for (bad, field) in [
        (
            ReportStatus {
                status: "fine".into(),
                ..Default::default()
            },
            "status",
        ),
        (
            ReportStatus {
                credibility: Some(serde_json::json!(7)),
                ..status("safe", None, 1, t0())
            },
            "credibility",
        ),
        (
            ReportStatus {
                reported_at: Some("2099-01-01T00:00:00Z".into()),
                ..status("safe", None, 1, t0())
            },
            "reported_at",
        ),
        (
            ReportStatus {
                source: Some(SourceId::new()),
                ..status("safe", None, 1, t0())
            },
            "source",
        ),
    ] {
        match report(&w, "officer", t0(), p, bad) {
            Err(StoreError::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert_eq!(seq(store), before, "nothing written");
}

/// The passport number is masked, and contacts withheld, for a role that
/// does not need them (an analyst); the head of the HQ sees them whole.
pub fn passport_numbers_and_contacts_are_whole_only_for_roles_that_need_them(store: &Store) {
    let w = world(store);
    let p = record(&w, "officer", t0(), yamada()).unwrap();
    let analyst = person_as(&w, "lima.analyst", p).unwrap().person;
    let d = analyst.details.clone().unwrap();
    assert_eq!(
        (
            d.passport_number.as_str(),
            d.contacts.len(),
            analyst.identifying
        ),
        ("••••••567", 0, false)
    );
    assert_eq!(d.display_name(), "YAMADA Taro");
    let head = person_as(&w, "officer", p).unwrap().person;
    let d = head.details.unwrap();
    assert_eq!(
        (
            d.passport_number.as_str(),
            d.contacts.len(),
            head.identifying
        ),
        ("TK1234567", 1, true)
    );
    // The analyst finds him by any of his names, in any script.
    let analyst = principal(store, "lima.analyst");
    let inc = w.incident;
    for q in ["yamada", "山田", "tarou"] {
        let a = analyst.clone();
        let f = PersonFilter {
            words: vec![q.into()],
            ..Default::default()
        };
        let page = store
            .read_blocking(move |c| people::persons(c, &a, inc, At::Now, &f, 100, 0))
            .unwrap();
        assert_eq!(page.total, 1, "{q}");
    }
    let f = PersonFilter {
        words: vec!["suzuki".into()],
        ..Default::default()
    };
    let page = store
        .read_blocking(move |c| people::persons(c, &analyst, inc, At::Now, &f, 100, 0))
        .unwrap();
    assert_eq!(page.total, 0);
}

/// What the bytes of the database hold: SQLite's file and its log, or the
/// files of PostgreSQL's `personal_data` table, its TOAST table and indexes.
fn database_bytes(store: &Store) -> Vec<u8> {
    let describe = store.describe();
    if let Some(path) = describe.strip_prefix("sqlite:") {
        let mut out = std::fs::read(path).unwrap();
        if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
            out.extend(wal);
        }
        return out;
    }
    store
        .write_blocking(|c| {
            // What the table's pages hold in memory goes to its files first.
            c.batch("CHECKPOINT")?;
            let mut out = vec![];
            for r in c.query(
                "SELECT pg_relation_filepath(oid) FROM pg_class WHERE oid IN \
                 (SELECT 'personal_data'::regclass UNION SELECT reltoastrelid FROM pg_class WHERE oid = 'personal_data'::regclass AND reltoastrelid <> 0 \
                  UNION SELECT indexrelid FROM pg_index WHERE indrelid = 'personal_data'::regclass)",
                &[],
            )? {
                let Some(path) = r.opt_text(0)? else { continue };
                // A relation larger than 1 GiB has more segments; this one is small.
                if let Some(b) = c.query_one("SELECT pg_read_binary_file($1)", &[Value::Text(path)])? {
                    out.extend(b.bytes(0)?);
                }
            }
            Ok((vec![], out))
        })
        .unwrap()
        .1
}

fn holds(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Erasing a person's personal data deletes it from the database's files
/// (SQLite's file and log; PostgreSQL's table files), not only from view,
/// while `journal verify` still passes and the register keeps the person's
/// number and statuses; a second erasure is refused.
pub fn erased_personal_data_is_gone_from_the_database_and_the_journal_still_verifies(
    store: &Store,
) {
    let w = world(store);
    let passport = "ZX9081726";
    let name = "Quetzalcoatlhuaman";
    let note = "Seen with a bandaged arm at the gate";
    let p = record(
        &w,
        "officer",
        t0(),
        NewPerson {
            family_name: Some(name.into()),
            passport_number: Some(passport.into()),
            ..yamada()
        },
    )
    .unwrap();
    report(
        &w,
        "officer",
        t0() + Duration::hours(1),
        p,
        ReportStatus {
            note: Some(note.into()),
            ..status("injured", None, 2, t0() + Duration::hours(1))
        },
    )
    .unwrap();
    let keep = record(
        &w,
        "officer",
        t0(),
        NewPerson {
            family_name: Some("Keepmename".into()),
            ..yamada()
        },
    )
    .unwrap();
    store.scrub_blocking().unwrap();
    let bytes = database_bytes(store);
    for s in [passport, name, note] {
        assert!(
            holds(&bytes, s),
            "{s} is in the database before erasure (the check can fail)"
        );
    }
    let rows = run(store, "officer", t0() + Duration::hours(2), |c, ctx| {
        people::erase_person(
            c,
            ctx,
            p,
            &ErasePerson {
                basis: "request".into(),
                reason: "the family asked".into(),
            },
        )
    })
    .unwrap();
    assert_eq!(rows, 2, "the details and the note");
    store.scrub_blocking().unwrap();
    let bytes = database_bytes(store);
    for s in [passport, name, note] {
        assert!(!holds(&bytes, s), "{s} is gone from the database's files");
    }
    assert!(holds(&bytes, "Keepmename"), "only that person's data went");
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert!(matches!(v, Verdict::Intact { .. }), "{v:?}");
    let rec = person_as(&w, "officer", p).unwrap();
    assert!(rec.person.details.is_none() && rec.person.erased_at.is_some());
    assert_eq!(
        (rec.person.number, rec.person.status),
        (1, PersonStatusVocab::Injured)
    );
    assert_eq!(rec.reports[0].note, None);
    assert!(person_as(&w, "officer", keep)
        .unwrap()
        .person
        .details
        .is_some());
    assert!(matches!(
        run(store, "officer", t0(), |c, ctx| people::erase_person(
            c,
            ctx,
            p,
            &ErasePerson {
                basis: "retention".into(),
                reason: "again".into()
            }
        )),
        Err(StoreError::Conflict(_))
    ));
    // The erased person's data cannot come back by an amendment.
    let key = store.key().clone();
    let amend = AmendPerson {
        family_name: Some("Again".into()),
        ..Default::default()
    };
    assert!(matches!(
        run(store, "officer", t0(), |c, ctx| people::amend_person(
            c, ctx, &key, p, &amend
        )),
        Err(StoreError::Conflict(_))
    ));
    // A rebuild keeps what is left as it is.
    store.rebuild_blocking().unwrap();
    assert!(person_as(&w, "officer", p)
        .unwrap()
        .person
        .details
        .is_none());
    assert!(person_as(&w, "officer", keep)
        .unwrap()
        .person
        .details
        .is_some());
}

/// `journal verify` holds personal data to the digests the journal names:
/// a changed value, or one missing without its erasure recorded, breaks the
/// verdict at the event that named it.
pub fn journal_verify_names_personal_data_changed_or_missing_without_erasure(store: &Store) {
    let w = world(store);
    let p = record(&w, "officer", t0(), yamada()).unwrap();
    let at = seq(store);
    let raw = |sql: &'static str| {
        store
            .write_blocking(move |c| {
                c.exec(sql, &[])?;
                Ok((vec![], ()))
            })
            .unwrap()
    };
    raw("UPDATE personal_data SET body = REPLACE(body, 'Yamada', 'Yamado')");
    match store.verify_blocking(&mut |_, _| {}).unwrap() {
        Verdict::Broken { seq, problem } => {
            assert_eq!(seq, at);
            assert!(
                problem.contains("changed") && problem.contains(&p.to_string()),
                "{problem}"
            );
        }
        v => panic!("{v:?}"),
    }
    raw("DELETE FROM personal_data");
    match store.verify_blocking(&mut |_, _| {}).unwrap() {
        Verdict::Broken { seq, problem } => {
            assert_eq!(seq, at);
            assert!(problem.contains("missing"), "{problem}");
        }
        v => panic!("{v:?}"),
    }
}

/// The accountability board counts by status, nationality, employer and
/// role, lists who is not yet accounted for (longest first), and reads as
/// of any moment like the rest of the incident.
pub fn the_accountability_board_counts_people_and_lists_the_unaccounted_oldest_first(
    store: &Store,
) {
    let w = world(store);
    let h = |n: i64| t0() + Duration::hours(n);
    let mk = |family: &str, nat: &[&str], employer: Option<&str>, role: &str, at: Timestamp| {
        record(
            &w,
            "officer",
            at,
            NewPerson {
                family_name: Some(family.into()),
                nationalities: nat.iter().map(|s| s.to_string()).collect(),
                employer: employer.map(str::to_string),
                role: role.into(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let a = mk("Aoki", &["JP"], Some("Nikko Trading"), "hostage", h(0));
    let b = mk("Baca", &["PE"], None, "hostage", h(0));
    let c = mk("Chen", &["CN", "PE"], Some("Nikko Trading"), "guest", h(1));
    let _d = mk("Doi", &["JP"], None, "staff", h(1));
    report(&w, "officer", h(2), a, status("hostage", None, 6, h(2))).unwrap();
    report(&w, "officer", h(2), b, status("hostage", None, 6, h(2))).unwrap();
    let then = seq(store);
    report(&w, "officer", h(3), b, status("released", None, 6, h(3))).unwrap();
    report(&w, "officer", h(3), c, status("safe", None, 6, h(3))).unwrap();
    let board = |at: At| {
        let p = principal(store, "officer");
        let inc = w.incident;
        store
            .read_blocking(move |cn| people::accountability(cn, &p, inc, at))
            .unwrap()
    };
    let now = board(At::Now);
    assert_eq!((now.total, now.accounted, now.unaccounted), (4, 2, 2));
    let count = |v: &[honbu_domain::people::Count], k: &str| {
        v.iter().find(|c| c.key == k).map_or(0, |c| c.count)
    };
    assert_eq!(count(&now.by_status, "hostage"), 1);
    assert_eq!(count(&now.by_status, "unknown"), 1);
    assert_eq!(count(&now.by_status, "deceased"), 0);
    assert_eq!(
        now.by_status.len(),
        PersonStatusVocab::ALL.len(),
        "every status, zeros too"
    );
    assert_eq!(
        (
            count(&now.by_nationality, "JP"),
            count(&now.by_nationality, "PE")
        ),
        (2, 2)
    );
    assert_eq!(count(&now.by_employer, "Nikko Trading"), 2);
    assert_eq!(count(&now.by_role, "hostage"), 2);
    // Doi has been unknown since h(1); Aoki held since h(2): Doi first.
    let open: Vec<String> = now
        .not_accounted
        .iter()
        .map(|p| p.details.as_ref().unwrap().family_name.clone())
        .collect();
    assert_eq!(open, ["Doi", "Aoki"]);
    let past = board(At::Seq(then));
    assert_eq!((past.accounted, past.unaccounted), (0, 4));
    assert_eq!(count(&past.by_status, "hostage"), 2);
    // The chart's last point is the board's counts; its first, the people
    // as first recorded.
    let inc = w.incident;
    let points = store
        .read_blocking(move |cn| people::status_over_time(cn, inc, At::Now))
        .unwrap();
    let last = points.last().unwrap();
    for s in PersonStatusVocab::ALL {
        let i = PersonStatusVocab::ALL.iter().position(|x| x == s).unwrap();
        assert_eq!(last.counts[i], count(&now.by_status, s.as_str()), "{s}");
    }
    assert_eq!(points[0].at, h(0));
    assert_eq!(points[0].counts[0], 2, "two recorded first, both unknown");
    let held = points.iter().map(|p| p.counts[3]).collect::<Vec<_>>();
    assert_eq!(held, [0, 0, 2, 1], "none held, then two, then one");
    let past = store
        .read_blocking(move |cn| people::status_over_time(cn, inc, At::Seq(then)))
        .unwrap();
    assert_eq!(past.len(), 3);
    // A stranger's board is empty.
    let p = principal(store, "stranger");
    let inc = w.incident;
    let s = store
        .read_blocking(move |cn| people::accountability(cn, &p, inc, At::Now))
        .unwrap();
    assert_eq!((s.total, s.not_accounted.len()), (0, 0));
}

/// The handover brief says who was accounted for during the shift and who
/// still is not, and the SITREP counts the people of concern; both name
/// people by number only, so the journal that keeps them holds no name.
pub fn briefs_and_sitreps_count_the_people_and_the_journal_keeps_no_name(store: &Store) {
    let w = world(store);
    let (inc, lima) = (w.incident, w.lima);
    let h = |n: i64| t0() + Duration::hours(n);
    let a = record(&w, "officer", h(0), yamada()).unwrap();
    let b = record(
        &w,
        "officer",
        h(0),
        NewPerson {
            family_name: Some("Quispe".into()),
            nationalities: vec!["PE".into()],
            role: "guest".into(),
            ..Default::default()
        },
    )
    .unwrap();
    report(&w, "officer", h(1), a, status("hostage", None, 6, h(1))).unwrap();
    report(&w, "officer", h(1), b, status("hostage", None, 6, h(1))).unwrap();
    // A first shift handed over and taken at h(2).
    let first = run(store, "officer", h(2), |c, ctx| {
        honbu_store::reports::issue_handover(c, ctx, inc, &IssueHandover { hq: lima })
    })
    .unwrap();
    run(store, "lima.analyst", h(2), |c, ctx| {
        honbu_store::reports::acknowledge_handover(c, ctx, first)
    })
    .unwrap();
    report(&w, "officer", h(3), b, status("released", None, 6, h(3))).unwrap();
    let brief = run(store, "officer", h(4), |c, ctx| {
        honbu_store::reports::issue_handover(c, ctx, inc, &IssueHandover { hq: lima })
    })
    .unwrap();
    let (payload, doc) = store
        .read_blocking(move |c| {
            let row = honbu_store::reports::handover(c, brief, At::Now)?.unwrap();
            let payload = c
                .query("SELECT payload FROM journal ORDER BY seq", &[])?
                .iter()
                .map(|r| r.text(0))
                .collect::<honbu_store::Result<Vec<_>>>()?
                .join("\n");
            Ok((payload, row.brief))
        })
        .unwrap();
    let b2: honbu_domain::reports::Brief = serde_json::from_value(doc).unwrap();
    assert_eq!(
        (b2.people.total, b2.people.accounted, b2.people.unaccounted),
        (2, 1, 1)
    );
    assert_eq!(
        b2.people
            .newly_accounted
            .iter()
            .map(|m| m.number)
            .collect::<Vec<_>>(),
        [2],
        "released during the shift"
    );
    assert_eq!(
        b2.people
            .still_unaccounted
            .iter()
            .map(|m| m.number)
            .collect::<Vec<_>>(),
        [1]
    );
    let sitrep = run(store, "officer", h(4), |c, ctx| {
        honbu_store::reports::issue_sitrep(
            c,
            ctx,
            inc,
            &IssueSitrep {
                from: t0().to_rfc3339(),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let doc = store
        .read_blocking(move |c| {
            Ok(honbu_store::reports::sitreps(c, inc, At::Now)?
                .into_iter()
                .find(|s| s.id == sitrep)
                .unwrap()
                .document)
        })
        .unwrap();
    let k = &doc["casualtyAndIllnessSummary"];
    assert_eq!(
        (
            k["totalOfConcern"].as_i64(),
            k["held"].as_i64(),
            k["safe"].as_i64()
        ),
        (Some(2), Some(1), Some(1)),
        "{k}"
    );
    let payload = payload + &doc.to_string();
    for name in ["Yamada", "Quispe", "TK1234567", "山田"] {
        assert!(!payload.contains(name), "{name} in the journal");
    }
}

fn import(
    w: &World,
    who: &str,
    source: SourceId,
    format: people::lists::Format,
    bytes: &[u8],
    take_good: bool,
) -> honbu_store::Result<honbu_domain::people::ImportReport> {
    let read = match format {
        people::lists::Format::Csv => {
            people::lists::read_csv(bytes, PersonRoleVocab::Hostage, 2026)
        }
        people::lists::Format::Pfif => {
            people::lists::read_pfif(bytes, PersonRoleVocab::Hostage, 2026)
        }
    }
    .map_err(StoreError::Invalid)?;
    let (inc, key, bytes) = (w.incident, w.store.key().clone(), bytes.to_vec());
    run(&w.store, who, t0() + Duration::hours(5), |c, ctx| {
        people::lists::import_list(c, ctx, &key, inc, source, format, &bytes, read, take_good)
    })
}

use honbu_domain::vocab::MatchOutcome;
use honbu_domain::vocab::PersonRole as PersonRoleVocab;

/// A list from a source: a sure match is linked to the person, someone new
/// becomes a person, a close one waits in review beside the candidate; a
/// broken row is named by line and field and holds the whole list back
/// unless the officer takes the good rows; the same file again creates
/// nothing; what the list says of a status is that source's report; the
/// rows are personal data, erased with their person.
pub fn a_list_is_matched_to_the_register_linking_creating_and_queueing_for_review(store: &Store) {
    let w = world(store);
    let gov = source(&w, "Peruvian government list", "host_government", "B");
    let yamada_id = record(&w, "officer", t0(), yamada()).unwrap();
    let suzuki = record(
        &w,
        "officer",
        t0(),
        NewPerson {
            family_name: Some("Suzuki".into()),
            given_name: Some("Ichiro".into()),
            date_of_birth: Some("1960-01-01".into()),
            nationalities: vec!["JP".into()],
            role: "hostage".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let csv = "name,date_of_birth,nationality,passport,status,company\n\
        \"YAMADA, Tarou\",1948-03-14,Japanese,TK1234567,released,Nikko Trading\n\
        \"GARCIA LOPEZ, Maria\",1970-05-02,Peru,,hostage,\n\
        \"BROKEN, Row\",1970-13-40,PE,,,\n\
        \"SUZUKI Ichirou\",1975,JPN,,,\n";
    let before = seq(store);
    let held = import(
        &w,
        "officer",
        gov,
        people::lists::Format::Csv,
        csv.as_bytes(),
        false,
    )
    .unwrap();
    assert!(held.held && held.list.is_none(), "{held:?}");
    assert_eq!(held.refused.len(), 1);
    assert_eq!(
        (held.refused[0].line, held.refused[0].field.as_str()),
        (4, "date_of_birth")
    );
    assert_eq!(seq(store), before, "nothing written while a row is refused");
    let r = import(
        &w,
        "officer",
        gov,
        people::lists::Format::Csv,
        csv.as_bytes(),
        true,
    )
    .unwrap();
    assert_eq!(
        (r.linked, r.new, r.review, r.refused.len()),
        (1, 1, 1, 1),
        "{r:?}"
    );
    // Yamada linked and released by the government's report; García new and held.
    let y = person_as(&w, "officer", yamada_id).unwrap();
    assert_eq!(y.person.status, PersonStatusVocab::Released);
    // The list's spelling was among his other names already: not added
    // twice; nothing known is overwritten, what was missing is filled in.
    let d = y.person.details.clone().unwrap();
    assert_eq!(d.other_names, ["YAMADA Tarou"]);
    assert_eq!(
        (
            d.given_name.as_str(),
            d.date_of_birth.map(|b| b.to_string())
        ),
        ("Taro", Some("1948-03-14".to_string())),
        "the full date fills in the month"
    );
    assert_eq!(y.reports[0].source_name, "Peruvian government list");
    // How the desk knows of him: the list and its line.
    assert_eq!(y.lists.len(), 1);
    assert_eq!(
        (
            y.lists[0].source_name.as_str(),
            y.lists[0].line,
            y.lists[0].outcome
        ),
        ("Peruvian government list", 2, MatchOutcome::Linked)
    );
    assert!(y.lists[0].probability.is_some_and(|p| p >= 0.9));
    let officer = principal(store, "officer");
    let inc = w.incident;
    let (o2, q) = (officer.clone(), inc);
    let all = store
        .read_blocking(move |c| {
            people::persons(c, &o2, q, At::Now, &PersonFilter::default(), 100, 0)
        })
        .unwrap();
    assert_eq!(all.total, 3);
    let garcia = all
        .items
        .iter()
        .find(|p| {
            p.details
                .as_ref()
                .is_some_and(|d| d.family_name == "GARCIA LOPEZ")
        })
        .unwrap();
    assert_eq!(
        (garcia.status, garcia.nationalities.clone()),
        (PersonStatusVocab::Hostage, vec!["PE".to_string()])
    );
    // Suzuki Ichirou, born fifteen years after Suzuki Ichiro: a namesake or
    // a wrong date, for an officer to say; in review beside him.
    let (o3, q) = (officer.clone(), inc);
    let queue = store
        .read_blocking(move |c| people::lists::review_queue(c, &o3, q, At::Now))
        .unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].line, 5);
    assert_eq!(queue[0].candidates[0].person.id, suzuki);
    assert_eq!(queue[0].row.as_ref().unwrap().given_name, "Ichirou");
    // The same file again: nothing new.
    let at = seq(store);
    let again = import(
        &w,
        "officer",
        gov,
        people::lists::Format::Csv,
        csv.as_bytes(),
        true,
    )
    .unwrap();
    assert!(again.duplicate && again.list == r.list);
    assert_eq!(seq(store), at);
    // The import replays to the very same rows (probabilities included).
    let live = store
        .read_blocking(honbu_store::schema::dump_read_models)
        .unwrap();
    store.rebuild_blocking().unwrap();
    let rebuilt = store
        .read_blocking(honbu_store::schema::dump_read_models)
        .unwrap();
    assert_eq!(honbu_store::schema::differences(&live, &rebuilt), None);
    // A stranger imports nothing; a reader neither.
    assert!(matches!(
        import(
            &w,
            "stranger",
            gov,
            people::lists::Format::Csv,
            b"name\nX Y\n",
            true
        ),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        import(
            &w,
            "reader",
            gov,
            people::lists::Format::Csv,
            b"name\nX Y\n",
            true
        ),
        Err(StoreError::Forbidden(_))
    ));
    // Yamada's erasure takes the list's row of him too; the journal still verifies.
    let rows = run(store, "officer", t0() + Duration::hours(6), |c, ctx| {
        people::erase_person(
            c,
            ctx,
            yamada_id,
            &ErasePerson {
                basis: "request".into(),
                reason: "asked".into(),
            },
        )
    })
    .unwrap();
    assert_eq!(
        rows, 3,
        "his details as recorded, as the list filled them in, and the list's row"
    );
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert!(matches!(v, Verdict::Intact { .. }), "{v:?}");
}

/// Person Finder's own PFIF documents: 1.4 taken (its latest note's status,
/// not the backdated one), a document with a bad record held back, its
/// good record taken when asked; a notes-only document refused by record.
pub fn pfif_documents_from_person_finder_are_imported_as_their_sources_say(store: &Store) {
    let w = world(store);
    let src = source(&w, "Person Finder", "agency", "C");
    let v14 = include_bytes!("../../../formats/testdata/pfif/test.pfif-1.4.xml");
    let r = import(&w, "officer", src, people::lists::Format::Pfif, v14, false).unwrap();
    assert_eq!((r.new, r.refused.len()), (1, 0), "{r:?}");
    let p = principal(store, "officer");
    let inc = w.incident;
    let all = store
        .read_blocking(move |c| {
            people::persons(c, &p, inc, At::Now, &PersonFilter::default(), 100, 0)
        })
        .unwrap();
    let d = all.items[0].details.clone().unwrap();
    assert_eq!(
        (d.family_name.as_str(), d.given_name.as_str()),
        ("_test_family_name", "_test_given_name")
    );
    // Its status note is 40121, is_note_author: no status of ours; the
    // backdated believed_missing after it does not hold.
    assert_eq!(all.items[0].status, PersonStatusVocab::Unknown);
    let bad = include_bytes!("../../../formats/testdata/pfif/test.pfif-1.2-badrecord.xml");
    let held = import(&w, "officer", src, people::lists::Format::Pfif, bad, false).unwrap();
    assert!(held.held);
    assert!(
        held.refused[0]
            .message
            .contains("foo.google.com/person.666"),
        "{:?}",
        held.refused
    );
    let took = import(&w, "officer", src, people::lists::Format::Pfif, bad, true).unwrap();
    assert_eq!(took.linked + took.new + took.review, 1);
    let notes = include_bytes!("../../../formats/testdata/pfif/test.pfif-1.2-note.xml");
    let n = import(
        &w,
        "officer",
        src,
        people::lists::Format::Pfif,
        notes,
        false,
    )
    .unwrap();
    assert!(n.held && n.refused.len() == 2, "{n:?}");
}

/// A consular list's names are the passport's: a sure link from it gives
/// the person their passport spelling, the register's earlier one kept
/// among their other names; another source's spelling only joins them.
pub fn a_consular_list_gives_people_their_passport_spelling(store: &Store) {
    let w = world(store);
    let gov = source(&w, "Host government", "host_government", "B");
    let embassy = source(&w, "Embassy consular list", "embassy", "A");
    import(
        &w,
        "officer",
        gov,
        people::lists::Format::Csv,
        "full_name,date_of_birth,nationality\n\"SUZUKI, Itirou\",14/03/1960,Japón\n".as_bytes(),
        false,
    )
    .unwrap();
    let r = import(&w, "officer", embassy, people::lists::Format::Csv, "surname,given_name,date_of_birth,passport_number,nationality\nSUZUKI,ICHIRO,1960-03-14,TK7654321,JP\n".as_bytes(), false).unwrap();
    assert_eq!(r.linked, 1, "{r:?}");
    let p = principal(store, "officer");
    let inc = w.incident;
    let all = store
        .read_blocking(move |c| {
            people::persons(c, &p, inc, At::Now, &PersonFilter::default(), 10, 0)
        })
        .unwrap();
    let d = all.items[0].details.clone().unwrap();
    assert_eq!(
        (
            d.family_name.as_str(),
            d.given_name.as_str(),
            d.passport_number.as_str()
        ),
        ("Suzuki", "Ichiro", "TK7654321")
    );
    assert_eq!(d.other_names, ["SUZUKI Itirou"]);
}
