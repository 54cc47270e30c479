//! A soundness audit of a protocol's symmetry renaming over the untimed
//! state space, for tests: states merged by the canonical key must have the
//! same futures. Kept apart from the search it audits.

use super::untimed::expand_one;
use super::{Limits, Monitor};
use crate::engine::untimed::{Scratch, UState};
use crate::engine::Protocol;
use std::collections::VecDeque;

/// Checks that the protocol's symmetry renaming is sound on the states
/// reachable within `limits`: whenever two real states get the same key,
/// their successors must have the same multiset of (key, properties hit).
/// A renaming that forgets a field merges states with different futures
/// and fails here. Returns the number of merges checked. For tests.
pub fn audit_symmetry<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    limits: &Limits,
) -> Result<u64, String> {
    type Signature = Vec<(u128, Vec<usize>)>;
    let mut scratch = Scratch::default();
    let signature = |s: &UState<P>, scratch: &mut Scratch<P>| -> Signature {
        let mut out: Signature = expand_one(p, m, limits, 0, s, scratch)
            .into_iter()
            .map(|e| {
                let mut hits = e.hits;
                hits.sort_unstable();
                (e.key, hits)
            })
            .collect();
        out.sort_unstable();
        out
    };
    let (init, _) = UState::init(p);
    let (key, _) = init.key(p, &mut scratch);
    let mut seen: rustc_hash::FxHashMap<u128, Signature> = Default::default();
    seen.insert(key, signature(&init, &mut scratch));
    let mut queue = VecDeque::from([init]);
    let mut merges = 0;
    while let Some(state) = queue.pop_front() {
        for e in expand_one(p, m, limits, 0, &state, &mut scratch) {
            let sig = signature(&e.state, &mut scratch);
            match seen.get(&e.key) {
                Some(known) if *known != sig => {
                    return Err(format!(
                        "two states with one key have different futures: {:?}",
                        e.state.model
                    ))
                }
                Some(_) => merges += 1,
                None if (seen.len() as u64) < limits.max_states => {
                    seen.insert(e.key, sig);
                    queue.push_back(e.state);
                }
                None => {}
            }
        }
    }
    Ok(merges)
}
