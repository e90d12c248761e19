//! honbu's record-linkage engine: which records of two people lists are the
//! same person (link), and which records of one list are (dedupe).
//!
//! Fellegi–Sunter: candidate pairs by blocking ([`block`]), a graded
//! comparison per field ([`Level`]), m and u estimated by EM without labels
//! ([`Model`]), weights log2(m/u) adjusted for how common a name is, two
//! fixed thresholds ([`MATCH_PROBABILITY`], [`REVIEW_PROBABILITY`]), then a
//! one-to-one assignment (link) or a clustering that does not chain (dedupe).
//! Pure: no IO, no clock, no randomness but seeded; the same input gives
//! the same output. docs/LINKAGE.md has the design and the figures.

pub mod block;
mod compare;
pub mod country;
pub mod generate;
mod model;
mod record;
mod rng;
pub mod text;

pub use block::BlockStats;
pub use compare::{Field, Level, LEVELS};
pub use model::{
    decide, Explanation, FieldEvidence, Model, EM_MAX_ITERATIONS, HOUSEHOLD_SHARE, MAX_TF_BITS,
    VETO_GIVEN_M,
};
pub use record::{PartialDate, Record};

use compare::pair as compare_pair;
use model::{to_probability, Frequencies};
use record::Prepared;
use std::collections::BTreeMap;

/// A pair at or above this probability is a sure match (unless a strong
/// identifier or the given name disagrees: then it is for review).
pub const MATCH_PROBABILITY: f64 = 0.9;
/// A pair at or above this probability and below the match threshold is
/// for an officer to review; below it, not a match.
pub const REVIEW_PROBABILITY: f64 = 0.2;
/// Clustering never puts two records in one cluster when their own
/// comparison is below this probability, or vetoed: the guard against
/// chaining (A~B and B~C while A and C are two people).
pub const CANNOT_LINK_PROBABILITY: f64 = 0.02;
/// Random pairs compared to estimate u.
pub const RANDOM_PAIRS: usize = 100_000;
/// The largest cluster the deduplication makes.
pub const MAX_CLUSTER: usize = 20;

/// What the engine decided for a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    Match,
    Review,
    NonMatch,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Match => "match",
            Decision::Review => "review",
            Decision::NonMatch => "non_match",
        }
    }
}

/// A scored pair: indices into the inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// Left record (link) or the first record (dedupe).
    pub a: usize,
    /// Right record (link) or the second record (dedupe, a < b).
    pub b: usize,
    pub probability: f64,
    /// Total bits, prior included.
    pub bits: f64,
    pub decision: Decision,
}

/// Progress as the engine goes: a phase and a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub phase: &'static str,
    pub count: usize,
}

/// The result of linking two lists.
#[derive(Debug, Clone)]
pub struct Linkage {
    /// Sure matches, one-to-one (per right group when groups are given),
    /// best first.
    pub matches: Vec<Pair>,
    /// Pairs for review: between the thresholds, or sure but vetoed, whose
    /// records were not linked to another; best first.
    pub review: Vec<Pair>,
    pub model: Model,
    pub blocking: BlockStats,
}

/// The result of deduplicating one list.
#[derive(Debug, Clone)]
pub struct Dedupe {
    /// A cluster number per record (the smallest index of its members).
    pub cluster: Vec<usize>,
    /// The sure links that built the clusters.
    pub matches: Vec<Pair>,
    /// Pairs for review across clusters: between the thresholds, vetoed,
    /// or held apart by a conflict within the would-be cluster.
    pub review: Vec<Pair>,
    pub model: Model,
    pub blocking: BlockStats,
}

fn active_fields(preps: &[Prepared], split: Option<usize>, other: &[String]) -> Vec<Field> {
    let has = |f: &dyn Fn(&Prepared) -> bool| -> bool {
        match split {
            Some(n) => preps[..n].iter().any(f) && preps[n..].iter().any(f),
            None => preps.iter().filter(|p| f(p)).take(2).count() == 2,
        }
    };
    let mut fields = Vec::new();
    type Has<'a> = &'a dyn Fn(&Prepared) -> bool;
    let candidates: [(Field, Has); 14] = [
        (Field::GivenName, &|p| p.given.is_some()),
        (Field::FamilyName, &|p| p.family.is_some()),
        (Field::NativeName, &|p| p.native.is_some()),
        (Field::DateOfBirth, &|p| p.dob.is_some()),
        (Field::Age, &|p| p.age.is_some()),
        (Field::Sex, &|p| p.sex.is_some()),
        (Field::Nationality, &|p| p.nationality.is_some()),
        (Field::PassportNumber, &|p| p.passport.is_some()),
        (Field::Street, &|p| p.street.is_some()),
        (Field::City, &|p| p.city.is_some()),
        (Field::Postcode, &|p| p.postcode.is_some()),
        (Field::State, &|p| p.state.is_some()),
        (Field::Email, &|p| p.email.is_some()),
        (Field::Phone, &|p| p.phone.is_some()),
    ];
    for (f, test) in candidates {
        if has(test) {
            fields.push(f);
        }
    }
    for (k, c) in other.iter().enumerate() {
        if has(&|p: &Prepared| p.other.get(k).map(|o| o.is_some()).unwrap_or(false)) {
            fields.push(Field::Other(c.clone()));
        }
    }
    fields
}

fn other_columns(sets: &[&[Record]], both: bool) -> Vec<String> {
    let names = |rs: &[Record]| -> std::collections::BTreeSet<String> {
        rs.iter()
            .flat_map(|r| r.other.iter().map(|(k, _)| k.clone()))
            .collect()
    };
    let mut it = sets.iter().map(|s| names(s));
    let first = it.next().unwrap_or_default();
    let all = it.fold(first, |acc, s| {
        if both {
            acc.intersection(&s).cloned().collect()
        } else {
            acc.union(&s).cloned().collect()
        }
    });
    all.into_iter().collect()
}

/// The number of threads the comparisons run on.
fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// Maps `f` over `0..n` in contiguous chunks on all cores; results in order.
fn par_chunks<T: Send>(n: usize, f: impl Fn(std::ops::Range<usize>) -> Vec<T> + Sync) -> Vec<T> {
    let t = threads();
    if t == 1 || n < 2 {
        return f(0..n);
    }
    let chunk = n.div_ceil(t);
    let f = &f;
    let parts: Vec<Vec<T>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..t)
            .map(|k| {
                let lo = (k * chunk).min(n);
                let hi = ((k + 1) * chunk).min(n);
                s.spawn(move || f(lo..hi))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    parts.into_iter().flatten().collect()
}

struct Scored {
    model: Model,
    /// Pairs at or above the review threshold.
    pairs: Vec<Pair>,
    blocking: BlockStats,
}

/// Prepares, blocks, compares, estimates and scores.
fn score_all(
    preps: &[Prepared],
    split: Option<usize>,
    other: Vec<String>,
    progress: &mut dyn FnMut(Progress),
) -> Scored {
    let fields = active_fields(preps, split, &other);
    let mut model = model::Model::new(fields, other);
    let nf = model.fields.len();
    model.given_tf = Frequencies::build(
        preps
            .iter()
            .filter_map(|p| p.given.as_ref().map(|n| n.fjoined.as_str())),
    );
    model.family_tf = Frequencies::build(
        preps
            .iter()
            .filter_map(|p| p.family.as_ref().map(|n| n.fjoined.as_str())),
    );

    let (cands, blocking) = block::candidates(preps, split);
    progress(Progress {
        phase: "candidate pairs",
        count: cands.len(),
    });

    // u from random pairs: nearly all of them are two people. Each sample
    // draws from a generator seeded by its own number, so the sample is the
    // same however many threads share the work.
    let n = preps.len();
    if n >= 2 {
        let fields = &model.fields;
        let counts_parts: Vec<Vec<[u64; LEVELS]>> = par_chunks(RANDOM_PAIRS / 1000, |range| {
            let mut counts = vec![[0u64; LEVELS]; nf];
            let mut levels = vec![0u8; nf];
            for chunk in range {
                let mut rng = rng::Rng::new(0x5eed_1234 ^ (chunk as u64).wrapping_mul(0x9e37_79b9));
                for _ in 0..1000 {
                    let (i, j) = match split {
                        Some(nl) if nl > 0 && nl < n => (rng.below(nl), nl + rng.below(n - nl)),
                        _ => (rng.below(n), rng.below(n)),
                    };
                    if i == j {
                        continue;
                    }
                    compare_pair(fields, &preps[i], &preps[j], &mut levels);
                    for (k, &l) in levels.iter().enumerate() {
                        counts[k][l as usize] += 1;
                    }
                }
            }
            vec![counts]
        });
        let mut counts = vec![[0u64; LEVELS]; nf];
        for part in &counts_parts {
            for (k, row) in part.iter().enumerate() {
                for l in 0..LEVELS {
                    counts[k][l] += row[l];
                }
            }
        }
        let distinct = match split {
            Some(nl) => nl as f64 * (n - nl) as f64,
            None => n as f64 * (n as f64 - 1.0) / 2.0,
        };
        model.set_u_from_counts(&counts, distinct);
    }

    // Compare every candidate pair.
    let fields = model.fields.clone();
    let levels: Vec<u8> = par_chunks(cands.len(), |range| {
        let mut out = vec![0u8; range.len() * nf];
        for (k, idx) in range.enumerate() {
            let (i, j) = cands[idx];
            compare_pair(
                &fields,
                &preps[i as usize],
                &preps[j as usize],
                &mut out[k * nf..(k + 1) * nf],
            );
        }
        out
    });
    progress(Progress {
        phase: "pairs compared",
        count: cands.len(),
    });

    // EM over the distinct patterns, in sorted order. A pattern of up to 32
    // fields is packed into a u128 (4 bits a level) for counting.
    let mut patterns: Vec<(Vec<u8>, u64)> = if nf <= 32 {
        let mut counts: std::collections::HashMap<u128, u64> = std::collections::HashMap::new();
        for p in levels.chunks_exact(nf.max(1)) {
            let key = p
                .iter()
                .fold(0u128, |acc, &l| (acc << 4) | (l as u128 & 0xf));
            *counts.entry(key).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|(key, c)| {
                let p: Vec<u8> = (0..nf)
                    .map(|k| ((key >> (4 * (nf - 1 - k))) & 0xf) as u8)
                    .collect();
                (p, c)
            })
            .collect()
    } else {
        let mut counts: BTreeMap<&[u8], u64> = BTreeMap::new();
        for p in levels.chunks_exact(nf) {
            *counts.entry(p).or_default() += 1;
        }
        counts.into_iter().map(|(p, c)| (p.to_vec(), c)).collect()
    };
    if nf == 0 {
        patterns.clear();
    }
    patterns.sort_unstable();
    let all_pairs = match split {
        Some(nl) => nl as f64 * (n - nl) as f64,
        None => n as f64 * (n as f64 - 1.0) / 2.0,
    };
    // Start: about one true pair for every other record of the smaller side.
    let expected = match split {
        Some(nl) => nl.min(n - nl) as f64 * 0.5,
        None => n as f64 * 0.2,
    };
    model.estimate(&patterns, all_pairs, expected / all_pairs.max(1.0));
    progress(Progress {
        phase: "EM iterations",
        count: model.iterations,
    });

    // Score; keep what reaches review.
    let model_ref = &model;
    let review_bits = (REVIEW_PROBABILITY / (1.0 - REVIEW_PROBABILITY)).log2();
    let pairs: Vec<Pair> = par_chunks(cands.len(), |range| {
        let mut out = Vec::new();
        for idx in range {
            let (i, j) = cands[idx];
            let lv = &levels[idx * nf..(idx + 1) * nf];
            let (bits, veto) = model_ref.score(lv, &preps[i as usize]);
            if bits >= review_bits {
                let probability = to_probability(bits);
                out.push(Pair {
                    a: i as usize,
                    b: j as usize,
                    probability,
                    bits,
                    decision: decide(probability, veto.is_some()),
                });
            }
        }
        out
    });
    progress(Progress {
        phase: "pairs at or above review",
        count: pairs.len(),
    });
    Scored {
        model,
        pairs,
        blocking,
    }
}

/// Best first; ties by indices.
fn by_strength(x: &Pair, y: &Pair) -> std::cmp::Ordering {
    y.bits
        .total_cmp(&x.bits)
        .then(x.a.cmp(&y.a))
        .then(x.b.cmp(&y.b))
}

/// Links two lists: each left record to at most one right record (or, when
/// right records carry a [`Record::group`], to at most one group, through
/// its best record), each right record (group) to at most one left record.
pub fn link(left: &[Record], right: &[Record]) -> Linkage {
    link_with(left, right, &mut |_| {})
}

/// [`link`], telling `progress` of each phase.
pub fn link_with(left: &[Record], right: &[Record], progress: &mut dyn FnMut(Progress)) -> Linkage {
    let other = other_columns(&[left, right], true);
    let preps: Vec<Prepared> = par_chunks(left.len() + right.len(), |range| {
        range
            .map(|i| {
                let r = if i < left.len() {
                    &left[i]
                } else {
                    &right[i - left.len()]
                };
                record::prepare(r, &other)
            })
            .collect()
    });
    progress(Progress {
        phase: "records prepared",
        count: preps.len(),
    });
    let nl = left.len();
    let scored = score_all(&preps, Some(nl), other, progress);
    // Right groups: records of one group are one person.
    let mut group_of: Vec<usize> = (0..right.len()).collect();
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, r) in right.iter().enumerate() {
        if let Some(g) = r.group.as_deref() {
            group_of[i] = *first.entry(g).or_insert(i);
        }
    }
    let mut pairs: Vec<Pair> = scored
        .pairs
        .into_iter()
        .map(|p| Pair { b: p.b - nl, ..p })
        .collect();
    pairs.sort_by(by_strength);
    let mut left_used = vec![false; nl];
    let mut group_used = vec![false; right.len()];
    let mut matches = Vec::new();
    for p in &pairs {
        if p.decision == Decision::Match && !left_used[p.a] && !group_used[group_of[p.b]] {
            left_used[p.a] = true;
            group_used[group_of[p.b]] = true;
            matches.push(*p);
        }
    }
    let review = pairs
        .iter()
        .filter(|p| {
            p.decision != Decision::NonMatch && !left_used[p.a] && !group_used[group_of[p.b]]
        })
        .map(|p| Pair {
            decision: Decision::Review,
            ..*p
        })
        .collect();
    progress(Progress {
        phase: "links (one-to-one)",
        count: matches.len(),
    });
    Linkage {
        matches,
        review,
        model: scored.model,
        blocking: scored.blocking,
    }
}

/// The candidate pairs blocking makes for one list (i < j, sorted): what
/// [`dedupe`] compares. For diagnostics and tests of blocking's recall.
pub fn candidate_pairs(records: &[Record]) -> Vec<(usize, usize)> {
    let other = other_columns(&[records], false);
    let preps: Vec<Prepared> = records.iter().map(|r| record::prepare(r, &other)).collect();
    block::candidates(&preps, None)
        .0
        .into_iter()
        .map(|(i, j)| (i as usize, j as usize))
        .collect()
}

/// Deduplicates one list into clusters of records of one person.
pub fn dedupe(records: &[Record]) -> Dedupe {
    dedupe_with(records, &mut |_| {})
}

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// [`dedupe`], telling `progress` of each phase.
pub fn dedupe_with(records: &[Record], progress: &mut dyn FnMut(Progress)) -> Dedupe {
    let other = other_columns(&[records], false);
    let preps: Vec<Prepared> = par_chunks(records.len(), |range| {
        range
            .map(|i| record::prepare(&records[i], &other))
            .collect()
    });
    progress(Progress {
        phase: "records prepared",
        count: preps.len(),
    });
    let scored = score_all(&preps, None, other, progress);
    let model = scored.model;
    let mut pairs = scored.pairs;
    pairs.sort_by(by_strength);

    // Agglomerate along the sure links, best first, merging two clusters
    // only when no pair across them is a clear non-match or vetoed.
    let n = records.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let cannot_bits = (CANNOT_LINK_PROBABILITY / (1.0 - CANNOT_LINK_PROBABILITY)).log2();
    let nf = model.fields.len();
    let mut levels = vec![0u8; nf];
    let mut matches = Vec::new();
    let mut held_apart = Vec::new();
    for p in &pairs {
        if p.decision != Decision::Match {
            continue;
        }
        let (ra, rb) = (find(&mut parent, p.a), find(&mut parent, p.b));
        if ra == rb {
            matches.push(*p);
            continue;
        }
        if members[ra].len() + members[rb].len() > MAX_CLUSTER {
            held_apart.push(*p);
            continue;
        }
        if members[ra].len() == 1 && members[rb].len() == 1 {
            // Two single records: the pair itself is the only one across.
            parent[rb.max(ra)] = ra.min(rb);
            let moved = std::mem::take(&mut members[rb.max(ra)]);
            members[ra.min(rb)].extend(moved);
            matches.push(*p);
            continue;
        }
        let mut ok = true;
        'check: for &x in &members[ra] {
            for &y in &members[rb] {
                if (x, y) == (p.a, p.b) || (y, x) == (p.a, p.b) {
                    continue;
                }
                compare_pair(&model.fields, &preps[x], &preps[y], &mut levels);
                let (bits, veto) = model.score(&levels, &preps[x]);
                if veto.is_some() || bits < cannot_bits {
                    ok = false;
                    break 'check;
                }
            }
        }
        if ok {
            let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[gone] = keep;
            let moved = std::mem::take(&mut members[gone]);
            members[keep].extend(moved);
            matches.push(*p);
        } else {
            held_apart.push(*p);
        }
    }
    let mut cluster = vec![0usize; n];
    for (i, c) in cluster.iter_mut().enumerate() {
        let root = find(&mut parent, i);
        *c = members[root].iter().copied().min().unwrap_or(i);
    }
    let mut review: Vec<Pair> = pairs
        .iter()
        .filter(|p| p.decision == Decision::Review && cluster[p.a] != cluster[p.b])
        .copied()
        .chain(
            held_apart
                .into_iter()
                .filter(|p| cluster[p.a] != cluster[p.b]),
        )
        .map(|p| Pair {
            decision: Decision::Review,
            ..p
        })
        .collect();
    review.sort_by(by_strength);
    progress(Progress {
        phase: "clusters",
        count: {
            let mut c: Vec<usize> = cluster.clone();
            c.sort_unstable();
            c.dedup();
            c.len()
        },
    });
    Dedupe {
        cluster,
        matches,
        review,
        model,
        blocking: scored.blocking,
    }
}
