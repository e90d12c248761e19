//! The `honbu` binary's pieces: opening the store a URL names, the journal
//! key, and the Lima demo scenario.

pub mod demo;
pub mod demo_people;

use anyhow::{bail, Context};
use honbu_store::journal::JournalKey;
use honbu_store::{Backend, Store};
use std::path::{Path, PathBuf};

pub const DEFAULT_DATABASE: &str = "sqlite://./honbu-data/honbu.db";

/// Opens the backend a URL names: `postgres://…` or `sqlite://path` (or a plain path).
pub fn backend(url: &str) -> anyhow::Result<Box<dyn Backend>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Box::new(honbu_store_postgres::Postgres::connect(url)?))
    } else {
        let path = honbu_store_sqlite::Sqlite::path_from_url(url);
        Ok(Box::new(honbu_store_sqlite::Sqlite::open(
            &path,
            honbu_store_sqlite::Durability::Full,
        )?))
    }
}

/// Where the journal key lives when no `HONBU_JOURNAL_KEY` is given: beside
/// the SQLite file, or under `./honbu-data/` for PostgreSQL.
pub fn default_key_file(url: &str) -> PathBuf {
    if url.starts_with("postgres") {
        PathBuf::from("./honbu-data/journal.key")
    } else {
        let db = honbu_store_sqlite::Sqlite::path_from_url(url);
        db.parent()
            .map(|p| p.join("journal.key"))
            .unwrap_or_else(|| PathBuf::from("journal.key"))
    }
}

/// The key that chains the journal. A new key is made only for a journal
/// with nothing in it: a missing key for a written journal is an error, not
/// a reason to start a new chain.
pub fn journal_key(
    key_hex: Option<&str>,
    key_file: &Path,
    backend: &dyn Backend,
) -> anyhow::Result<JournalKey> {
    if let Some(hex) = key_hex.filter(|k| !k.trim().is_empty()) {
        return JournalKey::from_hex(hex).context("HONBU_JOURNAL_KEY");
    }
    if key_file.exists() {
        let text = std::fs::read_to_string(key_file)
            .with_context(|| format!("reading {}", key_file.display()))?;
        return JournalKey::from_hex(&text)
            .with_context(|| format!("the journal key in {}", key_file.display()));
    }
    let mut written = 0i64;
    let _ = backend.read(&mut |c| {
        written = c
            .query_one("SELECT COUNT(*) FROM journal", &[])?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0);
        Ok(())
    });
    if written > 0 {
        bail!(
            "the journal holds {written} events but its key file {} is missing; restore it or set HONBU_JOURNAL_KEY",
            key_file.display()
        );
    }
    let key = JournalKey::generate();
    if let Some(dir) = key_file.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    write_private(key_file, &key.to_hex())
        .with_context(|| format!("writing {}", key_file.display()))?;
    Ok(key)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)?.write_all(text.as_bytes())
}

pub fn open_store(
    url: &str,
    key_hex: Option<&str>,
    key_file: Option<&Path>,
) -> anyhow::Result<Store> {
    let backend = backend(url)?;
    let default = default_key_file(url);
    let key = journal_key(key_hex, key_file.unwrap_or(&default), &*backend)?;
    Ok(Store::new(backend, key)?)
}
