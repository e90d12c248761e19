//! The embedded default: one SQLite file in WAL mode, bundled with the
//! binary, nothing to install. One writer connection (SQLite allows one
//! writer at a time; `BEGIN IMMEDIATE` takes its lock up front so a
//! transaction never fails half-way for want of it) and a small pool of
//! readers that see consistent snapshots while the writer works.
//!
//! Checkpoints (copying the write-ahead log back into the database file) run
//! on a thread of their own, so a commit pays only for its own log frames;
//! the writer checkpoints by itself only if that thread falls far behind,
//! and waits for it (back-pressure) when it falls twice as far.
//!
//! Durable commits are grouped (see [`durable`]): concurrent writers share
//! the disk's flushes, and nobody is answered before their commit is on disk.

mod durable;
pub mod search;

use honbu_store::sql::{Cell, Conn, Dialect, Row, Value};
use honbu_store::{Backend, Result, StoreError};
use rusqlite::types::ValueRef;
use std::cell::Cell as StdCell;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Mutex;
use std::thread::JoinHandle;

/// Log frames (pages) after which the checkpoint thread is woken: 16 MiB.
pub const CHECKPOINT_PAGES: i32 = 4096;
/// The writer checkpoints by itself once the log holds this many times
/// the checkpoint thread's share, so the log stays bounded even when that
/// thread cannot keep up (256 MiB by default).
const WRITER_CHECKPOINT_FACTOR: i32 = 16;

thread_local! {
    /// Frames in the log after the last commit on this thread, as SQLite's
    /// WAL hook reports them (the hook runs inside COMMIT, on the committing
    /// thread, which holds the writer lock).
    static WAL_PAGES: StdCell<i32> = const { StdCell::new(0) };
}

fn wal_hook(_: &rusqlite::hooks::Wal, pages: std::ffi::c_int) -> rusqlite::Result<()> {
    WAL_PAGES.with(|p| p.set(pages));
    Ok(())
}

/// Runs a PASSIVE checkpoint; true when it copied the whole log (SQLite
/// reports "busy" and "partly done" in its result row, not as errors).
fn passive_checkpoint(conn: &rusqlite::Connection) -> rusqlite::Result<bool> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
        let (busy, log, copied): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        Ok(busy == 0 && copied == log)
    })
}

/// Reads the schema's version: the least that makes SQLite open the log
/// (creating it) and, inside a transaction, fix the snapshot.
fn touch(conn: &rusqlite::Connection) -> Result<()> {
    conn.query_row("PRAGMA schema_version", [], |_| Ok(()))
        .map_err(db_err)
}

/// The checkpoint thread and the way to wake it.
struct Checkpointer {
    wake: Option<SyncSender<()>>,
    /// Set when the thread has copied the log up to where it was woken: the
    /// writer then copies the few frames committed since, so that its next
    /// transaction starts the log again from the beginning (overwriting,
    /// rather than growing, the file).
    caught_up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    fn start(conn: rusqlite::Connection) -> Result<Self> {
        let (wake, rx) = sync_channel::<()>(1);
        let caught_up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let done = caught_up.clone();
        let thread = std::thread::Builder::new()
            .name("honbu-checkpoint".into())
            .spawn(move || {
                // Ends when the store is dropped (the sender goes away).
                while rx.recv().is_ok() {
                    // PASSIVE never blocks the writer or readers. Only a
                    // complete copy hands over to the writer; one held back
                    // (busy, or by a reader's snapshot) waits for the next
                    // wake-up.
                    match passive_checkpoint(&conn) {
                        Ok(true) => done.store(true, std::sync::atomic::Ordering::Release),
                        Ok(false) => {}
                        Err(e) => tracing::warn!("checkpoint failed (retried later): {e}"),
                    }
                }
            })
            .map_err(|e| StoreError::Config(format!("cannot start the checkpoint thread: {e}")))?;
        Ok(Checkpointer {
            wake: Some(wake),
            caught_up,
            thread: Some(thread),
        })
    }

    fn wake(&self) {
        if let Some(w) = &self.wake {
            // Full: a wake-up is already pending, which is all this asks.
            let _ = w.try_send(());
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.wake = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Each commit is on disk before it returns (and before any reader is
    /// answered with it). Commits made while one fsync is under way share
    /// the next.
    Full,
    /// `synchronous=NORMAL`: survives a crash of honbu, not of the machine.
    Normal,
}

pub struct Sqlite {
    path: PathBuf,
    writer: Mutex<rusqlite::Connection>,
    /// Read connections, each with whether the search file is attached to
    /// it (as `search`; from when the index has started).
    readers: Mutex<Vec<(rusqlite::Connection, bool)>>,
    /// The log's search index and its thread, started once the schema is
    /// migrated (see [`search`]).
    indexer: std::sync::OnceLock<search::Indexer>,
    durability: Durability,
    /// Group commit, for [`Durability::Full`].
    syncer: Option<durable::Syncer>,
    checkpointer: Checkpointer,
    /// Log frames after the previous commit.
    last_pages: std::sync::atomic::AtomicI32,
    checkpoint_pages: i32,
}

fn db_err(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy => {
            StoreError::Busy
        }
        e => StoreError::db_from(e),
    }
}

impl Sqlite {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path, durability: Durability) -> Result<Self> {
        Self::open_with_checkpoint(path, durability, CHECKPOINT_PAGES)
    }

    /// As [`Sqlite::open`], waking the checkpoint thread every
    /// `checkpoint_pages` log frames (tests use a small number).
    pub fn open_with_checkpoint(
        path: &Path,
        durability: Durability,
        checkpoint_pages: i32,
    ) -> Result<Self> {
        let checkpoint_pages = checkpoint_pages.max(1);
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Config(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        // Under `Full` the writer commits without syncing and the syncer
        // makes the commit durable before anyone is answered.
        let writer = Self::connect(path, Durability::Normal)?;
        // What the writer deletes or moves is overwritten, not left in
        // free space: erased personal data must be gone from the file.
        writer
            .execute_batch("PRAGMA secure_delete = ON")
            .map_err(db_err)?;
        // Replaces SQLite's own checkpoint-on-commit with ours (see above).
        writer.wal_hook(Some(wal_hook));
        let mode: String = writer
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(db_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Config(format!(
                "{}: SQLite would not use its write-ahead log (journal mode {mode}); honbu needs it",
                path.display()
            )));
        }
        let syncer = match durability {
            Durability::Full => {
                // The log's name is the database's as SQLite resolved it,
                // plus `-wal`.
                touch(&writer)?;
                let db = writer.path().unwrap_or_default();
                Some(durable::Syncer::open(
                    PathBuf::from(format!("{db}-wal")),
                    durable::OnFailure::Abort,
                )?)
            }
            Durability::Normal => None,
        };
        let checkpointer = Checkpointer::start(Self::connect(path, durability)?)?;
        Ok(Sqlite {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(vec![]),
            indexer: std::sync::OnceLock::new(),
            durability,
            syncer,
            checkpointer,
            last_pages: std::sync::atomic::AtomicI32::new(0),
            checkpoint_pages,
        })
    }

    /// `sqlite://path`, `sqlite:path` or a plain path.
    pub fn path_from_url(url: &str) -> PathBuf {
        let p = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        PathBuf::from(p)
    }

    fn connect(path: &Path, durability: Durability) -> Result<rusqlite::Connection> {
        let c = rusqlite::Connection::open(path)
            .map_err(|e| StoreError::Config(format!("cannot open {}: {e}", path.display())))?;
        let sync = match durability {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        };
        c.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = OFF; PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864;"
        ))
        .map_err(db_err)?;
        c.set_prepared_statement_cache_capacity(256);
        Ok(c)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Holds the search index's thread back, or lets it go on (tests: a
    /// search must find what the index does not hold yet).
    pub fn hold_index(&self, held: bool) {
        if let Some(ix) = self.indexer.get() {
            ix.hold(held);
        }
    }

    /// How far the search index holds the log (a journal position); `None`
    /// before the store has opened it.
    pub fn indexed_upto(&self) -> Result<Option<i64>> {
        self.indexer.get().map(search::Indexer::upto).transpose()
    }

    /// fsyncs of the log made to answer durable commits so far.
    pub fn log_syncs(&self) -> u64 {
        self.syncer.as_ref().map_or(0, durable::Syncer::syncs)
    }

    /// Moves the WAL into the main file (so the file alone holds everything).
    pub fn checkpoint(&self) -> Result<()> {
        self.checkpoint_within(20)
    }

    /// As [`Sqlite::checkpoint`], trying `tries` times 50 ms apart.
    fn checkpoint_within(&self, tries: u32) -> Result<()> {
        let w = self
            .writer
            .lock()
            .map_err(|_| StoreError::db("writer lock poisoned"))?;
        // The checkpoint thread may hold the checkpoint lock for a moment;
        // SQLite then reports the checkpoint as blocked (first column 1).
        for _ in 0..tries {
            let blocked: i64 = w
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
                .map_err(db_err)?;
            if blocked == 0 {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Err(StoreError::Busy)
    }
}

/// Rewrites `$1` placeholders to SQLite's numbered `?1`, which binds by
/// number exactly as PostgreSQL does.
fn rewrite(sql: &str) -> String {
    sql.replace('$', "?")
}

struct Lite<'a>(&'a rusqlite::Connection);

fn bind(stmt: &mut rusqlite::CachedStatement<'_>, params: &[Value]) -> Result<()> {
    let expected = stmt.parameter_count();
    if expected != params.len() {
        return Err(StoreError::db(format!(
            "statement takes {expected} parameters, {} given",
            params.len()
        )));
    }
    for (i, v) in params.iter().enumerate() {
        let r = match v {
            Value::Null => stmt.raw_bind_parameter(i + 1, rusqlite::types::Null),
            Value::Int(x) => stmt.raw_bind_parameter(i + 1, x),
            Value::Real(x) => stmt.raw_bind_parameter(i + 1, x),
            Value::Text(x) => stmt.raw_bind_parameter(i + 1, x.as_str()),
            Value::Bytes(x) => stmt.raw_bind_parameter(i + 1, x.as_slice()),
        };
        r.map_err(db_err)?;
    }
    Ok(())
}

impl Conn for Lite<'_> {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let mut stmt = self.0.prepare_cached(&rewrite(sql)).map_err(db_err)?;
        bind(&mut stmt, params)?;
        stmt.raw_execute().map(|n| n as u64).map_err(db_err)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let mut stmt = self.0.prepare_cached(&rewrite(sql)).map_err(db_err)?;
        bind(&mut stmt, params)?;
        let n = stmt.column_count();
        let mut rows = stmt.raw_query();
        let mut out = vec![];
        while let Some(r) = rows.next().map_err(db_err)? {
            let mut vals = Vec::with_capacity(n);
            for i in 0..n {
                vals.push(match r.get_ref(i).map_err(db_err)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(x) => Value::Int(x),
                    ValueRef::Real(x) => Value::Real(x),
                    ValueRef::Text(b) => Value::Text(String::from_utf8_lossy(b).into_owned()),
                    ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                });
            }
            out.push(Row(vals));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.0.execute_batch(sql).map_err(db_err)
    }

    fn scan(
        &mut self,
        sql: &str,
        params: &[Value],
        f: &mut dyn FnMut(&[Cell<'_>]) -> Result<bool>,
    ) -> Result<()> {
        let mut stmt = self.0.prepare_cached(&rewrite(sql)).map_err(db_err)?;
        bind(&mut stmt, params)?;
        let n = stmt.column_count();
        let mut rows = stmt.raw_query();
        while let Some(r) = rows.next().map_err(db_err)? {
            let mut cells: Vec<Cell<'_>> = Vec::with_capacity(n);
            for i in 0..n {
                cells.push(match r.get_ref(i).map_err(db_err)? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(x) => Cell::Int(x),
                    ValueRef::Real(x) => Cell::Real(x),
                    ValueRef::Text(b) => Cell::Text(std::str::from_utf8(b).unwrap_or("\u{fffd}")),
                    ValueRef::Blob(b) => Cell::Bytes(b),
                });
            }
            if !f(&cells)? {
                break;
            }
        }
        Ok(())
    }
}

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn read(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        let conn = {
            let mut pool = self
                .readers
                .lock()
                .map_err(|_| StoreError::db("reader pool poisoned"))?;
            pool.pop()
        };
        let (conn, mut attached) = match conn {
            Some(c) => c,
            None => (Self::connect(&self.path, self.durability)?, false),
        };
        if let (false, Some(ix)) = (attached, self.indexer.get()) {
            conn.execute(
                "ATTACH DATABASE ?1 AS search",
                [ix.path().to_string_lossy()],
            )
            .map_err(db_err)?;
            attached = true;
        }
        // A read transaction: every statement in `f` sees the same snapshot.
        conn.execute_batch("BEGIN").map_err(db_err)?;
        // Under `Full`, fix the snapshot now and note the newest commit it
        // may hold: the read is answered once that commit is on disk.
        let seen = match &self.syncer {
            Some(s) => {
                touch(&conn)?;
                Some(s.seen()?)
            }
            None => None,
        };
        let out = f(&mut Lite(&conn));
        let end = conn.execute_batch("COMMIT").map_err(db_err);
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < 8 {
                pool.push((conn, attached));
            }
        }
        if let (Some(s), Some(seen)) = (&self.syncer, seen) {
            s.wait(seen)?;
        }
        out.and(end)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        match self.commit(f) {
            // The writer lock is free again: the next transaction is written
            // while this one waits for the fsync that will cover both.
            Ok(ticket) => {
                if let (Some(s), Some(t)) = (&self.syncer, ticket) {
                    s.wait(t)?;
                }
                Ok(())
            }
            // A refusal may rest on what earlier commits wrote ("already
            // released"): it is answered once they are on disk too.
            Err(e) => {
                if let Some(s) = &self.syncer {
                    s.wait(s.seen()?)?;
                }
                Err(e)
            }
        }
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }

    fn opened(&self, replayed: bool) -> Result<()> {
        if self.indexer.get().is_none() {
            let ix = search::Indexer::start(&self.path)?;
            if replayed {
                ix.reset()?;
            }
            let _ = self.indexer.set(ix);
        }
        Ok(())
    }

    fn read_models_replaced(&self) -> Result<()> {
        match self.indexer.get() {
            Some(ix) => ix.reset(),
            None => Ok(()),
        }
    }

    fn settle(&self) -> Result<()> {
        match self.indexer.get() {
            Some(ix) => ix.catch_up(),
            None => Ok(()),
        }
    }

    /// The writer deletes with `secure_delete`, so the file's pages hold
    /// zeros where erased rows were; the write-ahead log may still hold
    /// frames written before, so it is checkpointed and truncated to
    /// nothing (waiting up to 10 s for readers to let it).
    fn scrub(&self, _tables: &[&str]) -> Result<()> {
        self.checkpoint_within(200)
    }
}

impl Sqlite {
    /// Wakes the checkpoint thread, or checkpoints on the writer, as the
    /// log's length after this commit asks. The transaction is committed
    /// whatever happens here: a checkpoint that fails is tried again later.
    fn after_commit(&self, conn: &rusqlite::Connection) {
        let pages = WAL_PAGES.with(StdCell::get);
        let prev = self
            .last_pages
            .swap(pages, std::sync::atomic::Ordering::Relaxed);
        let caught_up = self
            .checkpointer
            .caught_up
            .swap(false, std::sync::atomic::Ordering::Acquire);
        let every = self.checkpoint_pages;
        let limit = every.saturating_mul(WRITER_CHECKPOINT_FACTOR);
        if pages >= limit || caught_up {
            match passive_checkpoint(conn) {
                Ok(true) => {}
                // Held back twice past the writer's limit (by the checkpoint
                // thread, starved on a loaded machine while commits go on:
                // SQLite refuses a second checkpoint at once, whatever the
                // busy timeout): the writer waits for it, up to the busy
                // timeout, rather than let the log grow without bound.
                // Back-pressure, only when the disk cannot keep up.
                Ok(false) if pages >= limit.saturating_mul(2) => {
                    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
                    while std::time::Instant::now() < until {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        match passive_checkpoint(conn) {
                            Ok(false) => continue,
                            Ok(true) => break,
                            Err(e) => {
                                tracing::warn!(
                                    "checkpoint after commit failed (retried later): {e}"
                                );
                                break;
                            }
                        }
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::warn!("checkpoint after commit failed (retried later): {e}"),
            }
        } else if pages >= every && (pages < prev || pages / every != prev / every) {
            // Once each time the log grows by another `every` frames.
            self.checkpointer.wake();
        }
    }

    /// Runs `f` in a transaction on the writer and commits it (not yet
    /// synced under `Full`): the syncer's ticket for the commit.
    fn commit(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<Option<u64>> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::db("writer lock poisoned"))?;
        conn.execute_batch("BEGIN IMMEDIATE").map_err(db_err)?;
        match f(&mut Lite(&conn)) {
            Ok(()) => {
                WAL_PAGES.with(|p| p.set(0));
                let ticket = match &self.syncer {
                    Some(s) => match s.begin() {
                        Ok(t) => Some(t),
                        Err(e) => {
                            conn.execute_batch("ROLLBACK").map_err(db_err)?;
                            return Err(e);
                        }
                    },
                    None => None,
                };
                let committed = conn.execute_batch("COMMIT");
                if let Some(s) = &self.syncer {
                    s.end();
                }
                committed.map_err(|e| {
                    let _ = conn.execute_batch("ROLLBACK");
                    db_err(e)
                })?;
                self.after_commit(&conn);
                if let Some(ix) = self.indexer.get() {
                    ix.wake();
                }
                Ok(ticket)
            }
            Err(e) => {
                conn.execute_batch("ROLLBACK").map_err(db_err)?;
                Err(e)
            }
        }
    }
}
