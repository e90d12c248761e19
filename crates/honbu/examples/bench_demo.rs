//! The Lima demo's incident read as of past moments, through the router as
//! a browser asks for it: the board and the log page at 100 moments spread
//! over the 127 days, beside the live board and log page in the same run.
//!
//! cargo run --release -p honbu --example bench_demo [-- MOMENTS]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::Request;
use honbu_store::accounts;
use std::time::Instant;
use tower::ServiceExt;

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let moments: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let temp = honbu_testkit::sqlite(honbu_store_sqlite::Durability::Normal);
    let store: honbu_store::Store = (*temp).clone();
    let s = store.clone();
    let (inc, session, opened, closed) = tokio::task::spawn_blocking(move || {
        let loaded = honbu::demo::load(&s, &mut |_, _| {}).unwrap();
        honbu::demo::demo_login(&s, Some(loaded.incident)).unwrap();
        let u = s
            .read_blocking(|c| accounts::user_by_name(c, "demo"))
            .unwrap()
            .unwrap()
            .user;
        let (_, (secret, _)) = s
            .write_blocking(|c| accounts::open_session(c, u.id, chrono::Utc::now()))
            .unwrap();
        let inc = loaded.incident;
        let (opened, closed) = s
            .read_blocking(move |c| {
                let r = c
                    .query_one(
                        "SELECT MIN(at), MAX(at) FROM journal WHERE incident_id = $1",
                        &[honbu_store::sql::t(inc)],
                    )?
                    .unwrap();
                Ok((r.time(0)?, r.time(1)?))
            })
            .unwrap();
        (inc, secret, opened, closed)
    })
    .await
    .unwrap();
    let app = honbu_web::router(store.clone(), honbu_web::Config::default());
    let get = |path: String| {
        let app = app.clone();
        let cookie = format!("honbu_session={session}");
        async move {
            let t0 = Instant::now();
            let r = app
                .oneshot(
                    Request::get(&path)
                        .header("cookie", cookie)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{path}");
            let _ = axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .unwrap();
            t0.elapsed().as_secs_f64() * 1e3
        }
    };
    // Warm up, then the live pages.
    get(format!("/incidents/{inc}")).await;
    let (mut board, mut log) = (vec![], vec![]);
    for _ in 0..moments {
        board.push(get(format!("/incidents/{inc}")).await);
        log.push(get(format!("/incidents/{inc}/log")).await);
    }
    let (b99, l99) = (pct(board, 0.99), pct(log, 0.99));
    let (mut board_then, mut log_then) = (vec![], vec![]);
    let span = (closed - opened).num_seconds();
    for k in 0..moments {
        let t = opened + chrono::Duration::seconds(span * (k as i64 + 1) / moments as i64);
        let at = t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        board_then.push(get(format!("/incidents/{inc}?at={at}")).await);
        log_then.push(get(format!("/incidents/{inc}/log?at={at}")).await);
    }
    println!("the Lima demo's incident as of {moments} moments over its 127 days:");
    println!(
        "  board: p50 {:.2} ms, p99 {:.2} ms (live board p99 {b99:.2} ms, ratio {:.1})",
        pct(board_then.clone(), 0.5),
        pct(board_then.clone(), 0.99),
        pct(board_then, 0.99) / b99
    );
    println!(
        "  log page: p50 {:.2} ms, p99 {:.2} ms (live log page p99 {l99:.2} ms, ratio {:.1})",
        pct(log_then.clone(), 0.5),
        pct(log_then.clone(), 0.99),
        pct(log_then, 0.99) / l99
    );
}
