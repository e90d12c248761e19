//! The store contract on PostgreSQL. Runs when HONBU_TEST_POSTGRES holds a
//! server URL (`.ci/run` sets it); under CI a missing variable or server is
//! a failure, never a skip. Each test gets a database of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use honbu_store::journal::JournalKey;
use honbu_testkit::postgres;

honbu_testkit::contract_tests!(postgres::store);

#[test]
fn two_instances_share_one_chain_and_see_each_others_events() {
    let Some(url) = postgres::server() else {
        return;
    };
    let db = postgres::fresh_database(&url);
    let key = JournalKey::generate();
    let a = postgres::store_on(&db, key.clone());
    let b = postgres::store_on(&db, key);
    let mut rx = b.subscribe();
    let w = honbu_testkit::contract::world(&a);
    let last = a.read_blocking(honbu_store::journal::last_seq).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut got = 0;
    while got < last {
        match rx.try_recv() {
            Ok(ev) => got = ev.seq,
            Err(_) => {
                assert!(
                    std::time::Instant::now() < deadline,
                    "instance b saw {got} of {last} events"
                );
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        }
    }
    // Both append concurrently; the chain stays whole.
    let threads: Vec<_> = [a.clone(), b.clone()]
        .into_iter()
        .enumerate()
        .map(|(n, s)| {
            let inc = w.incident;
            std::thread::spawn(move || {
                for i in 0..20 {
                    honbu_testkit::contract::log_text(&s, inc, &format!("{n}-{i}"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert!(
        matches!(b.verify_blocking(&mut |_, _| {}).unwrap(), honbu_store::journal::Verdict::Intact { events, .. } if events == last + 40)
    );
}
