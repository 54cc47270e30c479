//! Grace probes, each on fresh families: how long the parent stays
//! usable after its rotation (a replay at `--max-wait`, then bisection,
//! `bisect.rs`), whether a grandparent is covered, and
//! whether using the successor AT ends the parent's grace.

use super::bisect::{bisect, Trial};
use super::family::Families;
use super::http::{agent, Endpoint};
use super::probes::{sleep, Findings};
use super::{Config, ProbeError};
use std::time::{Duration, Instant};

/// Bisect the grace length between 0 (the replay at once worked) and
/// `--max-wait` (see `bisect` for why the bounds are sound).
pub fn window(
    config: &Config,
    endpoint: &Endpoint,
    families: &mut Families,
    f: &mut Findings,
) -> Result<(), ProbeError> {
    let max_ms = u64::try_from(config.max_wait.as_millis()).unwrap_or(u64::MAX);
    endpoint.note("probe grace window: replay the parent after waits");
    f.grace_bounds = bisect(max_ms, |wait| replay_after(endpoint, families, wait))?;
    Ok(())
}

/// Rotate a fresh family, wait `wait_ms` after the answer, replay the parent.
fn replay_after(
    endpoint: &Endpoint,
    families: &mut Families,
    wait_ms: u64,
) -> Result<Option<Trial>, ProbeError> {
    let Some(pair) = families.fresh(endpoint)? else {
        return Ok(None);
    };
    let a = agent();
    let sent = Instant::now();
    let first = endpoint.refresh(&a, "grace: rotation", &pair.refresh)?;
    let answered = Instant::now();
    if !first.ok() {
        return Ok(None);
    }
    sleep(endpoint, Duration::from_millis(wait_ms));
    let label = format!("grace: replay {wait_ms}ms after the rotation");
    let tried = Instant::now();
    let replay = endpoint.refresh(&a, &label, &pair.refresh)?;
    Ok(Some(Trial::of(replay.ok(), sent, answered, tried)))
}

/// RT0 → RT1 → RT2, then replay RT0 at once: `any_ancestor` if it works.
pub fn scope(
    endpoint: &Endpoint,
    families: &mut Families,
    f: &mut Findings,
) -> Result<(), ProbeError> {
    let Some(pair) = families.fresh(endpoint)? else {
        return Ok(());
    };
    let a = agent();
    endpoint.note("probe grace_scope: replay the grandparent at once");
    let first = endpoint.refresh(&a, "scope: rotation", &pair.refresh)?;
    let Some(rt1) = first.refresh.filter(|_| first.status == 200) else {
        return Ok(());
    };
    let second = endpoint.refresh(&a, "scope: rotate the child", &rt1)?;
    if !second.ok() {
        return Ok(());
    }
    let replay = endpoint.refresh(&a, "scope: replay grandparent", &pair.refresh)?;
    f.any_ancestor = Some(replay.ok());
    Ok(())
}

/// RT0 → RT1 (AT1); use AT1 at the resource server; replay RT0 at once.
pub fn until_used(
    endpoint: &Endpoint,
    families: &mut Families,
    f: &mut Findings,
) -> Result<(), ProbeError> {
    if !endpoint.has_resource() {
        f.not_run
            .push("grace_until_used through the successor AT: needs --resource-url".into());
        return Ok(());
    }
    let Some(pair) = families.fresh(endpoint)? else {
        return Ok(());
    };
    let a = agent();
    endpoint.note("probe grace_until_used: use the successor AT, then replay the parent");
    let first = endpoint.refresh(&a, "until-used: rotation", &pair.refresh)?;
    let Some(at1) = first.access.clone().filter(|_| first.ok()) else {
        return Ok(());
    };
    if endpoint.resource(&a, "until-used: successor AT", &at1)? != Some(true) {
        f.not_run
            .push("grace_until_used: the resource server refused a fresh AT".into());
        return Ok(());
    }
    let replay = endpoint.refresh(&a, "until-used: replay parent", &pair.refresh)?;
    f.until_used = Some(!replay.ok());
    Ok(())
}
