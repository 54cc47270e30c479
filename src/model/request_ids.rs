//! Request renaming on the symmetry hot path: the request-id half of
//! `client_rename` (clients stay in place), generic over the renaming so
//! that it inlines instead of calling through `&dyn Fn` per id. Every match
//! is exhaustive, as in `client_rename`; the streamed key's test
//! (`symmetry_encode`) compares both on explored states.

use super::msg::{Caller, Msg, Refresher, RequestId, Timer};
use super::refresh::Flight;

/// A value whose request ids can be renamed.
pub(super) trait RequestIds {
    /// Replaces each request id `id` it carries by `g(id)`.
    fn map_requests(&mut self, g: &mut impl FnMut(RequestId) -> RequestId);
}

fn caller(c: &mut Caller, g: &mut impl FnMut(RequestId) -> RequestId) {
    match c {
        Caller::Request(id) => *id = g(*id),
        Caller::Attacker(_) => {}
    }
}

fn refresher(r: &mut Refresher, g: &mut impl FnMut(RequestId) -> RequestId) {
    match r {
        Refresher::Request(id) | Refresher::RequestResend(id, _) => *id = g(*id),
        Refresher::Proactive(..) | Refresher::ProactiveResend(..) | Refresher::Attacker(_) => {}
    }
}

impl RequestIds for Msg {
    fn map_requests(&mut self, g: &mut impl FnMut(RequestId) -> RequestId) {
        match self {
            Msg::Api { from, at: _ } => caller(from, g),
            Msg::ApiReply { to, at: _, ok: _ } => caller(to, g),
            Msg::DenyCheck { caller: c, at: _ } => caller(c, g),
            Msg::DenyReply {
                caller: c,
                at: _,
                revoked: _,
            } => caller(c, g),
            Msg::Refresh { from, rt: _ } => refresher(from, g),
            Msg::RefreshOk {
                to,
                presented: _,
                at: _,
                rt: _,
            } => refresher(to, g),
            Msg::RefreshErr { to, rt: _ } => refresher(to, g),
            Msg::Commit {
                to,
                rt: _,
                grace: _,
            } => refresher(to, g),
            Msg::Logout { client: _, rt: _ } | Msg::Deny { at: _ } => {}
        }
    }
}

impl RequestIds for Timer {
    fn map_requests(&mut self, g: &mut impl FnMut(RequestId) -> RequestId) {
        match self {
            Timer::CallTimeout(id) => *id = g(*id),
            Timer::RefreshTimeout(r) => refresher(r, g),
            Timer::Proactive(_)
            | Timer::PreflightExpiry(..)
            | Timer::Script(_)
            | Timer::AtExpiry(_)
            | Timer::AtResourceExpiry(_)
            | Timer::RtExpiry(_)
            | Timer::FamilyExpiry(_)
            | Timer::GraceEnd(_)
            | Timer::AttackerWindow(_) => {}
        }
    }
}

impl RequestIds for Flight {
    fn map_requests(&mut self, g: &mut impl FnMut(RequestId) -> RequestId) {
        let Flight { owner } = self;
        refresher(owner, g);
    }
}
