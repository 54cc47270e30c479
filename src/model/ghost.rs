//! Ghost judgements: facts about the world that no actor could observe but
//! invariants need — above all, whether a user's session was still valid
//! when an error reached them (docs/invariants.md `no_error_while_refresh_valid`).

use super::token::{Family, Revocation, Rt};
use super::{Model, World};

/// `Ok(())` when the session of `family` was valid (an error now is the bug);
/// `Err(reason)` when the error is excused.
pub fn session_validity(w: &World, family: Option<Family>) -> Result<(), &'static str> {
    let Some(family) = family else {
        return Err("no session: nothing was stored");
    };
    let record = w.family(family);
    if record.logged_out {
        return Err("the user logged out of this session");
    }
    if record.revoked == Some(Revocation::RevokeAll) {
        return Err("the session was revoked everywhere (revoke_all)");
    }
    if record.attacker_presented {
        return Err("the attacker had presented a refresh token of this session");
    }
    if record.expired || w.rt(record.newest_rt).expired {
        return Err("the session's refresh token had expired");
    }
    Ok(())
}

/// The auth server would accept this RT now (a grace hit included).
pub fn rt_accepted(m: &Model, w: &World, rt: Rt) -> bool {
    let record = w.rt(rt);
    let family = w.family(record.family);
    family.revoked.is_none()
        && !family.expired
        && !record.expired
        && (!record.used || super::auth::grace::applies(m, w, rt))
}
