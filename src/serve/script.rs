//! The scenario's script as the harness's clock: a real client does its
//! logins, requests and logouts when it likes, and the harness moves the
//! virtual clock to the script time of what it does. A login takes the
//! next `login` entry's time; once every login before the next `request`
//! entry happened, the clock jumps to that request's time (so the AT of the
//! seed race is expired when the burst arrives); a logout takes the next
//! `logout` entry's time; when the client is idle with nothing parked, the
//! clock jumps to the next `request` entry. `revoke_all` entries passed on
//! the way take effect at their time; `steal`, `attack` and `skew` are the
//! model's attacker and clocks, which a real client run has not: they are
//! passed over with a note.

use crate::engine::Millis;
use crate::model::Model;
use crate::scenario::Step;

/// What moves the clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Login,
    Logout,
    Idle,
}

/// The script's entries in time order, and how far the run got.
pub struct Script {
    steps: Vec<(Millis, Step)>,
    next: usize,
}

impl Script {
    pub fn new(m: &Model) -> Script {
        let mut steps = m.script.clone();
        steps.sort_by_key(|(at, _)| *at);
        Script { steps, next: 0 }
    }

    /// The entries a trigger consumes, in order (the last one sets the time).
    pub fn consume(&mut self, trigger: Trigger) -> Vec<(Millis, Step)> {
        let start = self.next;
        match trigger {
            Trigger::Login => {
                if !self.through(|s| matches!(s, Step::Login { .. })) {
                    return Vec::new();
                }
                let more_logins = self.steps[self.next..]
                    .iter()
                    .take_while(|(_, s)| !matches!(s, Step::Request { .. }))
                    .any(|(_, s)| matches!(s, Step::Login { .. }));
                if !more_logins {
                    self.through(|s| matches!(s, Step::Request { .. }));
                }
            }
            Trigger::Logout => {
                self.through(|s| matches!(s, Step::Logout { .. }));
            }
            Trigger::Idle => {
                let next_is_request = self.steps[self.next..]
                    .iter()
                    .find(|(_, s)| {
                        !matches!(
                            s,
                            Step::Steal { .. } | Step::Skew { .. } | Step::Attack { .. }
                        )
                    })
                    .is_some_and(|(_, s)| matches!(s, Step::Request { .. } | Step::RevokeAll));
                if next_is_request {
                    self.through(|s| matches!(s, Step::Request { .. } | Step::RevokeAll));
                }
            }
        }
        self.steps[start..self.next].to_vec()
    }

    /// Advances past the next entry matching `pred`; false (and nothing
    /// consumed) when none is left.
    fn through(&mut self, pred: impl Fn(&Step) -> bool) -> bool {
        match self.steps[self.next..].iter().position(|(_, s)| pred(s)) {
            Some(offset) => {
                self.next += offset + 1;
                true
            }
            None => false,
        }
    }
}
