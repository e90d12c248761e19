//! The Fellegi–Sunter model: m and u per field and level, estimated by EM
//! without labels; term-frequency adjustment; scores and explanations.

use crate::compare::{self, Field, Level, LEVELS};
use crate::record::{prepare, Prepared, Record};
use crate::{Decision, MATCH_PROBABILITY, REVIEW_PROBABILITY};
use std::collections::HashMap;

/// Largest term-frequency adjustment either way, in bits.
pub const MAX_TF_BITS: f64 = 6.0;
/// What an address or phone agreeing adds beside a stronger agreement of
/// the same household (the strongest counts whole).
pub const HOUSEHOLD_SHARE: f64 = 0.5;
/// A given name that disagrees vetoes a sure match only when EM finds that
/// fewer than this share of true pairs disagree on it.
pub const VETO_GIVEN_M: f64 = 0.05;
/// Largest number of EM iterations.
pub const EM_MAX_ITERATIONS: usize = 100;

/// How common each folded name is, for the term-frequency adjustment.
#[derive(Debug, Clone, Default)]
pub(crate) struct Frequencies {
    counts: HashMap<String, u32>,
    total: u64,
    /// Chance that two random records agree (Σ p(v)²).
    u_random: f64,
}

impl Frequencies {
    pub fn build<'a>(values: impl Iterator<Item = &'a str>) -> Frequencies {
        let mut counts: HashMap<String, u32> = HashMap::new();
        let mut total = 0u64;
        for v in values {
            *counts.entry(v.to_string()).or_default() += 1;
            total += 1;
        }
        // Integer sum: the same whatever the map's order.
        let sq: u128 = counts.values().map(|&c| (c as u128) * (c as u128)).sum();
        let u_random = if total == 0 {
            0.0
        } else {
            sq as f64 / (total as f64 * total as f64)
        };
        Frequencies {
            counts,
            total,
            u_random,
        }
    }

    /// The adjustment in bits for agreeing on `v`: log2(u_random / p(v)),
    /// negative for a common value, positive for a rare one.
    pub fn bits(&self, v: &str) -> f64 {
        if self.total == 0 || self.u_random <= 0.0 {
            return 0.0;
        }
        let c = self.counts.get(v).copied().unwrap_or(1).max(1);
        let p = c as f64 / self.total as f64;
        (self.u_random / p).log2().clamp(-MAX_TF_BITS, MAX_TF_BITS)
    }
}

/// A trained model. [`Model::explain`] shows the evidence for any pair.
#[derive(Debug, Clone)]
pub struct Model {
    /// The compared fields, in order.
    pub fields: Vec<Field>,
    pub(crate) other_columns: Vec<String>,
    /// m: P(level | match), per field, indexed by [`Level`] as usize.
    pub m: Vec<[f64; LEVELS]>,
    /// u: P(level | non-match among the candidate pairs).
    pub u: Vec<[f64; LEVELS]>,
    /// The share of candidate pairs that match (EM's estimate).
    pub lambda: f64,
    /// EM iterations run.
    pub iterations: usize,
    pub(crate) given_tf: Frequencies,
    pub(crate) family_tf: Frequencies,
    /// log2(m/u), cached.
    pub(crate) w: Vec<[f64; LEVELS]>,
}

/// One field's evidence in an explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldEvidence {
    pub field: Field,
    pub level: Level,
    /// English description of the level reached.
    pub description: &'static str,
    /// log2(m/u) after the term-frequency adjustment; 0 when missing.
    pub bits: f64,
    /// The term-frequency part of `bits` (0 when none applies).
    pub tf_bits: f64,
    /// What the field adds to the total: `bits`, or half of it for an
    /// address or phone agreeing beside a stronger agreement of the same
    /// household (one address is much the same fact, however many columns
    /// spell it).
    pub counted_bits: f64,
}

/// Why a pair scores what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub fields: Vec<FieldEvidence>,
    /// log2(λ/(1-λ)): the odds before any field is compared.
    pub prior_bits: f64,
    /// Prior plus every field's bits.
    pub total_bits: f64,
    pub probability: f64,
    pub decision: Decision,
    /// Why a pair that scores as a match is only for review (a strong
    /// identifier or the given name disagrees), if so.
    pub veto: Option<Field>,
}

/// What the prior u of `prior_u` is worth, in random pairs.
pub const U_PRIOR_PAIRS: f64 = 200.0;

/// Prior u: how often two strangers reach a level, before a list says.
fn prior_u(f: &Field, l: Level) -> f64 {
    let exact = match f {
        Field::Sex => 0.5,
        Field::Nationality | Field::State => 0.3,
        Field::City => 0.05,
        Field::Age => 0.02,
        Field::DateOfBirth => 0.0001,
        Field::PassportNumber | Field::Email | Field::Phone => 0.00001,
        _ => 0.01,
    };
    match l {
        Level::Exact => exact,
        Level::Folded | Level::Partial | Level::OneEdit => exact / 3.0,
        Level::Nickname | Level::Swapped | Level::Initial => exact / 10.0,
        Level::JaroWinkler92 => exact / 2.0,
        Level::JaroWinkler80 | Level::Close => 0.03,
        Level::Disagree => 1.0 - exact,
        Level::Missing => 0.0,
    }
}

/// Prior m for each level, before EM (how often a true pair reaches it).
fn prior_m(l: Level) -> f64 {
    match l {
        Level::Exact => 0.85,
        Level::Folded | Level::Partial | Level::OneEdit => 0.04,
        Level::JaroWinkler92 => 0.03,
        Level::Swapped => 0.05,
        Level::Nickname => 0.02,
        Level::Close => 0.01,
        Level::JaroWinkler80 | Level::Initial => 0.01,
        Level::Disagree => 0.01,
        Level::Missing => 0.0,
    }
}

pub(crate) fn to_probability(bits: f64) -> f64 {
    1.0 / (1.0 + (-bits).exp2())
}

impl Model {
    pub(crate) fn new(fields: Vec<Field>, other_columns: Vec<String>) -> Model {
        let mut m = vec![[0.0; LEVELS]; fields.len()];
        let mut u = vec![[0.0; LEVELS]; fields.len()];
        for (k, f) in fields.iter().enumerate() {
            let levels = f.levels();
            let total: f64 = levels.iter().map(|&l| prior_m(l)).sum();
            for &l in levels {
                m[k][l as usize] = prior_m(l) / total;
                // Uniform until random pairs say otherwise.
                u[k][l as usize] = 1.0 / levels.len() as f64;
            }
        }
        let mut model = Model {
            fields,
            other_columns,
            m,
            u,
            lambda: 0.01,
            iterations: 0,
            given_tf: Frequencies::default(),
            family_tf: Frequencies::default(),
            w: Vec::new(),
        };
        model.refresh();
        model
    }

    pub(crate) fn refresh(&mut self) {
        self.w = self
            .m
            .iter()
            .zip(self.u.iter())
            .map(|(m, u)| {
                let mut w = [0.0; LEVELS];
                for l in 0..LEVELS {
                    if m[l] > 0.0 && u[l] > 0.0 {
                        w[l] = (m[l] / u[l]).log2();
                    }
                }
                // Nothing weighs more than an exact agreement, and a
                // collapsed spelling or a swap weighs less.
                let exact = w[Level::Exact as usize];
                for x in w.iter_mut().skip(1) {
                    *x = x.min(exact - 0.5);
                }
                w
            })
            .collect();
    }

    /// Sets u from the levels random pairs reach (counts per field and
    /// level), blended with a prior worth [`U_PRIOR_PAIRS`] pairs: a list of
    /// a few dozen records has too few pairs of its own (and many of them
    /// are one person) to say how often strangers agree. `distinct_pairs`
    /// is how many different pairs the list has: the sample is worth no more.
    pub(crate) fn set_u_from_counts(&mut self, counts: &[[u64; LEVELS]], distinct_pairs: f64) {
        for (k, f) in self.fields.iter().enumerate() {
            let levels = f.levels();
            let sampled: f64 = levels.iter().map(|&l| counts[k][l as usize] as f64).sum();
            let weight = if sampled > 0.0 {
                sampled.min(distinct_pairs) / sampled
            } else {
                0.0
            };
            let prior_total: f64 = levels.iter().map(|&l| prior_u(f, l)).sum();
            let mut u = [0.0; LEVELS];
            let mut total = 0.0;
            for &l in levels {
                let x = counts[k][l as usize] as f64 * weight
                    + U_PRIOR_PAIRS * prior_u(f, l) / prior_total
                    + 0.5;
                u[l as usize] = x;
                total += x;
            }
            for &l in levels {
                self.u[k][l as usize] = u[l as usize] / total;
            }
        }
        self.refresh();
    }

    /// EM for m and λ, u fixed from random pairs (which are nearly all
    /// non-matches, so u needs no labels either). `patterns` are the
    /// distinct comparison patterns of the candidate pairs with their counts,
    /// sorted so the sums run in one order; `all_pairs` the number of pairs
    /// of the whole comparison space (pairs blocking left out are taken as
    /// non-matches, so λ is the chance that two records taken at random are
    /// one person and the posterior is over every pair).
    ///
    /// Two sessions, so that no field is estimated from pairs chosen for
    /// agreeing on it: among candidate pairs whose names agree, EM over the
    /// person's other fields (date of birth, passport, email, sex,
    /// nationality) estimates their m; among pairs whose full dates of birth
    /// agree, EM over the others estimates the names' m. Within a session a
    /// field's u among non-matches is its u among random pairs (it was not
    /// chosen on). Then λ, then the m of the fields a household shares
    /// (address, phone) and of unknown columns, from the posterior the
    /// person's own fields give: a household would otherwise pass for a
    /// person, and namesakes for one.
    pub(crate) fn estimate(&mut self, patterns: &[(Vec<u8>, u64)], all_pairs: f64, lambda0: f64) {
        if patterns.is_empty() || all_pairs <= 0.0 {
            return;
        }
        let nf = self.fields.len();
        let idx = |f: &Field| self.fields.iter().position(|g| g == f);
        let (gi, fi, di) = (
            idx(&Field::GivenName),
            idx(&Field::FamilyName),
            idx(&Field::DateOfBirth),
        );
        let name_like =
            |f: &Field| matches!(f, Field::GivenName | Field::FamilyName | Field::NativeName);
        let good = |l: u8| {
            matches!(
                Level::from_u8(l),
                Level::Exact | Level::Folded | Level::Swapped | Level::Nickname | Level::Partial
            )
        };
        // Session 1: names agree; estimate the person's other fields.
        let names_agree: Vec<(Vec<u8>, u64)> = patterns
            .iter()
            .filter(|(p, _)| {
                gi.map(|k| good(p[k])).unwrap_or(false) && fi.map(|k| good(p[k])).unwrap_or(false)
            })
            .cloned()
            .collect();
        // Sex and nationality go with the name (a given name is a man's or a
        // woman's, of one language): among pairs chosen for their names
        // their u is not that of random pairs, so they anchor nothing.
        let identity = |f: &Field| {
            matches!(
                f,
                Field::DateOfBirth | Field::PassportNumber | Field::Email | Field::Age
            )
        };
        let e1: Vec<bool> = self.fields.iter().map(identity).collect();
        let mut iterations = self.session(&names_agree, &e1, &e1);
        // Session 2: full dates of birth agree; estimate the names.
        if let Some(d) = di {
            let dob_agrees: Vec<(Vec<u8>, u64)> = patterns
                .iter()
                .filter(|(p, _)| p[d] == Level::Exact as u8)
                .cloned()
                .collect();
            let e2: Vec<bool> = self
                .fields
                .iter()
                .map(|f| {
                    (identity(f) || name_like(f)) && !matches!(f, Field::DateOfBirth | Field::Age)
                })
                .collect();
            let m2: Vec<bool> = self.fields.iter().map(name_like).collect();
            iterations += self.session(&dob_agrees, &e2, &m2);
        }
        // λ over all pairs, from the person's names and identity.
        let anchors: Vec<bool> = self
            .fields
            .iter()
            .map(|f| identity(f) || name_like(f))
            .collect();
        self.lambda = lambda0.clamp(1e-12, 0.5);
        for _ in 0..EM_MAX_ITERATIONS {
            iterations += 1;
            let mut sm = 0.0;
            let prior = self.prior_bits();
            for (p, c) in patterns {
                sm += *c as f64 * to_probability(prior + self.bits_of(p, &anchors));
            }
            let new = (sm / all_pairs).clamp(1e-12, 0.5);
            let change = ((new - self.lambda) / self.lambda).abs();
            self.lambda = new;
            if change < 1e-6 {
                break;
            }
        }
        // Sex, nationality, the household's fields and unknown columns.
        let rest: Vec<bool> = anchors.iter().map(|a| !a).collect();
        let mut mm = vec![[0.0f64; LEVELS]; nf];
        let prior = self.prior_bits();
        for (p, c) in patterns {
            let g = *c as f64 * to_probability(prior + self.bits_of(p, &anchors));
            for (k, &l) in p.iter().enumerate() {
                if l != Level::Missing as u8 {
                    mm[k][l as usize] += g;
                }
            }
        }
        self.set_m(&mm, &rest);
        self.iterations = iterations;
    }

    fn bits_of(&self, p: &[u8], use_field: &[bool]) -> f64 {
        let mut bits = 0.0;
        for (k, &l) in p.iter().enumerate() {
            if l != Level::Missing as u8 && use_field[k] {
                bits += self.w[k][l as usize];
            }
        }
        bits
    }

    fn set_m(&mut self, mm: &[[f64; LEVELS]], which: &[bool]) {
        for (k, f) in self.fields.iter().enumerate() {
            if !which[k] {
                continue;
            }
            let levels = f.levels();
            let alpha = 0.5;
            let tm: f64 = levels.iter().map(|&l| mm[k][l as usize] + alpha).sum();
            for &l in levels {
                self.m[k][l as usize] = (mm[k][l as usize] + alpha) / tm;
            }
        }
        self.refresh();
    }

    /// EM over `patterns` with the fields `e` in the E-step, updating the m
    /// of the fields `m` and a λ of the session's own; returns iterations.
    fn session(&mut self, patterns: &[(Vec<u8>, u64)], e: &[bool], m: &[bool]) -> usize {
        let total: f64 = patterns.iter().map(|(_, c)| *c as f64).sum();
        if total < 20.0 {
            return 0;
        }
        let nf = self.fields.len();
        let mut lambda: f64 = 0.5;
        for it in 0..EM_MAX_ITERATIONS {
            let prior = (lambda / (1.0 - lambda)).log2();
            let mut mm = vec![[0.0f64; LEVELS]; nf];
            let mut sm = 0.0;
            for (p, c) in patterns {
                let g = to_probability(prior + self.bits_of(p, e));
                let c = *c as f64;
                sm += c * g;
                for (k, &l) in p.iter().enumerate() {
                    if l != Level::Missing as u8 {
                        mm[k][l as usize] += c * g;
                    }
                }
            }
            let before = self.m.clone();
            let new_lambda = (sm / total).clamp(1e-6, 1.0 - 1e-6);
            let mut change = (new_lambda - lambda).abs();
            lambda = new_lambda;
            self.set_m(&mm, m);
            for (a, b) in before.iter().zip(self.m.iter()) {
                for l in 0..LEVELS {
                    change = change.max((a[l] - b[l]).abs());
                }
            }
            if change < 1e-6 {
                return it + 1;
            }
        }
        EM_MAX_ITERATIONS
    }

    pub(crate) fn prior_bits(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }

    /// Term-frequency bits for a field at a level, the records given.
    fn tf_bits(&self, f: &Field, l: Level, a: &Prepared) -> f64 {
        if !matches!(l, Level::Exact | Level::Folded) {
            return 0.0;
        }
        match f {
            Field::GivenName => a
                .given
                .as_ref()
                .map(|n| self.given_tf.bits(&n.fjoined))
                .unwrap_or(0.0),
            Field::FamilyName => a
                .family
                .as_ref()
                .map(|n| self.family_tf.bits(&n.fjoined))
                .unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// The total bits (prior included) of a compared pair, and the field
    /// that vetoes a sure match, if any.
    /// The household field whose agreement counts (the strongest positive
    /// one): the others' positive weights are not added, as one address
    /// agreeing is one fact, however many columns spell it.
    fn household_best(&self, levels: &[u8]) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (k, &l) in levels.iter().enumerate() {
            if l == Level::Missing as u8 {
                continue;
            }
            if let Some(f) = self.fields.get(k) {
                let w = self.w[k][l as usize];
                if f.household() && w > 0.0 && best.map(|(_, b)| w > b).unwrap_or(true) {
                    best = Some((k, w));
                }
            }
        }
        best.map(|(k, _)| k)
    }

    /// What field `k` at level `l` adds to the total: (its own bits with the
    /// term-frequency part, the term-frequency part, the bits counted).
    fn field_bits(&self, k: usize, l: u8, a: &Prepared, best: Option<usize>) -> (f64, f64, f64) {
        let level = Level::from_u8(l);
        if level == Level::Missing {
            return (0.0, 0.0, 0.0);
        }
        let Some(f) = self.fields.get(k) else {
            return (0.0, 0.0, 0.0);
        };
        let tf = if f.tf_adjusted() {
            self.tf_bits(f, level, a)
        } else {
            0.0
        };
        let own = self.w[k][l as usize] + tf;
        let counted = if f.household() && own > 0.0 && best != Some(k) {
            own * HOUSEHOLD_SHARE
        } else {
            own
        };
        (own, tf, counted)
    }

    /// The total bits (prior included) of a compared pair, and the field
    /// that vetoes a sure match, if any.
    pub(crate) fn score(&self, levels: &[u8], a: &Prepared) -> (f64, Option<usize>) {
        let mut bits = self.prior_bits();
        let mut given_disagrees = None;
        let mut id_agrees = false;
        let best = self.household_best(levels);
        for (k, &l) in levels.iter().enumerate() {
            let level = Level::from_u8(l);
            if level == Level::Missing {
                continue;
            }
            bits += self.field_bits(k, l, a, best).2;
            if let Some(f) = self.fields.get(k) {
                match (f, level) {
                    (Field::GivenName, Level::Disagree) => given_disagrees = Some(k),
                    (Field::PassportNumber, Level::Exact | Level::OneEdit) => id_agrees = true,
                    _ => {}
                }
            }
        }
        // Two people of one household (twins above all) agree on everything
        // but the given name: without a strong identifier that agrees, a
        // given name that disagrees keeps a pair from being a sure match.
        // Only where the lists' true pairs rarely disagree on the given name
        // (EM's m below VETO_GIVEN_M): some lists replace given names.
        let rare = given_disagrees
            .map(|k| self.m[k][Level::Disagree as usize] < VETO_GIVEN_M)
            .unwrap_or(false);
        let veto = if id_agrees || !rare {
            None
        } else {
            given_disagrees
        };
        (bits, veto)
    }

    pub(crate) fn prepare(&self, r: &Record) -> Prepared {
        prepare(r, &self.other_columns)
    }

    /// The evidence for a pair of records, field by field.
    pub fn explain(&self, a: &Record, b: &Record) -> Explanation {
        let (pa, pb) = (self.prepare(a), self.prepare(b));
        self.explain_prepared(&pa, &pb)
    }

    pub(crate) fn explain_prepared(&self, a: &Prepared, b: &Prepared) -> Explanation {
        let mut levels = vec![0u8; self.fields.len()];
        compare::pair(&self.fields, a, b, &mut levels);
        let (total, veto) = self.score(&levels, a);
        let best = self.household_best(&levels);
        let fields = self
            .fields
            .iter()
            .zip(levels.iter())
            .enumerate()
            .map(|(k, (f, &l))| {
                let level = Level::from_u8(l);
                let (bits, tf_bits, counted_bits) = self.field_bits(k, l, a, best);
                FieldEvidence {
                    field: f.clone(),
                    level,
                    description: level.description(f),
                    bits,
                    tf_bits,
                    counted_bits,
                }
            })
            .collect();
        let probability = to_probability(total);
        Explanation {
            fields,
            prior_bits: self.prior_bits(),
            total_bits: total,
            probability,
            decision: decide(probability, veto.is_some()),
            veto: veto.and_then(|k| self.fields.get(k).cloned()),
        }
    }
}

/// The decision for a probability, a veto capping it at review.
pub fn decide(probability: f64, veto: bool) -> Decision {
    if probability >= MATCH_PROBABILITY && !veto {
        Decision::Match
    } else if probability >= REVIEW_PROBABILITY {
        Decision::Review
    } else {
        Decision::NonMatch
    }
}
