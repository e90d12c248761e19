//! What honbu's tests share, kept out of every production library:
//!
//! - [`contract`]: the checks every store backend passes, expanded into a
//!   backend's test binary by [`contract_tests!`];
//! - [`sqlite`]: a store on a SQLite database of its own in a temporary
//!   directory, removed when the [`TempStore`] is dropped;
//! - [`postgres`]: a database of its own on the PostgreSQL server named by
//!   `HONBU_TEST_POSTGRES` (under CI a missing server is a failure, never a
//!   skip).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod contract;

use honbu_store::journal::JournalKey;
use honbu_store::Store;
use honbu_store_sqlite::{Durability, Sqlite};
use std::path::{Path, PathBuf};

/// A path for a SQLite database in a directory of its own, removed (with
/// the database and its log) when dropped. Derefs to the path.
pub struct TempDb {
    path: PathBuf,
    dir: tempfile::TempDir,
}

impl TempDb {
    /// The directory the database lives in.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl std::ops::Deref for TempDb {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for TempDb {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

/// A directory of its own for one test (or benchmark), removed when dropped.
pub fn temp_dir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("honbu-{prefix}-"))
        .tempdir()
        .unwrap()
}

/// Where a test's SQLite database goes (`honbu.db` in a directory of its own).
pub fn temp_db() -> TempDb {
    let dir = temp_dir("test");
    TempDb {
        path: dir.path().join("honbu.db"),
        dir,
    }
}

/// A store on a SQLite file of its own, removed with it. Derefs to the
/// [`Store`].
pub struct TempStore {
    // Dropped first: the database closes before its directory goes.
    store: Store,
    db: TempDb,
}

impl TempStore {
    /// The database file.
    pub fn path(&self) -> &Path {
        &self.db
    }

    /// The store and its database's place, for a caller that must keep
    /// them apart (a server task holds the store, the test the directory).
    pub fn into_parts(self) -> (Store, TempDb) {
        (self.store, self.db)
    }
}

impl std::ops::Deref for TempStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

/// A fresh, empty store on SQLite with the given durability and a new
/// journal key.
pub fn sqlite(durability: Durability) -> TempStore {
    let db = temp_db();
    let backend = Sqlite::open(&db, durability).unwrap();
    TempStore {
        store: Store::new(Box::new(backend), JournalKey::generate()).unwrap(),
        db,
    }
}

/// Databases of their own on a PostgreSQL server.
pub mod postgres {
    use honbu_store::journal::JournalKey;
    use honbu_store::Store;
    use honbu_store_postgres::Postgres;

    /// The server URL from `HONBU_TEST_POSTGRES`, or `None` outside CI when
    /// it is not set. Under CI a missing variable is a failure, never a skip.
    pub fn server() -> Option<String> {
        match std::env::var("HONBU_TEST_POSTGRES") {
            Ok(url) if !url.is_empty() => Some(url),
            _ if std::env::var("CI").is_ok() => {
                panic!("HONBU_TEST_POSTGRES is not set: CI must run the PostgreSQL tests")
            }
            _ => {
                eprintln!("HONBU_TEST_POSTGRES is not set: PostgreSQL tests not run here");
                None
            }
        }
    }

    /// Creates a database of its own for one test on the server at `url`
    /// and returns its URL; drops test databases older than an hour (left
    /// by earlier runs).
    pub fn fresh_database(url: &str) -> String {
        let mut admin = postgres::Client::connect(url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("PostgreSQL at {url} is not reachable: {e}"));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        if let Ok(rows) = admin.query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'honbu_t_%'",
            &[],
        ) {
            for row in rows {
                let name: String = row.get(0);
                let born: u64 = name
                    .split('_')
                    .nth(2)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                if born + 3600 < now {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
                }
            }
        }
        let name = format!("honbu_t_{now}_{:016x}{:016x}", rand_u64(), rand_u64());
        if let Err(e) = admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")) {
            panic!("cannot create a test database: {e}");
        }
        let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
        match url[scheme_end..].find('/') {
            Some(i) => format!("{}/{name}", &url[..scheme_end + i]),
            None => format!("{url}/{name}"),
        }
    }

    /// A fresh, empty store on a database of its own, or `None` outside CI
    /// when no server is configured.
    pub fn store() -> Option<Store> {
        Some(store_on(
            &fresh_database(&server()?),
            JournalKey::generate(),
        ))
    }

    /// Gathers the planner's statistics of the database at `url`, as
    /// autovacuum would after a bulk load (benchmarks that load and then
    /// query at once).
    pub fn analyze(url: &str) {
        let mut c = postgres::Client::connect(url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("PostgreSQL at {url} is not reachable: {e}"));
        c.batch_execute("ANALYZE").unwrap();
    }

    /// A store on the database at `url` (several may share one database and key).
    pub fn store_on(url: &str, key: JournalKey) -> Store {
        Store::new(Box::new(Postgres::connect(url).unwrap()), key).unwrap()
    }

    fn rand_u64() -> u64 {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.finish()
    }
}
