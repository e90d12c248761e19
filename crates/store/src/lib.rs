//! honbu's store. Every change goes one way (see ARCHITECTURE.md): a
//! command handler checks access and rules inside a write transaction,
//! turns the request into events, [`journal::append`]s them to the
//! hash-chained journal and applies them to the read models through
//! [`project::Projector`] — all in that one transaction — and after commit
//! the events go to live subscribers.
//!
//! The store is cut into rooms by feature, each with its commands, queries
//! and projection side by side: [`accounts`], [`incidents`],
//! [`headquarters`], [`log`], [`attachments`] (files attached to entries),
//! [`work`] (decisions and tasks), [`reports`] (handover briefs, SITREPs) and [`people`] (persons of concern, their status reports, the accountability board; their personal data erasable). What every room shares — the
//! command context, visibility, "the incident is closed", pages — is in
//! [`rules`]; the [`board`] is composed above the rooms from their reads.
//!
//! Backends (SQLite, PostgreSQL) implement [`Backend`]: connections,
//! transactions and parameter binding. Everything else — schema, journal,
//! projections, queries, rules — is written once here, and the contract
//! suite in `honbu-testkit` holds every backend to it.

pub mod accounts;
pub mod attachments;
pub mod board;
pub mod headquarters;
pub mod incidents;
pub mod journal;
pub mod log;
pub mod people;
pub mod project;
pub mod reports;
pub mod rules;
pub mod schema;
pub mod sql;
pub mod versions;
pub mod work;

use honbu_domain::events::{Committed, Event};
use honbu_domain::FieldError;
use journal::JournalKey;
use sql::{Conn, Dialect};
use std::sync::Arc;
use tokio::sync::broadcast;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database (or the store's machinery) failed; `source` is the
    /// driver's own error when there is one.
    #[error("database: {message}")]
    Db {
        message: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    #[error("stored data does not decode: {0}")]
    Decode(String),
    #[error("the journal is damaged: {0}")]
    Corrupt(String),
    #[error("configuration: {0}")]
    Config(String),
    #[error("{0}")]
    Invalid(FieldError),
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("the database is busy; try again")]
    Busy,
    /// The journal's head or newest entries do not verify: nothing more may
    /// be written until an operator has looked (reads still answer).
    #[error("the journal is broken, so nothing can be written: {0}")]
    JournalBroken(String),
}

impl StoreError {
    /// A failure with nothing underneath to keep.
    pub fn db(message: impl Into<String>) -> Self {
        StoreError::Db {
            message: message.into(),
            source: None,
        }
    }

    /// A failure of a driver or library, kept as the source.
    pub fn db_from(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::db_with(e.to_string(), e)
    }

    /// A failure described by `message`, caused by `e`.
    pub fn db_with(
        message: impl Into<String>,
        e: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StoreError::Db {
            message: message.into(),
            source: Some(Box::new(e)),
        }
    }
}

impl From<FieldError> for StoreError {
    fn from(e: FieldError) -> Self {
        StoreError::Invalid(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A database the store can run on.
pub trait Backend: Send + Sync + 'static {
    fn dialect(&self) -> Dialect;
    /// Runs `f` on a connection that sees one consistent snapshot.
    fn read(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()>;
    /// Runs `f` inside a write transaction; commits when it returns `Ok`,
    /// rolls back otherwise.
    fn write(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()>;
    /// Whether other processes may append (PostgreSQL): then committed
    /// events reach subscribers through [`Backend::listen`], not directly.
    fn shared(&self) -> bool {
        false
    }
    /// Blocks, calling `notify` until it returns false: with 0 once listening
    /// (to catch up), with each sequence number a writer announces, and with
    /// -1 at least every second when idle. Only for shared backends.
    fn listen(&self, _notify: &mut dyn FnMut(i64) -> bool) -> Result<()> {
        Ok(())
    }
    /// A human-readable description for logs (`sqlite:./honbu-data/honbu.db`).
    fn describe(&self) -> String;
    /// The schema is migrated (`replayed`: and the read models filled
    /// again from the journal): what the backend keeps beside the read
    /// models starts (SQLite's search index, see `honbu-store-sqlite`).
    fn opened(&self, _replayed: bool) -> Result<()> {
        Ok(())
    }
    /// The read models were filled again from the journal: what is derived
    /// from them beside them is made again.
    fn read_models_replaced(&self) -> Result<()> {
        Ok(())
    }
    /// Returns once what is derived from the read models in the background
    /// holds everything committed before the call (tests and benchmarks).
    fn settle(&self) -> Result<()> {
        Ok(())
    }
    /// What was deleted is gone from the database's files, not only from
    /// its tables: called after personal data is erased. SQLite deleted it
    /// with `secure_delete` and truncates its write-ahead log here;
    /// PostgreSQL rewrites the table (`VACUUM FULL`), whose dead rows would
    /// otherwise keep the bytes until vacuumed and overwritten.
    fn scrub(&self, _tables: &[&str]) -> Result<()> {
        Ok(())
    }
}

/// A backend its opener keeps a handle to (tests and benchmarks reach the
/// backend's own methods through it).
impl<B: Backend> Backend for Arc<B> {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }
    fn read(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        (**self).read(f)
    }
    fn write(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        (**self).write(f)
    }
    fn scrub(&self, tables: &[&str]) -> Result<()> {
        (**self).scrub(tables)
    }
    fn shared(&self) -> bool {
        (**self).shared()
    }
    fn listen(&self, notify: &mut dyn FnMut(i64) -> bool) -> Result<()> {
        (**self).listen(notify)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn opened(&self, replayed: bool) -> Result<()> {
        (**self).opened(replayed)
    }
    fn read_models_replaced(&self) -> Result<()> {
        (**self).read_models_replaced()
    }
    fn settle(&self) -> Result<()> {
        (**self).settle()
    }
}

/// Runs a closure that returns a value through the object-safe backend API.
fn run<T>(b: &dyn Backend, write: bool, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    let mut call = |c: &mut dyn Conn| -> Result<()> {
        if let Some(f) = f.take() {
            out = Some(f(c)?);
        }
        Ok(())
    };
    if write {
        b.write(&mut call)?;
    } else {
        b.read(&mut call)?;
    }
    out.ok_or_else(|| StoreError::db("transaction closure did not run"))
}

/// The store: a backend, the journal key and the live event bus.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Box<dyn Backend>,
    key: JournalKey,
    bus: broadcast::Sender<Arc<Published>>,
    outbox: std::sync::Mutex<Outbox>,
    /// Set when the journal was found broken (at start, or by a write that
    /// checked its head): every write is refused from then on, naming it.
    broken: std::sync::Mutex<Option<String>>,
}

/// Where this process's commits wait their turn for the bus. A commit takes
/// its place inside its transaction (so places follow journal order) and is
/// published when it and every commit before it are settled: writers are
/// answered in any order once their commits are durable, subscribers still
/// get events in journal order.
#[derive(Default)]
struct Outbox {
    /// The place of `waiting[0]`.
    front: u64,
    /// `None` until settled; then the events (none if the commit failed).
    waiting: std::collections::VecDeque<Option<Vec<Committed>>>,
}

/// A commit's place in the outbox; settled when dropped (with no events if
/// the commit did not go through, so nothing after it waits for ever).
struct Place<'a> {
    inner: &'a Inner,
    at: u64,
    events: Option<Vec<Committed>>,
}

impl Inner {
    fn take_place(&self) -> Place<'_> {
        let mut o = self.outbox.lock().unwrap_or_else(|p| p.into_inner());
        o.waiting.push_back(None);
        let at = o.front + o.waiting.len() as u64 - 1;
        Place {
            inner: self,
            at,
            events: None,
        }
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let mut o = self.inner.outbox.lock().unwrap_or_else(|p| p.into_inner());
        let i = (self.at - o.front) as usize;
        o.waiting[i] = Some(self.events.take().unwrap_or_default());
        while let Some(Some(_)) = o.waiting.front() {
            if let Some(Some(events)) = o.waiting.pop_front() {
                for ev in events {
                    // No subscriber is not an error.
                    let _ = self.inner.bus.send(published(ev));
                }
            }
            o.front += 1;
        }
    }
}

/// A committed event as the live bus carries it, with room for the one
/// serialised form every subscriber may share (SSE sends the same bytes to
/// a thousand browsers; it is made once).
#[derive(Debug)]
pub struct Published {
    pub committed: Committed,
    pub wire: tokio::sync::OnceCell<Option<Wire>>,
}

/// An event as a stream sends it: the bytes most subscribers share, and
/// for a new entry the entry and the marks of the entries it names, for
/// the few subscribers who may not know of one of those.
#[derive(Debug, Clone)]
pub struct Wire {
    pub data: String,
    pub entry: Option<(honbu_domain::board::EntryView, log::Refs)>,
    /// For an event about an entry that only its readers may learn of (a
    /// file attached to it): the entry and its mark, as the event left it.
    pub about: Option<(honbu_domain::ids::EntryId, log::Refs)>,
}

impl std::ops::Deref for Published {
    type Target = Committed;
    fn deref(&self) -> &Committed {
        &self.committed
    }
}

fn published(event: Committed) -> Arc<Published> {
    Arc::new(Published {
        committed: event,
        wire: tokio::sync::OnceCell::new(),
    })
}

/// How many of the newest journal entries a start checks (with the head).
pub const START_CHECK: i64 = 1_000;

impl Store {
    pub fn new(backend: Box<dyn Backend>, key: JournalKey) -> Result<Self> {
        let replayed = run(&*backend, true, |c| {
            let replay_now = schema::migrate(c)?;
            if replay_now {
                // The new tables are filled from the journal; sessions stay.
                replay(c, &["sessions"])?;
            }
            Ok(replay_now)
        })?;
        backend.opened(replayed)?;
        let (bus, _) = broadcast::channel(4096);
        let store = Store {
            inner: Arc::new(Inner {
                backend,
                key,
                bus,
                outbox: Default::default(),
                broken: Default::default(),
            }),
        };
        // The head and the newest entries are checked before anything is
        // served: a broken journal is still read, never written.
        let key = store.inner.key.clone();
        if let Some((seq, problem)) =
            store.read_blocking(move |c| journal::check_tail(c, &key, START_CHECK))?
        {
            let problem = format!("entry {seq}: {problem}");
            tracing::error!("the journal does not verify, so honbu will write nothing: {problem}");
            store.set_broken(problem);
        }
        if store.inner.backend.shared() {
            store.spawn_listener();
        }
        Ok(store)
    }

    /// Why the journal is broken and writes are refused, if it is.
    pub fn journal_problem(&self) -> Option<String> {
        self.inner
            .broken
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_broken(&self, problem: String) {
        *self.inner.broken.lock().unwrap_or_else(|p| p.into_inner()) = Some(problem);
    }

    /// Checks the journal's head now (one lookup and one HMAC): what is
    /// wrong with it, if anything, as `/healthz` reports it. A problem found
    /// stops writes as one found by a write does.
    pub async fn check_head(&self) -> Result<Option<String>> {
        if let Some(p) = self.journal_problem() {
            return Ok(Some(p));
        }
        let key = self.inner.key.clone();
        let found = self
            .read(move |c| Ok(journal::check_tail(c, &key, 0)?.map(|(_, p)| p)))
            .await?;
        if let Some(p) = &found {
            self.set_broken(p.clone());
        }
        Ok(found)
    }

    pub fn dialect(&self) -> Dialect {
        self.inner.backend.dialect()
    }

    pub fn describe(&self) -> String {
        self.inner.backend.describe()
    }

    pub fn key(&self) -> &JournalKey {
        &self.inner.key
    }

    /// Live committed events, in journal order.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.inner.bus.subscribe()
    }

    /// Synchronous read; call from blocking contexts (CLI, tests, benches).
    pub fn read_blocking<T>(&self, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
        run(&*self.inner.backend, false, f)
    }

    /// Synchronous write transaction. `f` returns the events to append; they
    /// are appended and projected in the same transaction and published
    /// after commit.
    pub fn write_blocking<T>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<(Vec<Event>, T)>,
    ) -> Result<(Vec<Committed>, T)> {
        if let Some(problem) = self.journal_problem() {
            return Err(StoreError::JournalBroken(problem));
        }
        let key = self.inner.key.clone();
        let local = !self.inner.backend.shared();
        let mut place = None;
        let taken = &mut place;
        let inner = &*self.inner;
        let (committed, out) = run(&*self.inner.backend, true, move |c| {
            let (events, out) = f(c)?;
            let committed = journal::append(c, &key, events)?;
            if local && !committed.is_empty() {
                // Inside the transaction: places follow journal order.
                *taken = Some(inner.take_place());
            }
            let mut projector = project::Projector::default();
            for ev in &committed {
                projector.apply(c, ev)?;
            }
            if let (Dialect::Postgres, Some(last)) = (c.dialect(), committed.last()) {
                // Delivered to every listening instance when this transaction commits.
                c.exec(
                    "SELECT pg_notify('honbu_journal', $1)",
                    &[sql::Value::Text(last.seq.to_string())],
                )?;
            }
            Ok((committed, out))
        })
        .inspect_err(|e| {
            if let StoreError::JournalBroken(problem) = e {
                tracing::error!("a write found the journal broken; writes stop: {problem}");
                self.set_broken(problem.clone());
            }
        })?;
        if let Some(mut p) = place {
            p.events = Some(committed.clone());
        }
        Ok((committed, out))
    }

    /// Appends ready-made events (demo loading, benchmarks, tests).
    pub fn append_blocking(&self, events: Vec<Event>) -> Result<Vec<Committed>> {
        self.write_blocking(|_| Ok((events, ()))).map(|(c, ())| c)
    }

    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let s = self.clone();
        tokio::task::spawn_blocking(move || s.read_blocking(f))
            .await
            .map_err(|e| StoreError::db_with("worker failed", e))?
    }

    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<(Vec<Event>, T)> + Send + 'static,
    ) -> Result<(Vec<Committed>, T)> {
        let s = self.clone();
        tokio::task::spawn_blocking(move || s.write_blocking(f))
            .await
            .map_err(|e| StoreError::db_with("worker failed", e))?
    }

    /// Makes what was erased gone from the database's files (see
    /// [`Backend::scrub`]): after a person's personal data is erased.
    pub fn scrub_blocking(&self) -> Result<()> {
        self.inner.backend.scrub(&["personal_data"])
    }

    pub async fn scrub(&self) -> Result<()> {
        let s = self.clone();
        tokio::task::spawn_blocking(move || s.scrub_blocking())
            .await
            .map_err(|e| StoreError::db_with("worker failed", e))?
    }

    /// Walks the chain; see [`journal::verify`].
    pub fn verify_blocking(&self, progress: &mut dyn FnMut(i64, i64)) -> Result<journal::Verdict> {
        let key = self.inner.key.clone();
        self.read_blocking(move |c| journal::verify(c, &key, progress))
    }

    /// Empties the read models and replays the whole journal into them, in
    /// one transaction. Sessions are dropped (everyone signs in again). The
    /// whole chain is verified first: a journal that does not verify is
    /// refused, naming its first bad entry (its forged or cut record would
    /// otherwise become the live one). Attached files are not its concern:
    /// it keeps them as they are, and `verify` names any that do not hold.
    pub fn rebuild_blocking(&self) -> Result<i64> {
        let key = self.inner.key.clone();
        let chain = self.read_blocking(move |c| journal::verify_chain(c, &key, &mut |_, _| {}))?;
        if let journal::Verdict::Broken { seq, problem } = chain {
            return Err(StoreError::JournalBroken(format!("entry {seq}: {problem}")));
        }
        self.rebuild_unverified_blocking()
    }

    /// Rebuilds from the journal as it stands, verified or not: for an
    /// operator who has seen `journal verify` fail and accepts that the read
    /// models will show what the journal now holds.
    pub fn rebuild_unverified_blocking(&self) -> Result<i64> {
        let last = run(&*self.inner.backend, true, |c| replay(c, &[]))?;
        self.inner.backend.read_models_replaced()?;
        Ok(last)
    }

    /// Returns once what the backend derives from the read models in the
    /// background (SQLite's search index) holds everything committed so
    /// far. A search is whole without it (what the index does not hold yet
    /// is compared row by row): tests and benchmarks use it to read through
    /// the index itself.
    pub fn settle_blocking(&self) -> Result<()> {
        self.inner.backend.settle()
    }

    /// Proves that the read models are what the journal says: replays the
    /// whole journal into them inside a transaction that is then rolled
    /// back, and compares every row of every read-model table with what
    /// was there. `None` when they agree; otherwise what differs, table by
    /// table (a row edited behind honbu's back, one removed or added).
    /// Nothing is changed either way.
    pub fn check_read_models_blocking(&self) -> Result<Option<String>> {
        const ROLLED_BACK: &str = "read models compared; rolled back";
        let mut found = None;
        let outcome = run(&*self.inner.backend, true, |c| {
            let live = schema::dump_read_models(c)?;
            replay(c, &[])?;
            let rebuilt = schema::dump_read_models(c)?;
            found = schema::differences(&live, &rebuilt);
            Err::<(), _>(StoreError::Conflict(ROLLED_BACK.into()))
        });
        match outcome {
            Err(StoreError::Conflict(m)) if m == ROLLED_BACK => Ok(found),
            Err(e) => Err(e),
            Ok(()) => Err(StoreError::db("the comparison was not rolled back")),
        }
    }

    fn spawn_listener(&self) {
        let weak = Arc::downgrade(&self.inner);
        std::thread::Builder::new()
            .name("honbu-listen".into())
            .spawn(move || listen_loop(weak))
            .map(|_| ())
            .unwrap_or_else(|e| tracing::error!("cannot start the journal listener: {e}"));
    }
}

/// Empties the read models (and sessions, unless kept) and replays the
/// whole journal into them; returns the last event replayed.
fn replay(c: &mut dyn Conn, keep: &[&str]) -> Result<i64> {
    for table in schema::READ_MODELS.iter().chain(["sessions"].iter()) {
        if !keep.contains(table) {
            c.exec(&format!("DELETE FROM {table}"), &[])?;
        }
    }
    let mut after = 0;
    loop {
        let batch = journal::read(c, after, 5_000)?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        let mut projector = project::Projector::default();
        for ev in &batch {
            projector.apply(c, ev)?;
        }
    }
    Ok(after)
}

/// For shared backends: every committed event, ours or another instance's,
/// reaches local subscribers from here, in journal order, exactly once.
fn listen_loop(weak: std::sync::Weak<Inner>) {
    let mut last = match weak.upgrade() {
        Some(inner) => run(&*inner.backend, false, |c| {
            c.query_one("SELECT seq FROM journal_head WHERE id = 1", &[])?
                .map(|r| r.int(0))
                .transpose()
        })
        .ok()
        .flatten()
        .unwrap_or(0),
        None => return,
    };
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let mut forward = |seq: i64| -> bool {
            // -1 is an idle tick: only check whether the store is still wanted.
            if seq >= 0 {
                loop {
                    let batch = match run(&*inner.backend, false, |c| journal::read(c, last, 1000))
                    {
                        Ok(b) => b,
                        Err(e) => {
                            tracing::warn!("journal listener: {e}");
                            return true;
                        }
                    };
                    if batch.is_empty() {
                        break;
                    }
                    for ev in batch {
                        last = ev.seq;
                        let _ = inner.bus.send(published(ev));
                    }
                }
            }
            // Stop listening when the store is gone (only the bus holds us).
            Arc::strong_count(&inner) > 1
        };
        if let Err(e) = inner.backend.listen(&mut forward) {
            tracing::warn!("journal listener: {e}; reconnecting");
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        if Arc::strong_count(&inner) <= 1 {
            return;
        }
    }
}
