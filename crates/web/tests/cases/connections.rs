//! The server under idle, trickling and crowding clients: it closes what
//! holds a connection without using it, keeps one address to its share,
//! and a new client is still served.

use super::common::*;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

fn addr(app: &App) -> SocketAddr {
    app.base.trim_start_matches("http://").parse().unwrap()
}

/// A connection to the server from the loopback address `from` (any of
/// 127.0.0.0/8 is this machine: several stand for several clients).
async fn connect(app: &App, from: [u8; 4]) -> TcpStream {
    let s = TcpSocket::new_v4().unwrap();
    s.bind(SocketAddr::from((from, 0))).unwrap();
    s.connect(addr(app)).await.unwrap()
}

/// Whether the server closes `s` within `within` (reading what it sends
/// until then).
async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

async fn healthz(app: &App, from: [u8; 4]) -> String {
    let mut s = connect(app, from).await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap_or_default();
    out
}

fn limits(f: impl FnOnce(&mut honbu_web::conn::Limits)) -> honbu_web::Config {
    let mut config = honbu_web::Config::default();
    f(&mut config.connections);
    config
}

#[tokio::test]
async fn idle_and_trickling_connections_are_closed() {
    let app = spawn_with(
        sqlite_store(),
        limits(|l| {
            l.header_timeout = Duration::from_secs(1);
            l.idle_timeout = Duration::from_secs(2);
        }),
    )
    .await;
    // Connected, and never a byte sent.
    let mut silent = connect(&app, [127, 0, 0, 2]).await;
    // A request head sent a byte at a time, never finished.
    let mut trickle = connect(&app, [127, 0, 0, 3]).await;
    let started = Instant::now();
    let dripping = tokio::spawn(async move {
        let head =
            b"GET /healthz HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        for b in head {
            if trickle.write_all(&[*b]).await.is_err() {
                return (trickle, true);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        (trickle, false)
    });
    assert!(
        closed_within(&mut silent, Duration::from_secs(5)).await,
        "a connection that sends nothing is closed"
    );
    let (mut trickle, refused) = dripping.await.unwrap();
    assert!(
        refused || closed_within(&mut trickle, Duration::from_secs(1)).await,
        "a request head trickled in is cut off"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "within the header timeout, not at the end of the trickle"
    );
    // Kept alive after a request, then left idle: closed.
    let mut kept = connect(&app, [127, 0, 0, 4]).await;
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = kept.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(
        closed_within(&mut kept, Duration::from_secs(5)).await,
        "an idle kept-alive connection is closed"
    );
}

#[tokio::test]
async fn one_client_holds_no_more_than_its_share_and_others_are_served() {
    let app = spawn_with(sqlite_store(), limits(|l| l.per_client = 20)).await;
    let mut held = vec![];
    for _ in 0..20 {
        held.push(connect(&app, [127, 0, 0, 2]).await);
    }
    // Let the server accept them all before the one too many.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut extra = connect(&app, [127, 0, 0, 2]).await;
    assert!(
        closed_within(&mut extra, Duration::from_secs(2)).await,
        "the 21st connection of one address is closed"
    );
    assert!(healthz(&app, [127, 0, 0, 3])
        .await
        .starts_with("HTTP/1.1 200"));
    // Its share comes back as its connections close.
    held.truncate(10);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(healthz(&app, [127, 0, 0, 2])
        .await
        .starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_thousand_idle_connections_do_not_keep_a_new_client_out() {
    let app = spawn_app().await;
    let mut held = vec![];
    for i in 0..1000u32 {
        // Four clients of 250 connections each.
        held.push(connect(&app, [127, 0, 1, 10 + (i % 4) as u8]).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = Instant::now();
    let r = tokio::time::timeout(Duration::from_secs(1), healthz(&app, [127, 0, 2, 1]))
        .await
        .expect("a new client is served within a second");
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    println!("served beside 1,000 idle connections in {:?}", t.elapsed());
    drop(held);
}

#[tokio::test]
async fn at_the_most_it_holds_the_server_closes_the_connection_idle_longest() {
    let app = spawn_with(sqlite_store(), limits(|l| l.total = 50)).await;
    let mut first = connect(&app, [127, 0, 0, 2]).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut held = vec![];
    for i in 0..49u8 {
        held.push(connect(&app, [127, 0, 0, 3 + i % 4]).await);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = tokio::time::timeout(Duration::from_secs(1), healthz(&app, [127, 0, 0, 9]))
        .await
        .expect("served within a second");
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    assert!(
        closed_within(&mut first, Duration::from_secs(1)).await,
        "the connection idle longest made room"
    );
}
