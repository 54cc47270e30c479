//! The denylist: a separate actor holding revoked AT ids until each AT's
//! `exp` (not `exp + leeway`: docs/semantics.md "Auth server"). Reached over the network by both
//! servers, so revocation has a propagation race of its own.

use super::msg::{Activity, Caller, Fact, Msg};
use super::token::At;
use super::{Out, World};

/// Revoked AT ids currently listed, sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Denylist {
    pub entries: Vec<At>,
}

impl Denylist {
    pub fn contains(&self, at: At) -> bool {
        self.entries.binary_search(&at).is_ok()
    }

    /// The entry ends with the AT's expiry.
    pub fn remove(&mut self, at: At) {
        if let Ok(i) = self.entries.binary_search(&at) {
            self.entries.remove(i);
        }
    }
}

/// The auth server's revocation of `at` arrived.
pub fn on_deny(w: &mut World, at: At) {
    w.at_mut(at).revocation_reached_denylist = true;
    if w.at(at).live {
        if let Err(i) = w.denylist.entries.binary_search(&at) {
            w.denylist.entries.insert(i, at);
        }
    }
}

/// The resource server asks about `at`.
pub fn on_check(w: &mut World, caller: Caller, at: At, out: &mut Out) {
    let listed = w.denylist.contains(at);
    out.fact(Fact::Did(Activity::DenylistCheck { listed }));
    out.send(Msg::DenyReply {
        caller,
        at,
        revoked: listed,
    });
}
