//! The server's state for one run: the model's own auth server, resource
//! server and denylist (`model::auth`, `model::resource`,
//! `model::denylist`), driven by real requests instead of simulated ones,
//! on a virtual clock the harness moves. Policies are therefore exactly the
//! explorer's: rotation, grace and its rules, reuse handling, lifetimes,
//! the denylist, and `atomic_rotation: false` with its commit as a separate
//! step the scheduler orders like any other.
//!
//! What it does not do: HTTP, ordering, judging. It answers "deliver this
//! message now" and "move the clock to t" and keeps every fact the model
//! recorded, for the judge.

use crate::engine::{Effects, Millis, Protocol, When};
use crate::model::token::{At, Family, Revocation, Rt};
use crate::model::{auth, Fact, Model, Msg, Timer, World};

/// The model's auth side for one run, with its virtual clock.
pub struct Core {
    pub model: Model,
    pub world: World,
    /// Virtual time, in ms since the run started.
    pub now: Millis,
    /// Armed deadlines: (due, timer), fired in this order.
    deadlines: Vec<(Millis, Timer)>,
}

/// What one delivery produced.
#[derive(Default)]
pub struct Produced {
    /// Answers bound for a client (`ApiReply`, `RefreshOk`, `RefreshErr`)
    /// or a pending `Commit`.
    pub outbound: Vec<Msg>,
    pub facts: Vec<Fact>,
    /// Deadlines that fired because the clock moved.
    pub fired: Vec<Timer>,
}

impl Core {
    pub fn new(model: Model) -> Core {
        let mut out = Effects::<Model>::default();
        // The script's timers are the harness's business, not the server's.
        let world = model.init(&mut out);
        Core {
            model,
            world,
            now: 0,
            deadlines: Vec::new(),
        }
    }

    /// A test login: a new family and its first pair (not raced).
    pub fn login(&mut self) -> (Family, At, Rt) {
        let mut out = Effects::<Model>::default();
        let issued = auth::login(&self.model, &mut self.world, &mut out);
        self.arm(&out);
        issued
    }

    /// How many families this run created (bounded by the model's `u8`).
    pub fn families(&self) -> usize {
        self.world.auth.families.len()
    }

    /// Delivers `msg` to the server side now; messages between servers
    /// (denylist traffic) are delivered at once, so only answers and
    /// commits come back.
    pub fn deliver(&mut self, msg: Msg) -> Produced {
        let mut produced = Produced::default();
        let mut queue = vec![msg];
        while let Some(next) = queue.pop() {
            let mut out = Effects::<Model>::default();
            self.model.deliver(&mut self.world, &next, &mut out);
            self.arm(&out);
            produced.facts.append(&mut out.facts);
            for sent in out.sends {
                match sent {
                    Msg::Deny { .. } | Msg::DenyCheck { .. } | Msg::DenyReply { .. } => {
                        queue.push(sent)
                    }
                    answer => produced.outbound.push(answer),
                }
            }
        }
        produced
    }

    /// `revoke_all`: every family of the user is revoked, with no message.
    pub fn revoke_all(&mut self) -> Produced {
        let mut out = Effects::<Model>::default();
        for f in 0..self.world.auth.families.len() {
            let family = Family(f as u8);
            auth::revoke(
                &self.model,
                &mut self.world,
                family,
                Revocation::RevokeAll,
                &mut out,
            );
        }
        self.arm(&out);
        let mut produced = Produced {
            facts: out.facts,
            ..Produced::default()
        };
        for sent in out.sends {
            produced.facts.append(&mut self.deliver(sent).facts);
        }
        produced
    }

    /// Marks the family of `rt` logged out by its user (the ghost fact that
    /// excuses later errors), as the model's client does when it logs out.
    pub fn user_logged_out(&mut self, family: Family) {
        self.world.family_mut(family).logged_out = true;
    }

    /// Moves the clock to `to` (never back), firing every deadline due at or
    /// before it: a deadline takes effect before anything else at its instant.
    pub fn advance(&mut self, to: Millis) -> Produced {
        let mut produced = Produced::default();
        loop {
            let due = self
                .deadlines
                .iter()
                .enumerate()
                .filter(|(_, (t, _))| *t <= to)
                .min_by_key(|(_, (t, timer))| (*t, *timer))
                .map(|(i, _)| i);
            let Some(i) = due else { break };
            let (at, timer) = self.deadlines.remove(i);
            self.now = self.now.max(at);
            let mut out = Effects::<Model>::default();
            self.model.fire(&mut self.world, &timer, &mut out);
            self.arm(&out);
            produced.facts.append(&mut out.facts);
            produced.fired.push(timer);
        }
        self.now = self.now.max(to);
        produced
    }

    /// Applies a handler's timers: auth deadlines only (`Script`, client
    /// timers and marks belong to simulated clients, which a real one replaces).
    fn arm(&mut self, out: &Effects<Model>) {
        for timer in &out.cancels {
            self.deadlines.retain(|(_, t)| t != timer);
        }
        for (timer, when, _) in &out.timers {
            let due = match when {
                When::After(d) => self.now.saturating_add(*d),
                When::At(t) => *t,
                When::FromMark(..) => continue,
            };
            if is_server_deadline(timer) {
                self.deadlines.push((due, *timer));
            }
        }
    }
}

fn is_server_deadline(timer: &Timer) -> bool {
    matches!(
        timer,
        Timer::AtExpiry(_)
            | Timer::AtResourceExpiry(_)
            | Timer::RtExpiry(_)
            | Timer::FamilyExpiry(_)
            | Timer::GraceEnd(_)
    )
}
