//! Soundness audits of the searches' reductions, for tests: states merged
//! by the protocol's symmetry renaming must have the same futures (untimed
//! and windowed), and deliveries its footprints call independent must
//! commute. Kept apart from the search they audit.

use super::untimed::expand_one;
use super::{Limits, Monitor};
use crate::engine::symbolic::{Ctx, Succ, SymState};
use crate::engine::untimed::{Move, Scratch, UState};
use crate::engine::{EventId, Protocol};
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

/// [`audit_symmetry`] for the windowed search: whenever two real symbolic
/// states (reachable within `limits`, no schedule) get the same canonical
/// key, their successors must have the same multiset of (key, properties
/// hit), the key of an ended execution being `None`. This is what the
/// windowed search relies on when its passed list merges states by key
/// (zone subsumption only ever compares zones under one discrete key).
/// Returns the number of merges checked. For tests.
pub fn audit_windowed_symmetry<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    limits: &Limits,
) -> Result<u64, String> {
    type Signature = Vec<(Option<u128>, Vec<usize>)>;
    let ctx = Ctx {
        p,
        pins: &[],
        max_faults: limits.max_faults,
        active_only: true,
    };
    let mut succs: Vec<Succ<P>> = Vec::new();
    let mut signature = |s: &SymState<P>| -> Signature {
        s.successors(&ctx, &mut succs);
        let mut out: Signature = succs
            .drain(..)
            .map(|Succ { state, facts, .. }| {
                let mut hits = m.hits(&state.model, &facts, state.ended);
                hits.sort_unstable();
                ((!state.ended).then(|| state.fingerprint(&ctx)), hits)
            })
            .collect();
        out.sort_unstable();
        out
    };
    let (init, _) = SymState::init(&ctx);
    let mut seen: rustc_hash::FxHashMap<u128, (Signature, String)> = Default::default();
    seen.insert(init.fingerprint(&ctx), (signature(&init), describe(&init)));
    let mut queue = VecDeque::from([init]);
    let mut merges = 0;
    while let Some(state) = queue.pop_front() {
        if u64::from(state.depth) >= limits.max_depth {
            continue;
        }
        let next: Vec<_> = {
            let mut succs = Vec::new();
            state.successors(&ctx, &mut succs);
            succs.into_iter().map(|x| x.state).collect()
        };
        for succ in next.into_iter().filter(|s| !s.ended) {
            let key = succ.fingerprint(&ctx);
            let sig = signature(&succ);
            match seen.get(&key) {
                Some((known, first)) if *known != sig => {
                    return Err(format!(
                        "two symbolic states with one key have different futures:\n{first}\n{known:?}\nand\n{}\n{sig:?}",
                        describe(&succ)
                    ))
                }
                Some(_) => merges += 1,
                None if (seen.len() as u64) < limits.max_states => {
                    seen.insert(key, (sig, describe(&succ)));
                    queue.push_back(succ);
                }
                None => {}
            }
        }
    }
    Ok(merges)
}

/// A symbolic state for an audit's message.
fn describe<P: Protocol>(s: &SymState<P>) -> String {
    format!(
        "{:?}\n{:?}\nzone {:?} now {}",
        s.model, s.pending.events, s.zone, s.now
    )
}

/// Checks a protocol's footprints (`Protocol::footprint`) on the untimed
/// states reachable within `limits`, without reductions: whenever two
/// deliveries of a state are independent by their footprints (the
/// engine's timer and budget resources included), taking them in either
/// order, with every fault choice, must reach the same key, each must record
/// the same facts and keep the same footprint and fault options whatever
/// went first. That is what sleep sets rely on (docs/performance.md). Run
/// it with the protocol's symmetry off, so "same key" means "same state".
/// Returns the number of independent pairs checked. For tests.
pub fn audit_independence<P: Protocol, M: Monitor<P>>(
    p: &P,
    m: &M,
    limits: &Limits,
) -> Result<u64, String> {
    let mut scratch = Scratch::default();
    let (init, _) = UState::init(p);
    let mut seen = rustc_hash::FxHashSet::default();
    seen.insert(init.key(p, &mut scratch).0);
    let mut queue = VecDeque::from([init]);
    let mut pairs = 0;
    while let Some(state) = queue.pop_front() {
        pairs += audit_state(p, limits, &state, &mut scratch)?;
        for e in expand_one(p, m, limits, 0, &state, &mut scratch) {
            if (seen.len() as u64) < limits.max_states && seen.insert(e.key) {
                queue.push_back(e.state);
            }
        }
    }
    Ok(pairs)
}

/// One delivery taken: what it was seen to do, and the state after it.
struct Taken<P: Protocol> {
    /// Its footprint, fault options and facts, as text to compare.
    seen: String,
    options: usize,
    after: UState<P>,
}

/// Delivers the message with id `id` in `s`, with fault option `ix`;
/// `None` if it is not in flight (or has no such option).
fn take<P: Protocol>(
    p: &P,
    limits: &Limits,
    s: &UState<P>,
    id: EventId,
    ix: usize,
) -> Option<Taken<P>> {
    let i = s.msgs.iter().position(|(e, _)| *e == id)?;
    let declared = p.footprint(&s.model, &s.msgs[i].1);
    let mut after = s.clone();
    let begun = after.begin(p, Move::Deliver(i));
    let footprint = begun.footprint(p, declared, s.faults < limits.max_faults);
    let options = after.fault_options(p, &begun, limits.max_faults);
    after.commit(&begun.fx, options.get(ix)?);
    Some(Taken {
        seen: format!("{footprint:?} {options:?} {:?}", begun.fx.facts),
        options: options.len(),
        after,
    })
}

/// Checks every independent pair of distinct deliveries of one state.
fn audit_state<P: Protocol>(
    p: &P,
    limits: &Limits,
    s: &UState<P>,
    scratch: &mut Scratch<P>,
) -> Result<u64, String> {
    let footprint = |i: usize| {
        let mut probe = s.clone();
        let declared = p.footprint(&s.model, &s.msgs[i].1);
        let begun = probe.begin(p, Move::Deliver(i));
        begun.footprint(p, declared, s.faults < limits.max_faults)
    };
    let options = |i: usize| take(p, limits, s, s.msgs[i].0, 0).map_or(0, |t| t.options);
    let mut pairs = 0;
    for a in 0..s.msgs.len() {
        for b in a + 1..s.msgs.len() {
            let ((t, mt), (u, mu)) = (&s.msgs[a], &s.msgs[b]);
            if mt == mu || !footprint(a).independent(footprint(b)) {
                continue;
            }
            for i in 0..options(a) {
                for j in 0..options(b) {
                    let (k1, t1, u1) = both(p, limits, s, (*t, i), (*u, j), scratch)?;
                    let (k2, u2, t2) = both(p, limits, s, (*u, j), (*t, i), scratch)?;
                    if k1 != k2 || t1 != t2 || u1 != u2 {
                        return Err(format!(
                            "independent deliveries do not commute: {mt:?} and {mu:?} in \
                             {:?}\n{t1}\nvs\n{t2}\n{u1}\nvs\n{u2}",
                            s.model
                        ));
                    }
                    pairs += 1;
                }
            }
        }
    }
    Ok(pairs)
}

/// Takes `x` then `y` (each with its fault option): the key reached and
/// what each was seen to do in that order.
fn both<P: Protocol>(
    p: &P,
    limits: &Limits,
    s: &UState<P>,
    (x, i): (EventId, usize),
    (y, j): (EventId, usize),
    scratch: &mut Scratch<P>,
) -> Result<(u128, String, String), String> {
    let first = take(p, limits, s, x, i).expect("in flight");
    let Some(second) = take(p, limits, &first.after, y, j) else {
        return Err(format!(
            "a delivery disabled an independent one in {:?}",
            s.model
        ));
    };
    let key = second.after.key(p, scratch).0;
    Ok((key, first.seen, second.seen))
}
