//! Search over an incident of 100,000 log entries, Japanese and Latin
//! queries, through the store's query (visibility, filters, the page and
//! its total), beside a plain `LIKE '%…%'` scan of the same rows in the same
//! run. SQLite always; PostgreSQL too when `HONBU_TEST_POSTGRES` names a
//! server (a database of its own is made for the run).
//!
//! `cargo run --release -p honbu-store-sqlite --example bench_search [entries]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Utc;
use honbu_domain::events::{Body as Ev, EntryLogged, Event};
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use honbu_store::log::{self, words, EntryQuery, Filter};
use honbu_store::rules::SEARCH_COUNT_CAP;
use honbu_store::sql::{like_pattern, t, Value};
use honbu_store::versions::At;
use honbu_store::Store;
use honbu_testkit::contract;
use std::time::Instant;

const JA: [&str; 12] = [
    "公邸周辺の警戒線に変化なし",
    "人質のうち女性と高齢者が解放された",
    "赤十字国際委員会が水と食料を搬入",
    "ペルー政府は交渉の継続を表明",
    "大使館員の安否を確認中",
    "記者会見は午後に予定",
    "保証人委員会が会合",
    "停電が続いている",
    "家族への説明を実施",
    "医療チームが待機",
    "首相官邸と電話会談",
    "治安部隊が配置についた",
];
const EN: [&str; 12] = [
    "the cordon is unchanged",
    "shots heard near the residence",
    "the ICRC took water and food in",
    "the government restates its position",
    "Archbishop Cipriani entered the compound",
    "press briefing at the ministry",
    "power cut in the district",
    "families briefed by the liaison desk",
    "medical team on standby",
    "call with the Prime Minister's office",
    "guarantors' commission met",
    "security forces took positions",
];

/// A small deterministic generator, so every run logs the same texts.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn text(r: &mut Lcg, j: usize) -> String {
    // Two thirds Japanese, a third Latin, a few of both; rare words now
    // and then (one entry in 5,000 names the Nuncio).
    let mut s = match r.next() % 6 {
        0 | 1 => format!("{}。{}。", JA[r.next() % 12], JA[r.next() % 12]),
        2 | 3 => format!("電報{j}：{}。", JA[r.next() % 12]),
        4 => format!("Cable {j}: {}; {}.", EN[r.next() % 12], EN[r.next() % 12]),
        _ => format!("{} / {}", JA[r.next() % 12], EN[r.next() % 12]),
    };
    if j % 5000 == 17 {
        s.push_str(
            " The Apostolic Nuncio Luigi Dossena asked to go in. ローマ教皇庁大使が入構を要請。",
        );
    }
    s
}

fn fill(store: &Store, n: usize) -> (IncidentId, honbu_domain::access::Principal) {
    let w = contract::world(store);
    let p = contract::principal(store, "mofa.head");
    let mut r = Lcg(7);
    let mut i = 0;
    while i < n {
        let k = 10_000.min(n - i);
        let now = honbu_domain::time::trunc(Utc::now());
        let batch: Vec<Event> = (i..i + k)
            .map(|j| Event {
                at: now,
                actor: Some(p.user),
                incident: Some(w.incident),
                body: Ev::EntryLogged(Box::new(EntryLogged {
                    entry: EntryId::new(),
                    hq: if j % 2 == 0 { w.mofa } else { w.lima },
                    occurred_at: now,
                    reported_at: now,
                    source: None,
                    source_name: "Embassy cables".into(),
                    reliability: Reliability::B,
                    credibility: Credibility::C2,
                    category: Category::Information,
                    release: if j % 7 == 0 {
                        Release::Hq
                    } else {
                        Release::Incident
                    },
                    significant: j % 20 == 0,
                    text: text(&mut r, j),
                    supersedes: None,
                    links: vec![],
                })),
            })
            .collect();
        store.append_blocking(batch).unwrap();
        i += k;
    }
    (w.incident, p)
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// (p50, p99) milliseconds of `f` over `runs` runs, after two warm-ups.
fn time(runs: usize, mut f: impl FnMut() -> usize) -> (f64, f64, usize) {
    let mut found = 0;
    for _ in 0..2 {
        found = f();
    }
    let mut v: Vec<f64> = (0..runs)
        .map(|_| {
            let t0 = Instant::now();
            found = f();
            t0.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    (pct(&mut v, 0.5), pct(&mut v, 0.99), found)
}

fn run(name: &str, store: &Store, n: usize, after_fill: impl FnOnce()) {
    let t0 = Instant::now();
    let (incident, p) = fill(store, n);
    after_fill();
    println!(
        "{name}: {n} entries logged in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let queries = [
        "人質",
        "赤十字国際委員会",
        "教皇庁大使",
        "警戒線 解放",
        "cordon",
        "Dossena",
        "\"took water\"",
        "ICRC 赤十字",
    ];
    println!(
        "{name}: {:<18} {:>8} {:>10} {:>10} {:>12} {:>12} {:>7}",
        "query", "found", "p50 ms", "p99 ms", "LIKE p50", "LIKE p99", "ratio"
    );
    let mut worst: f64 = 0.0;
    for q in queries {
        let ws = words(q);
        let (p50, p99, found) = time(50, || {
            let p = p.clone();
            let ws = ws.clone();
            let page = store
                .read_blocking(move |c| {
                    log::entries(
                        c,
                        &p,
                        incident,
                        At::Now,
                        &EntryQuery {
                            limit: 100,
                            filter: Filter {
                                words: ws,
                                ..Default::default()
                            },
                            ..Default::default()
                        },
                    )
                })
                .unwrap();
            page.total as usize + usize::from(!page.total_exact)
        });
        // The plain way: a LIKE scan of the incident's rows for each word
        // (ILIKE on PostgreSQL, as the search compares), the same page and
        // the same capped count, no visibility rule.
        let (l50, l99, lfound) = time(20, || {
            let ws = ws.clone();
            store
                .read_blocking(move |c| {
                    let d = c.dialect();
                    let mut params: Vec<Value> = vec![t(incident)];
                    let mut cond = "e.incident_id = $1".to_string();
                    // A scan on both: `|| ''` keeps PostgreSQL from using
                    // the trigram index for the plain way.
                    let col = match d {
                        honbu_store::sql::Dialect::Sqlite => "e.text",
                        honbu_store::sql::Dialect::Postgres => "(e.text || '')",
                    };
                    for w in &ws {
                        params.push(Value::Text(like_pattern(w)));
                        cond.push_str(" AND ");
                        cond.push_str(&d.contains(col, params.len()));
                    }
                    // Counted to the same cap as the search's.
                    let total = c
                        .query_one(&format!("SELECT COUNT(*) FROM (SELECT 1 FROM entries e WHERE {cond} LIMIT {}) x", SEARCH_COUNT_CAP + 1), &params)?
                        .map(|r| r.int(0))
                        .transpose()?
                        .unwrap_or(0);
                    c.query(
                        &format!("SELECT e.id, e.text FROM entries e WHERE {cond} ORDER BY e.number DESC LIMIT 100"),
                        &params,
                    )?;
                    Ok(total as usize)
                })
                .unwrap()
        });
        worst = worst.max(p99);
        let shown = |n: usize| {
            if n as i64 > SEARCH_COUNT_CAP {
                format!("{SEARCH_COUNT_CAP}+")
            } else {
                n.to_string()
            }
        };
        let (found, lfound) = (shown(found), shown(lfound));
        println!(
            "{name}: {q:<18} {found:>8} {p50:>10.2} {p99:>10.2} {l50:>12.2} {l99:>12.2} {:>7.2}   (LIKE found {lfound}, no markings)",
            p99 / l99
        );
    }
    println!("{name}: worst p99 {worst:.2} ms (target < 30 ms)");
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let temp = honbu_testkit::sqlite(honbu_store_sqlite::Durability::Normal);
    // The search index is written behind the commits: the figures are of
    // searches through it (the entries it does not hold yet are compared
    // row by row, a few at a time in use).
    run("sqlite", &temp, n, || temp.settle_blocking().unwrap());
    match std::env::var("HONBU_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => {
            let db = honbu_testkit::postgres::fresh_database(&url);
            let store = honbu_testkit::postgres::store_on(
                &db,
                honbu_store::journal::JournalKey::generate(),
            );
            // The planner's statistics, as autovacuum gathers them after a load.
            run("postgres", &store, n, || {
                honbu_testkit::postgres::analyze(&db)
            });
        }
        _ => println!("postgres: HONBU_TEST_POSTGRES is not set; not run"),
    }
}
