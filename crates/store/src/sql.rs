//! The one SQL surface both backends offer. Statements are written once, in
//! the subset of SQL that SQLite and PostgreSQL share, with `$1`-style
//! parameters; each backend binds [`Value`]s and returns [`Row`]s.
//!
//! Portable on purpose: TEXT for ids, times (fixed-width UTC RFC 3339, so
//! text order is time order) and JSON; BIGINT for integers and booleans;
//! DOUBLE PRECISION for coordinates; bytes (attachments' files) as SQLite's
//! BLOB and PostgreSQL's BYTEA, the one column type spelled per dialect
//! (`{BLOB}` in the schema).

use crate::StoreError;
use honbu_domain::time::{self, Timestamp};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    /// Bytes as they are (a BLOB or a BYTEA).
    Bytes(Vec<u8>),
}

impl From<Vec<u8>> for Value {
    fn from(b: Vec<u8>) -> Self {
        Value::Bytes(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}
impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::Text(s.clone())
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&Timestamp> for Value {
    fn from(t: &Timestamp) -> Self {
        Value::Text(time::to_db(t))
    }
}
impl From<Timestamp> for Value {
    fn from(t: Timestamp) -> Self {
        Value::Text(time::to_db(&t))
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Anything with a string form (ids, vocabularies) binds as text.
pub fn t(v: impl std::fmt::Display) -> Value {
    Value::Text(v.to_string())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value>);

impl Row {
    fn get(&self, i: usize) -> Result<&Value, StoreError> {
        self.0
            .get(i)
            .ok_or_else(|| StoreError::Decode(format!("column {i} missing")))
    }
    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        match self.get(i)? {
            Value::Text(s) => Ok(s.clone()),
            Value::Int(v) => Ok(v.to_string()),
            // As before bytes had a value of their own.
            Value::Bytes(b) => Ok(String::from_utf8_lossy(b).into_owned()),
            v => Err(StoreError::Decode(format!(
                "column {i}: expected text, got {v:?}"
            ))),
        }
    }
    /// Bytes (a BLOB or a BYTEA column).
    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.get(i)? {
            Value::Bytes(b) => Ok(b.clone()),
            v => Err(StoreError::Decode(format!(
                "column {i}: expected bytes, got {}",
                match v {
                    Value::Null => "NULL",
                    Value::Int(_) => "an integer",
                    Value::Real(_) => "a number",
                    Value::Text(_) => "text",
                    Value::Bytes(_) => "bytes",
                }
            ))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.get(i)? {
            Value::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        match self.get(i)? {
            Value::Int(v) => Ok(*v),
            Value::Null => Ok(0),
            Value::Real(v) => Ok(*v as i64),
            v => Err(StoreError::Decode(format!(
                "column {i}: expected integer, got {v:?}"
            ))),
        }
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.get(i)? {
            Value::Null => Ok(None),
            _ => self.int(i).map(Some),
        }
    }
    pub fn real(&self, i: usize) -> Result<f64, StoreError> {
        match self.get(i)? {
            Value::Real(v) => Ok(*v),
            Value::Int(v) => Ok(*v as f64),
            v => Err(StoreError::Decode(format!(
                "column {i}: expected number, got {v:?}"
            ))),
        }
    }
    pub fn bool(&self, i: usize) -> Result<bool, StoreError> {
        Ok(self.int(i)? != 0)
    }
    pub fn time(&self, i: usize) -> Result<Timestamp, StoreError> {
        let s = self.text(i)?;
        time::from_db(&s).ok_or_else(|| StoreError::Decode(format!("column {i}: bad time {s:?}")))
    }
    pub fn opt_time(&self, i: usize) -> Result<Option<Timestamp>, StoreError> {
        match self.opt_text(i)? {
            None => Ok(None),
            Some(s) => time::from_db(&s)
                .map(Some)
                .ok_or_else(|| StoreError::Decode(format!("column {i}: bad time {s:?}"))),
        }
    }
    pub fn parse<T: std::str::FromStr>(&self, i: usize) -> Result<T, StoreError> {
        let s = self.text(i)?;
        s.parse()
            .map_err(|_| StoreError::Decode(format!("column {i}: cannot parse {s:?}")))
    }
    pub fn opt_parse<T: std::str::FromStr>(&self, i: usize) -> Result<Option<T>, StoreError> {
        match self.opt_text(i)? {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| StoreError::Decode(format!("column {i}: cannot parse {s:?}"))),
        }
    }
    pub fn json<T: serde::de::DeserializeOwned>(&self, i: usize) -> Result<T, StoreError> {
        let s = self.text(i)?;
        serde_json::from_str(&s).map_err(|e| StoreError::Decode(format!("column {i}: {e}")))
    }
    /// A code of one of the domain's vocabularies, read with its `parse`.
    pub fn vocab<T>(
        &self,
        i: usize,
        parse: fn(&str, &str) -> Result<T, honbu_domain::FieldError>,
    ) -> Result<T, StoreError> {
        let s = self.text(i)?;
        parse("", &s).map_err(|_| StoreError::Decode(format!("column {i}: bad code {s:?}")))
    }
    /// An IANA time zone.
    pub fn zone(&self, i: usize) -> Result<honbu_domain::time::Zone, StoreError> {
        let s = self.text(i)?;
        honbu_domain::time::Zone::parse("time_zone", &s)
            .map_err(|_| StoreError::Decode(format!("column {i}: bad zone {s:?}")))
    }
}

/// A value stored as JSON text.
pub fn json(v: &impl serde::Serialize) -> Result<Value, StoreError> {
    serde_json::to_string(v)
        .map(Value::Text)
        .map_err(|e| StoreError::Decode(e.to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// `col` holds the `LIKE` pattern in parameter `$n`, letters compared
    /// without regard to case (SQLite's `LIKE` folds ASCII only;
    /// PostgreSQL's `ILIKE` folds by the database's locale).
    pub fn contains(self, col: &str, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("{col} LIKE ${n} ESCAPE '\\'"),
            Dialect::Postgres => format!("{col} ILIKE ${n} ESCAPE '\\'"),
        }
    }

    /// As [`Dialect::contains`], for the pattern of `word`: a word with no
    /// letter that has a case (人質, 2026) is compared as it is, which
    /// spares PostgreSQL folding every row it reads.
    pub fn contains_word(self, col: &str, n: usize, word: &str) -> String {
        let caseless = word.chars().all(|c| c.to_lowercase().eq(c.to_uppercase()));
        match self {
            Dialect::Postgres if caseless => format!("{col} LIKE ${n} ESCAPE '\\'"),
            _ => self.contains(col, n),
        }
    }
}

/// The `LIKE` pattern that finds `word` anywhere in a text: its own `%`,
/// `_` and `\` stand for themselves.
pub fn like_pattern(word: &str) -> String {
    let mut p = String::with_capacity(word.len() + 2);
    p.push('%');
    for ch in word.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(ch);
    }
    p.push('%');
    p
}

/// A connection inside a transaction (writes) or a read snapshot.
pub trait Conn {
    fn dialect(&self) -> Dialect;
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Runs statements without parameters (migrations).
    fn batch(&mut self, sql: &str) -> Result<(), StoreError>;

    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Streams rows to `f` without copying them (long walks such as
    /// `journal verify`); `f` returns false to stop early.
    fn scan(
        &mut self,
        sql: &str,
        params: &[Value],
        f: &mut dyn FnMut(&[Cell<'_>]) -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        for row in self.query(sql, params)? {
            let cells: Vec<Cell<'_>> = row.0.iter().map(Cell::from).collect();
            if !f(&cells)? {
                break;
            }
        }
        Ok(())
    }
}

/// A borrowed column value, for [`Conn::scan`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl<'a> From<&'a Value> for Cell<'a> {
    fn from(v: &'a Value) -> Self {
        match v {
            Value::Null => Cell::Null,
            Value::Int(i) => Cell::Int(*i),
            Value::Real(r) => Cell::Real(*r),
            Value::Text(t) => Cell::Text(t),
            Value::Bytes(b) => Cell::Bytes(b),
        }
    }
}

impl<'a> Cell<'a> {
    pub fn text(&self) -> &'a str {
        match self {
            Cell::Text(t) => t,
            Cell::Bytes(b) => std::str::from_utf8(b).unwrap_or("\u{fffd}"),
            _ => "",
        }
    }
    pub fn int(&self) -> i64 {
        match self {
            Cell::Int(i) => *i,
            _ => 0,
        }
    }
}

/// `$1, $2, …` for `n` values starting at `start`, for `IN (...)` lists.
pub fn placeholders(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}
