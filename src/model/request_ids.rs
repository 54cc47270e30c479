//! Request renaming on the symmetry hot path: the request-id half of
//! `client_rename` (clients stay in place). Every message, timer and
//! flight of the model names at most one request, so renaming is one
//! field reached through [`RequestIds::request_mut`]: no closure per id and
//! no second pass to find it. Every match is exhaustive, as in
//! `client_rename`; the streamed key's test (`symmetry_encode`) compares
//! both on explored states.

use super::msg::{Caller, Msg, Refresher, RequestId, Timer};
use super::refresh::Flight;

/// A value that names at most one request.
pub(super) trait RequestIds {
    /// The request id it carries, if any, to read or rename in place.
    fn request_mut(&mut self) -> Option<&mut RequestId>;

    /// Replaces the request id `id` it carries (if any) by `g(id)`.
    #[inline]
    fn map_requests(&mut self, g: &mut impl FnMut(RequestId) -> RequestId) {
        if let Some(id) = self.request_mut() {
            *id = g(*id);
        }
    }
}

#[inline]
fn caller(c: &mut Caller) -> Option<&mut RequestId> {
    match c {
        Caller::Request(id) => Some(id),
        Caller::Attacker(_) => None,
    }
}

#[inline]
fn refresher(r: &mut Refresher) -> Option<&mut RequestId> {
    match r {
        Refresher::Request(id) | Refresher::RequestResend(id, _) => Some(id),
        Refresher::Proactive(..) | Refresher::ProactiveResend(..) | Refresher::Attacker(_) => None,
    }
}

impl RequestIds for Msg {
    #[inline]
    fn request_mut(&mut self) -> Option<&mut RequestId> {
        match self {
            Msg::Api { from, at: _ } => caller(from),
            Msg::ApiReply { to, at: _, ok: _ } => caller(to),
            Msg::DenyCheck { caller: c, at: _ } => caller(c),
            Msg::DenyReply {
                caller: c,
                at: _,
                revoked: _,
            } => caller(c),
            Msg::Refresh { from, rt: _ } => refresher(from),
            Msg::RefreshOk {
                to,
                presented: _,
                at: _,
                rt: _,
            } => refresher(to),
            Msg::RefreshErr { to, rt: _ } => refresher(to),
            Msg::Commit {
                to,
                rt: _,
                grace: _,
            } => refresher(to),
            Msg::Logout { client: _, rt: _ } | Msg::Deny { at: _ } => None,
        }
    }
}

impl RequestIds for Timer {
    #[inline]
    fn request_mut(&mut self) -> Option<&mut RequestId> {
        match self {
            Timer::CallTimeout(id) => Some(id),
            Timer::RefreshTimeout(r) => refresher(r),
            Timer::Proactive(_)
            | Timer::PreflightExpiry(..)
            | Timer::Script(_)
            | Timer::AtExpiry(_)
            | Timer::AtResourceExpiry(_)
            | Timer::RtExpiry(_)
            | Timer::FamilyExpiry(_)
            | Timer::GraceEnd(_)
            | Timer::AttackerWindow(_) => None,
        }
    }
}

impl RequestIds for Flight {
    #[inline]
    fn request_mut(&mut self) -> Option<&mut RequestId> {
        let Flight { owner } = self;
        refresher(owner)
    }
}
