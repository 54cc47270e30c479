//! The refresh token's own lifetime, for servers whose answers do not say
//! it: leave a fresh family's RT unused for `--max-wait`, then bisect
//! (`bisect.rs`). When it is bounded, one more family tells sliding from
//! absolute expiry: refresh at 0.6 × the lifetime, then use the result at
//! 1.2 × the lifetime from the family's start.

use super::bisect::{bisect, Trial};
use super::family::Families;
use super::http::{agent, Endpoint};
use super::probes::{sleep, Findings};
use super::{Config, ProbeError};
use std::time::{Duration, Instant};

pub fn refresh_lifetime(
    config: &Config,
    endpoint: &Endpoint,
    families: &mut Families,
    f: &mut Findings,
) -> Result<(), ProbeError> {
    let max_ms = u64::try_from(config.max_wait.as_millis()).unwrap_or(u64::MAX);
    endpoint.note("probe refresh lifetime: use an unused RT after waits");
    f.refresh_bounds = bisect(max_ms, |wait| unused_after(endpoint, families, wait))?;
    if let Some((_, Some(hi))) = f.refresh_bounds {
        sliding(endpoint, families, hi, f)?;
    }
    Ok(())
}

fn unused_after(
    endpoint: &Endpoint,
    families: &mut Families,
    wait_ms: u64,
) -> Result<Option<Trial>, ProbeError> {
    let sent = Instant::now();
    let Some(pair) = families.fresh(endpoint)? else {
        return Ok(None);
    };
    let answered = Instant::now();
    sleep(endpoint, Duration::from_millis(wait_ms));
    let label = format!("lifetime: unused RT after {wait_ms}ms");
    let tried = Instant::now();
    let answer = endpoint.refresh(&agent(), &label, &pair.refresh)?;
    Ok(Some(Trial::of(answer.ok(), sent, answered, tried)))
}

fn sliding(
    endpoint: &Endpoint,
    families: &mut Families,
    lifetime_ms: u64,
    f: &mut Findings,
) -> Result<(), ProbeError> {
    let Some(pair) = families.fresh(endpoint)? else {
        return Ok(());
    };
    let step = Duration::from_millis(lifetime_ms * 6 / 10);
    let a = agent();
    endpoint.note("probe refresh_expiry: refresh at 0.6 × the lifetime, then again at 1.2 ×");
    sleep(endpoint, step);
    let first = endpoint.refresh(&a, "expiry: refresh at 0.6 × lifetime", &pair.refresh)?;
    if !first.ok() {
        return Ok(());
    }
    let next = first.refresh.unwrap_or(pair.refresh);
    sleep(endpoint, step);
    let second = endpoint.refresh(&a, "expiry: refresh at 1.2 × lifetime", &next)?;
    f.refresh_sliding = Some(second.ok());
    Ok(())
}
