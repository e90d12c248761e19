//! The record as it stood at any moment: validity ranges on read-model rows.
//!
//! Every table an incident page reads carries the journal position from
//! which each of its rows holds (`from_seq`, or `seq` for tables whose rows
//! are written once by the event of that number). A table whose rows change
//! or go ([`Kind::Versioned`]) keeps every earlier version in
//! `<table>_history`, with the position at which it stopped holding
//! (`to_seq`). The projections write through [`update`] and [`remove`],
//! which keep the version they replace; nothing else writes these tables.
//!
//! A query names its tables through [`At::rows`]: now, the table itself
//! (the live read, as fast as ever); at journal position `s`, the rows that
//! held then — the current ones written at or before `s`, and the kept
//! versions that held from before `s` until after it. The same query text,
//! over the same projection, answers for the present and for any past
//! moment: an event's effect is defined once, by its projection, for both.
//!
//! Kept versions are written in journal order from the event alone and the
//! tables, so `journal rebuild` reproduces them exactly, like every other
//! row.

use crate::sql::{Conn, Value};
use crate::{Result, StoreError};
use std::borrow::Cow;

/// How a table's rows change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Rows are added and never changed: as of `s`, those added up to `s`.
    Appended,
    /// Rows are changed and removed: earlier versions are kept in
    /// `<table>_history` with the position where they stopped holding.
    Versioned,
}

/// A read-model table that can be read as of a past moment.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// `<name>_history` for a versioned table.
    pub history: &'static str,
    /// Every column but the position, in the order the history copies them.
    pub columns: &'static str,
    /// The columns that name one row.
    pub key: &'static [&'static str],
    /// The column holding the journal position a row holds from.
    pub since: &'static str,
    pub kind: Kind,
}

impl Table {
    /// A table whose rows change: its position column is `from_seq`.
    pub const fn versioned(
        name: &'static str,
        history: &'static str,
        columns: &'static str,
        key: &'static [&'static str],
    ) -> Self {
        Table {
            name,
            history,
            columns,
            key,
            since: "from_seq",
            kind: Kind::Versioned,
        }
    }

    /// A table whose rows are only ever added, with their position in `since`.
    pub const fn appended(name: &'static str, since: &'static str) -> Self {
        Table {
            name,
            history: "",
            columns: "",
            key: &[],
            since,
            kind: Kind::Appended,
        }
    }

    fn key_cond(&self, start: usize) -> String {
        self.key
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{k} = ${}", start + i))
            .collect::<Vec<_>>()
            .join(" AND ")
    }
}

/// Which state of the record a read looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// As it stands.
    Now,
    /// As it stood once the journal's event of this number was applied.
    Seq(i64),
}

impl At {
    /// What a query names in `FROM` (always with an alias) for the rows of
    /// `t` at this moment.
    pub fn rows(self, t: &Table) -> Cow<'static, str> {
        match (self, t.kind) {
            (At::Now, _) => Cow::Borrowed(t.name),
            (At::Seq(s), Kind::Appended) => Cow::Owned(format!(
                "(SELECT * FROM {} WHERE {} <= {s})",
                t.name, t.since
            )),
            (At::Seq(s), Kind::Versioned) => Cow::Owned(format!(
                "(SELECT {c}, from_seq FROM {n} WHERE from_seq <= {s} \
                 UNION ALL SELECT {c}, from_seq FROM {h} WHERE from_seq <= {s} AND to_seq > {s})",
                c = t.columns,
                n = t.name,
                h = t.history,
            )),
        }
    }

    /// A condition that the journal position in `col` is within this moment.
    pub fn upto(self, col: &str) -> String {
        match self {
            At::Now => "1=1".into(),
            At::Seq(s) => format!("{col} <= {s}"),
        }
    }

    /// The moment of `incident` at time `t`: after its last event recorded at
    /// or before `t` (position 0, before anything, when there is none).
    pub fn of_time(
        c: &mut dyn Conn,
        incident: honbu_domain::ids::IncidentId,
        t: &honbu_domain::time::Timestamp,
    ) -> Result<At> {
        let seq = c
            .query_one(
                "SELECT COALESCE(MAX(seq), 0) FROM journal WHERE incident_id = $1 AND at <= $2",
                &[crate::sql::t(incident), Value::from(t)],
            )?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        Ok(At::Seq(seq))
    }

    pub fn is_now(self) -> bool {
        self == At::Now
    }
}

/// Keeps the current version of the row of `t` named by `key`, if an
/// earlier event wrote it, as holding until `seq`.
fn keep(c: &mut dyn Conn, t: &Table, seq: i64, key: &[Value]) -> Result<()> {
    if t.kind != Kind::Versioned {
        return Err(StoreError::Corrupt(format!(
            "{} keeps no versions: its rows are only ever added",
            t.name
        )));
    }
    let n = key.len() + 1;
    let mut params = key.to_vec();
    params.push(Value::Int(seq));
    // A version this same event wrote held at no position: nothing to keep.
    c.exec(
        &format!(
            "INSERT INTO {h} ({c}, from_seq, to_seq) SELECT {c}, from_seq, ${n} FROM {t} WHERE {k} AND from_seq < ${n}",
            h = t.history,
            c = t.columns,
            t = t.name,
            k = t.key_cond(1),
        ),
        &params,
    )?;
    Ok(())
}

/// Changes the row of `t` named by `key` (in the order of `t.key`) as the
/// event at `seq` does, keeping the version it replaces. Returns how many
/// rows changed (0 when there is no such row).
pub fn update(
    c: &mut dyn Conn,
    t: &Table,
    seq: i64,
    key: &[Value],
    set: &[(&str, Value)],
) -> Result<u64> {
    if set.is_empty() {
        return Ok(0);
    }
    keep(c, t, seq, key)?;
    let mut params: Vec<Value> = set.iter().map(|(_, v)| v.clone()).collect();
    let assignments: Vec<String> = set
        .iter()
        .enumerate()
        .map(|(i, (col, _))| format!("{col} = ${}", i + 1))
        .collect();
    params.push(Value::Int(seq));
    let seq_at = params.len();
    params.extend(key.iter().cloned());
    c.exec(
        &format!(
            "UPDATE {} SET {}, from_seq = ${seq_at} WHERE {}",
            t.name,
            assignments.join(", "),
            t.key_cond(seq_at + 1)
        ),
        &params,
    )
}

/// Removes the row of `t` named by `key` as the event at `seq` does,
/// keeping it as a version that held until then.
pub fn remove(c: &mut dyn Conn, t: &Table, seq: i64, key: &[Value]) -> Result<u64> {
    keep(c, t, seq, key)?;
    c.exec(
        &format!("DELETE FROM {} WHERE {}", t.name, t.key_cond(1)),
        key,
    )
}

/// Whether the row of `t` named by `key` stands now.
pub fn exists(c: &mut dyn Conn, t: &Table, key: &[Value]) -> Result<bool> {
    Ok(c.query_one(
        &format!("SELECT 1 FROM {} WHERE {}", t.name, t.key_cond(1)),
        key,
    )?
    .is_some())
}
