//! Store benchmarks on SQLite, each beside the same work done the plain way
//! in the same run:
//! - appending log entries through the store (journal chain and read models
//!   included), 100 per transaction and one durable transaction each (one
//!   writer after another, and 8 at once), against plain SQLite inserts of
//!   the same rows with the same settings;
//! - `journal verify` over N events, against a plain read of the same rows.
//!
//! cargo run --release -p honbu-store-sqlite --example bench_store [-- EVENTS_FOR_VERIFY]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use honbu_domain::events::{Body, EntryLogged, Event};
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use honbu_store::journal::{JournalKey, Verdict};
use honbu_store::Store;
use honbu_store_sqlite::{Durability, Sqlite};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A file in a directory of its own, removed when the benchmark ends
/// (the directory is kept alive by the returned guard).
fn temp(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = honbu_testkit::temp_dir("bench");
    let path = dir.path().join(name);
    (dir, path)
}

struct Setup {
    store: Store,
    incident: IncidentId,
    hq: HqId,
    user: UserId,
    /// The database's directory, removed when the run is done with it.
    _dir: tempfile::TempDir,
}

fn setup(durability: Durability) -> Setup {
    setup_shared(durability).0
}

fn setup_shared(durability: Durability) -> (Setup, Arc<Sqlite>) {
    let (dir, path) = temp("honbu.db");
    let sqlite = Arc::new(Sqlite::open(&path, durability).unwrap());
    let store = Store::new(Box::new(sqlite.clone()), JournalKey::generate()).unwrap();
    let w = honbu_testkit::contract::world(&store);
    let user = honbu_testkit::contract::principal(&store, "mofa.head").user;
    (
        Setup {
            store,
            incident: w.incident,
            hq: w.mofa,
            user,
            _dir: dir,
        },
        sqlite,
    )
}

fn entry_event(s: &Setup, i: usize) -> Event {
    let now = honbu_domain::time::trunc(Utc::now());
    Event {
        at: now,
        actor: Some(s.user),
        incident: Some(s.incident),
        body: Body::EntryLogged(Box::new(EntryLogged {
            entry: EntryId::new(),
            hq: s.hq,
            occurred_at: now,
            reported_at: now,
            source: None,
            source_name: "Embassy of Japan in Peru (cables)".into(),
            reliability: Reliability::B,
            credibility: Credibility::C2,
            category: Category::Information,
            release: Release::Incident,
            significant: i.is_multiple_of(10),
            text: format!("Cable {i}: the residence is quiet; the cordon is unchanged; supplies went in at 14:00 through the ICRC."),
            supersedes: None,
            links: vec![],
        })),
    }
}

/// The same row, inserted with plain SQL into a table shaped like `entries`;
/// `writers` threads share the one connection (as an application would).
fn plain(path: &PathBuf, durability: Durability, n: usize, per_tx: usize, writers: usize) -> f64 {
    let c = rusqlite::Connection::open(path).unwrap();
    let sync = if durability == Durability::Full {
        "FULL"
    } else {
        "NORMAL"
    };
    c.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864;
         CREATE TABLE entries (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL, number BIGINT NOT NULL, seq BIGINT NOT NULL, hq_id TEXT NOT NULL,
           author TEXT, occurred_at TEXT NOT NULL, reported_at TEXT NOT NULL, entered_at TEXT NOT NULL, source_id TEXT, source_name TEXT NOT NULL,
           reliability TEXT NOT NULL, credibility TEXT NOT NULL, category TEXT NOT NULL, release TEXT NOT NULL, significant BIGINT NOT NULL,
           text TEXT NOT NULL, supersedes TEXT, superseded_by TEXT, links TEXT NOT NULL);
         CREATE UNIQUE INDEX entries_by_number ON entries (incident_id, number);
         CREATE INDEX entries_significant ON entries (incident_id, number) WHERE significant = 1;
         CREATE INDEX entries_hq_only ON entries (incident_id, hq_id, significant) WHERE release = 'hq';"
    ))
    .unwrap();
    let inc = uuid::Uuid::new_v4().to_string();
    let c = Mutex::new(c);
    let t0 = Instant::now();
    std::thread::scope(|scope| {
        for w in 0..writers {
            let (c, inc) = (&c, &inc);
            scope.spawn(move || plain_writer(c, inc, w, writers, n, per_tx));
        }
    });
    n as f64 / t0.elapsed().as_secs_f64()
}

fn plain_writer(
    c: &Mutex<rusqlite::Connection>,
    inc: &str,
    w: usize,
    writers: usize,
    n: usize,
    per_tx: usize,
) {
    let mut i = w;
    while i < n {
        let c = c.lock().unwrap();
        c.execute_batch("BEGIN IMMEDIATE").unwrap();
        {
            let mut st = c.prepare_cached("INSERT INTO entries VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?6, ?6, NULL, ?7, 'B', '2', 'information', 'incident', ?8, ?9, NULL, NULL, '[]')").unwrap();
            for _ in 0..per_tx {
                if i >= n {
                    break;
                }
                let now = honbu_domain::time::to_db(&Utc::now());
                st.execute(rusqlite::params![
                    uuid::Uuid::now_v7().to_string(), inc, i as i64, uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string(), now,
                    "Embassy of Japan in Peru (cables)", i.is_multiple_of(10) as i64,
                    format!("Cable {i}: the residence is quiet; the cordon is unchanged; supplies went in at 14:00 through the ICRC.")
                ])
                .unwrap();
                i += writers;
            }
        }
        c.execute_batch("COMMIT").unwrap();
    }
}

/// Entries per second through the store, and commits per log fsync.
/// Appends `n` entries through the store: the rate, commits per fsync, and
/// the search index's lag at the last commit (entries it did not hold yet,
/// and the milliseconds it took to hold them all).
fn through_store(
    durability: Durability,
    n: usize,
    per_tx: usize,
    writers: usize,
) -> (f64, f64, (i64, f64)) {
    let (s, sqlite) = setup_shared(durability);
    let syncs0 = sqlite.log_syncs();
    let t0 = Instant::now();
    std::thread::scope(|scope| {
        for w in 0..writers {
            let s = &s;
            scope.spawn(move || {
                // Writer w takes transactions w, w + writers, …
                let mut i = w * per_tx;
                while i < n {
                    let k = per_tx.min(n - i);
                    let events: Vec<Event> = (i..i + k).map(|j| entry_event(s, j)).collect();
                    s.store.append_blocking(events).unwrap();
                    i += writers * per_tx;
                }
            });
        }
    });
    let rate = n as f64 / t0.elapsed().as_secs_f64();
    // The search index is written behind the commits, by a thread of its
    // own: how far behind it was, and how long it took to catch up.
    let last = s
        .store
        .read_blocking(honbu_store::journal::last_seq)
        .unwrap();
    let upto = sqlite.indexed_upto().unwrap().unwrap_or(0);
    let behind = s
        .store
        .read_blocking(move |c| {
            c.query_one(
                "SELECT COUNT(*) FROM entries WHERE seq > $1",
                &[honbu_store::sql::Value::Int(upto)],
            )
        })
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    let t1 = Instant::now();
    s.store.settle_blocking().unwrap();
    let catch_up = t1.elapsed().as_secs_f64() * 1e3;
    assert_eq!(sqlite.indexed_upto().unwrap(), Some(last));
    let commits = n.div_ceil(per_tx) as f64;
    let per_sync = commits / (sqlite.log_syncs() - syncs0).max(1) as f64;
    let total = s
        .store
        .read_blocking(|c| c.query_one("SELECT COUNT(*) FROM entries", &[]))
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(total as usize, n);
    assert!(matches!(
        s.store.verify_blocking(&mut |_, _| {}).unwrap(),
        Verdict::Intact { .. }
    ));
    (rate, per_sync, (behind, catch_up))
}

/// What this disk allows: commits per second of a loop that writes `pages`
/// log frames (a 24-byte header and a 4 KiB page each, as SQLite's WAL does)
/// over space written before, then fsyncs. The ceiling under any
/// one-durable-commit-at-a-time figure.
fn disk_ceiling(pages: usize, n: usize) -> f64 {
    use std::io::Write;
    use std::os::unix::fs::FileExt;
    let (_dir, path) = temp("fsync.bin");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let frame = 24 + 4096;
    f.write_all(&vec![0u8; frame * pages * n]).unwrap();
    f.sync_all().unwrap();
    let (head, page) = ([7u8; 24], [9u8; 4096]);
    let t0 = Instant::now();
    let mut off = 0u64;
    for _ in 0..n {
        for _ in 0..pages {
            f.write_all_at(&head, off).unwrap();
            f.write_all_at(&page, off + 24).unwrap();
            off += frame as u64;
        }
        f.sync_all().unwrap();
    }
    let rate = n as f64 / t0.elapsed().as_secs_f64();
    drop(f);
    let _ = std::fs::remove_file(&path);
    rate
}

fn main() {
    let verify_n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    println!(
        "honbu store benchmarks (SQLite, {} cores)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    for (label, durability, n, per_tx, writers) in [
        (
            "100 entries per transaction, durable",
            Durability::Full,
            100_000,
            100,
            1,
        ),
        (
            "100 entries per transaction, synchronous=NORMAL (crash-safe, not power-loss-safe)",
            Durability::Normal,
            100_000,
            100,
            1,
        ),
        (
            "one durable transaction per entry, one writer after another",
            Durability::Full,
            5_000,
            1,
            1,
        ),
        (
            "one durable transaction per entry, 8 writers at once",
            Durability::Full,
            20_000,
            1,
            8,
        ),
        (
            "one transaction per entry, synchronous=NORMAL (the same without its fsync)",
            Durability::Normal,
            5_000,
            1,
            1,
        ),
    ] {
        // HONBU_BENCH_ONLY=batched|durable|single runs one part (for profiling).
        let only = std::env::var("HONBU_BENCH_ONLY").unwrap_or_default();
        if !only.is_empty()
            && !label.contains(if only == "durable" {
                "durable"
            } else if only == "single" {
                "synchronous=NORMAL"
            } else if only == "batched" {
                "100 entries"
            } else {
                "\u{0}"
            })
        {
            continue;
        }
        // This machine is shared and noisy: three interleaved runs of each, the median reported.
        let mut ours = vec![];
        let mut base = vec![];
        let mut per_sync = vec![];
        let mut lags = vec![];
        for _ in 0..3 {
            let (rate, ps, lag) = through_store(durability, n, per_tx, writers);
            ours.push(rate);
            per_sync.push(ps);
            lags.push(lag);
            let (_dir, path) = temp("plain.db");
            base.push(plain(&path, durability, n, per_tx, writers));
        }
        ours.sort_by(f64::total_cmp);
        base.sort_by(f64::total_cmp);
        per_sync.sort_by(f64::total_cmp);
        let (ours, base, lo, hi) = (ours[1], base[1], ours[0], ours[2]);
        let shared = if durability == Durability::Full {
            format!("; {:.1} commits per log fsync", per_sync[1])
        } else {
            String::new()
        };
        println!(
            "append, {label}: {ours:.0} entries/s through the store (journal + read models; median of 3, range {lo:.0}-{hi:.0}{shared}); plain SQLite inserts (synchronous={}) {base:.0}/s; ratio {:.2}",
            if durability == Durability::Full { "FULL" } else { "NORMAL" },
            ours / base
        );
        let lags: Vec<String> = lags
            .iter()
            .map(|(n, ms)| format!("{n} entries, caught up {ms:.0} ms later"))
            .collect();
        println!(
            "  the search index behind the last commit (each run): {}",
            lags.join("; ")
        );
        if durability == Durability::Full && per_tx == 1 && writers == 1 {
            // A commit of one entry writes about 7 pages of log here (journal,
            // its incident index, its head, the entry and its indexes, the
            // header when the file grows: see the log_pages example); the
            // plain insert about 3. The search index is written elsewhere.
            let ceilings: Vec<String> = [3, 5, 7]
                .iter()
                .map(|&p| format!("{p} pages {:.0}/s", disk_ceiling(p, 2_000)))
                .collect();
            println!(
                "  this disk's ceiling for one commit at a time (write the log frames, fsync): {}",
                ceilings.join(", ")
            );
        }
    }

    // journal verify over many events: append in large batches, then walk the chain.
    if matches!(
        std::env::var("HONBU_BENCH_ONLY").as_deref(),
        Ok("batched") | Ok("durable") | Ok("single")
    ) {
        return;
    }
    let s = setup(Durability::Normal);
    let t0 = Instant::now();
    let mut i = 0;
    while i < verify_n {
        let k = 10_000.min(verify_n - i);
        s.store
            .append_blocking((i..i + k).map(|j| entry_event(&s, j)).collect())
            .unwrap();
        i += k;
        if i % 200_000 == 0 {
            eprintln!(
                "  appended {i} of {verify_n} ({:.0}/s)",
                i as f64 / t0.elapsed().as_secs_f64()
            );
        }
    }
    let total = s
        .store
        .read_blocking(honbu_store::journal::last_seq)
        .unwrap();
    let t0 = Instant::now();
    let v = s.store.verify_blocking(&mut |_, _| {}).unwrap();
    let verify = t0.elapsed().as_secs_f64();
    assert!(matches!(v, Verdict::Intact { .. }), "{v:?}");
    // Plain: read the same rows in the same batches, hashing nothing.
    let t0 = Instant::now();
    let mut after = 0;
    let mut bytes = 0usize;
    loop {
        let rows = s
            .store
            .read_blocking(move |c| honbu_store::journal::read_raw(c, after, 20_000))
            .unwrap();
        let Some(last) = rows.last() else { break };
        after = last.seq;
        bytes += rows.iter().map(|r| r.payload.len()).sum::<usize>();
    }
    let plain_read = t0.elapsed().as_secs_f64();
    println!(
        "journal verify: {total} events in {verify:.2} s ({:.0} events/s); plain read of the same rows {plain_read:.2} s ({bytes} payload bytes); ratio {:.2}",
        total as f64 / verify,
        verify / plain_read
    );
}
