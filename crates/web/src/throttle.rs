//! Limits on guessing and on flooding, kept in memory by each instance.
//!
//! - **Sign-in.** After a number of failed sign-ins in a row for one name,
//!   the name is locked for a while and no password is even checked; each
//!   failure after a lock ends doubles the next lock, up to a ceiling. A
//!   success clears the name.
//! - **Recording.** Every failed sign-in and every refusal is recorded, but a
//!   flood is not written row by row: while a name is locked, one record a
//!   minute stands for the attempts since the last (and the first attempt
//!   after the lock hands over any still uncounted); beyond a set number of
//!   refusals a minute for one requester, the rest are counted and carried
//!   by that requester's next record (`repeats` in the event).
//!
//! Instances sharing PostgreSQL keep their own counts: a guesser spread over
//! several instances gets that many times the allowance.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failed sign-ins in a row before a name is locked.
    pub failures_before_lock: u32,
    /// The first lock; each further failure after a lock doubles it.
    pub first_lock: Duration,
    pub max_lock: Duration,
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
            first_lock: Duration::from_secs(60),
            max_lock: Duration::from_secs(15 * 60),
            locked_record_every: Duration::from_secs(60),
            refusals_per_window: 30,
            refusal_window: Duration::from_secs(60),
        }
    }
}

/// Above this many names or requesters tracked, stale ones are dropped.
const TRACKED: usize = 10_000;

#[derive(Debug)]
struct Name {
    in_a_row: u32,
    locks: u32,
    locked_until: Option<Instant>,
    /// Attempts refused while locked since the last record of them.
    unrecorded: u32,
    last_recorded: Option<Instant>,
    touched: Instant,
}

#[derive(Debug)]
struct Window {
    start: Instant,
    recorded: u32,
    unrecorded: u32,
}

/// What to do with a sign-in attempt before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Go on and check the password. `unrecorded` attempts were refused
    /// during a lock that has ended without a record of them: record them
    /// now.
    Open { unrecorded: u32 },
    /// Refused unchecked. `record` is `Some(repeats)` when this attempt is
    /// to be recorded, standing for `repeats` others not recorded one by one.
    Locked {
        retry_after: Duration,
        record: Option<u32>,
    },
}

#[derive(Debug, Default)]
pub struct Throttle {
    policy: Policy,
    names: Mutex<HashMap<String, Name>>,
    requesters: Mutex<HashMap<String, Window>>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase().chars().take(64).collect()
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

    pub fn login_gate(&self, name: &str, now: Instant) -> Gate {
        let open = Gate::Open { unrecorded: 0 };
        let Ok(mut names) = self.names.lock() else {
            return open;
        };
        let Some(n) = names.get_mut(&key(name)) else {
            return open;
        };
        n.touched = now;
        match n.locked_until {
            Some(until) if until > now => {
                let due = n
                    .last_recorded
                    .is_none_or(|t| now.duration_since(t) >= self.policy.locked_record_every);
                let record = if due {
                    let repeats = n.unrecorded;
                    n.unrecorded = 0;
                    n.last_recorded = Some(now);
                    Some(repeats)
                } else {
                    n.unrecorded = n.unrecorded.saturating_add(1);
                    None
                };
                Gate::Locked {
                    retry_after: until - now,
                    record,
                }
            }
            _ => Gate::Open {
                unrecorded: std::mem::take(&mut n.unrecorded),
            },
        }
    }

    /// Counts a failed sign-in; returns the lock it started, if it did.
    pub fn login_failed(&self, name: &str, now: Instant) -> Option<Duration> {
        let mut names = self.names.lock().ok()?;
        if names.len() >= TRACKED {
            let stale = self.policy.max_lock * 4;
            names.retain(|_, n| {
                n.locked_until.is_some_and(|u| u > now) || now.duration_since(n.touched) < stale
            });
            if names.len() >= TRACKED {
                names.retain(|_, n| n.locked_until.is_some_and(|u| u > now));
            }
        }
        let n = names.entry(key(name)).or_insert(Name {
            in_a_row: 0,
            locks: 0,
            locked_until: None,
            unrecorded: 0,
            last_recorded: None,
            touched: now,
        });
        n.touched = now;
        n.in_a_row = n.in_a_row.saturating_add(1);
        if n.in_a_row < self.policy.failures_before_lock {
            return None;
        }
        let lock = self
            .policy
            .first_lock
            .saturating_mul(1u32 << n.locks.min(16))
            .min(self.policy.max_lock);
        n.locks = n.locks.saturating_add(1);
        n.locked_until = Some(now + lock);
        n.last_recorded = Some(now);
        n.unrecorded = 0;
        Some(lock)
    }

    pub fn login_succeeded(&self, name: &str) {
        if let Ok(mut names) = self.names.lock() {
            names.remove(&key(name));
        }
    }

    /// Whether to record this refusal of `who`; `Some(repeats)` to record it
    /// standing also for `repeats` earlier ones not recorded one by one.
    pub fn refusal(&self, who: &str, now: Instant) -> Option<u32> {
        let Ok(mut reqs) = self.requesters.lock() else {
            return Some(0);
        };
        let window = self.policy.refusal_window;
        if reqs.len() >= TRACKED && !reqs.contains_key(who) {
            // Stale windows carry nothing worth keeping past a few windows.
            reqs.retain(|_, w| now.duration_since(w.start) < window * 4 || w.unrecorded > 0);
            if reqs.len() >= TRACKED {
                reqs.retain(|_, w| w.unrecorded > 0);
            }
        }
        let w = reqs.entry(who.to_string()).or_insert(Window {
            start: now,
            recorded: 0,
            unrecorded: 0,
        });
        if now.duration_since(w.start) >= window {
            let carried = w.unrecorded;
            *w = Window {
                start: now,
                recorded: 1,
                unrecorded: 0,
            };
            return Some(carried);
        }
        if w.recorded < self.policy.refusals_per_window {
            w.recorded += 1;
            Some(0)
        } else {
            w.unrecorded = w.unrecorded.saturating_add(1);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            failures_before_lock: 3,
            first_lock: Duration::from_secs(10),
            max_lock: Duration::from_secs(25),
            locked_record_every: Duration::from_secs(5),
            refusals_per_window: 2,
            refusal_window: Duration::from_secs(60),
        }
    }

    #[test]
    fn a_name_is_locked_after_failures_in_a_row_and_locks_grow() {
        let t = Throttle::new(policy());
        let t0 = Instant::now();
        assert_eq!(t.login_failed("Lima.Analyst", t0), None);
        assert_eq!(t.login_failed("lima.analyst ", t0), None);
        assert_eq!(
            t.login_failed("lima.analyst", t0),
            Some(Duration::from_secs(10))
        );
        // Locked: the first refused attempt is recorded at once only if a
        // record is due (the failure that locked was just recorded).
        assert!(matches!(
            t.login_gate("lima.analyst", t0 + Duration::from_secs(1)),
            Gate::Locked { record: None, .. }
        ));
        assert!(matches!(
            t.login_gate("lima.analyst", t0 + Duration::from_secs(2)),
            Gate::Locked { record: None, .. }
        ));
        assert_eq!(
            t.login_gate("lima.analyst", t0 + Duration::from_secs(6)),
            Gate::Locked {
                retry_after: Duration::from_secs(4),
                record: Some(2)
            }
        );
        assert_eq!(t.login_gate("other", t0), Gate::Open { unrecorded: 0 });
        assert!(matches!(
            t.login_gate("lima.analyst", t0 + Duration::from_secs(7)),
            Gate::Locked { record: None, .. }
        ));
        // The lock ends: the one attempt refused since the last record is
        // handed over to be recorded, once.
        let t1 = t0 + Duration::from_secs(11);
        assert_eq!(
            t.login_gate("lima.analyst", t1),
            Gate::Open { unrecorded: 1 }
        );
        assert_eq!(
            t.login_gate("lima.analyst", t1),
            Gate::Open { unrecorded: 0 }
        );
        assert_eq!(
            t.login_failed("lima.analyst", t1),
            Some(Duration::from_secs(20))
        );
        let t2 = t1 + Duration::from_secs(21);
        assert_eq!(
            t.login_failed("lima.analyst", t2),
            Some(Duration::from_secs(25))
        );
        t.login_succeeded("LIMA.analyst");
        assert_eq!(
            t.login_gate("lima.analyst", t2),
            Gate::Open { unrecorded: 0 }
        );
        assert_eq!(t.login_failed("lima.analyst", t2), None);
    }

    #[test]
    fn refusals_beyond_the_allowance_are_counted_into_the_next_record() {
        let t = Throttle::new(policy());
        let t0 = Instant::now();
        assert_eq!(t.refusal("anonymous", t0), Some(0));
        assert_eq!(t.refusal("anonymous", t0), Some(0));
        assert_eq!(t.refusal("anonymous", t0), None);
        assert_eq!(t.refusal("anonymous", t0), None);
        assert_eq!(t.refusal("someone", t0), Some(0));
        assert_eq!(
            t.refusal("anonymous", t0 + Duration::from_secs(61)),
            Some(2)
        );
        assert_eq!(
            t.refusal("anonymous", t0 + Duration::from_secs(62)),
            Some(0)
        );
    }

    #[test]
    fn tracking_stays_bounded() {
        let t = Throttle::new(policy());
        let t0 = Instant::now();
        for i in 0..(TRACKED + 500) {
            t.login_failed(&format!("guess{i}"), t0);
            t.refusal(&format!("r{i}"), t0);
        }
        assert!(t.names.lock().unwrap().len() <= TRACKED);
        assert!(t.requesters.lock().unwrap().len() <= TRACKED);
    }
}
