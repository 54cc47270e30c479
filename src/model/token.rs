//! Token identities and the auth server's records of them. Numbers are global
//! in issue order (`AT1, AT2, …`, `RT1, RT2, …`), so "older" is "lower".

use std::fmt;

/// An access token, by issue number (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct At(pub u16);

/// A refresh token, by issue number (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rt(pub u16);

/// A token family: everything issued from one login (0-based login order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Family(pub u8);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AT{}", self.0)
    }
}

impl fmt::Display for Rt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RT{}", self.0)
    }
}

/// A pair as clients hold it. Ordered by issue (family login order, then RT,
/// then AT): the order `newest_wins` and `no_stale_overwrite` use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pair {
    pub family: Family,
    pub rt: Rt,
    pub at: At,
}

/// Why a family stopped being usable at the auth server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Revocation {
    Logout,
    RevokeAll,
    /// Reuse detection; `attacker` when the attacker had presented an RT of
    /// the family (then errors are excused).
    Reuse {
        attacker: bool,
    },
}

/// The auth server's record of an access token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AtRecord {
    pub family: Family,
    /// Before `exp`: counts as live for the denylist and revocation.
    pub live: bool,
    /// Before `exp + leeway`: the resource server still accepts it.
    pub accepted_by_resource: bool,
    /// Its revocation reached the denylist at some point (ghost).
    pub revocation_reached_denylist: bool,
    /// A mark of its issue time exists (for proactive timers).
    pub marked: bool,
    /// The RT presented to obtain it (`None` for a login): accepting this AT
    /// ends that RT's grace under `grace_until_used`.
    pub parent: Option<Rt>,
}

/// The auth server's record of a refresh token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RtRecord {
    pub family: Family,
    /// Rotated: presented once successfully (one-time use).
    pub used: bool,
    /// Its own expiry passed (sliding expiry; absolute uses the family's).
    pub expired: bool,
    /// A reuse within the grace window still succeeds.
    pub grace_open: bool,
    /// The pair issued when it was rotated (what `grace_returns: same` returns).
    pub successor: Option<(At, Rt)>,
    /// The RT whose presentation issued it (`None` for a login's RT).
    pub parent: Option<Rt>,
    /// Generations below the family's first RT (0 for a login's RT):
    /// `grace_parent_only` compares depths.
    pub depth: u16,
    /// Grace hits served so far, counted only under a `grace_uses` limit;
    /// the rotating use is not one.
    pub grace_hits: u32,
}

/// The auth server's record of a family.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FamilyRecord {
    pub revoked: Option<Revocation>,
    /// Absolute expiry passed.
    pub expired: bool,
    /// Highest RT number issued in the family ("newest RT").
    pub newest_rt: Rt,
    /// The attacker presented an RT of this family (ghost).
    pub attacker_presented: bool,
    /// A client sharing a store sent this family's logout (ghost).
    pub logged_out: bool,
    /// The auth server processed a logout or `revoke_all` of this family,
    /// whatever revoked it first (ghost, for `logout_is_final`).
    pub logout_processed: bool,
}
