//! The embedded default: one SQLite file in WAL mode, bundled with the
//! binary, nothing to install. One writer connection (SQLite allows one
//! writer at a time; `BEGIN IMMEDIATE` takes its lock up front so a
//! transaction never fails half-way for want of it) and a small pool of
//! readers that see consistent snapshots while the writer works.

use honbu_store::sql::{Cell, Conn, Dialect, Row, Value};
use honbu_store::{Backend, Result, StoreError};
use rusqlite::types::ValueRef;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: each commit is on disk before it returns.
    Full,
    /// `synchronous=NORMAL`: survives a crash of honbu, not of the machine.
    Normal,
}

pub struct Sqlite {
    path: PathBuf,
    writer: Mutex<rusqlite::Connection>,
    readers: Mutex<Vec<rusqlite::Connection>>,
    durability: Durability,
}

fn db_err(e: rusqlite::Error) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy => {
            StoreError::Busy
        }
        e => StoreError::Db(e.to_string()),
    }
}

impl Sqlite {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path, durability: Durability) -> Result<Self> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Config(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
        }
        let writer = Self::connect(path, durability)?;
        Ok(Sqlite {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            readers: Mutex::new(vec![]),
            durability,
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

    /// Moves the WAL into the main file (so the file alone holds everything).
    pub fn checkpoint(&self) -> Result<()> {
        let w = self
            .writer
            .lock()
            .map_err(|_| StoreError::Db("writer lock poisoned".into()))?;
        w.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(db_err)
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
        return Err(StoreError::Db(format!(
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
                    ValueRef::Text(b) | ValueRef::Blob(b) => {
                        Value::Text(String::from_utf8_lossy(b).into_owned())
                    }
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
                    ValueRef::Text(b) | ValueRef::Blob(b) => {
                        Cell::Text(std::str::from_utf8(b).unwrap_or("\u{fffd}"))
                    }
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
                .map_err(|_| StoreError::Db("reader pool poisoned".into()))?;
            pool.pop()
        };
        let conn = match conn {
            Some(c) => c,
            None => Self::connect(&self.path, self.durability)?,
        };
        // A read transaction: every statement in `f` sees the same snapshot.
        conn.execute_batch("BEGIN").map_err(db_err)?;
        let out = f(&mut Lite(&conn));
        let end = conn.execute_batch("COMMIT").map_err(db_err);
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < 8 {
                pool.push(conn);
            }
        }
        out.and(end)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::Db("writer lock poisoned".into()))?;
        conn.execute_batch("BEGIN IMMEDIATE").map_err(db_err)?;
        match f(&mut Lite(&conn)) {
            Ok(()) => conn.execute_batch("COMMIT").map_err(|e| {
                let _ = conn.execute_batch("ROLLBACK");
                db_err(e)
            }),
            Err(e) => {
                conn.execute_batch("ROLLBACK").map_err(db_err)?;
                Err(e)
            }
        }
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
}
