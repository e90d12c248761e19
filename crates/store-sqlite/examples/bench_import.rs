//! Importing a list of people into an incident that already holds many:
//! a list of 10,000 rows (the generator's, as crisis lists spell people)
//! into a register of 20,000, end to end — read the CSV, cluster the list,
//! link it to every spelling of every person, write the events, the rows
//! as personal data, the projections — in one durable transaction,
//! beside plain SQLite inserts of the same rows in the same run.
//!
//! `cargo run --release -p honbu-store-sqlite --example bench_import [register] [list]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use honbu_domain::vocab::PersonRole;
use honbu_matching::generate;
use honbu_store::people::lists::{self, Format};
use honbu_store::rules::Ctx;
use honbu_testkit::contract;
use std::time::Instant;

fn csv(s: &generate::Synthetic) -> String {
    let mut out = generate::COLUMNS.join(",");
    out.push('\n');
    for r in &s.records {
        let row: Vec<String> = generate::COLUMNS
            .iter()
            .map(|c| {
                let v = r.column(c);
                if v.contains([',', '"', '\n']) {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v.to_string()
                }
            })
            .collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn import(
    store: &honbu_store::Store,
    w: &contract::World,
    source: honbu_domain::ids::SourceId,
    text: &str,
) -> honbu_domain::people::ImportReport {
    let p = contract::principal(store, "officer");
    let key = store.key().clone();
    let inc = w.incident;
    let bytes = text.as_bytes().to_vec();
    store
        .write_blocking(|c| {
            let ctx = Ctx {
                p: &p,
                now: chrono::Utc::now(),
            };
            let read = lists::read_csv(&bytes, PersonRole::Other, 2026)?;
            lists::import_list(c, &ctx, &key, inc, source, Format::Csv, &bytes, read, true)
        })
        .unwrap()
        .1
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (n_reg, n_list) = (
        args.first().copied().unwrap_or(20_000),
        args.get(1).copied().unwrap_or(10_000),
    );
    let (register, list) = generate::registry_and_list(n_reg, n_list, 0.75, 11);
    let (reg_csv, list_csv) = (csv(&register), csv(&list));
    let temp = honbu_testkit::sqlite(honbu_store_sqlite::Durability::Full);
    let w = contract::world(&temp);
    let source = contract::run(&temp, "officer", contract::t0(), |c, ctx| {
        honbu_store::log::register_source(
            c,
            ctx,
            &honbu_domain::commands::RegisterSource {
                name: "Host government".into(),
                kind: "host_government".into(),
                reliability: "B".into(),
            },
        )
    })
    .unwrap();
    let t = Instant::now();
    let first = import(&temp, &w, source, &reg_csv);
    println!(
        "the register: {} rows into an empty incident in {:.2} s ({} persons, {} refused)",
        first.rows,
        t.elapsed().as_secs_f64(),
        first.new,
        first.refused.len()
    );
    if std::env::var("HONBU_BENCH_REFUSED").is_ok() {
        let mut why: std::collections::BTreeMap<String, usize> = Default::default();
        for x in &first.refused {
            *why.entry(format!(
                "{}: {}",
                x.field,
                x.message.chars().take(60).collect::<String>()
            ))
            .or_default() += 1;
        }
        for (k, n) in why.iter().rev().take(12) {
            println!("  refused {n}: {k}");
        }
    }
    let t = Instant::now();
    let r = import(&temp, &w, source, &list_csv);
    let ours = t.elapsed().as_secs_f64();
    // The people page's reads at this size: the board, a page of the
    // register, the chart; and the review queue.
    let officer = contract::principal(&temp, "officer");
    let inc = w.incident;
    let mut times = vec![];
    for _ in 0..5 {
        let p = officer.clone();
        let t = Instant::now();
        temp.read_blocking(move |c| {
            let at = honbu_store::versions::At::Now;
            honbu_store::people::accountability(c, &p, inc, at)?;
            honbu_store::people::persons(c, &p, inc, at, &Default::default(), 1000, 0)?;
            honbu_store::people::status_over_time(c, inc, at)?;
            Ok(())
        })
        .unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let p = officer.clone();
    let t = Instant::now();
    let queue = temp
        .read_blocking(move |c| {
            honbu_store::people::lists::review_queue(c, &p, inc, honbu_store::versions::At::Now)
        })
        .unwrap();
    println!(
        "the people page's reads at {} persons (board, 1,000 of the register, the chart): median {:.0} ms of 5; the review queue ({} shown): {:.0} ms",
        first.new + r.new,
        times[2],
        queue.len(),
        t.elapsed().as_secs_f64() * 1000.0
    );
    // Baseline: the same rows inserted plainly, durable, in one transaction.
    let dir = tempfile::tempdir().unwrap();
    let db = rusqlite::Connection::open(dir.path().join("plain.db")).unwrap();
    db.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
        .unwrap();
    let t = Instant::now();
    let tx = db.unchecked_transaction().unwrap();
    for line in list_csv.lines().skip(1) {
        tx.execute("INSERT INTO rows (body) VALUES (?1)", [line])
            .unwrap();
    }
    tx.commit().unwrap();
    let base = t.elapsed().as_secs_f64();
    println!(
        "a list of {} rows into a register of {} persons, durable, end to end: {ours:.2} s ({} linked, {} new, {} in review, {} refused); plain SQLite inserts of the same rows {base:.3} s; ratio {:.1}",
        r.rows,
        first.new,
        r.linked,
        r.new,
        r.review,
        r.refused.len(),
        ours / base.max(1e-9)
    );
}
