//! Sleep sets on a toy with real independence: counters that commute and
//! one shared cell whose writes do not. Reduction must keep every state,
//! every verdict and every shortest counterexample length, and only skip
//! transitions; a footprint that lies about independence loses states,
//! which the same comparison catches.

use super::budget::Budget;
use super::{untimed, Limits, Monitor, Order, Outcome};
use crate::engine::{Effects, Footprint, Link, Millis, Protocol, Window};

/// Counters `0..3` and a shared cell, written by `Set`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
struct Cells {
    counters: [u8; 3],
    shared: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum M {
    /// Increments counter `.0`; the first increment of counter 0 also
    /// sends `Set(2)`.
    Inc(u8),
    /// Writes the shared cell.
    Set(u8),
}

/// `Overwrote(old, new)`: the shared cell changed from `old` to `new`.
#[derive(Clone, Debug)]
struct Overwrote(u8, u8);

struct Counters {
    /// Footprints that call `Set` independent of everything (wrong).
    lying: bool,
}

impl Protocol for Counters {
    type State = Cells;
    type Msg = M;
    type Timer = u8;
    type Mark = u8;
    type Fact = Overwrote;

    fn init(&self, out: &mut Effects<Self>) -> Cells {
        for m in [
            M::Inc(0),
            M::Inc(0),
            M::Inc(1),
            M::Inc(2),
            M::Inc(2),
            M::Set(1),
        ] {
            out.send(m);
        }
        Cells::default()
    }
    fn deliver(&self, s: &mut Cells, msg: &M, out: &mut Effects<Self>) {
        match *msg {
            M::Inc(c) => {
                s.counters[c as usize] += 1;
                if c == 0 && s.counters[0] == 1 {
                    out.send(M::Set(2));
                }
            }
            M::Set(v) => {
                out.fact(Overwrote(s.shared, v));
                s.shared = v;
            }
        }
    }
    fn fire(&self, _: &mut Cells, _: &u8, _: &mut Effects<Self>) {}
    fn link(&self, _: &M) -> Link {
        Link {
            latency: Window { min: 1, max: 2 },
            drop: 0.0,
            duplicate: 0.0,
        }
    }
    fn endpoints(&self, _: &M) -> (String, String) {
        ("a".into(), "b".into())
    }
    fn horizon(&self) -> Millis {
        100
    }
    fn footprint(&self, _: &Cells, msg: &M) -> Footprint {
        match *msg {
            M::Inc(c) => Footprint::NOTHING.write(c as usize),
            M::Set(_) if self.lying => Footprint::NOTHING,
            M::Set(_) => Footprint::NOTHING.write(3),
        }
    }
}

/// Property 0: `Set(2)` overwrote `Set(1)`; property 1: `Set(1)` overwrote
/// `Set(2)`; property 2 (a write of 3) never breaks, so searches cover the
/// whole space. Judged on the fact alone, as partial-order reduction
/// requires.
struct Overwrites;

impl Monitor<Counters> for Overwrites {
    fn count(&self) -> usize {
        3
    }
    fn observe(&self, _: &Cells, f: &Overwrote, hits: &mut Vec<usize>) {
        match (f.0, f.1) {
            (1, 2) => hits.push(0),
            (2, 1) => hits.push(1),
            (_, 3) => hits.push(2),
            _ => {}
        }
    }
    fn at_end(&self, _: &Cells, _: &mut Vec<usize>) {}
}

fn search(lying: bool, partial_order: bool, order: Order, threads: usize) -> Outcome {
    let limits = Limits {
        max_states: 100_000,
        max_depth: 100,
        max_faults: 0,
    };
    let budget = Budget {
        threads,
        partial_order,
        ..Budget::default()
    };
    untimed::explore(&Counters { lying }, &Overwrites, order, &limits, &budget).0
}

fn lengths(o: &Outcome) -> Vec<Option<usize>> {
    o.violations
        .iter()
        .map(|v| v.as_ref().map(Vec::len))
        .collect()
}

#[test]
fn sleep_sets_keep_every_state_and_shortest_length_and_skip_transitions() {
    let full = search(false, false, Order::Bfs, 1);
    // Counter 0 still at 0 (2 × 3 values of the others): Set(1) taken or
    // not. Counter 0 at 1 or 2 (12 values): Set(2) sent too, and none,
    // either one, or both in either order taken.
    assert_eq!(full.states, 6 * 2 + 12 * 5);
    for threads in [1, 2] {
        let reduced = search(false, true, Order::Bfs, threads);
        assert_eq!(reduced.states, full.states);
        assert_eq!(lengths(&reduced), lengths(&full));
        assert_eq!(lengths(&full), vec![Some(3), Some(3), None]);
        assert!(
            reduced.transitions * 2 < full.transitions,
            "{} of {} transitions",
            reduced.transitions,
            full.transitions
        );
    }
    let dfs = search(false, true, Order::Dfs, 1);
    assert_eq!(dfs.states, full.states);
    assert_eq!(dfs.violations.iter().flatten().count(), 2);
}

#[test]
fn a_footprint_that_hides_a_conflict_loses_states() {
    let full = search(true, false, Order::Bfs, 1);
    let reduced = search(true, true, Order::Bfs, 1);
    assert!(reduced.states < full.states);
}
