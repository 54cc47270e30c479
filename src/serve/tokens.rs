//! Token strings of one run: each AT, RT and ID token the server issued, as
//! the signed JWT a client holds, and back from that string to its trace
//! name. A string from another run, another server or a forgery is unknown.

use super::jwt::{Claims, Keys};
use crate::model::token::{At, Rt};
use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

/// What a presented string is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Name {
    At(At),
    Rt(Rt),
}

/// The issued strings of one run.
pub struct Tokens {
    pub run: u64,
    pub issuer: String,
    pub client_id: String,
    pub sub: String,
    by_string: BTreeMap<String, Name>,
    ats: BTreeMap<u16, String>,
    rts: BTreeMap<u16, String>,
}

impl Tokens {
    pub fn new(run: u64, issuer: &str, client_id: &str, sub: &str) -> Tokens {
        Tokens {
            run,
            issuer: issuer.to_string(),
            client_id: client_id.to_string(),
            sub: sub.to_string(),
            by_string: BTreeMap::new(),
            ats: BTreeMap::new(),
            rts: BTreeMap::new(),
        }
    }

    /// The string of `at`, signed on first use with `exp` `ttl_ms` ahead.
    pub fn at(&mut self, keys: &Keys, at: At, ttl_ms: u64) -> String {
        if let Some(s) = self.ats.get(&at.0) {
            return s.clone();
        }
        let s = self.sign(keys, &at.to_string(), ttl_ms, None);
        self.by_string.insert(s.clone(), Name::At(at));
        self.ats.insert(at.0, s.clone());
        s
    }

    /// The string of `rt`, signed on first use.
    pub fn rt(&mut self, keys: &Keys, rt: Rt, ttl_ms: u64) -> String {
        if let Some(s) = self.rts.get(&rt.0) {
            return s.clone();
        }
        let s = self.sign(keys, &rt.to_string(), ttl_ms, None);
        self.by_string.insert(s.clone(), Name::Rt(rt));
        self.rts.insert(rt.0, s.clone());
        s
    }

    /// An ID token for the login that issued `at` (OIDC `openid` scope).
    pub fn id_token(&self, keys: &Keys, at: At, ttl_ms: u64, nonce: Option<&str>) -> String {
        let name = format!("ID{}", at.0);
        self.sign(keys, &name, ttl_ms, nonce)
    }

    /// The trace name of a presented string.
    pub fn name(&self, presented: &str) -> Option<Name> {
        self.by_string.get(presented).copied()
    }

    /// The trace name of a string, as written in outcomes (`null` → none).
    pub fn describe(&self, presented: &str) -> String {
        match self.name(presented) {
            Some(Name::At(at)) => at.to_string(),
            Some(Name::Rt(rt)) => rt.to_string(),
            None => "an unknown token".to_string(),
        }
    }

    fn sign(&self, keys: &Keys, name: &str, ttl_ms: u64, nonce: Option<&str>) -> String {
        let iat = unix_now();
        keys.sign(&Claims {
            name,
            run: self.run,
            sub: &self.sub,
            client_id: &self.client_id,
            issuer: &self.issuer,
            iat,
            exp: iat + ttl_ms.div_ceil(1000),
            nonce,
        })
    }
}

/// Wall-clock Unix seconds: only for the `iat`/`exp` claims clients read.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
