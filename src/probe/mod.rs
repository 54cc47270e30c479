//! `tokenrace probe`: infer a real authorization server's refresh policy
//! by driving its token endpoint (docs/probe.md).
//!
//! What it owns: a bounded, documented sequence of RFC 6749 §6
//! `refresh_token` grants against one server (`probes`, `race`), what the
//! answers say (`http`, `jwt`), and the `auth` block they imply, with the
//! evidence and confidence of every field (`infer`). What it deliberately
//! does not: parse scenarios, explore, or print — the CLI (`cli/probe.rs`)
//! turns a [`Report`] into text or JSON.
//!
//! This is a layer beside `cli/`: like it, it does IO (network) and reads
//! the wall clock (the waits of the grace search). Nothing below it does.

mod atomicity;
mod bisect;
mod family;
mod grace;
pub mod http;
mod infer;
pub mod jwt;
mod lifetime;
mod probes;
pub mod race;
mod report;
mod scenario;

pub use family::Source;
pub use http::{Answer, Endpoint};
pub use infer::Evidence;
pub use race::{race, RaceRound};
pub use report::Report;
pub use scenario::race_scenario;

use std::time::Duration;

/// The most requests one probe may send, whatever its flags (docs/probe.md
/// gives the per-probe counts that stay under it).
pub const MAX_REQUESTS: usize = 600;
/// The most concurrent refreshes of one RT (`--race`).
pub const MAX_RACE: usize = 16;
/// The most race rounds (`--repeat`).
pub const MAX_REPEAT: usize = 20;
/// The longest `--max-wait`.
pub const MAX_WAIT_LIMIT: Duration = Duration::from_secs(600);
/// Grace replays per family when counting `grace_uses`.
pub const GRACE_USES_PROBED: u32 = 3;
/// Bisection steps of a lifetime search after the trial at `--max-wait`.
pub const BISECT_STEPS: u32 = 10;
/// A lifetime search stops when its interval is this narrow (ms).
pub const RESOLUTION_MS: u64 = 250;

/// Everything a probe needs to know; built by the CLI from its flags.
#[derive(Clone, Debug)]
pub struct Config {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub scope: Option<String>,
    pub source: Source,
    pub resource_url: Option<String>,
    pub max_wait: Duration,
    pub race: usize,
    pub repeat: usize,
    pub allow_hosts: Vec<String>,
}

/// Why a probe could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{url}: host {host} is not loopback; pass --allow-host {host} to probe it")]
    HostNotAllowed { url: String, host: String },
    #[error("{url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("{0}")]
    Usage(String),
    #[error("could not get a first token pair: {0}")]
    NoFamily(String),
    #[error("the request budget ({0}) is spent")]
    Budget(usize),
}

/// Run every probe the token source allows and infer the `auth` block.
pub fn run(config: &Config) -> Result<Report, ProbeError> {
    validate(config)?;
    let endpoint = Endpoint::new(config)?;
    let mut families = family::Families::new(config.source.clone());
    let findings = probes::run_all(config, &endpoint, &mut families)?;
    Ok(infer::report(config, &findings, endpoint.transcript()))
}

fn validate(config: &Config) -> Result<(), ProbeError> {
    if config.race < 2 || config.race > MAX_RACE {
        return Err(ProbeError::Usage(format!(
            "--race must be 2 … {MAX_RACE} (got {})",
            config.race
        )));
    }
    if config.repeat > MAX_REPEAT {
        return Err(ProbeError::Usage(format!(
            "--repeat must be at most {MAX_REPEAT} (got {})",
            config.repeat
        )));
    }
    if config.max_wait > MAX_WAIT_LIMIT || config.max_wait < Duration::from_millis(100) {
        return Err(ProbeError::Usage(
            "--max-wait must be between 100ms and 600s".to_string(),
        ));
    }
    Ok(())
}
