//! The search index of the log, in a SQLite file of its own beside the
//! database (`honbu.db.search`), written by a thread of its own after the
//! commits it indexes.
//!
//! An append writes the entry and its journal row and nothing more: the
//! trigram and letter-pair indexes (FTS5) cost about as much again as the
//! rest of an append, and each commit of a few entries made a segment of
//! each to merge. Here the indexer takes what was logged since it last
//! looked, in batches of up to [`BATCH`], on the other core, under the
//! search file's own write lock (the database's writer never waits for
//! it). It records how far it has indexed (`indexed.upto`, a journal
//! position) in the same transaction as the rows, so a search knows
//! exactly which entries the index answers for; the few logged since are
//! compared row by row (see `honbu_store::log::entries`). A search never
//! misses an entry for the index being behind.
//!
//! The file is derived, never a source: it holds no text (`content=''`),
//! needs no backup, and is made again when it is missing, of another
//! version, or does not belong to this journal (the journal's hash at the
//! position it says it indexed up to differs: a database restored from a
//! backup, or a crash that lost commits the indexer had already seen), and
//! after a rebuild of the read models.

use honbu_store::{Result, StoreError};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Entries indexed per transaction.
pub const BATCH: usize = 2_000;
/// The version of the file's layout; a file of another is made again.
const VERSION: &str = "1";
/// Gathers the commits of this long into one batch.
const GATHER: Duration = Duration::from_millis(20);

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS indexed (id INTEGER PRIMARY KEY CHECK (id = 1), upto INTEGER NOT NULL, hash TEXT NOT NULL);
INSERT OR IGNORE INTO indexed (id, upto, hash) VALUES (1, 0, '');
CREATE VIRTUAL TABLE IF NOT EXISTS entries_search USING fts5(text, content='', contentless_delete=1, tokenize='trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS entry_pairs USING fts5(grams, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 0');
"#;

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::db_from(e)
}

/// Where the search file of the database at `db` lives.
pub fn path_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(".search");
    PathBuf::from(name)
}

fn open_file(path: &Path) -> Result<rusqlite::Connection> {
    let c = rusqlite::Connection::open(path)
        .map_err(|e| StoreError::Config(format!("cannot open {}: {e}", path.display())))?;
    // Derived: a crash may lose its last commits (redone from `upto`),
    // never its consistency (WAL).
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;",
    )
    .map_err(db_err)?;
    Ok(c)
}

/// The search file's writer and the thread that indexes into it.
pub(crate) struct Indexer {
    shared: Arc<Shared>,
    wake: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    /// Set while tests hold the indexing thread back.
    held: std::sync::atomic::AtomicBool,
    /// Set when the store closes: the thread stops between batches (what
    /// it has not indexed is indexed at the next start).
    closing: std::sync::atomic::AtomicBool,
    path: PathBuf,
    db: PathBuf,
    /// The search file (its writer), and a connection to the database to
    /// read what to index.
    conns: Mutex<(rusqlite::Connection, rusqlite::Connection)>,
}

impl Indexer {
    /// Opens (making or making again, as needed) the search file of the
    /// database at `db`, and starts the indexing thread.
    pub(crate) fn start(db: &Path) -> Result<Self> {
        let path = path_of(db);
        let search = match prepare(&path) {
            Ok(c) => c,
            Err(e) => {
                // Unreadable, of another version, or not a database at all:
                // it is derived, so it is made again.
                tracing::warn!("{}: {e}; the search index is made again", path.display());
                remove(&path)?;
                prepare(&path)?
            }
        };
        let main = rusqlite::Connection::open(db)
            .map_err(|e| StoreError::Config(format!("cannot open {}: {e}", db.display())))?;
        main.execute_batch("PRAGMA busy_timeout = 10000;")
            .map_err(db_err)?;
        let shared = Arc::new(Shared {
            held: Default::default(),
            closing: Default::default(),
            path,
            db: db.to_path_buf(),
            conns: Mutex::new((search, main)),
        });
        shared.check_identity()?;
        let (wake, rx) = sync_channel::<()>(1);
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("honbu-index".into())
            .spawn(move || loop {
                // Woken after commits; every second in any case (to catch
                // up at start, and after a failure).
                match rx.recv_timeout(Duration::from_secs(1)) {
                    Ok(()) => std::thread::sleep(GATHER),
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return,
                }
                while !s.closing.load(std::sync::atomic::Ordering::Acquire) {
                    match s.index_batch(true) {
                        Ok(n) if n == BATCH => continue,
                        Ok(_) => break,
                        Err(e) => {
                            tracing::warn!("search indexing failed (tried again): {e}");
                            break;
                        }
                    }
                }
            })
            .map_err(|e| StoreError::Config(format!("cannot start the indexing thread: {e}")))?;
        Ok(Indexer {
            shared,
            wake: Some(wake),
            thread: Some(thread),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.shared.path
    }

    pub(crate) fn wake(&self) {
        if let Some(w) = &self.wake {
            let _ = w.try_send(());
        }
    }

    /// Empties the index: everything is indexed again from the start.
    pub(crate) fn reset(&self) -> Result<()> {
        self.shared.reset()?;
        self.wake();
        Ok(())
    }

    /// Holds the indexing thread back (or lets it go on): tests see the
    /// log searched ahead of its index.
    pub(crate) fn hold(&self, held: bool) {
        self.shared
            .held
            .store(held, std::sync::atomic::Ordering::Release);
        // A batch under way ends first; any after this sees the flag.
        drop(self.shared.conns());
        self.wake();
    }

    /// How far the index holds the log (a journal position).
    pub(crate) fn upto(&self) -> Result<i64> {
        let g = self.shared.conns()?;
        g.0.query_row("SELECT upto FROM indexed WHERE id = 1", [], |r| r.get(0))
            .map_err(db_err)
    }

    /// Indexes everything logged so far, now, on the caller's thread.
    pub(crate) fn catch_up(&self) -> Result<()> {
        while self.shared.index_batch(false)? == BATCH {}
        Ok(())
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.shared
            .closing
            .store(true, std::sync::atomic::Ordering::Release);
        self.wake = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn remove(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_os_string();
        p.push(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(StoreError::Config(format!(
                    "cannot remove {}: {e}",
                    PathBuf::from(p).display()
                )))
            }
        }
    }
    Ok(())
}

/// The search file with its tables, of this version.
fn prepare(path: &Path) -> Result<rusqlite::Connection> {
    let c = open_file(path)?;
    c.execute_batch(SCHEMA).map_err(db_err)?;
    let version: Option<String> = c
        .query_row("SELECT value FROM meta WHERE key = 'version'", [], |r| {
            r.get(0)
        })
        .ok();
    match version.as_deref() {
        Some(VERSION) => {}
        None => {
            c.execute_batch(&format!(
                "INSERT INTO meta (key, value) VALUES ('version', '{VERSION}');
                 INSERT INTO entries_search (entries_search, rank) VALUES ('automerge', 16);
                 INSERT INTO entry_pairs (entry_pairs, rank) VALUES ('automerge', 16);"
            ))
            .map_err(db_err)?;
        }
        Some(v) => {
            return Err(StoreError::Config(format!(
                "search index of version {v}, this honbu makes version {VERSION}"
            )))
        }
    }
    Ok(c)
}

impl Shared {
    fn conns(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, (rusqlite::Connection, rusqlite::Connection)>> {
        self.conns
            .lock()
            .map_err(|_| StoreError::db("search index lock poisoned"))
    }

    /// Empties the index when it does not belong to this journal: the
    /// journal's hash at the position it was indexed up to is not the one
    /// it recorded.
    fn check_identity(&self) -> Result<()> {
        let reset = {
            let g = self.conns()?;
            let (search, main) = &*g;
            let (upto, hash): (i64, String) = search
                .query_row("SELECT upto, hash FROM indexed WHERE id = 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(db_err)?;
            upto > 0 && journal_hash(main, upto)?.as_deref() != Some(hash.as_str())
        };
        if reset {
            tracing::warn!(
                "{}: the search index is not of this journal ({}); it is made again",
                self.path.display(),
                self.db.display()
            );
            self.reset()?;
        }
        Ok(())
    }

    fn reset(&self) -> Result<()> {
        let g = self.conns()?;
        let search = &g.0;
        write_tx(search, || {
            search
                .execute_batch(
                    "INSERT INTO entries_search (entries_search) VALUES ('delete-all');
                     INSERT INTO entry_pairs (entry_pairs) VALUES ('delete-all');
                     UPDATE indexed SET upto = 0, hash = '' WHERE id = 1;",
                )
                .map_err(db_err)
        })
    }

    /// Indexes up to [`BATCH`] entries logged after the position indexed so
    /// far, in one transaction of the search file; how many. The thread
    /// (`thread`) indexes nothing while held back.
    fn index_batch(&self, thread: bool) -> Result<usize> {
        let g = self.conns()?;
        if thread && self.held.load(std::sync::atomic::Ordering::Acquire) {
            return Ok(0);
        }
        let (search, main) = &*g;
        // The search file's write lock first: another process indexing the
        // same file (a command run beside the server) waits, then sees how
        // far this one went.
        write_tx(search, || {
            let upto: i64 = search
                .query_row("SELECT upto FROM indexed WHERE id = 1", [], |r| r.get(0))
                .map_err(db_err)?;
            let (rows, hash) = pending(main, upto)?;
            let (Some((last, _)), Some(hash)) = (rows.last(), hash) else {
                return Ok(0);
            };
            insert(search, &rows)?;
            search
                .execute(
                    "UPDATE indexed SET upto = ?1, hash = ?2 WHERE id = 1",
                    rusqlite::params![last, hash],
                )
                .map_err(db_err)?;
            Ok(rows.len())
        })
    }
}

/// Runs `f` in a write transaction of the search file: committed when it
/// returns `Ok`, rolled back otherwise.
fn write_tx<T>(search: &rusqlite::Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    search.execute_batch("BEGIN IMMEDIATE").map_err(db_err)?;
    let out = f().and_then(|v| search.execute_batch("COMMIT").map(|()| v).map_err(db_err));
    if out.is_err() {
        let _ = search.execute_batch("ROLLBACK");
    }
    out
}

/// An entry to index: its journal position and its text.
type Pending = (i64, String);

/// Up to [`BATCH`] entries the database logged after `upto` (journal
/// position, text), and the journal's hash at the last of them, from one
/// snapshot of the database.
fn pending(main: &rusqlite::Connection, upto: i64) -> Result<(Vec<Pending>, Option<String>)> {
    main.execute_batch("BEGIN").map_err(db_err)?;
    let read = (|| {
        let mut st = main
            .prepare_cached("SELECT seq, text FROM entries WHERE seq > ?1 ORDER BY seq LIMIT ?2")
            .map_err(db_err)?;
        let rows = st
            .query_map(rusqlite::params![upto, BATCH as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(db_err)?
            .collect::<rusqlite::Result<Vec<Pending>>>()
            .map_err(db_err)?;
        let hash = match rows.last() {
            Some((seq, _)) => journal_hash(main, *seq)?,
            None => None,
        };
        Ok((rows, hash))
    })();
    let _ = main.execute_batch("COMMIT");
    // Each entry is read once: its pages are let go at once. Kept, the
    // other readers of the database ran at half their speed for as long as
    // this connection lived (seen: a plain scan of 100,000 entries 47 ms ->
    // 117 ms after indexing beside a burst of appends; `bench_search`).
    let _ = main.execute_batch("PRAGMA shrink_memory");
    read
}

/// The journal's hash at `seq`, if it has a row there.
fn journal_hash(main: &rusqlite::Connection, seq: i64) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    main.query_row("SELECT hash FROM journal WHERE seq = ?1", [seq], |r| {
        r.get(0)
    })
    .optional()
    .map_err(db_err)
}

/// The index rows of these entries, a statement per index for up to 500
/// (FTS5 writes a segment at every statement that follows a change).
fn insert(search: &rusqlite::Connection, rows: &[(i64, String)]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let pairs: Vec<(i64, String)> = chunk
            .iter()
            .map(|(seq, text)| (*seq, honbu_store::log::pairs(text)))
            .collect();
        for (index, col, rows) in [
            ("entries_search", "text", chunk),
            ("entry_pairs", "grams", pairs.as_slice()),
        ] {
            let rows: Vec<&(i64, String)> = rows.iter().filter(|(_, v)| !v.is_empty()).collect();
            if rows.is_empty() {
                continue;
            }
            let values = (0..rows.len())
                .map(|i| format!("(?{}, ?{})", 2 * i + 1, 2 * i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let params: Vec<&dyn rusqlite::ToSql> = rows
                .iter()
                .flat_map(|(seq, v)| [seq as &dyn rusqlite::ToSql, v as &dyn rusqlite::ToSql])
                .collect();
            search
                .execute(
                    &format!("INSERT INTO {index} (rowid, {col}) VALUES {values}"),
                    params.as_slice(),
                )
                .map_err(db_err)?;
        }
    }
    Ok(())
}
