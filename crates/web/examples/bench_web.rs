//! Web benchmarks, each beside a plain baseline run in the same process:
//! - the board of an incident with 100,000 log entries, rendered by the
//!   server (p50/p99 of the whole request through the router), against a
//!   plain linear scan of the incident's entries;
//! - one change reaching 1,000 open SSE subscribers over HTTP on loopback
//!   (time to the last subscriber), against the same 1,000 receivers on the
//!   bare in-process broadcast channel; and the same change preceded by one
//!   that makes every subscriber check its rights again;
//! - the board and the log page of that incident as of a past moment
//!   (halfway through its history and near its end; entries corrected and
//!   re-marked along the way, so past versions are read), beside the live
//!   board and log page in the same run.
//!
//! cargo run --release -p honbu-web --example bench_web [-- ENTRIES SUBSCRIBERS]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::Request;
use chrono::Utc;
use honbu_domain::events::{Body as Ev, EntryLogged, Event};
use honbu_domain::ids::*;
use honbu_domain::vocab::*;
use honbu_store::accounts;
use honbu_store::rules;
use honbu_store::work;
use honbu_store::Store;
use honbu_testkit::contract;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn entry(inc: IncidentId, hq: HqId, user: UserId, i: usize, text: String) -> Event {
    let now = honbu_domain::time::trunc(Utc::now());
    Event {
        at: now,
        actor: Some(user),
        incident: Some(inc),
        body: Ev::EntryLogged(Box::new(EntryLogged {
            entry: EntryId::new(),
            hq,
            occurred_at: now,
            reported_at: now,
            source: None,
            source_name: "Embassy cables".into(),
            reliability: Reliability::B,
            credibility: Credibility::C2,
            category: Category::Information,
            release: if i.is_multiple_of(7) {
                Release::Hq
            } else {
                Release::Incident
            },
            significant: i.is_multiple_of(20),
            text,
            supersedes: None,
            links: vec![],
        })),
    }
}

/// Milliseconds from `t0` until all `n` subscribers reported marker `k`.
async fn heard_by_all(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<(usize, Instant)>,
    k: usize,
    n: usize,
    t0: Instant,
) -> f64 {
    let (mut got, mut last) = (0, t0);
    while got < n {
        let (kk, at) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("subscribers stalled")
            .unwrap();
        if kk == k {
            got += 1;
            last = last.max(at);
        }
    }
    (last - t0).as_secs_f64() * 1e3
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n_entries = args.first().copied().unwrap_or(100_000);
    let n_subs = args.get(1).copied().unwrap_or(1_000);
    let temp = honbu_testkit::sqlite(honbu_store_sqlite::Durability::Normal);
    let store: Store = (*temp).clone();
    let (store2, n) = (store.clone(), n_entries);
    let (inc, user, session, token) = tokio::task::spawn_blocking(move || {
        let w = contract::world(&store2);
        let p = contract::principal(&store2, "mofa.head");
        let mut i = 0;
        while i < n {
            let k = 10_000.min(n - i);
            let batch: Vec<Event> = (i..i + k)
                .map(|j| {
                    entry(
                        w.incident,
                        if j % 2 == 0 { w.mofa } else { w.lima },
                        p.user,
                        j,
                        format!("Cable {j}: the cordon is unchanged."),
                    )
                })
                .collect();
            // Along the way entries are corrected (one in 500) and marked or
            // unmarked significant (one in 100): the past has versions to read.
            let mut changes = vec![];
            for (j, ev) in batch.iter().enumerate() {
                let Ev::EntryLogged(l) = &ev.body else {
                    continue;
                };
                if j % 100 == 50 {
                    changes.push(Event {
                        body: Ev::EntrySignificance {
                            entry: l.entry,
                            significant: !l.significant,
                        },
                        ..ev.clone()
                    });
                }
                if j % 500 == 250 {
                    let mut fix = entry(
                        w.incident,
                        l.hq,
                        p.user,
                        i + j,
                        format!("Cable {}: corrected.", i + j),
                    );
                    if let Ev::EntryLogged(f) = &mut fix.body {
                        f.supersedes = Some(l.entry);
                        f.release = Release::Incident;
                    }
                    changes.push(fix);
                }
            }
            store2.append_blocking(batch).unwrap();
            store2.append_blocking(changes).unwrap();
            i += k;
        }
        for t in 0..40 {
            let r = honbu_domain::commands::AssignTask {
                title: format!("Task {t}"),
                owner: "Consular".into(),
                due_at: Some(format!("2026-0{}-01T00:00:00Z", 1 + t % 9)),
                ..Default::default()
            };
            store2
                .write_blocking(|c| {
                    work::assign_task(
                        c,
                        &rules::Ctx {
                            p: &p,
                            now: Utc::now(),
                        },
                        w.incident,
                        &r,
                    )
                })
                .unwrap();
        }
        let (_, (secret, _)) = store2
            .write_blocking(|c| accounts::open_session(c, p.user, Utc::now()))
            .unwrap();
        let r = honbu_domain::commands::CreateToken {
            name: "bench".into(),
            user: None,
        };
        let (_, (_, token)) = store2
            .write_blocking(|c| accounts::create_token(c, Some(&p), Utc::now(), &r))
            .unwrap();
        (w.incident, (w.mofa, p.user), secret, token)
    })
    .await
    .unwrap();
    let (mofa, user) = user;
    println!(
        "honbu web benchmarks ({} cores)",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    // --- the board ------------------------------------------------------
    let app = honbu_web::router(store.clone(), honbu_web::Config::default());
    let get = |path: String| {
        let app = app.clone();
        let cookie = format!("honbu_session={session}");
        async move {
            let t0 = Instant::now();
            let r = app
                .oneshot(
                    Request::get(path)
                        .header("cookie", cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            let body = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .unwrap();
            (t0.elapsed().as_secs_f64() * 1e3, body.len())
        }
    };
    let (_, size) = get(format!("/incidents/{inc}")).await;
    let mut page = vec![];
    for _ in 0..200 {
        page.push(get(format!("/incidents/{inc}")).await.0);
    }
    let p = contract::principal(&store, "mofa.head");
    let mut scan = vec![];
    for _ in 0..20 {
        let t0 = Instant::now();
        let p = p.clone();
        let n = store
            .read(move |c| {
                // The plain way: read every entry of the incident and pick in memory.
                let rows = c.query("SELECT number, significant, release, hq_id, text FROM entries WHERE incident_id = $1", &[honbu_store::sql::t(inc)])?;
                let mine: Vec<String> = p.hqs_in(inc).iter().map(|h| h.to_string()).collect();
                let visible: Vec<_> = rows.iter().filter(|r| r.text(2).unwrap() != "hq" || mine.contains(&r.text(3).unwrap())).collect();
                let mut sig: Vec<_> = visible.iter().filter(|r| r.int(1).unwrap() == 1).map(|r| r.int(0).unwrap()).collect();
                sig.sort_unstable_by(|a, b| b.cmp(a));
                sig.truncate(15);
                Ok(visible.len() + sig.len())
            })
            .await
            .unwrap();
        assert!(n > 0);
        scan.push(t0.elapsed().as_secs_f64() * 1e3);
    }
    let (p50, p99, s50) = (pct(page.clone(), 0.5), pct(page, 0.99), pct(scan, 0.5));
    println!("board of an incident with {n_entries} entries ({size} bytes of HTML): p50 {p50:.2} ms, p99 {p99:.2} ms; plain linear scan of the entries (p50) {s50:.2} ms; ratio p99/scan {:.2}", p99 / s50);

    // --- as of a past moment ---------------------------------------------
    let live_board_p99 = p99;
    let mut log_live = vec![];
    for _ in 0..50 {
        log_live.push(get(format!("/incidents/{inc}/log")).await.0);
    }
    let log_live_p99 = pct(log_live, 0.99);
    // Moments halfway through the incident's history and near its end.
    let moments = store
        .read(move |c| {
            let rows = c.query(
                "SELECT at FROM journal WHERE incident_id = $1 ORDER BY seq",
                &[honbu_store::sql::t(inc)],
            )?;
            let at = |f: f64| rows[((rows.len() as f64 - 1.0) * f) as usize].time(0);
            Ok(vec![("halfway", at(0.5)?), ("near the end", at(0.9)?)])
        })
        .await
        .unwrap();
    for (label, t) in moments {
        let at = t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let mut board_then = vec![];
        let mut log_then = vec![];
        for _ in 0..50 {
            board_then.push(get(format!("/incidents/{inc}?at={at}")).await.0);
            log_then.push(get(format!("/incidents/{inc}/log?at={at}")).await.0);
        }
        let (b50, b99) = (pct(board_then.clone(), 0.5), pct(board_then, 0.99));
        let (l50, l99) = (pct(log_then.clone(), 0.5), pct(log_then, 0.99));
        println!("as of {label} ({n_entries} entries): board p50 {b50:.2} ms, p99 {b99:.2} ms (live board p99 {live_board_p99:.2} ms, ratio {:.1}); log page p50 {l50:.2} ms, p99 {l99:.2} ms (live log page p99 {log_live_p99:.2} ms, ratio {:.1})", b99 / live_board_p99, l99 / log_live_p99);
    }

    // --- live updates ---------------------------------------------------
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let s = store.clone();
    tokio::spawn(async move {
        // Every subscriber connects from this one address, as behind a
        // reverse proxy: the per-client cap is raised as README says to.
        let mut config = honbu_web::Config::default();
        config.connections.per_client = config.connections.total;
        honbu_web::serve(listener, s, config, std::future::pending())
            .await
            .unwrap()
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, Instant)>();
    let ready = Arc::new(tokio::sync::Semaphore::new(0));
    // Subscribers are plain HTTP/1.1 clients on raw sockets, so that what is
    // timed is the server's delivery, not a client library's parsing.
    for _ in 0..n_subs {
        let (tx, token, ready) = (tx.clone(), token.clone(), ready.clone());
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
            let req = format!("GET /api/v1/incidents/{inc}/stream HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n");
            sock.write_all(req.as_bytes()).await.unwrap();
            let mut buf = vec![0u8; 16 * 1024];
            let mut head = Vec::new();
            loop {
                let n = sock.read(&mut buf).await.unwrap();
                assert!(n > 0, "closed before the headers");
                head.extend_from_slice(&buf[..n]);
                if head.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            assert!(
                head.starts_with(b"HTTP/1.1 200"),
                "{}",
                String::from_utf8_lossy(&head)
            );
            ready.add_permits(1);
            let marker = b"bench-marker-";
            loop {
                let n = match sock.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let at = Instant::now();
                let chunk = &buf[..n];
                let mut from = 0;
                while let Some(p) = chunk[from..]
                    .windows(marker.len())
                    .position(|w| w == marker)
                {
                    let start = from + p + marker.len();
                    let digits: Vec<u8> = chunk[start..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .copied()
                        .collect();
                    if let Some(k) = std::str::from_utf8(&digits)
                        .ok()
                        .and_then(|d| d.parse().ok())
                    {
                        let _ = tx.send((k, at));
                    }
                    from = start;
                }
            }
        });
    }
    let _ = ready.acquire_many(n_subs as u32).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rounds = 100;
    let mut http = vec![];
    for k in 0..rounds {
        let s = store.clone();
        let ev = entry(inc, mofa, user, 1, format!("bench-marker-{k} live"));
        let t0 = Instant::now();
        tokio::task::spawn_blocking(move || s.append_blocking(vec![ev]).unwrap())
            .await
            .unwrap();
        http.push(heard_by_all(&mut rx, k, n_subs, t0).await);
    }
    // The same, when the change is preceded in its commit by one that may
    // change the subscribers' rights (their user's global role set again):
    // every one of the 1,000 streams looks its credential up again before
    // it sends the entry.
    let mut rechecked = vec![];
    for k in rounds..2 * rounds {
        let s = store.clone();
        let now = honbu_domain::time::trunc(Utc::now());
        let change = Event {
            at: now,
            actor: None,
            incident: None,
            body: Ev::GlobalRoleSet { user, role: None },
        };
        let ev = entry(inc, mofa, user, 1, format!("bench-marker-{k} live"));
        let t0 = Instant::now();
        tokio::task::spawn_blocking(move || s.append_blocking(vec![change, ev]).unwrap())
            .await
            .unwrap();
        rechecked.push(heard_by_all(&mut rx, k, n_subs, t0).await);
    }
    // Baseline: the bare broadcast channel with the same number of receivers.
    let (btx, _) = tokio::sync::broadcast::channel::<Arc<String>>(64);
    let (dtx, mut drx) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    for _ in 0..n_subs {
        let (mut r, dtx) = (btx.subscribe(), dtx.clone());
        tokio::spawn(async move {
            while let Ok(_m) = r.recv().await {
                let _ = dtx.send(Instant::now());
            }
        });
    }
    let mut bare = vec![];
    for k in 0..rounds {
        let t0 = Instant::now();
        btx.send(Arc::new(format!("bench-{k}"))).unwrap();
        let mut last = t0;
        for _ in 0..n_subs {
            last = last.max(drx.recv().await.unwrap());
        }
        bare.push((last - t0).as_secs_f64() * 1e3);
    }
    let (h50, h99, b99) = (pct(http.clone(), 0.5), pct(http, 0.99), pct(bare, 0.99));
    println!("one change to {n_subs} SSE subscribers over HTTP (commit to last subscriber): p50 {h50:.2} ms, p99 {h99:.2} ms; bare broadcast channel to {n_subs} receivers p99 {b99:.2} ms; ratio {:.1}", h99 / b99);
    let (r50, r99) = (pct(rechecked.clone(), 0.5), pct(rechecked, 0.99));
    println!("one change to {n_subs} SSE subscribers after a change of their rights (every stream checks its credential again): p50 {r50:.2} ms, p99 {r99:.2} ms; ratio to the bare channel {:.1}, to the plain change {:.2}", r99 / b99, r99 / h99);
    std::process::exit(0);
}
