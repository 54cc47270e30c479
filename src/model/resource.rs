//! The resource server (docs/scenario-format.md `resource`): accepts an AT before
//! `exp + leeway`, optionally asking the denylist over the network first.
//! `exp` is checked when the call arrives; acceptance is observed when the
//! answer leaves (docs/invariants.md "Read precisely"), which is where the facts are recorded.

use super::msg::{Activity, Caller, Fact, Msg};
use super::token::At;
use super::{Model, Out, World};

/// An API call arrived.
pub fn on_api(m: &Model, w: &mut World, caller: Caller, at: At, out: &mut Out) {
    out.fact(Fact::Did(Activity::Call {
        attacker: matches!(caller, Caller::Attacker(_)),
        expired: !w.at(at).accepted_by_resource,
    }));
    if !w.at(at).accepted_by_resource {
        out.send(Msg::ApiReply {
            to: caller,
            at,
            ok: false,
        });
    } else if m.scenario.resource.check_denylist {
        out.send(Msg::DenyCheck { caller, at });
    } else {
        accept(m, w, caller, at, out);
    }
}

/// The denylist answered about `at`.
pub fn on_deny_reply(
    m: &Model,
    w: &mut World,
    caller: Caller,
    at: At,
    revoked: bool,
    out: &mut Out,
) {
    if revoked {
        out.send(Msg::ApiReply {
            to: caller,
            at,
            ok: false,
        });
    } else {
        accept(m, w, caller, at, out);
    }
}

fn accept(m: &Model, w: &mut World, caller: Caller, at: At, out: &mut Out) {
    let record = w.at(at);
    let attacker_late = match caller {
        Caller::Attacker(n) => w.attacker.call_is_late(n),
        Caller::Request(_) => false,
    };
    out.fact(Fact::Accepted {
        caller,
        at,
        after_expiry: !record.accepted_by_resource,
        after_revocation: m.scenario.resource.check_denylist && record.revocation_reached_denylist,
        attacker_late,
    });
    super::auth::grace::successor_accepted(m, w, at, out);
    out.send(Msg::ApiReply {
        to: caller,
        at,
        ok: true,
    });
}
