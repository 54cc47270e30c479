//! The protocol: OAuth/JWT token flows as one deterministic transition
//! system. This is the only module that knows what a token, a refresh or a
//! client is. It implements [`engine::Protocol`](crate::engine::Protocol) and
//! nothing here explores, orders or draws random numbers: handlers react to
//! one message or timer and never read the clock (every deadline is a timer).
//!
//! One file per actor: [`user`] (the script), [`client`] (requests),
//! [`refresh`] (client refresh strategies), [`proactive`] (proactive
//! timers), [`preflight`] (the expiry check before a call), [`failure`] (timeouts, resends, `on_refresh_failure`),
//! [`store`] (token stores),
//! [`auth`], [`resource`], [`denylist`], [`attacker`]; [`ghost`] holds the
//! judgements invariants need (was the session valid?).

pub mod attacker;
pub mod auth;
pub mod client;
mod client_rename;
pub mod client_symmetry;
pub mod config;
pub mod dead;
pub mod denylist;
pub mod failure;
pub mod footprint;
pub mod ghost;
pub mod label;
pub mod msg;
mod msg_code;
pub mod preflight;
pub mod proactive;
pub mod refresh;
mod request_ids;
pub mod resource;
pub mod shared;
pub mod store;
pub mod symmetry;
mod symmetry_encode;
pub mod token;
pub mod user;

use crate::engine::{Effects, Footprint, Link, Millis, Protocol, Urgency, When};
pub use config::Model;
pub use msg::{Activity, Caller, Fact, Mark, Msg, Refresher, Timer};
use token::{AtRecord, FamilyRecord, RtRecord};

/// Shorthand for the effects a model handler produces.
pub type Out = Effects<Model>;

/// Every actor's state: the whole world at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct World {
    pub stores: shared::Shared<Vec<store::Store>>,
    pub clients: Vec<client::ClientState>,
    /// In-flight refresh per single-flight scope (a client, or a device for cross_tab).
    pub flights: shared::Shared<Vec<Option<refresh::Flight>>>,
    pub auth: shared::Shared<auth::AuthState>,
    pub denylist: denylist::Denylist,
    pub attacker: attacker::Attacker,
    /// (device, trigger AT) pairs a client refresh was already sent for.
    pub refreshed: shared::Shared<Vec<(u8, token::At)>>,
}

impl World {
    /// What the shared parts would take held inline, as they were before
    /// they were shared, less their pointers (`Protocol::SHARED_PART_BYTES`).
    pub const SHARED_PART_BYTES: usize = std::mem::size_of::<auth::AuthState>()
        + std::mem::size_of::<Vec<store::Store>>()
        + std::mem::size_of::<Vec<Option<refresh::Flight>>>()
        + std::mem::size_of::<Vec<(u8, token::At)>>()
        - 4 * std::mem::size_of::<shared::Shared<()>>();

    pub fn request(&self, id: msg::RequestId) -> &client::Request {
        &self.clients[id.client as usize].requests[id.number as usize - 1]
    }
    pub fn request_mut(&mut self, id: msg::RequestId) -> &mut client::Request {
        &mut self.clients[id.client as usize].requests[id.number as usize - 1]
    }
    pub fn at(&self, at: token::At) -> &AtRecord {
        &self.auth.ats[at.0 as usize - 1]
    }
    pub fn at_mut(&mut self, at: token::At) -> &mut AtRecord {
        &mut self.auth.ats[at.0 as usize - 1]
    }
    pub fn rt(&self, rt: token::Rt) -> &RtRecord {
        &self.auth.rts[rt.0 as usize - 1]
    }
    pub fn rt_mut(&mut self, rt: token::Rt) -> &mut RtRecord {
        &mut self.auth.rts[rt.0 as usize - 1]
    }
    pub fn family(&self, f: token::Family) -> &FamilyRecord {
        &self.auth.families[f.0 as usize]
    }
    pub fn family_mut(&mut self, f: token::Family) -> &mut FamilyRecord {
        &mut self.auth.families[f.0 as usize]
    }
}

impl Protocol for Model {
    type State = World;
    type Msg = Msg;
    type Timer = Timer;
    type Mark = Mark;
    type Fact = Fact;
    const SHARED_PART_BYTES: usize = World::SHARED_PART_BYTES;

    fn init(&self, out: &mut Out) -> World {
        for (index, (at, _)) in self.script.iter().enumerate() {
            out.timer(
                Timer::Script(
                    u16::try_from(index).expect("validated: at most 65535 script entries"),
                ),
                When::At(*at),
                Urgency::Ordinary,
            );
        }
        World {
            stores: vec![store::Store::default(); self.store_count].into(),
            clients: vec![client::ClientState::default(); self.clients.len()],
            flights: vec![None; self.scope_count].into(),
            auth: auth::AuthState::default().into(),
            denylist: denylist::Denylist::default(),
            attacker: attacker::Attacker::default(),
            refreshed: Vec::new().into(),
        }
    }

    fn deliver(&self, w: &mut World, msg: &Msg, out: &mut Out) {
        match *msg {
            Msg::Api { from, at } => resource::on_api(self, w, from, at, out),
            Msg::DenyReply {
                caller,
                at,
                revoked,
            } => resource::on_deny_reply(self, w, caller, at, revoked, out),
            Msg::DenyCheck { caller, at } => denylist::on_check(w, caller, at, out),
            Msg::Deny { at } => denylist::on_deny(w, at),
            Msg::Refresh { from, rt } => auth::on_refresh(self, w, from, rt, out),
            Msg::Logout { rt, .. } => auth::on_logout(self, w, rt, out),
            Msg::Commit { to, rt, grace } => auth::on_commit(self, w, to, rt, grace, out),
            Msg::ApiReply { to, at, ok } => match to {
                Caller::Request(r) => client::on_api_reply(self, w, r, at, ok, out),
                Caller::Attacker(_) => {}
            },
            Msg::RefreshOk {
                to,
                presented,
                at,
                rt,
            } => refresh::on_answer(self, w, to, presented, Some((at, rt)), out),
            Msg::RefreshErr { to, rt } => refresh::on_answer(self, w, to, rt, None, out),
        }
    }

    fn fire(&self, w: &mut World, timer: &Timer, out: &mut Out) {
        match *timer {
            Timer::Script(index) => user::on_script(self, w, index as usize, out),
            Timer::Proactive(client) => refresh::on_proactive(self, w, client, out),
            Timer::PreflightExpiry(client, at) => preflight::on_expiry(self, w, client, at),
            Timer::AttackerWindow(theft) => attacker::on_window_closed(w, theft),
            Timer::CallTimeout(request) => client::on_call_timeout(self, w, request, out),
            Timer::RefreshTimeout(by) => failure::on_refresh_timeout(self, w, by, out),
            Timer::AtExpiry(_)
            | Timer::AtResourceExpiry(_)
            | Timer::RtExpiry(_)
            | Timer::FamilyExpiry(_)
            | Timer::GraceEnd(_) => auth::on_deadline(self, w, *timer, out),
        }
    }

    fn link(&self, msg: &Msg) -> Link {
        match config::LinkName::of(msg) {
            Some(link) => self.links[link as usize],
            None => self.commit_link,
        }
    }

    fn endpoints(&self, msg: &Msg) -> (String, String) {
        self.endpoints_of(msg)
    }

    fn horizon(&self) -> Millis {
        self.horizon
    }

    fn canonicalize(&self, w: &mut World, msgs: &mut [Msg], timers: &mut [Timer]) {
        symmetry::canonicalize(self, w, msgs, timers);
    }

    fn canonicalize_orbits(
        &self,
        w: &mut World,
        msgs: &mut [Msg],
        timers: &mut [Timer],
        orbit: &mut Vec<Msg>,
    ) {
        symmetry::canonicalize_orbits(self, w, msgs, timers, orbit);
    }

    fn canonicalize_ranked(
        &self,
        w: &mut World,
        msgs: &mut [Msg],
        timers: &mut [Timer],
        msg_ranks: &[u32],
        timer_ranks: &[u32],
    ) {
        let ranks = symmetry::Ranks {
            msgs: msg_ranks,
            timers: timer_ranks,
        };
        symmetry::canonicalize_ranked(self, w, msgs, timers, &ranks);
    }

    fn footprint(&self, w: &World, msg: &Msg) -> Footprint {
        footprint::of(self, w, msg)
    }

    fn msg_code(&self, msg: &Msg) -> Option<u128> {
        Some(msg_code::code(msg))
    }

    fn encode_canonical(
        &self,
        w: &World,
        msgs: &mut [Msg],
        timers: &mut [Timer],
        orbits: bool,
        codes: &mut crate::engine::MsgCodes,
        sink: &mut crate::engine::encode::ByteSink,
    ) -> bool {
        symmetry_encode::encode_canonical(self, w, msgs, timers, orbits, codes, sink)
    }
}

#[cfg(test)]
mod client_symmetry_tests;
#[cfg(test)]
mod failure_tests;
#[cfg(test)]
mod preflight_tests;
#[cfg(test)]
mod symmetry_encode_tests;
#[cfg(test)]
mod tests;
