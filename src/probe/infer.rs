//! From what the probes saw to an `auth` block: one [`Evidence`] per auth
//! field, in the format's field order, each with its confidence and the
//! observation behind it, plus what the server did that no field says.

use super::atomicity::{atomicity, not_expressible};
use super::jwt::lifetime_seconds;
use super::probes::Findings;
use super::report::{duration_text, grace_value, Report};
use super::{Config, GRACE_USES_PROBED};
use serde_json::{json, Value};

/// One inferred auth field.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    pub field: &'static str,
    pub value: Value,
    /// `observed`, `bounded`, `assumed` (not observable here: the format's
    /// default or a conservative value) or `not_applicable`.
    pub confidence: &'static str,
    pub why: String,
}

pub(super) fn evidence(
    field: &'static str,
    value: Value,
    confidence: &'static str,
    why: impl Into<String>,
) -> Evidence {
    Evidence {
        field,
        value,
        confidence,
        why: why.into(),
    }
}

pub fn report(config: &Config, f: &Findings, transcript: Vec<String>) -> Report {
    let rotation = f.rotation == Some(true);
    let graced = rotation && f.grace_at_once == Some(true);
    let mut fields = vec![access_ttl(f), refresh_ttl(f)];
    fields.push(refresh_expiry(f));
    fields.push(match f.rotation {
        Some(true) => evidence(
            "rotation",
            json!(true),
            "observed",
            "a refresh returned a new refresh token",
        ),
        _ => evidence(
            "rotation",
            json!(false),
            "observed",
            "a refresh returned no new refresh token, and the same one refreshed again",
        ),
    });
    fields.push(grace(config, f));
    fields.push(grace_returns(f, graced));
    fields.push(reuse(f, rotation));
    fields.push(denylist(f));
    fields.push(match &f.refresh_error {
        Some((status, error)) => evidence(
            "refresh_error",
            json!(status),
            "observed",
            format!(
                "a refused refresh answered {status} {}",
                error.clone().unwrap_or_default()
            ),
        ),
        None => evidence(
            "refresh_error",
            json!(400),
            "assumed",
            "no refresh was refused; RFC 6749's 400 invalid_grant",
        ),
    });
    fields.extend(scope_uses_until(f, graced));
    let (atomic, mut notes) = atomicity(f, graced);
    fields.push(atomic);
    fields.push(evidence(
        "commit_latency",
        json!(["0ms", "0ms"]),
        "assumed",
        "the delay between check and commit is not observable; the format default",
    ));
    notes.extend(not_expressible(f));
    let check_denylist = f.access_revoked_by_reuse == Some(true);
    Report {
        fields,
        check_denylist,
        not_expressible: notes,
        not_run: f.not_run.clone(),
        races: f
            .races
            .iter()
            .map(|r| (r.successes(), r.distinct_refresh(), r.server_errors()))
            .collect(),
        race_size: f.race_size,
        requests: transcript.iter().filter(|l| !l.starts_with("--")).count(),
        transcript,
    }
}

fn access_ttl(f: &Findings) -> Evidence {
    let first = f.first.as_ref();
    if let Some(seconds) = first.and_then(|a| a.expires_in) {
        return evidence(
            "access_ttl",
            json!(duration_text(seconds * 1000)),
            "observed",
            format!("expires_in = {seconds}"),
        );
    }
    if let Some(seconds) = first
        .and_then(|a| a.access.as_deref())
        .and_then(lifetime_seconds)
    {
        return evidence(
            "access_ttl",
            json!(duration_text(seconds * 1000)),
            "observed",
            format!("the AT is a JWT with exp - iat = {seconds}"),
        );
    }
    evidence(
        "access_ttl",
        json!("15m"),
        "assumed",
        "no expires_in and no JWT exp; the format default",
    )
}

fn refresh_ttl(f: &Findings) -> Evidence {
    let first = f.first.as_ref();
    if let Some(seconds) = first.and_then(|a| a.refresh_expires_in) {
        return evidence(
            "refresh_ttl",
            json!(duration_text(seconds * 1000)),
            "observed",
            format!("refresh_expires_in = {seconds}"),
        );
    }
    if let Some(seconds) = first
        .and_then(|a| a.refresh.as_deref())
        .and_then(lifetime_seconds)
    {
        return evidence(
            "refresh_ttl",
            json!(duration_text(seconds * 1000)),
            "observed",
            format!("the RT is a JWT with exp - iat = {seconds}"),
        );
    }
    match f.refresh_bounds {
        Some((lo, Some(hi))) => evidence(
            "refresh_ttl",
            json!(grace_value(lo, hi)),
            "bounded",
            format!("an unused RT worked {lo}ms after it was issued and was refused {hi}ms after"),
        ),
        Some((lo, None)) => evidence(
            "refresh_ttl",
            json!("30d"),
            "assumed",
            format!("no refresh lifetime in the answers; an unused RT still worked after {lo}ms (raise --max-wait to bound it); the format default"),
        ),
        None => evidence("refresh_ttl", json!("30d"), "assumed", "the answers carry no refresh lifetime (no refresh_expires_in, RT not a JWT); the format default"),
    }
}

fn refresh_expiry(f: &Findings) -> Evidence {
    match f.refresh_sliding {
        Some(true) => evidence(
            "refresh_expiry",
            json!("sliding"),
            "observed",
            "a RT refreshed at 0.6 × the lifetime still refreshed at 1.2 × the lifetime",
        ),
        Some(false) => evidence(
            "refresh_expiry",
            json!("absolute"),
            "observed",
            "a RT refreshed at 0.6 × the lifetime was refused at 1.2 × the lifetime",
        ),
        None => evidence(
            "refresh_expiry",
            json!("sliding"),
            "assumed",
            "the refresh lifetime is longer than --max-wait (or not probed); the format default",
        ),
    }
}

fn grace(config: &Config, f: &Findings) -> Evidence {
    if f.rotation != Some(true) {
        return evidence(
            "grace",
            json!("0s"),
            "not_applicable",
            "no rotation: nothing is ever spent",
        );
    }
    match (f.grace_at_once, f.grace_bounds) {
        (Some(false), _) => evidence("grace", json!("0s"), "observed", "the parent replayed at once was refused"),
        (Some(true), Some((lo, Some(hi)))) => {
            evidence("grace", json!(grace_value(lo, hi)), "bounded", format!("the parent worked {lo}ms after its rotation and was refused {hi}ms after it"))
        }
        (Some(true), Some((lo, None))) => evidence(
            "grace",
            json!(duration_text(lo)),
            "bounded",
            format!("the parent still worked {lo}ms after its rotation: the grace is at least --max-wait ({}ms); raise --max-wait to bound it", config.max_wait.as_millis()),
        ),
        _ => evidence("grace", json!("1s"), "assumed", "the parent replayed at once worked, but its window was not measured (one family): at least the replay's delay"),
    }
}

fn grace_returns(f: &Findings, graced: bool) -> Evidence {
    match (graced, f.grace_returns) {
        (true, Some("same")) => evidence(
            "grace_returns",
            json!("same"),
            "observed",
            "the replay returned the refresh token the rotation had issued",
        ),
        (true, Some("presented")) => evidence(
            "grace_returns",
            json!("presented"),
            "observed",
            "the replay returned the presented refresh token (or none)",
        ),
        (true, Some(other)) => evidence(
            "grace_returns",
            json!(other),
            "observed",
            "the replay returned a refresh token never seen before",
        ),
        _ => evidence(
            "grace_returns",
            json!("same"),
            "not_applicable",
            "no grace hit",
        ),
    }
}

fn reuse(f: &Findings, rotation: bool) -> Evidence {
    if !rotation {
        return evidence(
            "reuse",
            json!("reject"),
            "not_applicable",
            "no rotation: a refresh token is never reused",
        );
    }
    match f.reuse_revokes {
        Some(true) => evidence(
            "reuse",
            json!("revoke_family"),
            "observed",
            "after a refused replay the newest refresh token was refused too",
        ),
        Some(false) => evidence(
            "reuse",
            json!("reject"),
            "observed",
            "after a refused replay the newest refresh token still worked",
        ),
        None => evidence(
            "reuse",
            json!("revoke_family"),
            "assumed",
            "no replay was refused; the format default",
        ),
    }
}

fn denylist(f: &Findings) -> Evidence {
    match f.access_revoked_by_reuse {
        Some(true) => evidence("denylist", json!(true), "observed", "after reuse detection the resource server refused the newest AT (resource.check_denylist: true)"),
        Some(false) => evidence("denylist", json!(false), "observed", "after a refused replay the resource server still accepted the newest AT"),
        None => evidence("denylist", json!(false), "assumed", "not observed (needs --resource-url and a refused replay)"),
    }
}

fn scope_uses_until(f: &Findings, graced: bool) -> Vec<Evidence> {
    if !graced {
        return vec![
            evidence("grace_scope", json!("parent"), "not_applicable", "no grace"),
            evidence("grace_uses", Value::Null, "not_applicable", "no grace"),
            evidence(
                "grace_until_used",
                json!(false),
                "not_applicable",
                "no grace",
            ),
        ];
    }
    let scope = match f.any_ancestor {
        Some(true) => evidence(
            "grace_scope",
            json!("any_ancestor"),
            "observed",
            "a grandparent replayed inside the grace got tokens",
        ),
        Some(false) => evidence(
            "grace_scope",
            json!("parent"),
            "observed",
            "a grandparent replayed inside the grace was refused",
        ),
        None => evidence(
            "grace_scope",
            json!("parent"),
            "assumed",
            "not probed (needs a fresh family)",
        ),
    };
    let uses = match f.grace_hits {
        Some(hits) if hits < GRACE_USES_PROBED => evidence(
            "grace_uses",
            json!(hits),
            "observed",
            format!("{hits} replays of the parent worked, the next was refused"),
        ),
        Some(hits) => evidence(
            "grace_uses",
            Value::Null,
            "bounded",
            format!("all {hits} replays of the parent worked (at least {hits})"),
        ),
        None => evidence("grace_uses", Value::Null, "assumed", "not probed"),
    };
    let until = match f.until_used {
        Some(true) => evidence(
            "grace_until_used",
            json!(true),
            "observed",
            "after the successor AT was used, the parent was refused",
        ),
        Some(false) => evidence(
            "grace_until_used",
            json!(false),
            "observed",
            "after the successor AT was used, the parent still worked",
        ),
        None => evidence(
            "grace_until_used",
            json!(false),
            "assumed",
            "not probed (needs --resource-url)",
        ),
    };
    vec![scope, uses, until]
}
