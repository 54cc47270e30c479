//! Sleep sets (Godefroid 1990) for the untimed search: partial-order
//! reduction that skips a move when an equivalent order, differing only in
//! the order of independent steps, is explored elsewhere. Independence comes
//! from the protocol's footprints (`engine::Footprint`); explorers know
//! nothing else about the model. The soundness argument is in
//! docs/performance.md ("Partial-order reduction").
//!
//! A state's sleep set holds moves (messages in flight) already covered:
//! after taking move `t`, every move explored before `t` at the same state,
//! or asleep there, that is independent of `t` stays asleep. Sleep sets
//! only skip transitions, never states: every reachable state is still
//! stored, at its least depth, so BFS counterexamples stay shortest.
//!
//! With a visited set, a state reached again with a smaller sleep set must
//! have the difference explored (Godefroid's state-matching rule): the
//! visited set keeps, per stored state, the moves asleep at every visit so
//! far, as a mask over the message *ranks* of its key (symmetric states
//! rank corresponding messages alike), and a visit that wakes some of them
//! is re-expanded with exactly those.

use crate::engine::untimed::{Move, UState};
use crate::engine::{Footprint, Protocol};

/// A move asleep in a state: its message's position in the state's
/// messages in flight, and the footprint it had when it was taken.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Asleep {
    pub pos: u32,
    pub footprint: Footprint,
}

/// What partial-order reduction carries with a state waiting for expansion.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sleep {
    /// Moves not to take from this state.
    pub asleep: Vec<Asleep>,
    /// Each message's rank in the state's key (`UState::key_ranked`).
    pub ranks: Vec<u16>,
    /// A re-expansion takes only the moves whose rank is in this mask.
    pub only: Option<u64>,
}

/// Ranks at or above this are never put to sleep (the stored mask is 64 bits).
const MASK_BITS: u16 = 64;

impl Sleep {
    /// The stored form of the sleep set: a mask over ranks.
    pub fn mask(&self) -> u64 {
        self.asleep
            .iter()
            .fold(0, |m, a| m | 1 << self.ranks[a.pos as usize])
    }

    /// The moves to take from a state, in canonical move order: not asleep,
    /// within a re-expansion's mask, one per distinct message (equal
    /// messages are one move), the tick unless re-expanding. Returns how
    /// many moves were skipped because they were asleep.
    pub fn moves<P: Protocol>(&self, p: &P, state: &UState<P>, out: &mut Vec<Move>) -> u64 {
        let asleep = self.mask();
        let mut seen = 0u64;
        let mut skipped = 0;
        let mut all = Vec::new();
        state.moves(p, &mut all);
        for mv in all {
            let keep = match mv {
                Move::Deliver(i) => {
                    let r = self.ranks[i];
                    let bit = if r < MASK_BITS { 1u64 << r } else { 0 };
                    let wanted = self.only.map_or(true, |only| only & bit != 0);
                    let sleeping = asleep & bit != 0;
                    let repeated = seen & bit != 0;
                    seen |= bit;
                    skipped += u64::from(wanted && sleeping && !repeated);
                    wanted && !sleeping && !repeated
                }
                Move::Tick => self.only.is_none(),
            };
            if keep {
                out.push(mv);
            }
        }
        skipped
    }

    /// The sleep set after taking move `taken` (of `explored`, the moves
    /// taken from this state with their footprints): the asleep moves and
    /// the moves of lower rank that are independent of it, at their
    /// positions in the successor (the delivered message is gone; new
    /// messages are appended, never asleep).
    pub fn after(&self, explored: &[(Move, Footprint)], taken: usize) -> Vec<Asleep> {
        let (mv, footprint) = explored[taken];
        let Move::Deliver(gone) = mv else {
            return Vec::new(); // a tick depends on every step
        };
        let rank = self.ranks[gone];
        let earlier = explored.iter().filter_map(|&(other, f)| match other {
            Move::Deliver(i) if self.ranks[i] < rank => Some(Asleep {
                pos: i as u32,
                footprint: f,
            }),
            _ => None,
        });
        self.asleep
            .iter()
            .copied()
            .chain(earlier)
            .filter(|a| a.footprint.independent(footprint))
            .map(|a| Asleep {
                pos: a.pos - u32::from(a.pos as usize > gone),
                footprint: a.footprint,
            })
            .collect()
    }

    /// A successor's sleep state from its asleep moves and key ranks; moves
    /// whose rank does not fit the mask are woken.
    pub fn successor(mut asleep: Vec<Asleep>, ranks: Vec<u16>) -> Sleep {
        asleep.retain(|a| ranks[a.pos as usize] < MASK_BITS);
        Sleep {
            asleep,
            ranks,
            only: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(writes: u64) -> Footprint {
        Footprint { reads: 0, writes }
    }

    #[test]
    fn only_independent_earlier_moves_fall_asleep_at_shifted_positions() {
        let sleep = Sleep {
            asleep: vec![Asleep {
                pos: 3,
                footprint: f(0b1000),
            }],
            ranks: vec![0, 1, 2, 3],
            only: None,
        };
        let explored = [
            (Move::Deliver(0), f(0b001)),
            (Move::Deliver(1), f(0b010)),
            (Move::Deliver(2), f(0b001)),
        ];
        let after = sleep.after(&explored, 2);
        let got: Vec<u32> = after.iter().map(|a| a.pos).collect();
        // message 0 conflicts with the taken one; message 1 does not and
        // moves up one; the asleep message 3 moves up one too.
        assert_eq!(got, vec![2, 1]);
        assert!(sleep.after(&explored, 0).iter().all(|a| a.pos == 2));
    }

    #[test]
    fn a_tick_wakes_everything_and_high_ranks_never_sleep() {
        let sleep = Sleep {
            asleep: vec![Asleep {
                pos: 0,
                footprint: Footprint::NOTHING,
            }],
            ranks: vec![0],
            only: None,
        };
        assert!(sleep
            .after(&[(Move::Tick, Footprint::EVERYTHING)], 0)
            .is_empty());
        let woken = Sleep::successor(
            vec![Asleep {
                pos: 0,
                footprint: Footprint::NOTHING,
            }],
            vec![70],
        );
        assert!(woken.asleep.is_empty());
        assert_eq!(woken.mask(), 0);
    }
}
