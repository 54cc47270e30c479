//! The user's script (docs/scenario-format.md `script`): each entry is an ordinary timer at
//! its `at`; this file turns it into actions on clients, the auth server and
//! the attacker.

use super::msg::{Activity, ClientIx, Fact, Msg};
use super::token::{Pair, Revocation};
use super::{attacker, auth, client, preflight, refresh, Model, Out, World};
use crate::scenario::Step;

/// Script entry `index` fired.
pub fn on_script(m: &Model, w: &mut World, index: usize, out: &mut Out) {
    match m.script[index].1 {
        Step::Login { client } => login(m, w, client as ClientIx, out),
        Step::Request { client, count } => {
            out.fact(Fact::Did(Activity::Request));
            client::start(m, w, client as ClientIx, count, out)
        }
        Step::Logout { client } => logout(m, w, client as ClientIx, out),
        Step::RevokeAll => {
            out.fact(Fact::Did(Activity::RevokeAll));
            for f in 0..w.auth.families.len() {
                auth::revoke(
                    m,
                    w,
                    super::token::Family(u8::try_from(f).expect("an issued family")),
                    Revocation::RevokeAll,
                    out,
                );
            }
        }
        Step::Steal { client, token } => attacker::steal(m, w, client as ClientIx, token, out),
        Step::Attack { token } => attacker::attack(w, token, out),
        Step::Skew { client, by_ms } => {
            w.clients[client].skew_ms += by_ms;
            if by_ms < 0 {
                preflight::clock_went_back(w, client as ClientIx);
            }
            refresh::arm_one(m, w, client as ClientIx, out);
        }
    }
}

/// A new family; its first pair goes into the client's store in this step.
fn login(m: &Model, w: &mut World, client: ClientIx, out: &mut Out) {
    let (family, at, rt) = auth::login(m, w, out);
    out.fact(Fact::Did(Activity::Login));
    let store = m.clients[client as usize].store;
    refresh::store_pair(m, w, store, Pair { family, rt, at }, out);
}

/// Sends the held RT to the auth server and clears the store at once; every
/// client sharing the store is logged out of that family.
fn logout(m: &Model, w: &mut World, client: ClientIx, out: &mut Out) {
    let store = m.clients[client as usize].store;
    let Some(pair) = w.stores[store as usize].pair.take() else {
        return out.fact(Fact::LogoutNoop { client });
    };
    w.stores[store as usize].logged_out.push(pair.family);
    w.family_mut(pair.family).logged_out = true;
    out.fact(Fact::Did(Activity::Logout));
    out.send(Msg::Logout {
        client,
        rt: pair.rt,
    });
    refresh::arm_proactive(m, w, store, out);
}
