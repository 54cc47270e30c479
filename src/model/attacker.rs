//! The attacker: steals tokens through XSS from readable storage, calls the
//! API with the newest AT it holds, replays the newest RT it holds. Tokens it
//! obtains by a replay keep the theft they descend from, for
//! `attacker_window`.

use super::msg::{Caller, ClientIx, Fact, Msg, Refresher, Timer};
use super::token::{At, Rt};
use super::{Model, Out, World};
use crate::engine::{Urgency, When};
use crate::scenario::TokenKind;

/// What the attacker holds and has done.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Attacker {
    /// Newest AT held, with the theft it descends from.
    pub at: Option<(At, u8)>,
    /// Newest RT held, with the theft it descends from.
    pub rt: Option<(Rt, u8)>,
    /// Per theft: its bounded window has closed.
    pub window_closed: Vec<bool>,
    /// Per API call (1-based number - 1): the theft its AT descends from.
    pub calls: Vec<u8>,
    /// Per replay: the theft its RT descends from.
    pub replays: Vec<u8>,
}

impl Attacker {
    /// Whether call `n` uses a token whose theft window has closed.
    pub fn call_is_late(&self, n: u16) -> bool {
        let theft = self.calls[n as usize - 1];
        self.window_closed[theft as usize]
    }
}

fn newest<T: Ord + Copy>(held: Option<(T, u8)>, new: T, theft: u8) -> Option<(T, u8)> {
    match held {
        Some((old, _)) if old >= new => held,
        _ => Some((new, theft)),
    }
}

/// XSS: copy tokens from the client's store if script can read it.
pub fn steal(m: &Model, w: &mut World, client: ClientIx, kind: TokenKind, out: &mut Out) {
    let config = &m.clients[client as usize];
    if !config.readable {
        return out.fact(Fact::StealFoundNothing {
            why: "HttpOnly cookie: script cannot read it",
        });
    }
    let Some(pair) = w.stores[config.store as usize].pair else {
        return out.fact(Fact::StealFoundNothing {
            why: "the store is empty",
        });
    };
    let theft =
        u8::try_from(w.attacker.window_closed.len()).expect("validated: at most 255 steals");
    w.attacker.window_closed.push(false);
    if let Some(window) = m.attacker_window {
        // "later than" the window: the deadline is the first instant past it.
        out.timer(
            Timer::AttackerWindow(theft),
            When::After(window + 1),
            Urgency::Deadline,
        );
    }
    let take_at = kind != TokenKind::Refresh;
    let take_rt = kind != TokenKind::Access;
    if take_at {
        w.attacker.at = newest(w.attacker.at, pair.at, theft);
    }
    if take_rt {
        w.attacker.rt = newest(w.attacker.rt, pair.rt, theft);
    }
    let at_valid = take_at && at_accepted(m, w, pair.at);
    let rt_valid = take_rt && super::ghost::rt_accepted(m, w, pair.rt);
    out.fact(Fact::Stolen {
        at: take_at.then_some(pair.at),
        rt: take_rt.then_some(pair.rt),
        still_valid: at_valid || rt_valid,
    });
}

/// A server would accept this AT now (docs/invariants.md "Read precisely", `no_token_theft`).
fn at_accepted(m: &Model, w: &World, at: At) -> bool {
    w.at(at).accepted_by_resource
        && !(m.scenario.resource.check_denylist && w.denylist.contains(at))
}

/// `attack`: use the newest stolen or obtained token of the requested kind.
pub fn attack(w: &mut World, kind: TokenKind, out: &mut Out) {
    let mut acted = false;
    if kind != TokenKind::Refresh {
        if let Some((at, theft)) = w.attacker.at {
            w.attacker.calls.push(theft);
            let n = u16::try_from(w.attacker.calls.len())
                .expect("validated: at most 65535 script entries");
            out.send(Msg::Api {
                from: Caller::Attacker(n),
                at,
            });
            acted = true;
        }
    }
    if kind != TokenKind::Access {
        if let Some((rt, theft)) = w.attacker.rt {
            w.attacker.replays.push(theft);
            let n = u16::try_from(w.attacker.replays.len())
                .expect("validated: at most 65535 script entries");
            out.send(Msg::Refresh {
                from: Refresher::Attacker(n),
                rt,
            });
            acted = true;
        }
    }
    if !acted {
        out.fact(Fact::AttackNoop);
    }
}

/// A replay's answer: the attacker keeps what it got.
pub fn on_refresh_answer(w: &mut World, n: u16, ok: Option<(At, Rt)>) {
    if let Some((at, rt)) = ok {
        let theft = w.attacker.replays[n as usize - 1];
        w.attacker.at = newest(w.attacker.at, at, theft);
        w.attacker.rt = newest(w.attacker.rt, rt, theft);
    }
}

/// `bounds.attacker_window` after theft `theft` has passed.
pub fn on_window_closed(w: &mut World, theft: u8) {
    w.attacker.window_closed[theft as usize] = true;
}
