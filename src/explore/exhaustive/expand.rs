//! The workers' half of the windowed search: a frontier state's successors
//! with their facts judged and their canonical keys, one state or a block
//! of them on `threads` workers, concatenated in frontier order so the
//! merge (`explore::exhaustive`) sees the same sequence whatever the
//! thread count.

use super::super::untimed::{pool, Shareable};
use super::super::Monitor;
use crate::engine::canon::SplitKey;
use crate::engine::symbolic::{Ctx, Succ, SymState, SymStep};
use crate::engine::Protocol;
use rayon::prelude::*;

pub(super) use super::frontier::Queued;

/// One transition computed by a worker, waiting for the merge.
pub(super) struct Expanded<P: Protocol> {
    pub parent: u32,
    pub step: SymStep,
    pub state: SymState<P>,
    /// Properties the step broke (facts, and how the run ended).
    pub hits: Vec<usize>,
    /// Discrete fingerprint, canonical zone and encoded size; `None` for an
    /// ended execution (never stored).
    pub key: Option<SplitKey>,
}

/// Successors of one frontier state in canonical order, judged and keyed.
pub(super) fn expand_one<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    q: &Queued<P>,
    succs: &mut Vec<Succ<P>>,
    out: &mut Vec<Expanded<P>>,
) {
    q.state().successors(ctx, succs);
    for Succ { step, state, facts } in succs.drain(..) {
        // An execution that ends before its schedule is consumed does not
        // follow the schedule: how it ended is not judged.
        let judged_end = state.ended && state.pins.done(ctx.pins);
        let hits = m.hits(&state.model, &facts, judged_end);
        let key = (!state.ended).then(|| state.split_key(ctx));
        out.push(Expanded {
            parent: q.node,
            step,
            state,
            hits,
            key,
        });
    }
}

/// Successors of a block of states, one after the other.
pub(super) fn expand_sequential<P: Protocol, M: Monitor<P>>(
    ctx: &Ctx<'_, P>,
    m: &M,
    block: &[Queued<P>],
) -> Vec<Expanded<P>> {
    let mut succs = Vec::new();
    let mut out = Vec::new();
    for q in block {
        expand_one(ctx, m, q, &mut succs, &mut out);
    }
    out
}

/// Successors of a block of states, computed by `threads` workers on
/// contiguous slices and concatenated in frontier order: the same vector
/// as [`expand_sequential`].
pub(super) fn expand_parallel<P, M>(
    ctx: &Ctx<'_, P>,
    m: &M,
    threads: usize,
    block: &[Queued<P>],
) -> Vec<Expanded<P>>
where
    P: Shareable,
    M: Monitor<P> + Sync,
{
    in_order(threads, block, |part| expand_sequential(ctx, m, part))
}

/// `work` over a block split into `threads` contiguous slices, each on a
/// worker of the pool, the results concatenated in block order: the same vector as
/// `work(block)` whatever the thread count.
fn in_order<T, R, F>(threads: usize, block: &[T], work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> Vec<R> + Sync,
{
    let threads = threads.max(1);
    if threads == 1 || block.len() < 2 * threads {
        return work(block);
    }
    let size = block.len().div_ceil(threads);
    // Contiguous slices on the process's worker pool (the untimed
    // search's); `collect` keeps their order.
    let parts: Vec<Vec<R>> = pool(threads).install(|| block.par_chunks(size).map(&work).collect());
    parts.into_iter().flatten().collect()
}
