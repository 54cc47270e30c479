//! The authorization server (SPEC §1 `auth`, §6 "Auth server"): issues token
//! pairs, rotates or keeps refresh tokens, applies grace and reuse
//! detection, revokes families on logout, `revoke_all` and reuse, and feeds
//! the denylist. Every expiry is a deadline timer set when a token is issued.

use super::msg::{Fact, Msg, Refresher, Timer};
use super::token::{At, AtRecord, Family, FamilyRecord, Revocation, Rt, RtRecord};
use super::{Mark, Model, Out, World};
use crate::engine::{Urgency, When};
use crate::scenario::{GraceReturns, RefreshExpiry, Reuse};

/// Everything the auth server knows: every token and family it issued.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AuthState {
    pub ats: Vec<AtRecord>,
    pub rts: Vec<RtRecord>,
    pub families: Vec<FamilyRecord>,
}

/// What the server decided about one refresh.
enum Decision {
    Issue(At, Rt),
    Reject,
}

/// A login: a new family and its first pair (the exchange is not raced).
pub fn login(m: &Model, w: &mut World, out: &mut Out) -> (Family, At, Rt) {
    let family = Family(w.auth.families.len() as u8);
    w.auth.families.push(FamilyRecord {
        revoked: None,
        expired: false,
        newest_rt: Rt(0),
        attacker_presented: false,
        logged_out: false,
    });
    if m.scenario.auth.refresh_expiry == RefreshExpiry::Absolute {
        out.timer(
            Timer::FamilyExpiry(family),
            When::After(m.refresh_ttl),
            Urgency::Deadline,
        );
    }
    let at = issue_at(m, w, family, out);
    let rt = issue_rt(m, w, family, out);
    (family, at, rt)
}

fn issue_at(m: &Model, w: &mut World, family: Family, out: &mut Out) -> At {
    assert!(
        w.auth.ats.len() < u16::MAX as usize - 1,
        "AT numbers exhausted"
    );
    w.auth.ats.push(AtRecord {
        family,
        live: true,
        accepted_by_resource: true,
        revocation_reached_denylist: false,
        marked: m.marks_needed,
    });
    let at = At(w.auth.ats.len() as u16);
    out.timer(
        Timer::AtExpiry(at),
        When::After(m.access_ttl),
        Urgency::Deadline,
    );
    if m.leeway > 0 {
        let when = When::After(m.access_ttl + m.leeway);
        out.timer(Timer::AtResourceExpiry(at), when, Urgency::Deadline);
    }
    if m.marks_needed {
        out.mark(Mark::Issued(at));
    }
    at
}

fn issue_rt(m: &Model, w: &mut World, family: Family, out: &mut Out) -> Rt {
    assert!(
        w.auth.rts.len() < u16::MAX as usize - 1,
        "RT numbers exhausted"
    );
    w.auth.rts.push(RtRecord {
        family,
        used: false,
        expired: false,
        grace_open: false,
        successor: None,
    });
    let rt = Rt(w.auth.rts.len() as u16);
    w.family_mut(family).newest_rt = rt;
    if m.scenario.auth.refresh_expiry == RefreshExpiry::Sliding {
        out.timer(
            Timer::RtExpiry(rt),
            When::After(m.refresh_ttl),
            Urgency::Deadline,
        );
    }
    rt
}

/// `POST /refresh` with `rt` from `from`.
pub fn on_refresh(m: &Model, w: &mut World, from: Refresher, rt: Rt, out: &mut Out) {
    let family = w.rt(rt).family;
    let by_attacker = matches!(from, Refresher::Attacker(_));
    if by_attacker {
        w.family_mut(family).attacker_presented = true;
    }
    let was_reuse = w.rt(rt).used && !grace_applies(m, w, rt);
    let expired = w.rt(rt).expired || w.family(family).expired;
    let decision = decide(m, w, rt, out);
    if by_attacker {
        let survived = (m.scenario.auth.reuse == Reuse::RevokeFamily && !expired)
            .then(|| w.family(family).revoked.is_none());
        out.fact(Fact::AttackerReplay {
            rt,
            after_grace: was_reuse,
            got_tokens: matches!(decision, Decision::Issue(..)),
            family_survived: survived,
        });
    }
    out.send(match decision {
        Decision::Issue(at, new_rt) => Msg::RefreshOk {
            to: from,
            presented: rt,
            at,
            rt: new_rt,
        },
        Decision::Reject => Msg::RefreshErr { to: from, rt },
    });
}

fn grace_applies(m: &Model, w: &World, rt: Rt) -> bool {
    m.grace > 0 && w.rt(rt).grace_open
}

/// SPEC §6 order: family revoked → RT expired → RT used (grace, else reuse
/// handling) → issue.
fn decide(m: &Model, w: &mut World, rt: Rt, out: &mut Out) -> Decision {
    let family = w.rt(rt).family;
    if w.family(family).revoked.is_some() || w.rt(rt).expired || w.family(family).expired {
        return Decision::Reject;
    }
    if !w.rt(rt).used {
        return rotate(m, w, rt, out);
    }
    if grace_applies(m, w, rt) {
        return match m.scenario.auth.grace_returns {
            GraceReturns::Same => {
                let (at, next) = w.rt(rt).successor.expect("a used RT has a successor");
                Decision::Issue(at, next)
            }
            GraceReturns::New => {
                let at = issue_at(m, w, family, out);
                Decision::Issue(at, issue_rt(m, w, family, out))
            }
            GraceReturns::Presented => Decision::Issue(issue_at(m, w, family, out), rt),
        };
    }
    if m.scenario.auth.reuse == Reuse::RevokeFamily {
        let attacker = w.family(family).attacker_presented;
        revoke(m, w, family, Revocation::Reuse { attacker }, out);
    }
    Decision::Reject
}

/// A first, valid use of `rt`: rotate it (one-time use) or keep it.
fn rotate(m: &Model, w: &mut World, rt: Rt, out: &mut Out) -> Decision {
    let family = w.rt(rt).family;
    let at = issue_at(m, w, family, out);
    if !m.scenario.auth.rotation {
        if m.scenario.auth.refresh_expiry == RefreshExpiry::Sliding {
            out.cancel(Timer::RtExpiry(rt));
            out.timer(
                Timer::RtExpiry(rt),
                When::After(m.refresh_ttl),
                Urgency::Deadline,
            );
        }
        return Decision::Issue(at, rt);
    }
    let next = issue_rt(m, w, family, out);
    let record = w.rt_mut(rt);
    record.used = true;
    record.successor = Some((at, next));
    if m.grace > 0 {
        record.grace_open = true;
        out.timer(Timer::GraceEnd(rt), When::After(m.grace), Urgency::Deadline);
    }
    Decision::Issue(at, next)
}

/// Revokes a family (once) and, with `denylist`, puts its live ATs on it.
pub fn revoke(m: &Model, w: &mut World, family: Family, why: Revocation, out: &mut Out) {
    if w.family(family).revoked.is_some() {
        return;
    }
    w.family_mut(family).revoked = Some(why);
    out.fact(Fact::Revoked { family, why });
    if m.scenario.auth.denylist {
        for (i, record) in w.auth.ats.iter().enumerate() {
            if record.family == family && record.live {
                out.send(Msg::Deny {
                    at: At(i as u16 + 1),
                });
            }
        }
    }
}

/// A client's logout reached the server: revoke the RT's family.
pub fn on_logout(m: &Model, w: &mut World, rt: Rt, out: &mut Out) {
    let family = w.rt(rt).family;
    revoke(m, w, family, Revocation::Logout, out);
}

/// Expiries and grace ends.
pub fn on_deadline(m: &Model, w: &mut World, timer: Timer, out: &mut Out) {
    match timer {
        Timer::AtExpiry(at) => {
            let record = w.at_mut(at);
            record.live = false;
            if m.leeway == 0 {
                record.accepted_by_resource = false;
            }
            if record.marked && !m.keep_marks {
                record.marked = false;
                out.unmark(Mark::Issued(at));
            }
            w.denylist.remove(at);
        }
        Timer::AtResourceExpiry(at) => w.at_mut(at).accepted_by_resource = false,
        Timer::RtExpiry(rt) => w.rt_mut(rt).expired = true,
        Timer::FamilyExpiry(family) => w.family_mut(family).expired = true,
        Timer::GraceEnd(rt) => w.rt_mut(rt).grace_open = false,
        _ => unreachable!("not an auth deadline: {timer:?}"),
    }
}
