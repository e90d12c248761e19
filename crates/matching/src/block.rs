//! Blocking: the candidate pairs, as the union of several keys so that a
//! true pair needs only one key to survive its typos.
//!
//! Keys per record (names folded, both orientations of given and family):
//! 1. a family-name token + the initial of a given name;
//! 2. a family-name token + the year of birth;
//! 3. the full date of birth + the initial of the family name, and + the
//!    initial of the given name;
//! 4. the strong identifier (passport number), the email, the phone;
//! 5. the first three letters of the family name + the first three of the
//!    given name;
//! 6. the postcode + the first two letters of the family name;
//! 7. the name in its own script;
//! 8. the first four letters of the street + the postcode, and + the city;
//! 9. a family-name token + the nickname group of the given name.
//!
//! A block with more than [`MAX_BLOCK_PAIRS`] pairs is left out (its pairs
//! must come through another key): such a block is a common name with no
//! other evidence.

use crate::record::{Name, Prepared};

/// The largest block compared, in pairs.
pub const MAX_BLOCK_PAIRS: usize = 400;

fn fnv(kind: u8, parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    eat(kind);
    for p in parts {
        for &b in *p {
            eat(b);
        }
        eat(0xff);
    }
    h
}

fn tokens(n: &Option<Name>) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    if let Some(n) = n {
        for t in &n.ftokens {
            if t.len() >= 2 {
                v.push(t);
            }
        }
        if n.ftokens.len() > 1 {
            v.push(&n.fjoined);
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn initials(n: &Option<Name>) -> Vec<u8> {
    let mut v: Vec<u8> = Vec::new();
    if let Some(n) = n {
        for t in &n.ftokens {
            if let Some(&b) = t.as_bytes().first() {
                v.push(b);
            }
        }
    }
    v.sort_unstable();
    v.dedup();
    v
}

fn prefix(s: &str, n: usize) -> &[u8] {
    let b = s.as_bytes();
    &b[..b.len().min(n)]
}

/// The blocking keys of one record.
pub(crate) fn keys(p: &Prepared, out: &mut Vec<u64>) {
    out.clear();
    let (ft, gt) = (tokens(&p.family), tokens(&p.given));
    let (fi, gi) = (initials(&p.family), initials(&p.given));
    for (names, inits) in [(&ft, &gi), (&gt, &fi)] {
        for t in names {
            for &i in inits.iter() {
                out.push(fnv(1, &[t.as_bytes(), &[i]]));
            }
            if let Some(d) = p.dob {
                out.push(fnv(2, &[t.as_bytes(), &d.year.to_le_bytes()]));
            }
        }
    }
    if let Some(d) = p.dob.filter(|d| d.is_full()) {
        let dk = [
            d.year.to_le_bytes()[0],
            d.year.to_le_bytes()[1],
            d.month.unwrap_or(0),
            d.day.unwrap_or(0),
        ];
        for &i in fi.iter() {
            out.push(fnv(3, &[&dk, &[b'f', i]]));
        }
        for &i in gi.iter() {
            out.push(fnv(3, &[&dk, &[b'g', i]]));
        }
    }
    if let Some(s) = &p.passport {
        out.push(fnv(4, &[s.as_bytes()]));
    }
    if let Some(s) = &p.email {
        out.push(fnv(5, &[s.as_bytes()]));
    }
    if let Some(s) = &p.phone {
        out.push(fnv(6, &[s.as_bytes()]));
    }
    // A family-name token + the nickname group of the given name
    // (Robinson with Ted and with Edward).
    if let Some(g) = &p.given {
        for t in &ft {
            for n in &g.nicknames {
                out.push(fnv(12, &[t.as_bytes(), &n.to_le_bytes()]));
            }
        }
    }
    if let (Some(f), Some(g)) = (&p.family, &p.given) {
        out.push(fnv(7, &[prefix(&f.fjoined, 3), prefix(&g.fjoined, 3)]));
        out.push(fnv(7, &[prefix(&g.fjoined, 3), prefix(&f.fjoined, 3)]));
    }
    if let (Some(pc), Some(f)) = (&p.postcode, &p.family) {
        out.push(fnv(8, &[pc.as_bytes(), prefix(&f.fjoined, 2)]));
    }
    if let Some(st) = &p.street {
        let st = prefix(st, 4);
        if let Some(pc) = &p.postcode {
            out.push(fnv(10, &[pc.as_bytes(), st]));
        }
        if let Some(c) = &p.city {
            out.push(fnv(11, &[c.as_bytes(), st]));
        }
    }
    if let Some(n) = &p.native {
        out.push(fnv(9, &[n.as_bytes()]));
    }
    out.sort_unstable();
    out.dedup();
}

/// What blocking did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlockStats {
    pub keys: usize,
    pub blocks_left_out: usize,
    pub candidate_pairs: usize,
}

/// Candidate pairs (i < j), sorted. With `split = Some(n)`, records below
/// `n` are the left list and only left–right pairs are made.
pub(crate) fn candidates(
    preps: &[Prepared],
    split: Option<usize>,
) -> (Vec<(u32, u32)>, BlockStats) {
    let mut entries: Vec<(u64, u32)> = Vec::with_capacity(preps.len() * 12);
    let mut buf = Vec::new();
    for (i, p) in preps.iter().enumerate() {
        keys(p, &mut buf);
        for &k in &buf {
            entries.push((k, i as u32));
        }
    }
    entries.sort_unstable();
    let mut stats = BlockStats {
        keys: entries.len(),
        ..Default::default()
    };
    let mut pairs: Vec<u64> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let key = entries[start].0;
        let mut end = start;
        while end < entries.len() && entries[end].0 == key {
            end += 1;
        }
        let block = &entries[start..end];
        start = end;
        if block.len() < 2 {
            continue;
        }
        match split {
            None => {
                let n = block.len();
                if n * (n - 1) / 2 > MAX_BLOCK_PAIRS {
                    stats.blocks_left_out += 1;
                    continue;
                }
                for x in 0..n {
                    for y in x + 1..n {
                        pairs.push(((block[x].1 as u64) << 32) | block[y].1 as u64);
                    }
                }
            }
            Some(nl) => {
                // Sorted by index: the left records come first.
                let cut = block.partition_point(|e| (e.1 as usize) < nl);
                let (l, r) = block.split_at(cut);
                if l.len() * r.len() > MAX_BLOCK_PAIRS {
                    stats.blocks_left_out += 1;
                    continue;
                }
                for a in l {
                    for b in r {
                        pairs.push(((a.1 as u64) << 32) | b.1 as u64);
                    }
                }
            }
        }
    }
    drop(entries);
    pairs.sort_unstable();
    pairs.dedup();
    stats.candidate_pairs = pairs.len();
    let out = pairs
        .into_iter()
        .map(|p| ((p >> 32) as u32, p as u32))
        .collect();
    (out, stats)
}
