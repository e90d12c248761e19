//! Group commit for `Durability::Full`.
//!
//! The writer commits with `synchronous=NORMAL`: the transaction's log frames
//! are written, not yet synced. Its caller is answered only once an fsync of
//! the log that *began after* its commit has finished. One fsync makes every
//! commit written before it durable, so while one is under way the next
//! transactions are written, and the following fsync answers them all. Each
//! entry is still its own transaction, and nobody is told it is saved before
//! it is on disk; concurrent writers share the disk's flushes instead of
//! queueing for one each (what PostgreSQL does with its WAL).
//!
//! Readers wait too: a read that may have seen a commit not yet synced waits
//! for that sync before it returns, so nothing a power cut could take back
//! is ever shown.
//!
//! If an fsync fails, what it was to make durable is in doubt: every later
//! write and read fails, naming the error, until honbu is restarted (and
//! SQLite recovers the log from what reached the disk).

use honbu_store::{Result, StoreError};
use std::fs::File;
use std::path::PathBuf;
use std::sync::{Condvar, Mutex, MutexGuard};

#[derive(Default)]
struct State {
    /// Commits started (counted before `COMMIT` is issued).
    begun: u64,
    /// Commits finished, whether they succeeded or not.
    done: u64,
    /// Every commit up to this one is on disk.
    durable: u64,
    /// An fsync is under way (its caller syncs for everyone).
    syncing: bool,
    /// The log, opened on first use (SQLite creates it).
    file: Option<File>,
    /// Set for good once an fsync fails.
    failed: Option<String>,
    /// fsyncs made (for tests and benchmarks).
    syncs: u64,
}

pub(crate) struct Syncer {
    wal: PathBuf,
    state: Mutex<State>,
    changed: Condvar,
}

impl Syncer {
    /// For the database at `db`; its log is `db` + `-wal`.
    pub(crate) fn new(db: &std::path::Path) -> Self {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        Syncer {
            wal: PathBuf::from(wal),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>> {
        self.state
            .lock()
            .map_err(|_| StoreError::Db("commit syncer poisoned".into()))
    }

    /// Called by the writer, holding the writer lock, just before `COMMIT`:
    /// the ticket to wait on afterwards.
    pub(crate) fn begin(&self) -> Result<u64> {
        let mut s = self.lock()?;
        if let Some(e) = &s.failed {
            return Err(failed(e));
        }
        s.begun += 1;
        Ok(s.begun)
    }

    /// Called by the writer, still holding the writer lock, once `COMMIT`
    /// has returned (whatever it returned).
    pub(crate) fn end(&self) {
        if let Ok(mut s) = self.lock() {
            s.done = s.begun;
            self.changed.notify_all();
        }
    }

    /// The newest commit a read that has just finished may have seen.
    pub(crate) fn seen(&self) -> Result<u64> {
        Ok(self.lock()?.begun)
    }

    /// Returns once every commit up to `ticket` is on disk: by making the
    /// fsync itself, or by waiting for one under way that covers it.
    pub(crate) fn wait(&self, ticket: u64) -> Result<()> {
        let mut s = self.lock()?;
        loop {
            if let Some(e) = &s.failed {
                return Err(failed(e));
            }
            if s.durable >= ticket {
                return Ok(());
            }
            if s.syncing || s.done < ticket {
                // Another caller's fsync, or the commit itself, is under way.
                s = self
                    .changed
                    .wait(s)
                    .map_err(|_| StoreError::Db("commit syncer poisoned".into()))?;
                continue;
            }
            s.syncing = true;
            let upto = s.done;
            let file = s.file.take();
            drop(s);
            let (file, outcome) = self.sync(file);
            s = self.lock()?;
            s.syncing = false;
            s.file = file;
            match outcome {
                Ok(()) => {
                    s.syncs += 1;
                    s.durable = s.durable.max(upto);
                }
                Err(e) => {
                    tracing::error!("{}", failed(&e));
                    s.failed = Some(e);
                }
            }
            self.changed.notify_all();
        }
    }

    /// One fsync of the log (`fdatasync`: its data and size, which is what
    /// recovery reads). The first also syncs the directory, so that the
    /// log's own name survives a power cut.
    fn sync(&self, file: Option<File>) -> (Option<File>, std::result::Result<(), String>) {
        let file = match file {
            Some(f) => f,
            None => {
                let opened = File::open(&self.wal).and_then(|f| {
                    if let Some(dir) = self.wal.parent() {
                        let dir = if dir.as_os_str().is_empty() {
                            std::path::Path::new(".")
                        } else {
                            dir
                        };
                        File::open(dir)?.sync_all()?;
                    }
                    Ok(f)
                });
                match opened {
                    Ok(f) => f,
                    Err(e) => return (None, Err(format!("{}: {e}", self.wal.display()))),
                }
            }
        };
        let r = file
            .sync_data()
            .map_err(|e| format!("{}: {e}", self.wal.display()));
        (Some(file), r)
    }

    /// fsyncs made so far.
    pub(crate) fn syncs(&self) -> u64 {
        self.lock().map(|s| s.syncs).unwrap_or(0)
    }
}

fn failed(e: &str) -> StoreError {
    StoreError::Db(format!(
        "the database log could not be synced to disk ({e}); what was saved since the last sync is in doubt: restart honbu"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn syncer() -> (tempfile::TempDir, Syncer) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("honbu.db");
        std::fs::write(dir.path().join("honbu.db-wal"), b"log").unwrap();
        let s = Syncer::new(&db);
        (dir, s)
    }

    #[test]
    fn one_fsync_answers_every_commit_written_before_it() {
        let (_dir, s) = syncer();
        let tickets: Vec<u64> = (0..5)
            .map(|_| {
                let t = s.begin().unwrap();
                s.end();
                t
            })
            .collect();
        s.wait(*tickets.last().unwrap()).unwrap();
        for t in &tickets {
            s.wait(*t).unwrap();
        }
        assert_eq!(s.syncs(), 1);
        // A commit after that sync needs a sync of its own.
        let t = s.begin().unwrap();
        s.end();
        s.wait(t).unwrap();
        assert_eq!(s.syncs(), 2);
    }

    #[test]
    fn a_read_that_may_have_seen_a_commit_in_progress_waits_for_it() {
        let (_dir, s) = syncer();
        let s = std::sync::Arc::new(s);
        let t = s.begin().unwrap();
        let seen = s.seen().unwrap();
        assert_eq!(seen, t);
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = {
            let s = s.clone();
            std::thread::spawn(move || {
                s.wait(seen).unwrap();
                tx.send(()).unwrap();
            })
        };
        // The commit has not returned: no sync can cover it yet.
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .is_err());
        assert_eq!(s.syncs(), 0);
        s.end();
        rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
        reader.join().unwrap();
        assert_eq!(s.syncs(), 1);
    }

    #[test]
    fn a_failed_sync_stops_every_later_write_and_read() {
        let dir = tempfile::tempdir().unwrap();
        // No log file where the syncer looks: the fsync cannot be made.
        let s = Syncer::new(&dir.path().join("missing").join("honbu.db"));
        let t = s.begin().unwrap();
        s.end();
        let e = s.wait(t).unwrap_err().to_string();
        assert!(e.contains("could not be synced"), "{e}");
        assert!(s.begin().is_err());
        assert!(s.wait(0).is_err());
    }

    #[test]
    fn many_writers_each_return_only_once_durable() {
        let (_dir, s) = syncer();
        let s = std::sync::Arc::new(s);
        let writer = std::sync::Arc::new(Mutex::new(()));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (s, writer) = (s.clone(), writer.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let t = {
                            let _w = writer.lock().unwrap();
                            let t = s.begin().unwrap();
                            s.end();
                            t
                        };
                        s.wait(t).unwrap();
                        assert!(s.lock().unwrap().durable >= t);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let st = s.lock().unwrap();
        assert_eq!((st.begun, st.done, st.durable), (400, 400, 400));
        assert!(st.syncs >= 1 && st.syncs <= 400);
    }
}
