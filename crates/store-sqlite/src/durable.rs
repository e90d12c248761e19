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
//! If an fsync of the log fails, what it was to make durable is in doubt,
//! and Linux reports such an error only once: a later fsync may succeed
//! without the lost pages, and a checkpoint could then copy what is in doubt
//! into the database. So honbu stops at once, as PostgreSQL does, having
//! answered nobody for what is in doubt; on restart SQLite recovers the
//! log from what reached the disk. (Tests use a syncer that refuses every
//! later read and write instead.)

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

/// What a failed fsync of the log does.
#[derive(Clone, Copy)]
pub(crate) enum OnFailure {
    /// Log it and stop the process (honbu).
    Abort,
    /// Refuse every later read and write (tests of the failure itself).
    #[cfg_attr(not(test), allow(dead_code))]
    Refuse,
}

pub(crate) struct Syncer {
    wal: PathBuf,
    state: Mutex<State>,
    changed: Condvar,
    on_failure: OnFailure,
}

impl Syncer {
    /// For the log at `wal`: the path SQLite itself uses (the database's
    /// name as SQLite resolved it, links followed, plus `-wal`). Opens it
    /// and syncs it at once, so that what an earlier run left unsynced (if
    /// honbu itself crashed) is on disk before anyone reads it.
    pub(crate) fn open(wal: PathBuf, on_failure: OnFailure) -> Result<Self> {
        let s = Syncer {
            wal,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            on_failure,
        };
        let (file, synced) = s.sync(None);
        synced.map_err(|e| StoreError::Config(format!("cannot sync the database log: {e}")))?;
        s.lock()?.file = file;
        Ok(s)
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>> {
        self.state
            .lock()
            .map_err(|_| StoreError::db("commit syncer poisoned"))
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
                    .map_err(|_| StoreError::db("commit syncer poisoned"))?;
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
                    if let OnFailure::Abort = self.on_failure {
                        eprintln!("honbu: {}; stopping now", failed(&e));
                        std::process::abort();
                    }
                    s.failed = Some(e);
                }
            }
            self.changed.notify_all();
        }
    }

    /// One fsync of the log (`fdatasync`: its data and size, which is what
    /// recovery reads). The first also syncs the directory, so that the
    /// log's own name survives a power cut; like SQLite, honbu takes a
    /// directory that cannot be synced (some file systems refuse) as it is.
    fn sync(&self, file: Option<File>) -> (Option<File>, std::result::Result<(), String>) {
        let file = match file {
            Some(f) => f,
            None => {
                let f = match File::open(&self.wal) {
                    Ok(f) => f,
                    Err(e) => return (None, Err(format!("{}: {e}", self.wal.display()))),
                };
                if let Some(dir) = self.wal.parent().filter(|d| !d.as_os_str().is_empty()) {
                    if let Err(e) = File::open(dir).and_then(|d| d.sync_all()) {
                        tracing::warn!("cannot sync the directory {}: {e}", dir.display());
                    }
                }
                f
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
    StoreError::db(format!(
        "the database log could not be synced to disk ({e}); what was saved since the last sync is in doubt: restart honbu"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn syncer() -> (tempfile::TempDir, Syncer) {
        let dir = tempfile::tempdir().unwrap();
        let wal = dir.path().join("honbu.db-wal");
        std::fs::write(&wal, b"log").unwrap();
        let s = Syncer::open(wal, OnFailure::Refuse).unwrap();
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

    /// A sync covers only commits that had returned when it began: not
    /// one still in the middle of its COMMIT.
    #[test]
    fn a_sync_covers_only_commits_finished_before_it_began() {
        let (_dir, s) = syncer();
        let first = s.begin().unwrap();
        s.end();
        let second = s.begin().unwrap();
        s.wait(first).unwrap();
        assert_eq!(s.lock().unwrap().durable, first);
        s.end();
        s.wait(second).unwrap();
        assert_eq!(s.lock().unwrap().durable, second);
        assert_eq!(s.syncs(), 2);
    }

    #[test]
    fn a_log_that_cannot_be_opened_is_named_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let e = Syncer::open(dir.path().join("missing-wal"), OnFailure::Refuse)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("missing-wal"), "{e}");
    }

    #[test]
    fn a_failed_sync_stops_every_later_write_and_read() {
        let (_dir, s) = syncer();
        // The log's descriptor is replaced by one fsync refuses (a pipe).
        let t = s.begin().unwrap();
        s.end();
        s.lock().unwrap().file = Some(unsyncable());
        let e = s.wait(t).unwrap_err().to_string();
        assert!(e.contains("could not be synced"), "{e}");
        assert!(s.begin().is_err());
        assert!(s.wait(0).is_err());
    }

    /// A file whose fsync fails: the read end of a pipe (EINVAL).
    fn unsyncable() -> File {
        let (reader, _writer) = std::io::pipe().unwrap();
        File::from(std::os::fd::OwnedFd::from(reader))
    }

    /// In honbu a failed fsync stops the process: run this test's body in
    /// a child and see it abort.
    #[test]
    fn a_failed_sync_stops_honbu() {
        if std::env::var_os("HONBU_SYNC_ABORT_CHILD").is_some() {
            let (_dir, mut s) = syncer();
            s.on_failure = OnFailure::Abort;
            let t = s.begin().unwrap();
            s.end();
            s.lock().unwrap().file = Some(unsyncable());
            let _ = s.wait(t);
            // Not reached: the wait aborts.
            std::process::exit(0);
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "durable::tests::a_failed_sync_stops_honbu",
                "--nocapture",
            ])
            .env("HONBU_SYNC_ABORT_CHILD", "1")
            .output()
            .unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(6), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("stopping now"),
            "{out:?}"
        );
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
