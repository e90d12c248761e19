//! Look-up benchmark for the gazetteer's `places`.
//!
//! `cargo run --release -p honbu-maps --example gazetteer_bench`
//!
//! Times 10,000 prefix look-ups (limit 10) through the sorted index, and the
//! same 10,000 through a baseline measured in the same run: a linear scan
//! over every place's names, folded in advance (so the baseline does no more
//! folding than the index does), ranked the same way. It checks that both give
//! the same places, then prints p50/p99/mean per look-up and the ratio of the
//! means. The queries are prefixes of 1 to 6 characters of place names taken
//! across the whole table, a quarter of them in native scripts. The one-off
//! cost of parsing the embedded file and building the index is printed too.

use honbu_maps::{all_places, places, search_key};
use std::cmp::Reverse;
use std::hint::black_box;
use std::time::{Duration, Instant};

const QUERIES: usize = 10_000;
const LIMIT: usize = 10;

fn stats(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).copied().unwrap_or_default()
    };
    let total: Duration = samples.iter().sum();
    let mean = total / u32::try_from(samples.len().max(1)).unwrap_or(u32::MAX);
    (at(0.50), at(0.99), mean)
}

fn main() {
    let t = Instant::now();
    let all = all_places();
    black_box(places("lima", LIMIT));
    let load = t.elapsed();

    let queries: Vec<String> = (0..QUERIES)
        .map(|i| {
            let p = &all[(i * 7919) % all.len()];
            let name = match p.native.first() {
                Some(n) if i % 4 == 3 => *n,
                _ => p.name,
            };
            name.chars().take(1 + i % 6).collect()
        })
        .collect();

    // The baseline's table: every place's folded names.
    let keys: Vec<Vec<String>> = all
        .iter()
        .map(|p| {
            [p.name, p.ascii]
                .iter()
                .chain(&p.native)
                .map(|n| search_key(n))
                .filter(|k| !k.is_empty())
                .collect()
        })
        .collect();
    let scan = |query: &str| -> Vec<u32> {
        let q = search_key(query);
        if q.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(bool, u32, Reverse<u32>)> = all
            .iter()
            .zip(&keys)
            .filter(|(_, k)| k.iter().any(|k| k.starts_with(&q)))
            .map(|(p, k)| (k.contains(&q), p.population, Reverse(p.id)))
            .collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        hits.into_iter().take(LIMIT).map(|h| h.2 .0).collect()
    };

    let mut found = 0usize;
    let indexed: Vec<Duration> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            let r = black_box(places(black_box(q), LIMIT));
            let d = t.elapsed();
            found += r.len();
            d
        })
        .collect();
    let linear: Vec<Duration> = queries
        .iter()
        .map(|q| {
            let t = Instant::now();
            black_box(scan(black_box(q)));
            t.elapsed()
        })
        .collect();

    let mismatches = queries
        .iter()
        .filter(|q| places(q, LIMIT).iter().map(|p| p.id).collect::<Vec<_>>() != scan(q))
        .count();

    let (i50, i99, imean) = stats(indexed);
    let (l50, l99, lmean) = stats(linear);
    println!(
        "gazetteer: {} places, {QUERIES} prefix look-ups (limit {LIMIT}), {found} places found",
        all.len()
    );
    println!("first use (parse + index): {load:.1?}");
    println!("index        p50 {i50:>10.2?}  p99 {i99:>10.2?}  mean {imean:>10.2?}");
    println!("linear scan  p50 {l50:>10.2?}  p99 {l99:>10.2?}  mean {lmean:>10.2?}");
    println!(
        "ratio (scan mean / index mean): {:.0}x; results differ for {mismatches} queries",
        lmean.as_secs_f64() / imean.as_secs_f64().max(f64::MIN_POSITIVE)
    );
}
