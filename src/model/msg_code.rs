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

use super::msg::{Caller, Msg, Refresher, RequestId};

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
        self.push(client.into(), 8).push(number.into(), 16)
    }

    /// 1 bit of variant, 24 of payload.
    fn caller(&mut self, c: Caller) -> &mut Self {
        match c {
            Caller::Request(id) => self.push(0, 1).request(id),
            Caller::Attacker(n) => self.push(1, 1).push(n.into(), 24),
        }
    }

    /// 3 bits of variant, 32 of payload.
    fn refresher(&mut self, r: Refresher) -> &mut Self {
        let start = self.used;
        match r {
            Refresher::Request(id) => self.push(0, 3).request(id),
            Refresher::Proactive(c, n) => self.push(1, 3).push(c.into(), 8).push(n.into(), 16),
            Refresher::Attacker(n) => self.push(2, 3).push(n.into(), 16),
            Refresher::RequestResend(id, n) => self.push(3, 3).request(id).push(n.into(), 8),
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
