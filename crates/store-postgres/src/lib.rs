//! PostgreSQL, for honbu beyond one machine. Several instances may share one
//! database: the journal head row is locked `FOR UPDATE` in every write
//! transaction, so appends are serialised across instances and the chain
//! stays linear; each commit `NOTIFY`s `honbu_journal`, and every instance's
//! listener forwards the new events to its own live subscribers.

use bytes::BytesMut;
use honbu_store::sql::{Conn, Dialect, Row, Value};
use honbu_store::{Backend, Result, StoreError};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type};
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

struct Pg {
    client: Client,
    statements: HashMap<String, Statement>,
}

pub struct Postgres {
    url: String,
    pool: Mutex<Vec<Pg>>,
}

fn db_err(e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let message = format!("{}: {}", db.code().code(), db.message());
        return StoreError::db_with(message, e);
    }
    StoreError::db_from(e)
}

impl Postgres {
    /// Connects to `url` (`postgres://user@host:port/db`) and checks it answers.
    pub fn connect(url: &str) -> Result<Self> {
        let pg = Self::client(url)?;
        Ok(Postgres {
            url: url.to_string(),
            pool: Mutex::new(vec![pg]),
        })
    }

    fn client(url: &str) -> Result<Pg> {
        let client = Client::connect(url, NoTls).map_err(|e| {
            StoreError::Config(format!(
                "cannot connect to PostgreSQL at {}: {e}",
                redact(url)
            ))
        })?;
        Ok(Pg {
            client,
            statements: HashMap::new(),
        })
    }

    fn take(&self) -> Result<Pg> {
        let pooled = self
            .pool
            .lock()
            .map_err(|_| StoreError::db("pool poisoned"))?
            .pop();
        match pooled {
            Some(pg) if !pg.client.is_closed() => Ok(pg),
            _ => Self::client(&self.url),
        }
    }

    fn give(&self, pg: Pg) {
        if let Ok(mut pool) = self.pool.lock() {
            if pool.len() < 16 && !pg.client.is_closed() {
                pool.push(pg);
            }
        }
    }

    fn transaction(
        &self,
        begin: &str,
        f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>,
    ) -> Result<()> {
        let mut pg = self.take()?;
        pg.client.batch_execute(begin).map_err(db_err)?;
        let out = f(&mut pg);
        let end = match &out {
            Ok(()) => pg.client.batch_execute("COMMIT").map_err(db_err),
            Err(_) => pg.client.batch_execute("ROLLBACK").map_err(db_err),
        };
        self.give(pg);
        out.and(end)
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Binds a [`Value`] to whatever type PostgreSQL inferred for the parameter.
#[derive(Debug)]
struct P<'a>(&'a Value);

impl ToSql for P<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(v) => match *ty {
                Type::INT8 => v.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::FLOAT8 => (*v as f64).to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                _ => v.to_string().to_sql(ty, out),
            },
            Value::Real(v) => match *ty {
                Type::FLOAT4 => (*v as f32).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

impl Pg {
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(db_err)?;
        if self.statements.len() > 512 {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

fn column(row: &postgres::Row, i: usize) -> Result<Value> {
    let ty = row.columns()[i].type_().clone();
    let conv = |e: postgres::Error| StoreError::Decode(format!("column {i} ({ty}): {e}"));
    Ok(match ty {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(i)
            .map_err(conv)?
            .map_or(Value::Null, Value::Int),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)
            .map_err(conv)?
            .map_or(Value::Null, |v| Value::Int(v.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)
            .map_err(conv)?
            .map_or(Value::Null, |v| Value::Int(v.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)
            .map_err(conv)?
            .map_or(Value::Null, |v| Value::Int(v.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(i)
            .map_err(conv)?
            .map_or(Value::Null, Value::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)
            .map_err(conv)?
            .map_or(Value::Null, |v| Value::Real(v.into())),
        // A list of words (the search's pairs), read as they were written:
        // separated by spaces.
        Type::TEXT_ARRAY => row
            .try_get::<_, Option<Vec<String>>>(i)
            .map_err(conv)?
            .map_or(Value::Null, |v| Value::Text(v.join(" "))),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(i)
            .map_err(conv)?
            .map_or(Value::Null, Value::Bytes),
        _ => row
            .try_get::<_, Option<String>>(i)
            .map_err(conv)?
            .map_or(Value::Null, Value::Text),
    })
}

impl Conn for Pg {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        let ps: Vec<P> = params.iter().map(P).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = ps.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        self.client.execute(&stmt, &refs).map_err(db_err)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        let stmt = self.statement(sql)?;
        let ps: Vec<P> = params.iter().map(P).collect();
        let refs: Vec<&(dyn ToSql + Sync)> = ps.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let rows = self.client.query(&stmt, &refs).map_err(db_err)?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| column(r, i))
                    .collect::<Result<Vec<_>>>()
                    .map(Row)
            })
            .collect()
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql).map_err(db_err)
    }
}

impl Backend for Postgres {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn read(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        self.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn Conn) -> Result<()>) -> Result<()> {
        self.transaction("BEGIN", f)
    }

    fn shared(&self) -> bool {
        true
    }

    fn listen(&self, notify: &mut dyn FnMut(i64) -> bool) -> Result<()> {
        let mut client = Client::connect(&self.url, NoTls).map_err(db_err)?;
        client
            .batch_execute("LISTEN honbu_journal")
            .map_err(db_err)?;
        if !notify(0) {
            return Ok(());
        }
        loop {
            let mut got = false;
            let mut n = client.notifications();
            let mut it = n.timeout_iter(Duration::from_millis(500));
            while let Some(msg) = it.next().map_err(db_err)? {
                got = true;
                if !notify(msg.payload().parse().unwrap_or(0)) {
                    return Ok(());
                }
            }
            if !got && !notify(-1) {
                return Ok(());
            }
        }
    }

    fn describe(&self) -> String {
        format!("postgres:{}", redact(&self.url))
    }

    /// A deleted row stays in its table's file until vacuumed and written
    /// over; `VACUUM FULL` writes the table (and its TOAST table and
    /// indexes) anew and removes the old files, so what was erased is gone
    /// from the table. It copies over a deleted row that some snapshot may
    /// still need: one of this database's taken before the delete (an
    /// autovacuum's ANALYZE, a long report), or any taken while a
    /// transaction older than the delete ran anywhere in the cluster (a
    /// snapshot's horizon is the oldest transaction running then, in any
    /// database). So it first waits, up to 10 s, until no transaction older
    /// than the delete runs in the cluster and no snapshot of this database
    /// reaches back before it; past that it says so rather than report a
    /// scrub it did not make. It holds the
    /// table's lock for as long as it takes: `personal_data` is small
    /// beside the log.
    fn scrub(&self, tables: &[&str]) -> Result<()> {
        let mut client = Client::connect(&self.url, NoTls).map_err(db_err)?;
        let now: i64 = client
            .query_one("SELECT txid_current()", &[])
            .map_err(db_err)?
            .get(0);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let older: i64 = client
                .query_one(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND ( \
                       (backend_xid IS NOT NULL AND age(backend_xid) > age((($1::bigint) % 4294967296)::text::xid)) \
                       OR (datname = current_database() AND backend_xmin IS NOT NULL \
                           AND age(backend_xmin) > age((($1::bigint) % 4294967296)::text::xid)))",
                    &[&now],
                )
                .map_err(db_err)?
                .get(0);
            if older == 0 {
                break;
            }
            if std::time::Instant::now() > deadline {
                return Err(StoreError::db(format!(
                    "{older} transaction(s) begun before the erasure still run: the erased rows stay in the table's file until they end and it is scrubbed again"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        for t in tables {
            if !t.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(StoreError::db(format!("not a table name: {t}")));
            }
            client
                .batch_execute(&format!("VACUUM FULL {t}"))
                .map_err(db_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/d"),
            "postgres://u:***@h:5432/d"
        );
        assert_eq!(
            super::redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
    }
}
