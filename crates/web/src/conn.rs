//! The connections the server holds, and what keeps one client or a crowd
//! of idle ones from taking them all: a client must send a whole request
//! head within `header_timeout` (hyper's timer, which also bounds the wait
//! for the next request on a kept-alive connection), a connection that
//! moves no byte either way for `idle_timeout` is closed (a live stream
//! sends a keep-alive comment every 15 s, so it never idles), one client
//! address holds at most `per_client` connections, and when `total` are
//! open the one idle longest is closed to make room, so a new client (and
//! the monitor asking `/healthz`) is still served. Every limit hit is
//! logged, counted and at most once every ten seconds per kind.

use axum::extract::connect_info::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// How long and how many.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A request head must arrive whole within this.
    pub header_timeout: Duration,
    /// A connection moving no byte for this long is closed.
    pub idle_timeout: Duration,
    /// Connections one client address may hold at once.
    pub per_client: usize,
    /// Connections the server holds at once (kept below the open-files limit).
    pub total: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            per_client: 256,
            total: default_total(),
        }
    }
}

/// Room for the connections within the process's open-files limit, less
/// what the database, logs and the listener need.
fn default_total() -> usize {
    const RESERVE: usize = 128;
    open_files_limit()
        .map(|n| n.saturating_sub(RESERVE).max(64))
        .unwrap_or(1024 - RESERVE)
}

/// The soft limit on open files, where the system tells it (Linux).
fn open_files_limit() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
}

/// One connection held: its client, when it last moved a byte, and a
/// signal that closes it.
struct Held {
    ip: IpAddr,
    last: AtomicU64,
    close: tokio::sync::Notify,
}

#[derive(Default)]
struct Open {
    per_ip: HashMap<IpAddr, usize>,
    conns: HashMap<u64, Arc<Held>>,
    next: u64,
}

/// What the limits refused or closed since they were last logged.
#[derive(Default)]
struct Counted {
    n: u64,
    logged: Option<Instant>,
    last_ip: Option<IpAddr>,
}

/// Every connection the server holds.
pub struct Registry {
    limits: Limits,
    epoch: Instant,
    open: Mutex<Open>,
    counted: Mutex<HashMap<&'static str, Counted>>,
}

/// A connection's place; given back when it is dropped.
struct Ticket {
    registry: Arc<Registry>,
    id: u64,
    held: Arc<Held>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.registry.lock();
        open.conns.remove(&self.id);
        if let Some(n) = open.per_ip.get_mut(&self.held.ip) {
            *n -= 1;
            if *n == 0 {
                open.per_ip.remove(&self.held.ip);
            }
        }
    }
}

impl Registry {
    pub fn new(limits: Limits) -> Arc<Registry> {
        Arc::new(Registry {
            limits,
            epoch: Instant::now(),
            open: Mutex::new(Open::default()),
            counted: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// How many connections are open.
    pub fn open(&self) -> usize {
        self.lock().conns.len()
    }

    /// A place for a new connection from `ip`, or `None` when that client
    /// holds its share already. At the total, the connection idle longest
    /// is told to close.
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<Ticket> {
        let mut open = self.lock();
        if open.per_ip.get(&ip).copied().unwrap_or(0) >= self.limits.per_client {
            drop(open);
            self.count(
                "refused: this client holds its share of connections already",
                ip,
            );
            return None;
        }
        if open.conns.len() >= self.limits.total {
            if let Some(oldest) = open
                .conns
                .values()
                .min_by_key(|h| h.last.load(Ordering::Relaxed))
                .cloned()
            {
                oldest.close.notify_one();
                let ip = oldest.ip;
                drop(open);
                self.count(
                    "closed the connection idle longest: the server holds its most",
                    ip,
                );
                open = self.lock();
            }
        }
        let id = open.next;
        open.next += 1;
        let held = Arc::new(Held {
            ip,
            last: AtomicU64::new(self.now_ms()),
            close: tokio::sync::Notify::new(),
        });
        open.conns.insert(id, held.clone());
        *open.per_ip.entry(ip).or_default() += 1;
        Some(Ticket {
            registry: self.clone(),
            id,
            held,
        })
    }

    /// Counts a limit hit, and logs it with the count at most once every
    /// ten seconds per kind.
    fn count(&self, what: &'static str, ip: IpAddr) {
        let mut counted = self.counted.lock().unwrap_or_else(|p| p.into_inner());
        let c = counted.entry(what).or_default();
        c.n += 1;
        c.last_ip = Some(ip);
        let due = c
            .logged
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(10));
        if due {
            tracing::warn!(
                "connection limit: {what} ({} since last said; the latest from {ip})",
                c.n
            );
            c.n = 0;
            c.logged = Some(Instant::now());
        }
    }
}

/// A connection's stream, noting when it last moved a byte.
struct Tracked<IO> {
    io: IO,
    held: Arc<Held>,
    registry: Arc<Registry>,
    /// The JSON answer being written in place of hyper's bare one, and how
    /// much of it is written (`request::instead_of_bare`).
    replacing: Option<(Vec<u8>, usize)>,
}

impl<IO> Tracked<IO> {
    fn touch(&self) {
        self.held
            .last
            .store(self.registry.now_ms(), Ordering::Relaxed);
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Tracked<IO> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Tracked<IO> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        if this.replacing.is_none() && buf.starts_with(b"HTTP/1.1 4") {
            this.replacing = crate::request::instead_of_bare(buf).map(|b| (b, 0));
        }
        if let Some((bytes, pos)) = &mut this.replacing {
            while *pos < bytes.len() {
                match Pin::new(&mut this.io).poll_write(cx, &bytes[*pos..]) {
                    Poll::Ready(Ok(0)) => break,
                    Poll::Ready(Ok(n)) => *pos += n,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                }
            }
            this.replacing = None;
            return Poll::Ready(Ok(buf.len()));
        }
        let r = Pin::new(&mut self.io).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// Accepts and serves connections until `shutdown` completes, then lets
/// the requests in flight finish (for at most `DRAIN`).
pub async fn run(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    registry: Arc<Registry>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    const DRAIN: Duration = Duration::from_secs(5);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, or the peer gave up before
                    // it was accepted: wait a little rather than spin.
                    registry.count("accept failed (out of file descriptors?)", IpAddr::from([0, 0, 0, 0]));
                    tracing::debug!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Some(ticket) = registry.admit(addr.ip()) else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let registry = registry.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let held = ticket.held.clone();
            let io = TokioIo::new(Tracked {
                io: stream,
                held: held.clone(),
                registry: registry.clone(),
                replacing: None,
            });
            let svc = TowerToHyperService::new(tower::ServiceExt::map_request(
                app,
                move |mut r: axum::http::Request<hyper::body::Incoming>| {
                    r.extensions_mut().insert(ConnectInfo(addr));
                    r
                },
            ));
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(registry.limits.header_timeout)
                .keep_alive(true)
                .serve_connection(io, svc);
            tokio::pin!(conn);
            let idle = registry.limits.idle_timeout;
            let mut tick = tokio::time::interval(
                (idle / 4).clamp(Duration::from_millis(50), Duration::from_secs(5)),
            );
            let mut draining = false;
            loop {
                tokio::select! {
                    r = conn.as_mut() => {
                        if let Err(e) = r {
                            if e.is_timeout() {
                                registry.count("closed a connection that sent no whole request head in time", held.ip);
                            } else {
                                tracing::debug!("connection from {addr}: {e}");
                            }
                        }
                        break;
                    }
                    _ = held.close.notified() => break,
                    _ = stop.changed(), if !draining => {
                        draining = true;
                        conn.as_mut().graceful_shutdown();
                    }
                    _ = tick.tick() => {
                        let last = held.last.load(Ordering::Relaxed);
                        if registry.now_ms().saturating_sub(last) >= idle.as_millis() as u64 {
                            tracing::debug!("connection from {addr}: idle, closed");
                            break;
                        }
                    }
                }
            }
            drop(ticket);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let until = Instant::now() + DRAIN;
    while registry.open() > 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // What is still open (live streams do not end by themselves) is closed.
    for held in registry.lock().conns.values() {
        held.close.notify_one();
    }
    Ok(())
}
