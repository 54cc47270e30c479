//! The BFS queue on workers (`pipeline`) on levels of many runs: every
//! thread count gives the sequential search's states, transitions,
//! counterexamples, bounds and statistics, also when the search stops in
//! the middle of a level or at a depth bound.

use super::super::budget::Budget;
use super::super::{BoundHit, Limits, Monitor, Order, Outcome};
use super::pipeline::CHUNK;
use crate::engine::{Effects, Footprint, Link, Millis, Protocol, Window};

/// Eight counters, each incremented by two messages: 3^8 states, levels of
/// up to about a thousand (many chunks).
struct Wide;

const COUNTERS: u8 = 8;

impl Protocol for Wide {
    type State = [u8; COUNTERS as usize];
    type Msg = u8;
    type Timer = u8;
    type Mark = u8;
    type Fact = [u8; COUNTERS as usize];

    fn init(&self, out: &mut Effects<Self>) -> Self::State {
        for c in (0..COUNTERS).chain(0..COUNTERS) {
            out.send(c);
        }
        [0; COUNTERS as usize]
    }
    fn deliver(&self, s: &mut Self::State, msg: &u8, out: &mut Effects<Self>) {
        s[*msg as usize] += 1;
        out.fact(*s);
    }
    fn fire(&self, _: &mut Self::State, _: &u8, _: &mut Effects<Self>) {}
    fn link(&self, _: &u8) -> Link {
        Link {
            latency: Window { min: 1, max: 2 },
            drop: 0.0,
            duplicate: 0.0,
        }
    }
    fn endpoints(&self, _: &u8) -> (String, String) {
        ("a".into(), "b".into())
    }
    fn horizon(&self) -> Millis {
        100
    }
    fn footprint(&self, _: &Self::State, msg: &u8) -> Footprint {
        Footprint::NOTHING.write(*msg as usize)
    }
}

/// Counters 0..4 all at 2 with 5..8 at 1: deep in the space, in a wide
/// level, where the search then stops.
struct Target;

impl Monitor<Wide> for Target {
    fn count(&self) -> usize {
        1
    }
    fn observe(&self, _: &[u8; 8], f: &[u8; 8], hits: &mut Vec<usize>) {
        if f[..4] == [2; 4] && f[4..] == [1; 4] {
            hits.push(0);
        }
    }
    fn at_end(&self, _: &[u8; 8], _: &mut Vec<usize>) {}
}

struct Never;

impl Monitor<Wide> for Never {
    fn count(&self) -> usize {
        1
    }
    fn observe(&self, _: &[u8; 8], _: &[u8; 8], _: &mut Vec<usize>) {}
    fn at_end(&self, _: &[u8; 8], _: &mut Vec<usize>) {}
}

/// What a search found, with the statistics that must not depend on the
/// thread count either.
type Figures = (Outcome, [u64; 4]);

fn search<M: Monitor<Wide> + Sync>(m: &M, max_states: u64, por: bool, threads: usize) -> Figures {
    search_to(m, max_states, 100, por, threads)
}

fn search_to<M: Monitor<Wide> + Sync>(
    m: &M,
    max_states: u64,
    max_depth: u64,
    por: bool,
    threads: usize,
) -> Figures {
    let limits = Limits {
        max_states,
        max_depth,
        max_faults: 0,
    };
    let budget = Budget {
        threads,
        partial_order: por,
        ..Budget::default()
    };
    let (outcome, stats) = super::explore(&Wide, m, Order::Bfs, &limits, &budget);
    let seen = [
        stats.depth,
        stats.peak_frontier,
        stats.asleep,
        stats.reexpanded,
    ];
    (outcome, seen)
}

type Summary = (u64, u64, Option<BoundHit>, Vec<Option<Vec<u32>>>, [u64; 4]);

fn figures((o, seen): &Figures) -> Summary {
    let paths = o
        .violations
        .iter()
        .map(|v| v.as_ref().map(|p| p.iter().map(|c| c.event.0).collect()))
        .collect();
    (o.states, o.transitions, o.bound_hit, paths, *seen)
}

#[test]
fn the_queue_on_workers_gives_the_sequential_results_for_every_thread_count() {
    for por in [false, true] {
        let whole = search(&Never, u64::MAX, por, 1);
        assert_eq!(whole.0.states, 3u64.pow(COUNTERS.into()));
        let found = search(&Target, u64::MAX, por, 1);
        assert!(found.0.violations[0].is_some() && found.0.states < whole.0.states);
        // A bound in the middle of a level of many runs.
        let cut = search(&Never, 2_000, por, 1);
        assert_eq!(cut.0.bound_hit, Some(BoundHit::MaxStates));
        // Workers expand states of the next levels before the merge sees
        // that the depth bound stops the search.
        let shallow = search_to(&Never, u64::MAX, 5, por, 1);
        assert_eq!(shallow.0.bound_hit, Some(BoundHit::MaxDepth));
        assert_eq!(shallow.1[0], 5);
        for threads in [2, 3, 4] {
            let runs = [
                (&whole, search(&Never, u64::MAX, por, threads)),
                (&found, search(&Target, u64::MAX, por, threads)),
                (&cut, search(&Never, 2_000, por, threads)),
                (&shallow, search_to(&Never, u64::MAX, 5, por, threads)),
            ];
            for (one, many) in runs {
                assert_eq!(figures(one), figures(&many), "por {por}, {threads} threads");
            }
        }
    }
    assert!(3u64.pow(COUNTERS.into()) > 20 * CHUNK as u64);
}

/// `frontier_bytes` counts a frontier entry's inline size plus the heap
/// its encoding suggests: a state moved behind a pointer would drop out of
/// the count, and memory bounds would stop later than what they say.
#[test]
fn a_frontier_entry_holds_its_state_inline_as_the_budget_counts_it() {
    use crate::engine::untimed::UState;
    use crate::model::config::Model;
    let entry = std::mem::size_of::<super::expand::Frontier<Model>>();
    assert!(entry >= std::mem::size_of::<UState<Model>>());
}

/// With sleep sets off every mask is empty, and the search's visited table
/// keeps fingerprints only: 17 bytes a slot against 25 with masks (so a
/// `--no-por` run's memory bound stops where it did before masks moved
/// into the table).
#[test]
fn without_sleep_sets_the_visited_table_keeps_no_masks() {
    let slot_bytes = |por: bool| {
        let limits = Limits {
            max_states: u64::MAX,
            max_depth: 100,
            max_faults: 0,
        };
        let budget = Budget {
            partial_order: por,
            ..Budget::default()
        };
        let mut s = super::Search::new(&Wide, &Never, &limits, &budget);
        s.visited.visit(7, 0);
        s.visited.slot_bytes()
    };
    let (off, on) = (slot_bytes(false), slot_bytes(true));
    assert!(off > 0);
    assert_eq!(off * 25, on * 17, "{off} bytes without masks, {on} with");
}
