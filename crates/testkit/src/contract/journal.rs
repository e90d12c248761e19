//! The journal: verification, rebuild, live subscribers.

use super::*;
use honbu_store::schema;

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
                &[honbu_store::sql::Value::Int(target)],
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
                c.exec(sql, &[honbu_store::sql::Value::Int(v)])?;
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

/// Seen: with the last 3 rows deleted and the head row rewritten to the new
/// last row, the next write of any kind signed the head again and verify
/// then reported the journal intact. Now every write checks the head first:
/// the write is refused naming the problem, nothing is written, writes stay
/// refused, and the journal still fails to verify.
pub fn a_cut_journal_is_not_sealed_again_by_the_next_write(store: &Store) {
    let w = busy_world(store);
    let raw = |sql: &'static str, v: Vec<honbu_store::sql::Value>| {
        store
            .write_blocking(move |c| {
                c.exec(sql, &v)?;
                Ok((vec![], ()))
            })
            .unwrap()
    };
    let n = seq(store);
    raw(
        "DELETE FROM journal WHERE seq > $1",
        vec![honbu_store::sql::Value::Int(n - 3)],
    );
    let last_hash = store
        .read_blocking(move |c| {
            c.query_one(
                "SELECT hash FROM journal WHERE seq = $1",
                &[honbu_store::sql::Value::Int(n - 3)],
            )
        })
        .unwrap()
        .unwrap()
        .text(0)
        .unwrap();
    raw(
        "UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1",
        vec![honbu_store::sql::Value::Int(n - 3), last_hash.into()],
    );
    let before = store
        .read_blocking(|c| c.query("SELECT seq FROM journal", &[]))
        .unwrap()
        .len();
    let sign_in = || {
        let u = principal(store, "stranger").user;
        store.write_blocking(move |c| honbu_store::accounts::open_session(c, u, t0()))
    };
    let r = sign_in();
    let Err(StoreError::JournalBroken(problem)) = r else {
        panic!("the write must be refused: {r:?}")
    };
    assert!(problem.contains("does not verify"), "{problem}");
    assert_eq!(
        store
            .read_blocking(|c| c.query("SELECT seq FROM journal", &[]))
            .unwrap()
            .len(),
        before,
        "nothing was written"
    );
    assert!(
        store
            .read_blocking(|c| c.query("SELECT * FROM sessions", &[]))
            .unwrap()
            .is_empty(),
        "not even the session the sign-in would have opened"
    );
    assert!(store.journal_problem().is_some(), "writes stay refused");
    assert!(matches!(sign_in(), Err(StoreError::JournalBroken(_))));
    let v = store.verify_blocking(&mut |_, _| {}).unwrap();
    assert!(matches!(v, Verdict::Broken { .. }), "still broken: {v:?}");
    // Reads are still served.
    assert!(board(&w, "admin", t0()).is_some());
}

/// Rows cut off the end with the head left alone, or added behind its
/// back: a write refuses either, as does a rebuild, naming the entry.
pub fn a_write_refuses_a_journal_cut_or_extended_behind_its_head(store: &Store) {
    busy_world(store);
    let n = seq(store);
    store
        .write_blocking(move |c| {
            c.exec(
                "UPDATE journal SET seq = seq + 1000 WHERE seq = $1",
                &[honbu_store::sql::Value::Int(n)],
            )?;
            Ok((vec![], ()))
        })
        .unwrap();
    let r = store.append_blocking(honbu_store::accounts::login_failed("x", "y", 0, t0()));
    let Err(StoreError::JournalBroken(problem)) = r else {
        panic!("{r:?}")
    };
    assert!(
        problem.contains(&format!("ends at entry {}", n + 1000)),
        "{problem}"
    );
    let r = store.rebuild_blocking();
    assert!(
        matches!(r, Err(StoreError::JournalBroken(_))),
        "rebuild refuses too: {r:?}"
    );
}

pub fn rebuilt_read_models_equal_the_live_ones(store: &Store) {
    busy_world(store);
    let live = store.read_blocking(schema::dump_read_models).unwrap();
    let n = store.rebuild_blocking().unwrap();
    assert_eq!(n, seq(store));
    let rebuilt = store.read_blocking(schema::dump_read_models).unwrap();
    for ((t1, a), (_, b)) in live.iter().zip(rebuilt.iter()) {
        assert_eq!(a, b, "table {t1} differs after rebuild");
    }
    assert!(live
        .iter()
        .find(|(t, _)| t == "entries")
        .is_some_and(|(_, r)| r.len() == 30));
}

/// Seen: an entry's text edited directly in its table was caught by
/// nothing. The read-model check finds it (changing nothing), and a
/// rebuild repairs it.
pub fn the_read_model_check_finds_a_row_edited_behind_the_journal(store: &Store) {
    let w = world(store);
    let e = entry(
        &w,
        "mofa.head",
        t0(),
        text_entry("Twelve hostages seen at the windows"),
    )
    .unwrap();
    assert_eq!(
        store.check_read_models_blocking().unwrap(),
        None,
        "as the journal says"
    );
    let before = seq(store);
    store
        .write_blocking(move |c| {
            c.exec(
                "UPDATE entries SET text = 'No hostages seen' WHERE id = $1",
                &[honbu_store::sql::t(e)],
            )?;
            Ok((vec![], ()))
        })
        .unwrap();
    let found = store
        .check_read_models_blocking()
        .unwrap()
        .expect("the edit is found");
    assert!(found.starts_with("entries: 1 row(s)"), "{found}");
    assert!(
        found.contains("No hostages seen") && found.contains("Twelve hostages"),
        "{found}"
    );
    let text = |store: &Store| {
        store
            .read_blocking(move |c| {
                c.query_one(
                    "SELECT text FROM entries WHERE id = $1",
                    &[honbu_store::sql::t(e)],
                )?
                .ok_or(StoreError::NotFound)?
                .text(0)
            })
            .unwrap()
    };
    assert_eq!(text(store), "No hostages seen", "the check changes nothing");
    assert_eq!(seq(store), before);
    store.rebuild_blocking().unwrap();
    assert_eq!(text(store), "Twelve hostages seen at the windows");
    assert_eq!(store.check_read_models_blocking().unwrap(), None);
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

/// A failure of the database keeps the driver's own error underneath the
/// store's, for the log.
pub fn a_database_failure_keeps_the_drivers_error_as_its_source(store: &Store) {
    let e = store
        .read_blocking(|c| c.query("SELECT no_such_column FROM no_such_table", &[]))
        .unwrap_err();
    assert!(matches!(e, StoreError::Db { .. }), "{e:?}");
    let source = std::error::Error::source(&e).expect("the driver's error is kept");
    assert!(
        e.to_string().contains("no_such_table") && !source.to_string().is_empty(),
        "{e} / {source}"
    );
}
