//! Facts in words, for the notes of traces and diagrams.

use crate::model::msg::ErrorCause;
use crate::model::token::Revocation;
use crate::model::{Fact, Model};

/// A one-line note for a fact, or `None` for facts not worth showing.
pub fn note(m: &Model, fact: &Fact) -> Option<String> {
    Some(match fact {
        Fact::SessionError {
            request,
            cause,
            session,
            ..
        } => {
            let why = match cause {
                ErrorCause::EmptyStore => "no token in the store",
                ErrorCause::NoRetryLeft => "401 with no retry left",
                ErrorCause::RefreshRejected => "refresh rejected",
                ErrorCause::DiscardedAfterLogout => "refresh answer discarded after logout",
                ErrorCause::CallTimedOut | ErrorCause::RefreshTimedOut => "timed out",
            };
            let verdict = match session {
                Ok(()) => "although the session was valid".to_string(),
                Err(reason) => format!("excused: {reason}"),
            };
            format!(
                "{} shows a session error ({why}), {verdict}",
                m.request_name(*request)
            )
        }
        Fact::NetworkError { request, cause } => {
            let what = match cause {
                ErrorCause::CallTimedOut => "the API call",
                _ => "the refresh",
            };
            format!(
                "{} shows a network error: {what} timed out (not a session error)",
                m.request_name(*request)
            )
        }
        Fact::StoreCleared {
            presented,
            wiped,
            clobber,
            ..
        } => {
            let whose = if *clobber {
                format!(", newer than the {presented} that failed")
            } else {
                String::new()
            };
            format!(
                "refresh with {presented} failed: the client clears its store, wiping {} {}{whose}",
                wiped.at, wiped.rt
            )
        }
        Fact::StoredAfterLogout { written, .. } => format!(
            "stores {} {} of session {} after its logout",
            written.at,
            written.rt,
            written.family.0 + 1
        ),
        Fact::StoreWrite {
            written,
            stale_against: Some(newer),
            ..
        } => format!(
            "stores {} {} over the newer {} {}",
            written.at, written.rt, newer.at, newer.rt
        ),
        Fact::StoreWrite { written, .. } => format!("stores {} {}", written.at, written.rt),
        Fact::RefreshSent {
            trigger,
            repeat: true,
            ..
        } => format!("a second refresh for {trigger} from this device"),
        Fact::Accepted {
            at,
            after_expiry: true,
            ..
        } => format!("accepts {at} after its expiry"),
        Fact::Accepted {
            at,
            after_revocation: true,
            ..
        } => format!("accepts {at} after its revocation reached the denylist"),
        Fact::Accepted {
            at,
            attacker_late: true,
            ..
        } => format!("accepts the attacker's {at} after the attacker window"),
        Fact::Stolen {
            at,
            rt,
            still_valid,
        } => {
            let names: Vec<String> = at
                .map(|t| t.to_string())
                .into_iter()
                .chain(rt.map(|t| t.to_string()))
                .collect();
            let state = if *still_valid {
                "still valid"
            } else {
                "no longer valid"
            };
            format!("attacker steals {} ({state})", names.join(" "))
        }
        Fact::StealFoundNothing { why } => format!("attacker steals nothing: {why}"),
        Fact::AttackerReplay {
            rt,
            after_grace: true,
            got_tokens,
            ..
        } => {
            let result = if *got_tokens {
                "gets tokens"
            } else {
                "is rejected"
            };
            format!("replay of rotated {rt} {result}")
        }
        Fact::Revoked { family, why } => {
            let why = match why {
                Revocation::Logout => "logout",
                Revocation::RevokeAll => "revoke_all",
                Revocation::Reuse { .. } => "reuse detected",
            };
            format!("session {} revoked ({why})", family.0 + 1)
        }
        Fact::AttackNoop => "attacker has nothing to use".to_string(),
        Fact::LogoutNoop { .. } => "logout with an empty store sends nothing".to_string(),
        Fact::FamilyFork { rt, successor, .. } => {
            format!("{rt} was already rotated: {successor} is a second successor (fork)")
        }
        Fact::GraceHit { rt, behind, .. } if *behind <= 1 => {
            format!("{rt} already used: served under grace")
        }
        Fact::GraceHit { rt, newest, behind } => format!(
            "{rt} already used, {behind} generations behind the newest {newest}: served under grace"
        ),
        Fact::IssuedAfterLogout { family, at, rt } => format!(
            "issues {at} {rt} of session {} after its logout was processed",
            family.0 + 1
        ),
        _ => return None,
    })
}
