//! An integer code per message that orders as the message does
//! (`Protocol::msg_code`): the untimed search's key sorts and ranks the
//! messages in flight by integer comparisons instead of the derived `Ord`.
//!
//! The code is the message's fields packed from the top bit down, in the
//! derived order's own sequence (variant index first, then each field,
//! nested enums the same way), each at a fixed width per variant. Equal
//! prefixes compare on the next field, so the packed integers compare
//! lexicographically, as the derived `Ord` does. Every match is
//! exhaustive: a new variant or field does not compile until it is coded,
//! and `codes_order_as_the_messages_do` checks the order.

use super::client::{End, Phase, Request};
use super::msg::{Caller, Msg, Refresher, RequestId};

/// Bits of a message's variant, of a caller's and of a refresher's.
const MSG_TAG: u32 = 4;
const CALLER_TAG: u32 = 1;
const REFRESHER_TAG: u32 = 3;
/// Bits of a request id: its client, then its number.
const CLIENT: u32 = 8;
const NUMBER: u32 = 16;

/// Packs fields from the top bit down.
struct Packer {
    code: u128,
    used: u32,
}

impl Packer {
    fn new() -> Self {
        Packer { code: 0, used: 0 }
    }

    fn push(&mut self, value: u64, bits: u32) -> &mut Self {
        debug_assert!(bits == 64 || value < 1 << bits);
        self.used += bits;
        debug_assert!(self.used <= 128);
        self.code |= u128::from(value) << (128 - self.used);
        self
    }

    fn request(&mut self, id: RequestId) -> &mut Self {
        let RequestId { client, number } = id;
        self.push(client.into(), CLIENT).push(number.into(), NUMBER)
    }

    /// 1 bit of variant, 24 of payload.
    fn caller(&mut self, c: Caller) -> &mut Self {
        match c {
            Caller::Request(id) => self.push(0, CALLER_TAG).request(id),
            Caller::Attacker(n) => self.push(1, CALLER_TAG).push(n.into(), 24),
        }
    }

    /// 3 bits of variant, 32 of payload.
    fn refresher(&mut self, r: Refresher) -> &mut Self {
        let start = self.used;
        match r {
            Refresher::Request(id) => self.push(0, REFRESHER_TAG).request(id),
            Refresher::Proactive(c, n) => self.push(1, 3).push(c.into(), 8).push(n.into(), 16),
            Refresher::Attacker(n) => self.push(2, 3).push(n.into(), 16),
            Refresher::RequestResend(id, n) => {
                self.push(3, REFRESHER_TAG).request(id).push(n.into(), 8)
            }
            Refresher::ProactiveResend(c, p, n) => self
                .push(4, 3)
                .push(c.into(), 8)
                .push(p.into(), 16)
                .push(n.into(), 8),
        };
        let pad = 35 - (self.used - start);
        self.push(0, pad)
    }
}

/// The request a message's code names, read back from the code: the
/// variant's 4 top bits, then the caller's 1 or the refresher's 3 bits of
/// variant say whether a request follows, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Named {
    pub id: RequestId,
    /// The lowest bit of the request number in the code.
    at: u32,
}

/// The request named by the message whose code is `code`, if any: a
/// message whose variant carries a caller (variants 0–3, `Api` to
/// `DenyReply`) or a refresher (4, 5, 6 and 9: `Refresh`, `RefreshOk`,
/// `RefreshErr`, `Commit`) names one when that caller or refresher is a
/// request's (caller variant 0; refresher variant 0, or 3 for a resend).
/// `a_code_names_the_request_its_message_names_and_renames_it` checks it
/// against every message shape.
#[inline]
pub fn named(code: u128) -> Option<Named> {
    let top = (code >> 64) as u64;
    let tag = |after: u32, bits: u32| top >> (64 - after - bits) & ((1 << bits) - 1);
    let after = match tag(0, MSG_TAG) {
        0..=3 if tag(MSG_TAG, CALLER_TAG) == 0 => MSG_TAG + CALLER_TAG,
        4 | 5 | 6 | 9 if matches!(tag(MSG_TAG, REFRESHER_TAG), 0 | 3) => MSG_TAG + REFRESHER_TAG,
        _ => return None,
    };
    let at = 64 - after - CLIENT - NUMBER;
    let id = RequestId {
        client: (top >> (at + NUMBER)) as u8,
        number: (top >> at) as u16,
    };
    Some(Named { id, at })
}

impl Named {
    /// The code of the same message naming request `number` of the same
    /// client instead.
    #[inline]
    pub fn with_number(self, code: u128, number: u16) -> u128 {
        let top = (code >> 64) as u64;
        let field = ((1 << NUMBER) - 1) << self.at;
        let top = (top & !field) | u64::from(number) << self.at;
        u128::from(top) << 64 | u128::from(code as u64)
    }
}

/// A request's code: its fields packed into 85 bits (phase and retries
/// in the top half, the optional tokens in the bottom), so two requests
/// are equal exactly when their codes are. Symmetry's signatures and
/// classes read requests through it: one integer to digest or compare
/// instead of a walk over the fields. It need not order as requests do.
pub fn request_code(r: &Request) -> u128 {
    let Request {
        phase,
        retries_left,
        last_at,
        held_rt,
        preflight_pending,
    } = *r;
    let (tag, payload): (u64, u64) = match phase {
        Phase::Calling { at } => (0, u64::from(at.0)),
        Phase::Refreshing {
            rt,
            trigger,
            attempt,
        } => (
            1,
            u64::from(rt.0) << 24 | u64::from(trigger.0) << 8 | u64::from(attempt),
        ),
        Phase::Waiting { trigger } => (2, u64::from(trigger.0)),
        Phase::Done(end) => (
            3,
            match end {
                End::Payload => 0,
                End::SessionError => 1,
                End::NetworkError => 2,
            },
        ),
    };
    let top = tag << 48 | payload << 8 | u64::from(retries_left);
    let token = |t: Option<u16>| t.map_or(0, |v| 1 << 16 | u64::from(v));
    let bottom = token(last_at.map(|a| a.0)) << 18
        | token(held_rt.map(|r| r.0)) << 1
        | u64::from(preflight_pending);
    u128::from(top) << 64 | u128::from(bottom)
}

/// The message's code (see the module doc): at most the 87 top bits are
/// used, so the 32 low bits are zero, as `Protocol::msg_code` requires.
pub fn code(msg: &Msg) -> u128 {
    let mut p = Packer::new();
    match *msg {
        Msg::Api { from, at } => p.push(0, 4).caller(from).push(at.0.into(), 16),
        Msg::ApiReply { to, at, ok } => p
            .push(1, 4)
            .caller(to)
            .push(at.0.into(), 16)
            .push(ok.into(), 1),
        Msg::DenyCheck { caller, at } => p.push(2, 4).caller(caller).push(at.0.into(), 16),
        Msg::DenyReply {
            caller,
            at,
            revoked,
        } => p
            .push(3, 4)
            .caller(caller)
            .push(at.0.into(), 16)
            .push(revoked.into(), 1),
        Msg::Refresh { from, rt } => p.push(4, 4).refresher(from).push(rt.0.into(), 16),
        Msg::RefreshOk {
            to,
            presented,
            at,
            rt,
        } => p
            .push(5, 4)
            .refresher(to)
            .push(presented.0.into(), 16)
            .push(at.0.into(), 16)
            .push(rt.0.into(), 16),
        Msg::RefreshErr { to, rt } => p.push(6, 4).refresher(to).push(rt.0.into(), 16),
        Msg::Logout { client, rt } => p.push(7, 4).push(client.into(), 8).push(rt.0.into(), 16),
        Msg::Deny { at } => p.push(8, 4).push(at.0.into(), 16),
        Msg::Commit { to, rt, grace } => p
            .push(9, 4)
            .refresher(to)
            .push(rt.0.into(), 16)
            .push(grace.into(), 1),
    };
    p.code
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::token::{At, Rt};

    fn callers() -> Vec<Caller> {
        let mut out = vec![
            Caller::Attacker(0),
            Caller::Attacker(1),
            Caller::Attacker(300),
        ];
        for client in [0, 1, 255] {
            for number in [0, 1, 2, 40000] {
                out.push(Caller::Request(RequestId { client, number }));
            }
        }
        out
    }

    fn refreshers() -> Vec<Refresher> {
        let id = |client, number| RequestId { client, number };
        let mut out = Vec::new();
        for (c, n) in [(0u8, 1u16), (0, 2), (1, 1), (200, 9000)] {
            out.push(Refresher::Request(id(c, n)));
            out.push(Refresher::Proactive(c, n));
            out.push(Refresher::Attacker(n));
            for k in [1u8, 2, 255] {
                out.push(Refresher::RequestResend(id(c, n), k));
                out.push(Refresher::ProactiveResend(c, n, k));
            }
        }
        out
    }

    fn msgs() -> Vec<Msg> {
        let mut out = Vec::new();
        let ats = [At(0), At(1), At(2), At(65535)];
        let rts = [Rt(1), Rt(3)];
        for c in callers() {
            for at in ats {
                out.push(Msg::Api { from: c, at });
                out.push(Msg::DenyCheck { caller: c, at });
                for b in [false, true] {
                    out.push(Msg::ApiReply { to: c, at, ok: b });
                    let revoked = b;
                    out.push(Msg::DenyReply {
                        caller: c,
                        at,
                        revoked,
                    });
                }
            }
        }
        for r in refreshers() {
            for rt in rts {
                out.push(Msg::Refresh { from: r, rt });
                out.push(Msg::RefreshErr { to: r, rt });
                for grace in [false, true] {
                    out.push(Msg::Commit { to: r, rt, grace });
                }
                for (presented, at) in [(Rt(1), At(2)), (Rt(2), At(1)), (Rt(2), At(2))] {
                    out.push(Msg::RefreshOk {
                        to: r,
                        presented,
                        at,
                        rt,
                    });
                }
            }
        }
        for client in [0, 3] {
            for rt in rts {
                out.push(Msg::Logout { client, rt });
            }
        }
        out.extend(ats.map(|at| Msg::Deny { at }));
        out
    }

    #[test]
    fn a_code_names_the_request_its_message_names_and_renames_it() {
        use crate::model::request_ids::RequestIds;
        let mut naming = 0;
        for msg in msgs() {
            for number in [1u16, 2, 7, 40000] {
                let mut renamed = msg;
                let id = renamed.request_mut().map(|id| *id);
                if let Some(id) = renamed.request_mut() {
                    id.number = number;
                    naming += 1;
                }
                let c = code(&msg);
                assert_eq!(named(c).map(|n| n.id), id, "{msg:?}");
                if let Some(n) = named(c) {
                    assert_eq!(n.with_number(c, number), code(&renamed), "{msg:?}");
                }
            }
        }
        assert!(naming > 100, "only {naming} messages name a request");
    }

    #[test]
    fn requests_are_equal_exactly_when_their_codes_are() {
        use crate::model::client::{End, Phase, Request};
        let mut phases = vec![
            Phase::Done(End::Payload),
            Phase::Done(End::SessionError),
            Phase::Done(End::NetworkError),
        ];
        for n in [0u16, 1, 65535] {
            phases.push(Phase::Calling { at: At(n) });
            phases.push(Phase::Waiting { trigger: At(n) });
            for attempt in [0, 255] {
                phases.push(Phase::Refreshing {
                    rt: Rt(n),
                    trigger: At(n ^ 1),
                    attempt,
                });
            }
        }
        let mut all = Vec::new();
        for &phase in &phases {
            for retries_left in [0, 7] {
                for last_at in [None, Some(At(0)), Some(At(9))] {
                    for held_rt in [None, Some(Rt(0)), Some(Rt(65535))] {
                        for preflight_pending in [false, true] {
                            all.push(Request {
                                phase,
                                retries_left,
                                last_at,
                                held_rt,
                                preflight_pending,
                            });
                        }
                    }
                }
            }
        }
        let codes: Vec<u128> = all.iter().map(request_code).collect();
        for (a, ca) in all.iter().zip(&codes) {
            for (b, cb) in all.iter().zip(&codes) {
                assert_eq!(ca == cb, a == b, "{a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn codes_order_as_the_messages_do() {
        let all = msgs();
        let codes: Vec<u128> = all.iter().map(code).collect();
        for (a, ca) in all.iter().zip(&codes) {
            assert_eq!(*ca as u32, 0, "{a:?} uses the low bits");
            for (b, cb) in all.iter().zip(&codes) {
                assert_eq!(ca.cmp(cb), a.cmp(b), "{a:?} against {b:?}");
            }
        }
    }
}
