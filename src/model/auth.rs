//! The authorization server (docs/scenario-format.md "auth", docs/semantics.md "Auth server"): issues token
//! pairs, rotates or keeps refresh tokens, applies grace and reuse
//! detection, revokes families on logout, `revoke_all` and reuse, and feeds
//! the denylist. Every expiry is a deadline timer set when a token is issued.
//!
//! A refresh is checked in one step. With `atomic_rotation` (the default)
//! its write happens in that step too; otherwise a passing check sends the
//! server a [`Msg::Commit`] to itself and the write — and the answer — happen
//! when it arrives, re-checking nothing. Grace rules live in [`grace`].

pub mod grace;

use super::msg::{Fact, Msg, Refresher, Timer};
use super::token::{At, AtRecord, Family, FamilyRecord, Revocation, Rt, RtRecord};
use super::{Mark, Model, Out, World};
use crate::engine::{Urgency, When};
use crate::scenario::{RefreshExpiry, Reuse};

/// Everything the auth server knows: every token and family it issued.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AuthState {
    pub ats: Vec<AtRecord>,
    pub rts: Vec<RtRecord>,
    pub families: Vec<FamilyRecord>,
}

/// What the check of one refresh decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// A first use: rotate (or, without rotation, issue a new AT).
    Rotate,
    /// A used RT inside its grace: serve it as `grace_returns` says.
    Grace,
    Reject,
}

/// A login: a new family and its first pair (the exchange is not raced).
pub fn login(m: &Model, w: &mut World, out: &mut Out) -> (Family, At, Rt) {
    let family =
        Family(u8::try_from(w.auth.families.len()).expect("validated: at most 255 logins"));
    w.auth.families.push(FamilyRecord {
        revoked: None,
        expired: false,
        newest_rt: Rt(0),
        attacker_presented: false,
        logged_out: false,
        logout_processed: false,
    });
    if m.scenario.auth.refresh_expiry == RefreshExpiry::Absolute {
        out.timer(
            Timer::FamilyExpiry(family),
            When::After(m.refresh_ttl),
            Urgency::Deadline,
        );
    }
    let at = issue_at(m, w, family, None, out);
    let rt = issue_rt(m, w, family, None, out);
    (family, at, rt)
}

/// A new AT of `family`, obtained by presenting `parent` (none for a login).
fn issue_at(m: &Model, w: &mut World, family: Family, parent: Option<Rt>, out: &mut Out) -> At {
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
        parent,
    });
    let at = At(u16::try_from(w.auth.ats.len()).expect("asserted above"));
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

/// A new RT of `family`, a child of `parent` in the family tree.
fn issue_rt(m: &Model, w: &mut World, family: Family, parent: Option<Rt>, out: &mut Out) -> Rt {
    assert!(
        w.auth.rts.len() < u16::MAX as usize - 1,
        "RT numbers exhausted"
    );
    let depth = parent.map_or(0, |p| w.rt(p).depth + 1);
    w.auth.rts.push(RtRecord {
        family,
        used: false,
        expired: false,
        grace_open: false,
        successor: None,
        parent,
        depth,
        grace_hits: 0,
    });
    let rt = Rt(u16::try_from(w.auth.rts.len()).expect("asserted above"));
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

/// `POST /refresh` with `rt` from `from`: the check, and with atomic
/// rotation the write and the answer too.
pub fn on_refresh(m: &Model, w: &mut World, from: Refresher, rt: Rt, out: &mut Out) {
    if matches!(from, Refresher::Attacker(_)) {
        let family = w.rt(rt).family;
        w.family_mut(family).attacker_presented = true;
    }
    grace::successor_presented(m, w, rt, out);
    let after_grace = w.rt(rt).used && !grace::applies(m, w, rt);
    let check = check(m, w, rt, out);
    if check == Check::Reject {
        return answer(m, w, from, rt, None, after_grace, out);
    }
    let grace = check == Check::Grace;
    if m.scenario.auth.atomic_rotation {
        let pair = write(m, w, rt, grace, out);
        answer(m, w, from, rt, Some(pair), after_grace, out);
    } else {
        out.send(Msg::Commit {
            to: from,
            rt,
            grace,
        });
    }
}

/// `atomic_rotation: false`: the write of a refresh that passed its check
/// earlier. It re-checks nothing: not a rotation committed meanwhile (a
/// fork), not a revocation (an issue after logout), not the grace.
pub fn on_commit(m: &Model, w: &mut World, to: Refresher, rt: Rt, grace: bool, out: &mut Out) {
    let after_grace = !grace && w.rt(rt).used && !grace::applies(m, w, rt);
    let pair = write(m, w, rt, grace, out);
    answer(m, w, to, rt, Some(pair), after_grace, out);
}

/// The order of docs/semantics.md "Auth server": family revoked → RT expired → RT used (grace, else reuse
/// handling) → first use. Reuse detection acts here, in the check.
fn check(m: &Model, w: &mut World, rt: Rt, out: &mut Out) -> Check {
    let family = w.rt(rt).family;
    if w.family(family).revoked.is_some() || w.rt(rt).expired || w.family(family).expired {
        return Check::Reject;
    }
    if !w.rt(rt).used {
        return Check::Rotate;
    }
    if grace::applies(m, w, rt) {
        out.fact(grace::hit_fact(w, rt));
        return Check::Grace;
    }
    if m.scenario.auth.reuse == Reuse::RevokeFamily {
        let attacker = w.family(family).attacker_presented;
        revoke(m, w, family, Revocation::Reuse { attacker }, out);
    }
    Check::Reject
}

/// The write of a passed check: a rotation or a grace hit.
fn write(m: &Model, w: &mut World, rt: Rt, grace: bool, out: &mut Out) -> (At, Rt) {
    if grace {
        grace::serve(m, w, rt, out)
    } else {
        rotate(m, w, rt, out)
    }
}

/// The answer to `to`, with the facts judged when a refresh is decided.
fn answer(
    m: &Model,
    w: &mut World,
    to: Refresher,
    presented: Rt,
    issued: Option<(At, Rt)>,
    after_grace: bool,
    out: &mut Out,
) {
    let family = w.rt(presented).family;
    if let Some((at, rt)) = issued {
        if w.family(family).logout_processed {
            out.fact(Fact::IssuedAfterLogout { family, at, rt });
        }
    }
    if let Refresher::Attacker(_) = to {
        let expired = w.rt(presented).expired || w.family(family).expired;
        let survived = (m.scenario.auth.reuse == Reuse::RevokeFamily && !expired)
            .then(|| w.family(family).revoked.is_none());
        out.fact(Fact::AttackerReplay {
            rt: presented,
            after_grace,
            got_tokens: issued.is_some(),
            family_survived: survived,
        });
    }
    out.send(match issued {
        Some((at, rt)) => Msg::RefreshOk {
            to,
            presented,
            at,
            rt,
        },
        None => Msg::RefreshErr { to, rt: presented },
    });
}

/// A first use of `rt`: rotate it (one-time use) or keep it. A rotation
/// that finds `rt` already rotated (only possible when a non-atomic check
/// raced another) forks the family: it keeps the first successor and grace.
fn rotate(m: &Model, w: &mut World, rt: Rt, out: &mut Out) -> (At, Rt) {
    let family = w.rt(rt).family;
    let at = issue_at(m, w, family, Some(rt), out);
    if !m.scenario.auth.rotation {
        if m.scenario.auth.refresh_expiry == RefreshExpiry::Sliding {
            out.cancel(Timer::RtExpiry(rt));
            out.timer(
                Timer::RtExpiry(rt),
                When::After(m.refresh_ttl),
                Urgency::Deadline,
            );
        }
        return (at, rt);
    }
    let next = issue_rt(m, w, family, Some(rt), out);
    if w.rt(rt).used {
        out.fact(Fact::FamilyFork {
            family,
            rt,
            successor: next,
        });
        return (at, next);
    }
    let record = w.rt_mut(rt);
    record.used = true;
    record.successor = Some((at, next));
    grace::open(m, w, rt, out);
    (at, next)
}

/// Revokes a family (once) and, with `denylist`, puts its live ATs on it.
/// A logout or `revoke_all` is remembered even when the family was already
/// revoked, for `logout_is_final`.
pub fn revoke(m: &Model, w: &mut World, family: Family, why: Revocation, out: &mut Out) {
    if matches!(why, Revocation::Logout | Revocation::RevokeAll) {
        w.family_mut(family).logout_processed = true;
    }
    if w.family(family).revoked.is_some() {
        return;
    }
    w.family_mut(family).revoked = Some(why);
    out.fact(Fact::Revoked { family, why });
    if m.scenario.auth.denylist {
        for (i, record) in w.auth.ats.iter().enumerate() {
            if record.family == family && record.live {
                out.send(Msg::Deny {
                    at: At(u16::try_from(i + 1).expect("an issued AT number")),
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

#[cfg(test)]
mod tests;
