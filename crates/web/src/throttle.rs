//! Limits on guessing and on flooding, kept in memory by each instance.
//!
//! - **Sign-in.** After a number of failed sign-ins in a row for one name
//!   from one client address, that name is locked for that address for a
//!   while and no password is even checked; each failure after a lock ends
//!   doubles the next lock, up to a ceiling. A looser limit counts the
//!   name's failures from every address, against guessing spread over many;
//!   its lock does not grow, so nobody can lock a name out for long.
//!   Attempts still being checked count too, so a burst of parallel guesses
//!   cannot slip past the limit. A success clears the name for that address;
//!   a long quiet spell clears the history.
//! - **Recording.** Every failed sign-in and every refusal is recorded, but a
//!   flood is not written row by row: while a name is locked, one record a
//!   minute stands for the attempts refused since the last; past an
//!   allowance of refusals a window for one requester, the rest are counted
//!   and the last of them is recorded with the count when the window ends
//!   (`repeats` in the event). [`Throttle::drain`] hands over what is due;
//!   the server calls it on a timer, so no count waits for a next attempt.
//!
//! Instances sharing PostgreSQL keep their own counts: a guesser spread over
//! several instances gets that many times the allowance. Behind a reverse
//! proxy every client has the proxy's address, and the per-address limit
//! becomes a per-name one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failed sign-ins in a row, for one name from one address, before the
    /// name is locked for that address.
    pub failures_before_lock: u32,
    /// The same for one name from all addresses together.
    pub name_failures_before_lock: u32,
    /// The first lock; each further failure after a lock doubles it.
    pub first_lock: Duration,
    pub max_lock: Duration,
    /// No failure for this long clears a name's history.
    pub quiet: Duration,
    /// While locked, at most one record of refused attempts per this long.
    pub locked_record_every: Duration,
    /// Refusals recorded one by one per requester per window.
    pub refusals_per_window: u32,
    pub refusal_window: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            failures_before_lock: 5,
            name_failures_before_lock: 50,
            first_lock: Duration::from_secs(60),
            max_lock: Duration::from_secs(15 * 60),
            quiet: Duration::from_secs(60 * 60),
            locked_record_every: Duration::from_secs(60),
            refusals_per_window: 30,
            refusal_window: Duration::from_secs(60),
        }
    }
}

/// Above this many names or requesters tracked, the least recently seen
/// without a lock or an attempt in flight are dropped.
const TRACKED: usize = 10_000;

#[derive(Debug)]
struct Counter {
    /// The name as typed (trimmed), for records.
    name: String,
    limit: u32,
    /// Whether each lock doubles the last (per address). The count of a
    /// name from everywhere does not: a guesser spread over many addresses
    /// can then hold a name locked only a minute at a time, by guessing on.
    doubles: bool,
    in_a_row: u32,
    in_flight: u32,
    locks: u32,
    locked_until: Option<Instant>,
    /// Attempts refused unchecked since the last record of them.
    unrecorded: u32,
    last_recorded: Option<Instant>,
    touched: Instant,
}

impl Counter {
    fn locked(&self, now: Instant) -> bool {
        self.locked_until.is_some_and(|u| u > now)
    }
}

#[derive(Debug)]
struct Window {
    start: Instant,
    recorded: u32,
    unrecorded: u32,
    /// The last refusal not recorded one by one.
    last: Option<Refusal>,
}

impl Window {
    /// The last refusal counted in this window, carrying the count of the
    /// others; the count starts again.
    fn take_counted(&mut self) -> Option<Refusal> {
        let mut last = self.last.take()?;
        last.repeats = self.unrecorded.saturating_sub(1);
        self.unrecorded = 0;
        Some(last)
    }
}

/// A refusal to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The requester: a user id, or `anonymous`.
    pub who: String,
    pub action: String,
    pub target: String,
    /// Others like it, counted and not recorded one by one.
    pub repeats: u32,
}

/// Sign-in attempts refused unchecked, to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedAttempts {
    pub name: String,
    /// Others like the one recorded.
    pub repeats: u32,
}

/// What the gate says about a sign-in attempt before its password is checked.
#[derive(Debug)]
pub enum Gate {
    /// Check the password, then report the outcome on the attempt.
    Open(Attempt),
    /// Refused unchecked. `record` is `Some(repeats)` when this attempt is
    /// to be recorded now, standing for `repeats` others.
    Locked {
        retry_after: Duration,
        record: Option<u32>,
    },
}

/// A sign-in attempt let through the gate. Dropped without an outcome (the
/// request was abandoned), it simply stops counting as in flight.
#[derive(Debug)]
pub struct Attempt {
    throttle: Arc<Throttle>,
    keys: [String; 2],
    done: bool,
}

#[derive(Debug, Default)]
pub struct Throttle {
    policy: Policy,
    names: Mutex<HashMap<String, Counter>>,
    requesters: Mutex<HashMap<String, Window>>,
}

/// A name as the throttle counts it: trimmed, lower-cased, without control
/// characters (no username has them), at most 64 characters.
fn normal(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(char::to_lowercase)
        .take(64)
        .collect()
}

/// The two counts an attempt touches, in key spaces that cannot meet:
/// the name from this address, and the name from everywhere.
fn keys(name: &str, client: &str) -> [String; 2] {
    let n = normal(name);
    let client: String = client.chars().filter(|c| !c.is_control()).collect();
    [format!("a\u{0}{n}\u{0}{client}"), format!("n\u{0}{n}")]
}

impl Throttle {
    pub fn new(policy: Policy) -> Self {
        Throttle {
            policy,
            ..Default::default()
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Asks to check a password for `name` from the client at `client`.
    pub fn begin(self: &Arc<Self>, name: &str, client: &str, now: Instant) -> Gate {
        let keys = keys(name, client);
        let Ok(mut names) = self.names.lock() else {
            // A poisoned lock fails closed.
            return Gate::Locked {
                retry_after: self.policy.first_lock,
                record: Some(0),
            };
        };
        evict(&mut names, now, self.policy.quiet);
        let limits = [
            self.policy.failures_before_lock,
            self.policy.name_failures_before_lock,
        ];
        for (i, (k, limit)) in keys.iter().zip(limits).enumerate() {
            let c = names.entry(k.clone()).or_insert_with(|| Counter {
                name: name.trim().chars().take(64).collect(),
                limit,
                doubles: i == 0,
                in_a_row: 0,
                in_flight: 0,
                locks: 0,
                locked_until: None,
                unrecorded: 0,
                last_recorded: None,
                touched: now,
            });
            if !c.locked(now)
                && c.in_flight == 0
                && now.duration_since(c.touched) >= self.policy.quiet
            {
                c.in_a_row = 0;
                c.locks = 0;
            }
        }
        // Refused if either count is locked, or would reach its limit with
        // the attempts already being checked.
        let mut refuse: Option<(Duration, &str)> = None;
        for k in &keys {
            let Some(c) = names.get(k) else { continue };
            let wait = if c.locked(now) {
                c.locked_until.map(|u| u - now)
            } else if c.in_flight > 0 && c.in_a_row + c.in_flight >= c.limit {
                // Attempts being checked could reach the limit: wait for them
                // (after a lock has ended, one attempt at a time).
                Some(Duration::from_secs(1))
            } else {
                None
            };
            if let Some(w) = wait {
                if refuse.is_none_or(|(r, _)| w > r) {
                    refuse = Some((w, k.as_str()));
                }
            }
        }
        if let Some((retry_after, k)) = refuse {
            let k = k.to_string();
            let every = self.policy.locked_record_every;
            let record = names.get_mut(&k).and_then(|c| {
                c.touched = now;
                let due = c
                    .last_recorded
                    .is_none_or(|t| now.duration_since(t) >= every);
                if due {
                    c.last_recorded = Some(now);
                    Some(std::mem::take(&mut c.unrecorded))
                } else {
                    c.unrecorded = c.unrecorded.saturating_add(1);
                    None
                }
            });
            return Gate::Locked {
                retry_after,
                record,
            };
        }
        for k in &keys {
            if let Some(c) = names.get_mut(k) {
                c.in_flight += 1;
                c.touched = now;
            }
        }
        Gate::Open(Attempt {
            throttle: self.clone(),
            keys,
            done: false,
        })
    }

    /// Refusals of `who` to record now: this one, unless past the
    /// allowance, and the last one counted in an ended window.
    pub fn refusal(&self, who: &str, action: &str, target: &str, now: Instant) -> Vec<Refusal> {
        let this = Refusal {
            who: who.to_string(),
            action: action.to_string(),
            target: target.to_string(),
            repeats: 0,
        };
        let Ok(mut reqs) = self.requesters.lock() else {
            return vec![this];
        };
        let window = self.policy.refusal_window;
        if reqs.len() >= TRACKED && !reqs.contains_key(who) {
            let mut out = vec![];
            flush_windows(&mut reqs, now, window, &mut out);
            reqs.retain(|_, w| now.duration_since(w.start) < window);
            if reqs.len() >= TRACKED {
                // Every requester within its window: the one seen longest
                // ago goes, its count written now rather than lost.
                if let Some(oldest) = reqs
                    .iter()
                    .min_by_key(|(_, w)| w.start)
                    .map(|(k, _)| k.clone())
                {
                    if let Some(mut w) = reqs.remove(&oldest) {
                        out.extend(w.take_counted());
                    }
                }
            }
            out.push(this);
            reqs.insert(
                who.to_string(),
                Window {
                    start: now,
                    recorded: 1,
                    unrecorded: 0,
                    last: None,
                },
            );
            return out;
        }
        let w = reqs.entry(who.to_string()).or_insert(Window {
            start: now,
            recorded: 0,
            unrecorded: 0,
            last: None,
        });
        let mut out = vec![];
        if now.duration_since(w.start) >= window {
            out.extend(w.take_counted());
            *w = Window {
                start: now,
                recorded: 0,
                unrecorded: 0,
                last: None,
            };
        }
        if w.recorded < self.policy.refusals_per_window {
            w.recorded += 1;
            out.push(this);
        } else {
            w.unrecorded = w.unrecorded.saturating_add(1);
            w.last = Some(this);
        }
        out
    }

    /// Counts that are due to be recorded though nobody has come back:
    /// refusal windows that ended with refusals counted, and locked names
    /// whose refused attempts wait for their record.
    pub fn drain(&self, now: Instant) -> (Vec<Refusal>, Vec<LockedAttempts>) {
        let mut refusals = vec![];
        if let Ok(mut reqs) = self.requesters.lock() {
            flush_windows(&mut reqs, now, self.policy.refusal_window, &mut refusals);
        }
        let mut locked = vec![];
        if let Ok(mut names) = self.names.lock() {
            let every = self.policy.locked_record_every;
            for c in names.values_mut() {
                if c.unrecorded > 0
                    && (!c.locked(now)
                        || c.last_recorded
                            .is_none_or(|t| now.duration_since(t) >= every))
                {
                    locked.push(LockedAttempts {
                        name: c.name.clone(),
                        repeats: c.unrecorded - 1,
                    });
                    c.unrecorded = 0;
                    c.last_recorded = Some(now);
                }
            }
        }
        (refusals, locked)
    }

    /// Every count still held, due or not (the server is stopping).
    pub fn drain_all(&self) -> (Vec<Refusal>, Vec<LockedAttempts>) {
        let mut refusals = vec![];
        if let Ok(mut reqs) = self.requesters.lock() {
            for w in reqs.values_mut() {
                refusals.extend(w.take_counted());
            }
        }
        let mut locked = vec![];
        if let Ok(mut names) = self.names.lock() {
            for c in names.values_mut() {
                if c.unrecorded > 0 {
                    locked.push(LockedAttempts {
                        name: c.name.clone(),
                        repeats: c.unrecorded - 1,
                    });
                    c.unrecorded = 0;
                }
            }
        }
        (refusals, locked)
    }

    fn finish(&self, keys: &[String; 2], failed: bool, now: Instant) -> Option<Duration> {
        let mut names = self.names.lock().ok()?;
        let mut started: Option<Duration> = None;
        for k in keys {
            let Some(c) = names.get_mut(k) else { continue };
            c.in_flight = c.in_flight.saturating_sub(1);
            c.touched = now;
            if !failed {
                c.in_a_row = 0;
                c.locks = 0;
                c.locked_until = None;
                continue;
            }
            c.in_a_row = c.in_a_row.saturating_add(1);
            if c.in_a_row >= c.limit && !c.locked(now) {
                let times = if c.doubles {
                    1u32 << c.locks.min(16)
                } else {
                    1
                };
                let lock = self
                    .policy
                    .first_lock
                    .saturating_mul(times)
                    .min(self.policy.max_lock);
                c.locks = c.locks.saturating_add(1);
                c.locked_until = Some(now + lock);
                c.last_recorded = Some(now);
                started = Some(started.map_or(lock, |s| s.max(lock)));
            }
        }
        started
    }
}

impl Attempt {
    /// The password was wrong; returns the lock this started, if it did.
    pub fn failed(mut self, now: Instant) -> Option<Duration> {
        self.done = true;
        self.throttle.finish(&self.keys, true, now)
    }

    pub fn succeeded(mut self) {
        self.done = true;
        self.throttle.finish(&self.keys, false, Instant::now());
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.done {
            if let Ok(mut names) = self.throttle.names.lock() {
                for k in &self.keys {
                    if let Some(c) = names.get_mut(k) {
                        c.in_flight = c.in_flight.saturating_sub(1);
                    }
                }
            }
        }
    }
}

/// Ended windows with counted refusals give up their last one, with the count.
fn flush_windows(
    reqs: &mut HashMap<String, Window>,
    now: Instant,
    window: Duration,
    out: &mut Vec<Refusal>,
) {
    reqs.retain(|_, w| {
        let ended = now.duration_since(w.start) >= window;
        if ended {
            out.extend(w.take_counted());
        }
        // An ended window with nothing left to carry is forgotten.
        !ended
    });
}

/// Keeps the table of names bounded: first those quiet for long, then the
/// least recently seen; never one locked or with an attempt in flight.
fn evict(names: &mut HashMap<String, Counter>, now: Instant, quiet: Duration) {
    if names.len() < TRACKED {
        return;
    }
    names.retain(|_, c| c.locked(now) || c.in_flight > 0 || now.duration_since(c.touched) < quiet);
    if names.len() < TRACKED {
        return;
    }
    let mut idle: Vec<(Instant, String)> = names
        .iter()
        .filter(|(_, c)| !c.locked(now) && c.in_flight == 0)
        .map(|(k, c)| (c.touched, k.clone()))
        .collect();
    idle.sort();
    let excess = names.len() + 1 - TRACKED * 9 / 10;
    for (_, k) in idle.into_iter().take(excess) {
        names.remove(&k);
    }
}

/// The client's address as the server saw it (`unknown` when the server was
/// not started with connection info, as in some tests and benchmarks).
#[derive(Debug, Clone)]
pub struct Client(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Client(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            failures_before_lock: 3,
            name_failures_before_lock: 5,
            first_lock: Duration::from_secs(10),
            max_lock: Duration::from_secs(25),
            quiet: Duration::from_secs(3600),
            locked_record_every: Duration::from_secs(5),
            refusals_per_window: 2,
            refusal_window: Duration::from_secs(60),
        }
    }

    fn fail(t: &Arc<Throttle>, name: &str, client: &str, at: Instant) -> Option<Duration> {
        match t.begin(name, client, at) {
            Gate::Open(a) => a.failed(at),
            Gate::Locked { .. } => panic!("{name} from {client} is locked at this point"),
        }
    }

    fn locked(g: Gate) -> (Duration, Option<u32>) {
        match g {
            Gate::Locked {
                retry_after,
                record,
            } => (retry_after, record),
            Gate::Open(_) => panic!("expected a lock"),
        }
    }

    #[test]
    fn a_name_is_locked_for_an_address_after_failures_in_a_row_and_locks_grow() {
        let t = Arc::new(Throttle::new(policy()));
        let t0 = Instant::now();
        let s = Duration::from_secs;
        assert_eq!(fail(&t, "Lima.Analyst", "10.0.0.1", t0), None);
        assert_eq!(fail(&t, "lima.analyst ", "10.0.0.1", t0), None);
        assert_eq!(fail(&t, "lima.analyst", "10.0.0.1", t0), Some(s(10)));
        // Locked for that address; the attempts are counted, one record a
        // while standing for them.
        assert_eq!(
            locked(t.begin("lima.analyst", "10.0.0.1", t0 + s(1))),
            (s(9), None)
        );
        assert_eq!(
            locked(t.begin("LIMA.analyst", "10.0.0.1", t0 + s(2))),
            (s(8), None)
        );
        assert_eq!(
            locked(t.begin("lima.analyst", "10.0.0.1", t0 + s(6))),
            (s(4), Some(2))
        );
        // Another address may still try; another name is untouched.
        assert!(matches!(
            t.begin("lima.analyst", "10.0.0.2", t0),
            Gate::Open(_)
        ));
        assert!(matches!(t.begin("other", "10.0.0.1", t0), Gate::Open(_)));
        // One more refused, then the lock ends: the drain hands it over once.
        assert_eq!(
            locked(t.begin("lima.analyst", "10.0.0.1", t0 + s(7))).1,
            None
        );
        let t1 = t0 + s(11);
        let (_, due) = t.drain(t1);
        assert_eq!(
            due,
            vec![LockedAttempts {
                name: "Lima.Analyst".into(),
                repeats: 0
            }]
        );
        assert!(t.drain(t1).1.is_empty());
        // The next failure locks again, twice as long; then the ceiling.
        assert_eq!(fail(&t, "lima.analyst", "10.0.0.1", t1), Some(s(20)));
        let t2 = t1 + s(21);
        assert_eq!(fail(&t, "lima.analyst", "10.0.0.1", t2), Some(s(25)));
        // A success clears it.
        let t3 = t2 + s(26);
        match t.begin("lima.analyst", "10.0.0.1", t3) {
            Gate::Open(a) => a.succeeded(),
            g => panic!("{g:?}"),
        }
        assert_eq!(fail(&t, "lima.analyst", "10.0.0.1", t3), None);
    }

    #[test]
    fn guesses_from_many_addresses_lock_the_name_everywhere() {
        let t = Arc::new(Throttle::new(policy()));
        let t0 = Instant::now();
        for i in 0..4 {
            assert_eq!(fail(&t, "head", &format!("10.0.1.{i}"), t0), None);
        }
        assert_eq!(
            fail(&t, "head", "10.0.1.9", t0),
            Some(Duration::from_secs(10))
        );
        assert!(matches!(
            t.begin("head", "10.0.2.1", t0),
            Gate::Locked { .. }
        ));
        // Guessing on after the lock ends locks it again, but no longer.
        let t1 = t0 + Duration::from_secs(11);
        assert_eq!(
            fail(&t, "head", "10.0.3.1", t1),
            Some(Duration::from_secs(10))
        );
    }

    #[test]
    fn a_typed_name_cannot_reach_another_address_count() {
        let t = Arc::new(Throttle::new(policy()));
        let t0 = Instant::now();
        // From 10.6.6.6, a name crafted to look like "head" from 10.0.0.1.
        for _ in 0..3 {
            fail(&t, "head\u{0}10.0.0.1", "10.6.6.6", t0);
        }
        assert!(matches!(t.begin("head", "10.0.0.1", t0), Gate::Open(_)));
    }

    #[test]
    fn attempts_in_flight_count_against_the_limit() {
        let t = Arc::new(Throttle::new(policy()));
        let t0 = Instant::now();
        let a = t.begin("head", "10.0.0.1", t0);
        let b = t.begin("head", "10.0.0.1", t0);
        let c = t.begin("head", "10.0.0.1", t0);
        assert!(matches!(
            (&a, &b, &c),
            (Gate::Open(_), Gate::Open(_), Gate::Open(_))
        ));
        // Three being checked: a fourth in parallel is refused.
        assert!(matches!(
            t.begin("head", "10.0.0.1", t0),
            Gate::Locked { .. }
        ));
        // An abandoned attempt stops counting.
        drop(c);
        assert!(matches!(t.begin("head", "10.0.0.1", t0), Gate::Open(_)));
    }

    #[test]
    fn a_quiet_spell_clears_the_history() {
        let t = Arc::new(Throttle::new(policy()));
        let t0 = Instant::now();
        fail(&t, "head", "10.0.0.1", t0);
        fail(&t, "head", "10.0.0.1", t0);
        let later = t0 + Duration::from_secs(3601);
        assert_eq!(
            fail(&t, "head", "10.0.0.1", later),
            None,
            "counting starts again"
        );
    }

    #[test]
    fn refusals_past_the_allowance_are_counted_and_the_last_recorded_with_the_count() {
        let t = Throttle::new(policy());
        let t0 = Instant::now();
        let n = |v: Vec<Refusal>| {
            v.iter()
                .map(|r| (r.target.clone(), r.repeats))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            n(t.refusal("anonymous", "GET", "/a", t0)),
            vec![("/a".into(), 0)]
        );
        assert_eq!(
            n(t.refusal("anonymous", "GET", "/b", t0)),
            vec![("/b".into(), 0)]
        );
        assert!(t.refusal("anonymous", "GET", "/c", t0).is_empty());
        assert!(t.refusal("anonymous", "GET", "/d", t0).is_empty());
        assert_eq!(
            n(t.refusal("someone", "GET", "/a", t0)),
            vec![("/a".into(), 0)]
        );
        // Window ended: the next refusal brings the counted ones with it.
        assert_eq!(
            n(t.refusal("anonymous", "GET", "/e", t0 + Duration::from_secs(61))),
            vec![("/d".into(), 1), ("/e".into(), 0)]
        );
        // Or the drain does, if nobody comes back.
        t.refusal("anonymous", "GET", "/f", t0 + Duration::from_secs(61));
        t.refusal("anonymous", "GET", "/g", t0 + Duration::from_secs(61));
        let (due, _) = t.drain(t0 + Duration::from_secs(122));
        assert_eq!(n(due), vec![("/g".into(), 0)]);
        assert!(t.drain(t0 + Duration::from_secs(122)).0.is_empty());
        // Stopping: what is still counted inside a window is handed over too.
        t.refusal("anonymous", "GET", "/h", t0 + Duration::from_secs(200));
        t.refusal("anonymous", "GET", "/i", t0 + Duration::from_secs(200));
        t.refusal("anonymous", "GET", "/j", t0 + Duration::from_secs(200));
        assert_eq!(n(t.drain_all().0), vec![("/j".into(), 0)]);
        assert!(t.drain_all().0.is_empty());
    }

    #[test]
    fn tracking_stays_bounded_and_keeps_recent_history() {
        let t = Arc::new(Throttle::new(policy()));
        let t0 = Instant::now();
        fail(&t, "victim", "10.0.0.1", t0);
        fail(&t, "victim", "10.0.0.1", t0);
        for i in 0..(TRACKED + 500) {
            let at = t0 + Duration::from_millis(i as u64 + 1);
            fail(&t, &format!("guess{i}"), "10.9.9.9", at);
            t.refusal(&format!("r{i}"), "GET", "/", at);
        }
        assert!(t.names.lock().unwrap().len() <= TRACKED);
        assert!(t.requesters.lock().unwrap().len() <= TRACKED);
        // The flood pushed out the oldest; the victim's count went with it
        // only because it was the least recent; a fresh failure now still
        // starts from what is kept.
        let at = t0 + Duration::from_secs(30);
        fail(&t, "victim2", "10.0.0.1", at);
        fail(&t, "victim2", "10.0.0.1", at);
        for i in 0..600 {
            fail(
                &t,
                &format!("more{i}"),
                "10.9.9.9",
                at + Duration::from_millis(i),
            );
        }
        assert!(
            fail(&t, "victim2", "10.0.0.1", at + Duration::from_secs(1)).is_some(),
            "a recent count is not pushed out by a few hundred junk names"
        );
    }
}
