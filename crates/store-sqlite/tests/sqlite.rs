//! The store contract on SQLite, plus what only a file database can show:
//! tampering with the file itself is caught by `journal verify`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use honbu_store::journal::{JournalKey, Verdict};
use honbu_store::Store;
use honbu_store_sqlite::{Durability, Sqlite};

use honbu_store::accounts;
use honbu_store::rules;
use honbu_testkit::temp_db;

/// The contract runs as honbu does by default: every commit durable.
fn make() -> Option<honbu_testkit::TempStore> {
    Some(honbu_testkit::sqlite(Durability::Full))
}

honbu_testkit::contract_tests!(make);

/// Officers writing at once: each entry is its own durable transaction,
/// they share the disk's flushes, none is lost, doubled or misnumbered, and
/// subscribers get the events in journal order however the writers were
/// answered.
#[test]
fn concurrent_durable_writers_each_get_their_own_entry_in_order() {
    let store = make().unwrap();
    let w = honbu_testkit::contract::world(&store);
    let mut live = store.subscribe();
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    honbu_testkit::contract::log_text(
                        &store,
                        w.incident,
                        &format!("writer {t} cable {i}"),
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let rows = store
        .read_blocking(|c| {
            c.query(
                "SELECT number, text FROM entries WHERE text LIKE 'writer %' ORDER BY number",
                &[],
            )
        })
        .unwrap();
    assert_eq!(rows.len(), 200);
    let numbers: Vec<i64> = rows.iter().map(|r| r.int(0).unwrap()).collect();
    assert!(numbers.windows(2).all(|p| p[1] == p[0] + 1), "{numbers:?}");
    let mut texts: Vec<String> = rows.iter().map(|r| r.text(1).unwrap()).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 200);
    assert!(matches!(
        store.verify_blocking(&mut |_, _| {}).unwrap(),
        Verdict::Intact { .. }
    ));
    let mut seqs = vec![];
    while let Ok(ev) = live.try_recv() {
        seqs.push(ev.seq);
    }
    assert_eq!(seqs.len(), 200, "every entry reached the bus once");
    assert!(
        seqs.windows(2).all(|p| p[1] == p[0] + 1),
        "in journal order: {seqs:?}"
    );
}

#[test]
fn tampering_with_the_database_file_is_named_by_verify() {
    let path = temp_db();
    let key = JournalKey::generate();
    let target;
    {
        let backend = Sqlite::open(&path, Durability::Full).unwrap();
        let store = Store::new(Box::new(backend), key.clone()).unwrap();
        let w = honbu_testkit::contract::world(&store);
        for i in 0..5 {
            honbu_testkit::contract::log_text(
                &store,
                w.incident,
                &format!("cable number {i} TAMPERME{i}"),
            );
        }
        target = store
            .read_blocking(|c| {
                c.query_one(
                    "SELECT seq FROM journal WHERE payload LIKE '%TAMPERME3%'",
                    &[],
                )
            })
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        assert!(matches!(
            store.verify_blocking(&mut |_, _| {}).unwrap(),
            Verdict::Intact { .. }
        ));
    }
    // Fold the WAL into the file, then change one byte of the stored payload
    // with no SQL at all, as someone with the file in hand could.
    Sqlite::open(&path, Durability::Full)
        .unwrap()
        .checkpoint()
        .unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let needle = b"TAMPERME3";
    let places: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| w == needle)
        .map(|(i, _)| i)
        .collect();
    assert!(!places.is_empty(), "the payload bytes are in the file");
    // Every copy: the journal's and the read model's.
    for pos in places {
        bytes[pos + needle.len() - 1] = b'8';
    }
    std::fs::write(&path, &bytes).unwrap();
    let store = Store::new(
        Box::new(Sqlite::open(&path, Durability::Full).unwrap()),
        key,
    )
    .unwrap();
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert_eq!(
        v,
        Verdict::Broken {
            seq: target,
            problem: "content was changed after it was written".into()
        }
    );
}

#[test]
fn a_different_key_does_not_verify() {
    let path = temp_db();
    {
        let store = Store::new(
            Box::new(Sqlite::open(&path, Durability::Normal).unwrap()),
            JournalKey::generate(),
        )
        .unwrap();
        honbu_testkit::contract::world(&store);
    }
    let store = Store::new(
        Box::new(Sqlite::open(&path, Durability::Normal).unwrap()),
        JournalKey::generate(),
    )
    .unwrap();
    assert!(matches!(
        store.verify_blocking(&mut |_, _| {}).unwrap(),
        Verdict::Broken { .. }
    ));
}

/// On start, the head and the newest entries are checked: a journal whose
/// recent entry was edited (or whose key is another) opens for reading and
/// refuses every write, naming the entry; one that verifies opens as ever.
#[test]
fn a_store_opened_on_a_broken_journal_reads_but_writes_nothing() {
    let path = temp_db();
    let key = JournalKey::generate();
    let open = |key: JournalKey| {
        Store::new(
            Box::new(Sqlite::open(&path, Durability::Normal).unwrap()),
            key,
        )
        .unwrap()
    };
    let target = {
        let store = open(key.clone());
        honbu_testkit::contract::world(&store);
        assert_eq!(store.journal_problem(), None);
        let target = store.read_blocking(honbu_store::journal::last_seq).unwrap() - 2;
        store
            .write_blocking(move |c| {
                c.exec(
                    "UPDATE journal SET payload = REPLACE(payload, 'a', 'b') WHERE seq = $1",
                    &[honbu_store::sql::Value::Int(target)],
                )?;
                Ok((vec![], ()))
            })
            .unwrap();
        target
    };
    let store = open(key.clone());
    let problem = store.journal_problem().expect("found at start");
    assert!(
        problem.starts_with(&format!("entry {target}:")),
        "{problem}"
    );
    let r = store.append_blocking(honbu_store::accounts::login_failed(
        "x",
        "y",
        0,
        honbu_testkit::contract::t0(),
    ));
    assert!(
        matches!(r, Err(honbu_store::StoreError::JournalBroken(_))),
        "{r:?}"
    );
    let users = store.read_blocking(accounts::users).unwrap();
    assert_eq!(users.len(), 6, "reads are served");
    // Another key: the head does not verify either.
    drop(store);
    let store = open(JournalKey::generate());
    assert!(store.journal_problem().unwrap().contains("does not verify"));
}

/// Seen: `journal rebuild` after a one-byte edit put the forged text live,
/// and on an emptied journal wiped users, incidents and tokens. Rebuild
/// verifies first and refuses, naming the entry, changing nothing.
#[test]
fn rebuild_refuses_a_journal_that_does_not_verify_and_changes_nothing() {
    let path = temp_db();
    let key = JournalKey::generate();
    let store = Store::new(
        Box::new(Sqlite::open(&path, Durability::Normal).unwrap()),
        key,
    )
    .unwrap();
    let w = honbu_testkit::contract::world(&store);
    honbu_testkit::contract::log_text(&store, w.incident, "the true text");
    let entries = |store: &Store| {
        store
            .read_blocking(|c| c.query("SELECT text FROM entries", &[]))
            .unwrap()
            .iter()
            .map(|r| r.text(0).unwrap())
            .collect::<Vec<_>>()
    };
    let raw = |sql: &'static str| {
        store
            .write_blocking(move |c| {
                c.exec(sql, &[])?;
                Ok((vec![], ()))
            })
            .unwrap()
    };
    raw("UPDATE journal SET payload = REPLACE(payload, 'the true text', 'the forged text') WHERE kind = 'entry_logged'");
    let r = store.rebuild_blocking();
    let Err(honbu_store::StoreError::JournalBroken(problem)) = r else {
        panic!("{r:?}")
    };
    assert!(problem.contains("content was changed"), "{problem}");
    assert_eq!(entries(&store), ["the true text"], "nothing changed");

    raw("DELETE FROM journal");
    raw("UPDATE journal_head SET seq = 0, hash = '0000000000000000000000000000000000000000000000000000000000000000', mac = ''");
    let r = store.rebuild_blocking();
    let Err(honbu_store::StoreError::JournalBroken(problem)) = r else {
        panic!("an emptied journal must not wipe the record: {r:?}")
    };
    assert!(
        problem.contains("the journal is empty but the read models hold 6 users"),
        "{problem}"
    );
    assert_eq!(store.read_blocking(accounts::users).unwrap().len(), 6);
    assert_eq!(entries(&store), ["the true text"]);
}

fn file_len(p: &std::path::Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Commits copy nothing into the main file themselves: a thread of its own
/// does, once the log has grown by the set number of pages, and the log is
/// then started again from the beginning rather than growing without end.
#[test]
fn the_log_is_checkpointed_by_its_own_thread_and_stays_bounded() {
    log_checkpointed_and_bounded(Durability::Normal);
}

/// The same with every commit synced by the group commit: checkpoints, the
/// log's restarts and its fsyncs meet, and every entry is still there.
#[test]
fn the_durable_log_is_checkpointed_and_stays_bounded() {
    log_checkpointed_and_bounded(Durability::Full);
}

fn log_checkpointed_and_bounded(durability: Durability) {
    const EVERY: i32 = 32;
    let path = temp_db();
    let wal = path.with_file_name("honbu.db-wal");
    let store = Store::new(
        Box::new(Sqlite::open_with_checkpoint(&path, durability, EVERY).unwrap()),
        JournalKey::generate(),
    )
    .unwrap();
    let w = honbu_testkit::contract::world(&store);
    let log = |n: usize, tag: &str| {
        for i in 0..n {
            honbu_testkit::contract::log_text(
                &store,
                w.incident,
                &format!("{tag} {i}: {}", "the cordon is unchanged. ".repeat(20)),
            );
        }
    };
    // Fewer frames than the writer's own limit (16 × EVERY): whatever
    // reaches the main file got there through the checkpoint thread.
    let before = file_len(&path);
    log(40, "first");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while file_len(&path) <= before && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        file_len(&path) > before,
        "the checkpoint thread copied the log into the main file ({before} bytes before, {} after)",
        file_len(&path)
    );
    // Many more frames than the limit: the log file stays bounded. The
    // writer checkpoints by itself past 16 × EVERY frames, but while the
    // checkpoint thread holds the checkpoint lock (slow on a loaded
    // machine: a CI run beside a build saw 1.8 times the limit) the
    // writer's attempt is refused and commits go on; twice past its limit
    // the writer waits for that thread (back-pressure), so the bound
    // allows twice that again. Each entry also writes its search index's
    // pages (about 15 frames a commit in all). Unchecked, these 1,200 entries make a log
    // eleven times past the limit (about 48 MB against 4.2 MB).
    log(1200, "second");
    let frame = 4096 + 24;
    let bound = 4 * 16 * EVERY as u64 * frame + 32;
    assert!(
        file_len(&wal) <= bound,
        "the log is {} bytes, more than {bound}",
        file_len(&wal)
    );
    let n = store
        .read_blocking(|c| c.query_one("SELECT COUNT(*) FROM entries", &[]))
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(n, 1240);
    assert!(matches!(
        store.verify_blocking(&mut |_, _| {}).unwrap(),
        Verdict::Intact { .. }
    ));
}

/// A database reached through a link keeps its log beside the real file,
/// where SQLite writes it, and that is the log whose fsync answers a commit.
#[test]
fn a_linked_database_is_synced_where_sqlite_keeps_its_log() {
    let real = temp_db();
    let link = temp_db();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let store = Store::new(
        Box::new(Sqlite::open(&link, Durability::Full).unwrap()),
        JournalKey::generate(),
    )
    .unwrap();
    honbu_testkit::contract::world(&store);
    assert!(real.with_file_name("honbu.db-wal").exists());
    assert!(!link.with_file_name("honbu.db-wal").exists());
}

/// Every durable write is answered after an fsync of the log, and writers
/// at once share them.
#[test]
fn durable_writes_are_answered_after_a_sync_of_the_log() {
    use honbu_store::Backend;
    let path = temp_db();
    let sqlite = Sqlite::open(&path, Durability::Full).unwrap();
    sqlite
        .write(&mut |c| c.batch("CREATE TABLE t (n BIGINT)"))
        .unwrap();
    let before = sqlite.log_syncs();
    for n in 0..5 {
        sqlite
            .write(&mut |c| {
                c.exec(
                    "INSERT INTO t (n) VALUES ($1)",
                    &[honbu_store::sql::Value::Int(n)],
                )
                .map(|_| ())
            })
            .unwrap();
        assert_eq!(
            sqlite.log_syncs(),
            before + n as u64 + 1,
            "one sync per write, one writer"
        );
    }
    // A write that changes nothing and a refused one still wait for what
    // came before; neither needs a sync of its own here.
    let before = sqlite.log_syncs();
    let refused = sqlite.write(&mut |_| Err(honbu_store::StoreError::NotFound));
    assert!(refused.is_err());
    assert_eq!(sqlite.log_syncs(), before);
}

/// A database migrated by a newer honbu is refused, not half-understood.
#[test]
fn a_database_from_a_newer_honbu_is_refused() {
    use honbu_store::Backend;
    let path = temp_db();
    {
        let sqlite = Sqlite::open(&path, Durability::Normal).unwrap();
        sqlite
            .write(&mut |c| {
                honbu_store::schema::migrate(c)?;
                c.exec(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (9999, '2030-01-01T00:00:00.000000Z')",
                    &[],
                )
                .map(|_| ())
            })
            .unwrap();
    }
    let e = Store::new(
        Box::new(Sqlite::open(&path, Durability::Normal).unwrap()),
        JournalKey::generate(),
    )
    .err()
    .unwrap()
    .to_string();
    assert!(e.contains("9999") && e.contains("newer honbu"), "{e}");
}

/// A database as migration 2 left it (password hashes in `users`) moves its
/// hashes to `credentials` when opened, and its users still sign in.
#[test]
fn migration_3_moves_password_hashes_out_of_users() {
    use honbu_store::sql::Value;
    use honbu_store::Backend;
    let path = temp_db();
    let key = JournalKey::generate();
    let hash = honbu_store::accounts::hash_password("an older passphrase").unwrap();
    let user = honbu_domain::ids::UserId::new().to_string();
    {
        let backend = Sqlite::open(&path, Durability::Normal).unwrap();
        let h = hash.clone();
        backend
            .write(&mut |c| {
                honbu_store::schema::migrate_to(c, 2)?;
                // The journal behind the row, as that honbu wrote it (the
                // hash was still in the event then).
                honbu_store::journal::append(
                    c,
                    &key,
                    vec![honbu_domain::events::Event {
                        at: honbu_testkit::contract::t0(),
                        actor: None,
                        incident: None,
                        body: honbu_domain::events::Body::UserCreated {
                            user: user.parse().unwrap(),
                            username: "old.hand".into(),
                            display_name: "Old Hand".into(),
                            password_hash: Some(h.clone()),
                            global_role: None,
                            locale: None,
                        },
                    }],
                )?;
                c.exec(
                    "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES ($1, 'old.hand', 'Old Hand', $2, '1996-12-18T00:00:00.000000Z')",
                    &[Value::Text(user.clone()), Value::Text(h.clone())],
                )?;
                Ok(())
            })
            .unwrap();
    }
    let store = Store::new(
        Box::new(Sqlite::open(&path, Durability::Normal).unwrap()),
        key,
    )
    .unwrap();
    assert_eq!(store.journal_problem(), None, "its journal verifies");
    let l = store
        .read_blocking(|c| honbu_store::accounts::user_by_name(c, "old.hand"))
        .unwrap()
        .unwrap();
    assert!(honbu_store::accounts::verify_password(
        "an older passphrase",
        &l.password_hash
    ));
    let columns = store
        .read_blocking(|c| c.query("SELECT name FROM pragma_table_info('users')", &[]))
        .unwrap();
    assert!(
        columns
            .iter()
            .all(|r| r.text(0).unwrap() != "password_hash"),
        "users keeps no password hash"
    );
}

/// A database as migration 3 left it (running counts on each incident row)
/// loses those columns when opened and keeps its incidents and entries; the
/// next entry takes the next number.
#[test]
fn migration_4_drops_the_running_counts_and_numbering_goes_on() {
    use honbu_store::sql::Value;
    use honbu_store::Backend;
    let path = temp_db();
    let key = JournalKey::generate();
    let incident = honbu_domain::ids::IncidentId::new().to_string();
    {
        let backend = Sqlite::open(&path, Durability::Normal).unwrap();
        backend
            .write(&mut |c| {
                honbu_store::schema::migrate_to(c, 3)?;
                // The journal behind the rows, as that honbu wrote it.
                let t0 = honbu_testkit::contract::t0();
                let inc: honbu_domain::ids::IncidentId = incident.parse().unwrap();
                let mut events = vec![honbu_domain::events::Event {
                    at: t0,
                    actor: None,
                    incident: Some(inc),
                    body: honbu_domain::events::Body::IncidentOpened {
                        kind: honbu_domain::vocab::IncidentKind::HostageTaking,
                        title: "Residence seized".into(),
                        country: "PE".into(),
                        place: honbu_domain::geo::Point { lat: -12.1, lon: -77.0 },
                        area: None,
                        severity: honbu_domain::vocab::Severity::Extreme,
                        time_zone: honbu_domain::time::Zone::parse("", "America/Lima").unwrap(),
                        summary: String::new(),
                    },
                }];
                for _ in 1..=3 {
                    events.push(honbu_domain::events::Event {
                        at: t0,
                        actor: None,
                        incident: Some(inc),
                        body: honbu_domain::events::Body::EntryLogged(Box::new(
                            honbu_domain::events::EntryLogged {
                                entry: honbu_domain::ids::EntryId::new(),
                                hq: honbu_domain::ids::HqId::new(),
                                occurred_at: t0,
                                reported_at: t0,
                                source: None,
                                source_name: "cable".into(),
                                reliability: honbu_domain::vocab::Reliability::B,
                                credibility: honbu_domain::vocab::Credibility::C2,
                                category: honbu_domain::vocab::Category::Information,
                                release: honbu_domain::vocab::Release::Incident,
                                significant: false,
                                text: "quiet".into(),
                                supersedes: None,
                                links: vec![],
                            },
                        )),
                    });
                }
                honbu_store::journal::append(c, &key, events)?;
                c.exec(
                    "INSERT INTO incidents (id, kind, title, country, lat, lon, area, severity, time_zone, summary, status, opened_at, opened_by, updated_at, last_seq, entries_total, significant_total, entries_open, significant_open) \
                     VALUES ($1, 'hostage_taking', 'Residence seized', 'PE', -12.1, -77.0, NULL, 'critical', 'America/Lima', '', 'active', '1996-12-17T23:20:00.000000Z', NULL, '1996-12-18T00:00:00.000000Z', 9, 99, 99, 99, 99)",
                    &[Value::Text(incident.clone())],
                )?;
                for n in 1..=3 {
                    c.exec(
                        "INSERT INTO entries (id, incident_id, number, seq, hq_id, author, occurred_at, reported_at, entered_at, source_id, source_name, reliability, credibility, category, release, significant, text, supersedes, superseded_by, links) \
                         VALUES ($1, $2, $3, $3, 'h', NULL, 't', 't', 't', NULL, 'cable', 'B', '2', 'information', 'incident', 0, 'quiet', NULL, NULL, '[]')",
                        &[Value::Text(honbu_domain::ids::EntryId::new().to_string()), Value::Text(incident.clone()), Value::Int(n)],
                    )?;
                }
                Ok(())
            })
            .unwrap();
    }
    let store = Store::new(
        Box::new(Sqlite::open(&path, Durability::Normal).unwrap()),
        key,
    )
    .unwrap();
    let columns: Vec<String> = store
        .read_blocking(|c| c.query("SELECT name FROM pragma_table_info('incidents')", &[]))
        .unwrap()
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect();
    for gone in [
        "updated_at",
        "last_seq",
        "entries_total",
        "significant_total",
        "entries_open",
        "significant_open",
    ] {
        assert!(
            !columns.iter().any(|c| c == gone),
            "{gone} is still in {columns:?}"
        );
    }
    assert!(columns.iter().any(|c| c == "title"));
    let (incidents, entries) = store
        .read_blocking(|c| {
            Ok((
                c.query_one("SELECT COUNT(*) FROM incidents", &[])?
                    .unwrap()
                    .int(0)?,
                c.query_one("SELECT COUNT(*) FROM entries", &[])?
                    .unwrap()
                    .int(0)?,
            ))
        })
        .unwrap();
    assert_eq!((incidents, entries), (1, 3));
    // The projector numbers from the entries, not from a stored count.
    store
        .write_blocking(|c| {
            let mut p = honbu_store::project::Projector::default();
            let ev = honbu_domain::events::Committed {
                seq: 10,
                event: honbu_domain::events::Event {
                    at: honbu_testkit::contract::t0(),
                    actor: None,
                    incident: Some(incident.parse().unwrap()),
                    body: honbu_domain::events::Body::EntryLogged(Box::new(
                        honbu_domain::events::EntryLogged {
                            entry: honbu_domain::ids::EntryId::new(),
                            hq: honbu_domain::ids::HqId::new(),
                            occurred_at: honbu_testkit::contract::t0(),
                            reported_at: honbu_testkit::contract::t0(),
                            source: None,
                            source_name: "cable".into(),
                            reliability: honbu_domain::vocab::Reliability::B,
                            credibility: honbu_domain::vocab::Credibility::C2,
                            category: honbu_domain::vocab::Category::Information,
                            release: honbu_domain::vocab::Release::Incident,
                            significant: false,
                            text: "the fourth".into(),
                            supersedes: None,
                            links: vec![],
                        },
                    )),
                },
            };
            p.apply(c, &ev)?;
            Ok((vec![], ()))
        })
        .unwrap();
    let n = store
        .read_blocking(|c| c.query_one("SELECT number FROM entries WHERE text = 'the fourth'", &[]))
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(n, 4);
}

/// Events written before credentials left the journal still carry a hash:
/// replayed, they let their users sign in, and never undo a later change.
#[test]
fn a_journal_from_before_credentials_still_signs_its_users_in() {
    use honbu_domain::events::{Body, Event};

    use honbu_testkit::contract;
    let store = make().unwrap();
    contract::world(&store);
    let p = contract::principal(&store, "mofa.head");
    let signs_in = |pw: &str| {
        let l = store
            .read_blocking(|c| accounts::user_by_name(c, "mofa.head"))
            .unwrap()
            .unwrap();
        accounts::verify_password(pw, &l.password_hash)
    };
    let old = accounts::hash_password("a passphrase from an old journal").unwrap();
    store
        .append_blocking(vec![Event {
            at: contract::t0() + chrono::Duration::hours(1),
            actor: Some(p.user),
            incident: None,
            body: Body::PasswordChanged {
                user: p.user,
                password_hash: Some(old),
            },
        }])
        .unwrap();
    assert!(signs_in("a passphrase from an old journal"));
    let new = accounts::hash_password("a passphrase set the new way").unwrap();
    let now = contract::t0() + chrono::Duration::hours(2);
    store
        .write_blocking(|c| accounts::change_password(c, &rules::Ctx { p: &p, now }, new))
        .unwrap();
    store.rebuild_blocking().unwrap();
    assert!(
        signs_in("a passphrase set the new way"),
        "the replayed old hash did not undo it"
    );
}

/// A database as migration 4 left it gets its validity ranges from its own
/// journal when opened: the read models are replayed, so every row knows the
/// position it holds from and every change has its earlier version kept;
/// who was signed in stays signed in.
#[test]
fn migration_5_replays_the_journal_into_the_versioned_tables_and_keeps_sessions() {
    use honbu_domain::events::{Body, EntryLogged, Event};
    use honbu_store::sql::Value;
    use honbu_store::versions::At;
    use honbu_store::Backend;
    let path = temp_db();
    let key = JournalKey::generate();
    let t0 = honbu_testkit::contract::t0();
    let (user, inc, entry) = (
        honbu_domain::ids::UserId::new(),
        honbu_domain::ids::IncidentId::new(),
        honbu_domain::ids::EntryId::new(),
    );
    let ev = |incident, body| Event {
        at: t0,
        actor: Some(user),
        incident,
        body,
    };
    let events = vec![
        ev(
            None,
            Body::UserCreated {
                user,
                username: "kato".into(),
                display_name: "Kato".into(),
                password_hash: None,
                global_role: Some(honbu_domain::vocab::GlobalRole::Admin),
                locale: None,
            },
        ),
        ev(
            Some(inc),
            Body::IncidentOpened {
                kind: honbu_domain::vocab::IncidentKind::HostageTaking,
                title: "Residence seized".into(),
                country: "PE".into(),
                place: honbu_domain::geo::Point {
                    lat: -12.1,
                    lon: -77.0,
                },
                area: None,
                severity: honbu_domain::vocab::Severity::Extreme,
                time_zone: honbu_domain::time::Zone::parse("", "America/Lima").unwrap(),
                summary: String::new(),
            },
        ),
        ev(
            Some(inc),
            Body::EntryLogged(Box::new(EntryLogged {
                entry,
                hq: honbu_domain::ids::HqId::new(),
                occurred_at: t0,
                reported_at: t0,
                source: None,
                source_name: "cable".into(),
                reliability: honbu_domain::vocab::Reliability::B,
                credibility: honbu_domain::vocab::Credibility::C2,
                category: honbu_domain::vocab::Category::Information,
                release: honbu_domain::vocab::Release::Incident,
                significant: false,
                text: "quiet".into(),
                supersedes: None,
                links: vec![],
            })),
        ),
        ev(
            Some(inc),
            Body::EntrySignificance {
                entry,
                significant: true,
            },
        ),
    ];
    {
        let backend = Sqlite::open(&path, Durability::Normal).unwrap();
        let (k, events) = (key.clone(), events.clone());
        let mut events = Some(events);
        backend
            .write(&mut |c| {
                honbu_store::schema::migrate_to(c, 4)?;
                honbu_store::journal::append(c, &k, events.take().unwrap_or_default())?;
                c.exec(
                    "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ('h', $1, 'x', '1996-12-18T00:00:00.000000Z', '2999-01-01T00:00:00.000000Z')",
                    &[Value::Text(user.to_string())],
                )?;
                Ok(())
            })
            .unwrap();
    }
    let store = Store::new(
        Box::new(Sqlite::open(&path, Durability::Normal).unwrap()),
        key,
    )
    .unwrap();
    let count = |sql: &'static str| {
        store
            .read_blocking(move |c| c.query_one(sql, &[]).map(|r| r.unwrap().int(0).unwrap()))
            .unwrap()
    };
    assert_eq!(count("SELECT COUNT(*) FROM sessions"), 1, "still signed in");
    assert_eq!(count("SELECT COUNT(*) FROM users"), 1);
    assert_eq!(
        count("SELECT from_seq FROM entries"),
        4,
        "changed by event 4"
    );
    assert_eq!(
        count("SELECT to_seq FROM entries_history WHERE from_seq = 3"),
        4,
        "the version logged at 3 held until 4"
    );
    let p = honbu_testkit::contract::principal(&store, "kato");
    let (then, now) = store
        .read_blocking(move |c| {
            Ok((
                honbu_store::log::entry(c, &p, entry, At::Seq(3))?
                    .unwrap()
                    .1,
                honbu_store::log::entry(c, &p, entry, At::Now)?.unwrap().1,
            ))
        })
        .unwrap();
    assert!(!then.significant && now.significant);
    assert!(matches!(
        store.verify_blocking(&mut |_, _| {}).unwrap(),
        Verdict::Intact { events: 4, .. }
    ));
}

/// The search index is written behind the commits, in a file of its own:
/// a search finds what it does not hold yet as surely as what it does
/// (pages walked across both, newest first and oldest first); it holds
/// everything once settled; a file that is not this journal's (restored
/// beside another database, or forged) is made again at start, a missing
/// one too, and a rebuild of the read models makes it again.
#[test]
fn the_search_index_behind_the_commits_misses_nothing_and_is_made_again_when_not_its_journals() {
    use honbu_domain::events::{Body, EntryLogged, Event};
    use honbu_domain::ids::EntryId;
    use honbu_domain::vocab::*;
    use honbu_store::versions::At;
    use std::sync::Arc;
    let path = temp_db();
    let key = JournalKey::generate();
    let open = |key: &JournalKey| {
        let sqlite = Arc::new(Sqlite::open(&path, Durability::Normal).unwrap());
        let store = Store::new(Box::new(sqlite.clone()), key.clone()).unwrap();
        (sqlite, store)
    };
    let (sqlite, store) = open(&key);
    let w = honbu_testkit::contract::world(&store);
    let head = honbu_testkit::contract::principal(&store, "mofa.head");
    let log = |store: &Store, from: usize, to: usize| {
        let events = (from..to)
            .map(|j| Event {
                at: honbu_testkit::contract::t0(),
                actor: Some(head.user),
                incident: Some(w.incident),
                body: Body::EntryLogged(Box::new(EntryLogged {
                    entry: EntryId::new(),
                    hq: w.mofa,
                    occurred_at: honbu_testkit::contract::t0(),
                    reported_at: honbu_testkit::contract::t0(),
                    source: None,
                    source_name: "Embassy cables".into(),
                    reliability: Reliability::B,
                    credibility: Credibility::C2,
                    category: Category::Information,
                    // One in three MOFA's only: Lima's analyst may not read it.
                    release: if j % 3 == 0 {
                        Release::Hq
                    } else {
                        Release::Incident
                    },
                    significant: false,
                    text: if j % 2 == 0 {
                        format!("cable {j}: the Cordon holds; 人質 safe")
                    } else {
                        format!("cable {j}: nothing new")
                    },
                    supersedes: None,
                    links: vec![],
                })),
            })
            .collect();
        store.append_blocking(events).unwrap().last().unwrap().seq
    };
    let walk = |store: &Store, typed: &str, ascending: bool| {
        honbu_testkit::contract::search_pages(
            store,
            &head,
            w.incident,
            typed,
            At::Now,
            ascending,
            30,
        )
    };
    // What Lima's analyst finds: never an entry MOFA keeps to itself,
    // whether the index holds it or not.
    let lima = honbu_testkit::contract::principal(&store, "lima.analyst");
    let lima_finds = |store: &Store, typed: &str| {
        honbu_testkit::contract::search_pages(store, &lima, w.incident, typed, At::Now, false, 30).0
    };
    // An index row for the entry before the last indexed, with a word the
    // entry does not hold.
    let forge = |search: &std::path::Path| {
        let c = rusqlite::Connection::open(search).unwrap();
        let seq: i64 = c
            .query_row("SELECT upto FROM indexed", [], |r| r.get(0))
            .unwrap();
        c.execute(
            "INSERT INTO entries_search (rowid, text) VALUES (?1, 'zebra crossing')",
            [seq - 1],
        )
        .unwrap();
        c
    };

    // Held back: nothing logged now is in the index, yet all is found
    // (words of three letters and more, of two, in any case).
    sqlite.hold_index(true);
    let upto = sqlite.indexed_upto().unwrap().unwrap();
    let last = log(&store, 0, 120);
    assert_eq!(sqlite.indexed_upto().unwrap(), Some(upto), "held back");
    let (ahead, total) = walk(&store, "cordon", false);
    assert_eq!((ahead.len(), total), (60, (60, true)));
    // Of the 60 (even j in 0..120), those with j divisible by 3 are hidden.
    assert_eq!(lima_finds(&store, "cordon").len(), 40);
    assert_eq!(walk(&store, "人質", true).0.len(), 60);
    // Let go: the index holds everything, and finds the same.
    sqlite.hold_index(false);
    store.settle_blocking().unwrap();
    assert_eq!(sqlite.indexed_upto().unwrap(), Some(last));
    assert_eq!(walk(&store, "cordon", false).0, ahead);
    assert_eq!(lima_finds(&store, "cordon").len(), 40, "through the index");
    // Half in the index, half not: pages cross from one to the other.
    sqlite.hold_index(true);
    log(&store, 120, 200);
    for ascending in [false, true] {
        let (got, total) = walk(&store, "cordon 人質", ascending);
        assert_eq!(
            (got.len(), total),
            (100, (100, true)),
            "ascending {ascending}"
        );
    }
    let (both, _) = walk(&store, "cordon", false);
    // 100 matches, 67 of them (j not divisible by 3 among the even) Lima's.
    assert_eq!(
        lima_finds(&store, "cordon").len(),
        (0..200).filter(|j| j % 2 == 0 && j % 3 != 0).count(),
        "across both"
    );
    sqlite.hold_index(false);
    store.settle_blocking().unwrap();
    drop(store);
    drop(sqlite);

    // A forged index (a word the entry does not hold, a hash of another
    // journal) is made again when the store opens.
    let search = honbu_store_sqlite::search::path_of(&path);
    forge(&search)
        .execute("UPDATE indexed SET hash = 'not this journal'", [])
        .unwrap();
    let (sqlite, store) = open(&key);
    store.settle_blocking().unwrap();
    assert!(walk(&store, "zebra", false).0.is_empty(), "made again");
    assert_eq!(walk(&store, "cordon", false).0, both);
    // A rebuild of the read models makes it again too.
    drop(forge(&search));
    // Searches go through the index: the forged row is found (the text
    // it names does not hold the word).
    let (p, incident) = (head.clone(), w.incident);
    let forged = store
        .read_blocking(move |c| {
            honbu_store::log::entries(
                c,
                &p,
                incident,
                At::Now,
                &honbu_store::log::EntryQuery {
                    limit: 10,
                    filter: honbu_store::log::Filter {
                        words: vec!["zebra".into()],
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
        })
        .unwrap();
    assert_eq!(forged.total, 1, "forged under a running store");
    store.rebuild_blocking().unwrap();
    store.settle_blocking().unwrap();
    assert!(
        walk(&store, "zebra", false).0.is_empty(),
        "made again by the rebuild"
    );
    assert_eq!(walk(&store, "cordon", false).0, both);
    drop(store);
    drop(sqlite);
    // A missing file is made again.
    for suffix in ["", "-wal", "-shm"] {
        let mut p = search.as_os_str().to_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    let (sqlite, store) = open(&key);
    store.settle_blocking().unwrap();
    assert_eq!(walk(&store, "cordon", false).0, both);
    assert!(sqlite.indexed_upto().unwrap().unwrap() > 0);
}
