//! The probe sequence. Each probe starts a fresh family (see `family`),
//! so one probe's replays cannot poison the next; with a single family
//! only the first probe runs and the rest are listed as not run.
//!
//! Request counts (docs/probe.md): first family ≤ 8; each bisection
//! trial 3 (grace) or 2 (lifetime), at most 1 + `BISECT_STEPS` trials per
//! search; refresh_expiry 3; scope 4; until-used 4; reuse 6; each race
//! round 1 + `--race`. With the limits in `mod.rs`: at most
//! 8 + 33 + 22 + 3 + 4 + 4 + 6 + 20 × 17 = 420 < `MAX_REQUESTS`.

use super::family::{Families, Pair};
use super::http::{agent, Answer, Endpoint};
use super::race::{race, RaceRound};
use super::{grace, lifetime, Config, ProbeError, GRACE_USES_PROBED};
use std::time::Duration;

/// What the probes observed; `None` = not observed.
#[derive(Clone, Debug, Default)]
pub struct Findings {
    /// The answer to the first refresh of the first family.
    pub first: Option<Answer>,
    /// A refresh returned a refresh token different from the presented one.
    pub rotation: Option<bool>,
    /// Without rotation: the same RT refreshed again.
    pub old_rt_works: Option<bool>,
    /// The status (and `error`) of the first refused refresh.
    pub refresh_error: Option<(u16, Option<String>)>,
    /// The parent replayed right after its rotation got tokens.
    pub grace_at_once: Option<bool>,
    /// `same`, `new` or `presented`, from the first grace hit.
    pub grace_returns: Option<&'static str>,
    /// Grace hits out of `GRACE_USES_PROBED` replays of one parent.
    pub grace_hits: Option<u32>,
    /// The replay worked after `lo` ms and, if bounded, failed after `hi` ms.
    pub grace_bounds: Option<(u64, Option<u64>)>,
    /// A grandparent replayed inside the grace got tokens.
    pub any_ancestor: Option<bool>,
    /// Using the successor AT ended the parent's grace.
    pub until_used: Option<bool>,
    /// After a refused replay, the newest RT was refused too.
    pub reuse_revokes: Option<bool>,
    /// After a refused replay, the live AT was refused by the resource server.
    pub access_revoked_by_reuse: Option<bool>,
    /// The AT issued before a refresh stopped working after it.
    pub parent_access_dies: Option<bool>,
    /// An unused RT worked after `lo` ms and, if bounded, failed after `hi`.
    pub refresh_bounds: Option<(u64, Option<u64>)>,
    /// A refreshed RT outlived the family's first lifetime.
    pub refresh_sliding: Option<bool>,
    /// The atomicity rounds.
    pub races: Vec<RaceRound>,
    pub race_size: usize,
    /// Probes that could not run, and why.
    pub not_run: Vec<String>,
}

pub fn run_all(
    config: &Config,
    endpoint: &Endpoint,
    families: &mut Families,
) -> Result<Findings, ProbeError> {
    let mut f = Findings {
        race_size: config.race,
        ..Findings::default()
    };
    let pair = families
        .fresh(endpoint)?
        .ok_or_else(|| ProbeError::NoFamily("no token source".into()))?;
    first_family(endpoint, pair, &mut f)?;
    if !families.renewable() {
        f.not_run.push(
            "grace window, grace_scope, grace_until_used, reuse (when grace > 0) and atomicity: \
             each needs a fresh family (--login or --login-cmd)"
                .into(),
        );
        return Ok(f);
    }
    if f.rotation != Some(true) {
        f.not_run
            .push("grace and reuse: the server does not rotate refresh tokens".into());
    } else {
        if f.grace_at_once == Some(true) {
            grace::window(config, endpoint, families, &mut f)?;
            grace::scope(endpoint, families, &mut f)?;
            grace::until_used(endpoint, families, &mut f)?;
        }
        reuse_family(endpoint, families, &mut f)?;
    }
    lifetime::refresh_lifetime(config, endpoint, families, &mut f)?;
    atomicity(config, endpoint, families, &mut f)?;
    Ok(f)
}

/// Rotation, the replay at once, grace uses; reuse when there is no grace.
fn first_family(endpoint: &Endpoint, pair: Pair, f: &mut Findings) -> Result<(), ProbeError> {
    let a = agent();
    endpoint.note("probe rotation: refresh, then replay the parent at once");
    let at0_before = match &pair.access {
        Some(at0) => endpoint.resource(&a, "previous AT before the refresh", at0)?,
        None => None,
    };
    let first = endpoint.refresh(&a, "rotation", &pair.refresh)?;
    if !first.ok() {
        f.refresh_error = Some((first.status, first.error.clone()));
        return Err(ProbeError::NoFamily(format!(
            "the first refresh was refused: {} {}",
            first.status,
            first.error.clone().unwrap_or_default()
        )));
    }
    f.first = Some(first.clone());
    let rotated = first.refresh.as_ref().is_some_and(|rt| *rt != pair.refresh);
    f.rotation = Some(rotated);
    if let (Some(at0), Some(true)) = (&pair.access, at0_before) {
        f.parent_access_dies = endpoint
            .resource(&a, "previous AT after", at0)?
            .map(|ok| !ok);
    }
    if !rotated {
        let again = endpoint.refresh(&a, "same RT again", &pair.refresh)?;
        f.old_rt_works = Some(again.ok());
        if !again.ok() {
            f.refresh_error = Some((again.status, again.error));
        }
        return Ok(());
    }
    let replay = endpoint.refresh(&a, "replay parent at once", &pair.refresh)?;
    f.grace_at_once = Some(replay.ok());
    if !replay.ok() {
        f.refresh_error = Some((replay.status, replay.error.clone()));
        let newest = endpoint.refresh(
            &a,
            "newest RT after refused replay",
            first.refresh.as_deref().unwrap_or(""),
        )?;
        f.reuse_revokes = Some(!newest.ok());
        return Ok(());
    }
    f.grace_returns = Some(grace_returns(&replay, &first, &pair.refresh));
    let mut hits = 1;
    let mut newest = replay.refresh.clone().or(first.refresh.clone());
    while hits < GRACE_USES_PROBED {
        let again = endpoint.refresh(&a, "replay parent again", &pair.refresh)?;
        if !again.ok() {
            f.refresh_error = Some((again.status, again.error));
            // The grace ran out of hits: this refusal is reuse handling.
            let rt = newest.unwrap_or_default();
            let after = endpoint.refresh(&a, "newest RT after refused replay", &rt)?;
            f.reuse_revokes = Some(!after.ok());
            break;
        }
        newest = again.refresh.or(newest);
        hits += 1;
    }
    f.grace_hits = Some(hits);
    Ok(())
}

/// What a grace hit returned, compared with the rotation's answer.
fn grace_returns(hit: &Answer, rotation: &Answer, presented: &str) -> &'static str {
    match hit.refresh.as_deref() {
        None => "presented",
        Some(rt) if rt == presented => "presented",
        Some(rt) if Some(rt) == rotation.refresh.as_deref() => "same",
        Some(_) => "new",
    }
}

/// Reuse handling: rotate, check the new AT, replay the parent after the
/// grace (if any) has surely ended, then check the new AT and the new RT.
fn reuse_family(
    endpoint: &Endpoint,
    families: &mut Families,
    f: &mut Findings,
) -> Result<(), ProbeError> {
    let wait = match (f.grace_at_once, f.grace_bounds) {
        (Some(false), _) => Duration::ZERO,
        (Some(true), Some((_, Some(hi)))) => Duration::from_millis(hi + hi / 5 + 100),
        _ => {
            f.not_run
                .push("reuse handling after the grace, and the denylist: the grace has no bound within --max-wait".into());
            return Ok(());
        }
    };
    let Some(pair) = families.fresh(endpoint)? else {
        return Ok(());
    };
    let a = agent();
    endpoint.note("probe reuse: replay the parent after its grace, then use the newest AT and RT");
    let first = endpoint.refresh(&a, "reuse: rotation", &pair.refresh)?;
    let (Some(rt1), Some(at1)) = (first.refresh.clone(), first.access.clone()) else {
        return Ok(());
    };
    let before = endpoint.resource(&a, "reuse: new AT before", &at1)?;
    sleep(endpoint, wait);
    let replay = endpoint.refresh(&a, "reuse: replay parent", &pair.refresh)?;
    if replay.ok() {
        f.not_run
            .push("reuse handling: the replay after the grace was accepted".into());
        return Ok(());
    }
    f.refresh_error
        .get_or_insert((replay.status, replay.error.clone()));
    let after = endpoint.resource(&a, "reuse: new AT after", &at1)?;
    if before == Some(true) {
        f.access_revoked_by_reuse = after.map(|ok| !ok);
    }
    let newest = endpoint.refresh(&a, "reuse: newest RT", &rt1)?;
    f.reuse_revokes = Some(!newest.ok());
    Ok(())
}

/// `--repeat` rounds of `--race` refreshes of one fresh RT each.
fn atomicity(
    config: &Config,
    endpoint: &Endpoint,
    families: &mut Families,
    f: &mut Findings,
) -> Result<(), ProbeError> {
    for round in 1..=config.repeat {
        let Some(pair) = families.fresh(endpoint)? else {
            break;
        };
        endpoint.note(&format!(
            "probe atomicity: round {round}, {} racers",
            config.race
        ));
        f.races.push(race(
            endpoint,
            &format!("race {round}"),
            &pair.refresh,
            config.race,
        )?);
    }
    Ok(())
}

/// Wait on the wall clock, and say so in the transcript.
pub fn sleep(endpoint: &Endpoint, wait: Duration) {
    if wait.is_zero() {
        return;
    }
    endpoint.note(&format!("wait {}ms", wait.as_millis()));
    std::thread::sleep(wait);
}
