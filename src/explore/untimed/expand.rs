//! The workers' half of the untimed search: a state's successors (each
//! move with every fault vector, its facts judged, its canonical key and,
//! with sleep sets, its successor's sleep set), one state or a block of
//! them on `budget.threads` workers. The merge, the visited set and the
//! paths are `explore::untimed`'s.

use super::super::budget::Budget;
use super::super::sleep::Sleep;
use super::super::{Limits, Monitor};
use crate::engine::untimed::{Move, Scratch, UState};
use crate::engine::{EventId, Footprint, Protocol};

/// One transition computed by a worker, waiting for the merge.
pub(crate) struct Expanded<P: Protocol> {
    pub(super) parent: u32,
    pub(super) event: EventId,
    pub(super) fault_ix: u16,
    pub(crate) state: UState<P>,
    pub(crate) key: u128,
    pub(super) size: usize,
    pub(crate) hits: Vec<usize>,
    /// The successor's sleep set (empty without partial-order reduction).
    pub(super) sleep: Sleep,
}

/// A state waiting to be expanded: its arena node and its sleep set.
pub(super) struct Frontier<P: Protocol> {
    pub(super) node: u32,
    pub(super) state: UState<P>,
    pub(super) sleep: Sleep,
}

/// Successors of one expansion, and how many moves sleep sets skipped.
pub(super) struct Expansion<P: Protocol> {
    pub(super) succs: Vec<Expanded<P>>,
    pub(super) skipped: u64,
}

/// Bounds needed to expand states on worker threads. Written as
/// associated-type bounds so that `P: Shareable` implies them at every use
/// site (a `where` clause on the trait would have to be repeated there).
pub trait Shareable:
    Protocol<State: Send + Sync, Msg: Send + Sync, Timer: Send + Sync, Mark: Send + Sync> + Sync
{
}

impl<P> Shareable for P
where
    P: Protocol + Sync,
    P::State: Send + Sync,
    P::Msg: Send + Sync,
    P::Timer: Send + Sync,
    P::Mark: Send + Sync,
{
}

/// Successors of one state in canonical order: moves (messages by
/// creation, then the tick), per move its fault vectors. Without sleep sets
/// every move is taken (the symmetry audit's view).
pub(crate) fn expand_one<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    limits: &Limits,
    node: u32,
    state: &UState<P>,
    scratch: &mut Scratch<P>,
) -> Vec<Expanded<P>> {
    let mut moves = Vec::new();
    state.moves(p, &mut moves);
    successors(p, m, limits, node, state, Ranked::default(), moves, scratch)
}

/// Successors of a frontier state: with partial-order reduction, only the
/// moves its sleep set leaves, each successor with its own sleep set; with
/// orbit reduction, one move per orbit (the first in canonical order).
pub(super) fn expand<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    limits: &Limits,
    f: &Frontier<P>,
    budget: &Budget,
    scratch: &mut Scratch<P>,
) -> Expansion<P> {
    let mut moves = Vec::new();
    let ranked = Ranked {
        sleep: budget.partial_order.then_some(&f.sleep),
        orbits: budget.orbits,
    };
    let skipped = if budget.partial_order {
        f.sleep.moves(p, &f.state, &mut moves)
    } else if budget.orbits {
        one_per_orbit(p, &f.state, &f.sleep.ranks, &mut moves);
        0
    } else {
        let succs = expand_one(p, m, limits, f.node, &f.state, scratch);
        return Expansion { succs, skipped: 0 };
    };
    let succs = successors(p, m, limits, f.node, &f.state, ranked, moves, scratch);
    Expansion { succs, skipped }
}

/// The moves of `state`, the first of each rank only (ranks of orbit keys).
fn one_per_orbit<P: Protocol>(p: &P, state: &UState<P>, ranks: &[u16], out: &mut Vec<Move>) {
    let mut seen = Vec::new();
    state.moves(p, out);
    out.retain(|mv| match *mv {
        Move::Deliver(i) => {
            let r = ranks[i] as usize;
            if seen.len() <= r {
                seen.resize(r + 1, false);
            }
            !std::mem::replace(&mut seen[r], true)
        }
        Move::Tick => true,
    });
}

/// What successors carry of the reductions: the sleep set of the state
/// expanded (partial-order reduction) and whether ranks are of orbit keys.
#[derive(Clone, Copy, Default)]
struct Ranked<'a> {
    sleep: Option<&'a Sleep>,
    orbits: bool,
}

/// Takes each of `moves` from `state`, with every fault vector; with
/// `sleep`, each successor gets the sleep set the footprints give it.
#[allow(clippy::too_many_arguments)]
fn successors<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    limits: &Limits,
    node: u32,
    state: &UState<P>,
    ranked: Ranked,
    moves: Vec<Move>,
    scratch: &mut Scratch<P>,
) -> Vec<Expanded<P>> {
    let sleep = ranked.sleep;
    let faults_left = state.faults < limits.max_faults;
    let mut begun = Vec::with_capacity(moves.len());
    let mut explored = Vec::with_capacity(moves.len());
    for mv in moves {
        let mut after = state.clone();
        let b = after.begin(p, mv);
        let footprint = match mv {
            Move::Deliver(i) if sleep.is_some() => {
                let declared = p.footprint(&state.model, &state.msgs[i].1);
                b.footprint(p, declared, faults_left)
            }
            _ => Footprint::EVERYTHING,
        };
        explored.push((mv, footprint));
        begun.push((after, b));
    }
    let mut out = Vec::with_capacity(explored.len());
    for (k, (begun_state, mut b)) in begun.into_iter().enumerate() {
        let asleep = sleep.map(|s| s.after(&explored, k));
        let options = begun_state.fault_options(p, &b, limits.max_faults);
        let facts = std::mem::take(&mut b.fx.facts);
        let mut after = Some(begun_state);
        for (ix, faults) in options.iter().enumerate() {
            let mut next = if ix + 1 == options.len() {
                after.take().expect("the last option takes the state")
            } else {
                after
                    .clone()
                    .expect("the state is kept until the last option")
            };
            next.commit(&b.fx, faults);
            let hits = m.hits(&next.model, &facts, false);
            let mut ranks = Vec::new();
            let wanted = (asleep.is_some() || ranked.orbits).then_some(&mut ranks);
            let (key, size) = next.key_ranked(p, scratch, wanted, ranked.orbits);
            let sleep = match &asleep {
                Some(a) => Sleep::successor(a.clone(), ranks),
                None => Sleep {
                    ranks,
                    ..Sleep::default()
                },
            };
            out.push(Expanded {
                parent: node,
                event: b.id,
                fault_ix: ix as u16,
                state: next,
                key,
                size,
                hits,
                sleep,
            });
        }
    }
    out
}

/// The worker pool of `threads` threads, built once per thread count and
/// kept for the process (searches run one after another, and a pool per
/// block would spawn threads per block).
pub(crate) fn pool(threads: usize) -> &'static rayon::ThreadPool {
    use std::sync::{Mutex, OnceLock};
    static POOLS: OnceLock<Mutex<Vec<(usize, &'static rayon::ThreadPool)>>> = OnceLock::new();
    let mut pools = POOLS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = pools.iter().find(|(t, _)| *t == threads) {
        return p;
    }
    let built = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("tokenrace-worker-{i}"))
        .build()
        .expect("the worker pool starts");
    let leaked: &'static rayon::ThreadPool = Box::leak(Box::new(built));
    pools.push((threads, leaked));
    leaked
}
