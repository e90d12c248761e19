//! What one durable entry writes: logs entries one transaction each (no
//! checkpoint, so the log keeps every frame), then reads the log's frame
//! headers and names the table or index each page belongs to. Every page is
//! a write and part of the fsync, so this is where an append's cost is
//! decided (docs/BENCHMARKS.md).
//!
//! cargo run --release -p honbu-store-sqlite --example log_pages [-- ENTRIES]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use honbu_store::journal::JournalKey;
use honbu_store::Store;
use honbu_store_sqlite::{Durability, Sqlite};
use std::collections::BTreeMap;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = honbu_testkit::temp_dir("pages");
    let path = dir.path().join("honbu.db");
    // A checkpoint only after a billion frames: the log keeps them all.
    let store = Store::new(
        Box::new(Sqlite::open_with_checkpoint(&path, Durability::Normal, 1_000_000_000).unwrap()),
        JournalKey::generate(),
    )
    .unwrap();
    let w = honbu_testkit::contract::world(&store);
    let log = |n: usize| {
        for i in 0..n {
            honbu_testkit::contract::log_text(&store, w.incident, &format!("Cable {i}: the residence is quiet; the cordon is unchanged; supplies went in at 14:00 through the ICRC."));
        }
    };
    log(5);
    let wal = dir.path().join("honbu.db-wal");
    let start = std::fs::metadata(&wal).unwrap().len() as usize;
    log(n);
    let bytes = std::fs::read(&wal).unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    let page_size: usize = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    let mut owner: BTreeMap<u32, String> = BTreeMap::new();
    let mut st = c.prepare("SELECT name, pageno FROM dbstat").unwrap();
    for r in st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u32>(1)?)))
        .unwrap()
    {
        let (name, page) = r.unwrap();
        owner.insert(page, name);
    }
    // Each frame: a 24-byte header (page number, then the database size in
    // pages on a commit's last frame, else 0), then the page.
    let mut by_owner: BTreeMap<String, usize> = BTreeMap::new();
    let (mut off, mut frames, mut commits) = (start, 0usize, 0usize);
    while off + 24 + page_size <= bytes.len() {
        let page = u32::from_be_bytes(bytes[off..off + 4].try_into().unwrap());
        let commit = u32::from_be_bytes(bytes[off + 4..off + 8].try_into().unwrap());
        let name = if page == 1 {
            // Also the schema's first page; written when the file grows.
            "page 1 (the database header: its size in pages)".to_string()
        } else {
            owner
                .get(&page)
                .cloned()
                .unwrap_or_else(|| format!("page {page} (free)"))
        };
        *by_owner.entry(name).or_default() += 1;
        frames += 1;
        commits += usize::from(commit != 0);
        off += 24 + page_size;
    }
    println!(
        "{n} entries, one transaction each: {frames} log pages in {commits} commits, {:.2} pages a commit",
        frames as f64 / commits.max(1) as f64
    );
    for (name, count) in by_owner {
        println!("  {name}: {:.2}", count as f64 / commits.max(1) as f64);
    }
}
