//! `tokenrace probe`: infer a real server's `auth` block by driving its
//! token endpoint (docs/probe.md). The probing itself is `crate::probe`;
//! this file maps flags to a `probe::Config`, prints the report and
//! writes the optional scenario.

use super::output::{print, write_file};
use super::{usage, Code, Format};
use crate::probe::{self, Config, Source};
use crate::scenario::duration::Duration as ScenarioDuration;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The token endpoint (loopback, or a host named with --allow-host).
    #[arg(long, value_name = "URL")]
    token_url: String,
    #[arg(long, value_name = "ID")]
    client_id: String,
    /// Sent as client_secret in the form body (client_secret_post).
    #[arg(long, value_name = "SECRET")]
    client_secret: Option<String>,
    /// A scope to send with every grant.
    #[arg(long)]
    scope: Option<String>,
    /// One refresh token: only the probes one family allows run.
    #[arg(long, value_name = "RT", conflicts_with_all = ["login", "login_cmd"])]
    refresh_token: Option<String>,
    /// USER:PASSWORD for the password grant, which starts each probe's family.
    #[arg(long, value_name = "USER:PASSWORD", conflicts_with = "login_cmd")]
    login: Option<String>,
    /// A shell command printing a fresh refresh token (or a JSON token
    /// answer) each time it runs; e.g. `curl -s -X POST URL`.
    #[arg(long, value_name = "CMD")]
    login_cmd: Option<String>,
    /// A URL that answers 2xx to `Authorization: Bearer AT` for a live AT.
    #[arg(long, value_name = "URL")]
    resource_url: Option<String>,
    /// The longest wait of the grace search (100ms … 600s).
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    max_wait: String,
    /// Concurrent refreshes of one RT per atomicity round (2 … 16).
    #[arg(long, default_value_t = 4, value_name = "N")]
    race: usize,
    /// Atomicity rounds, each on a fresh family (0 … 20; 0 skips).
    #[arg(long, default_value_t = 5, value_name = "K")]
    repeat: usize,
    /// A non-loopback host that may be probed (repeatable).
    #[arg(long, value_name = "HOST")]
    allow_host: Vec<String>,
    /// Also write a scenario of the canonical race built from the block.
    #[arg(long, value_name = "FILE")]
    scenario_out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn execute(args: &Args) -> Code {
    let config = match config(args) {
        Ok(config) => config,
        Err(message) => return usage(&message),
    };
    let report = match probe::run(&config) {
        Ok(report) => report,
        Err(error) => return usage(&format!("probe: {error}")),
    };
    if let Some(path) = &args.scenario_out {
        let text = probe::race_scenario(&report, "probe-race");
        if let Err(message) = write_file(path, text.as_bytes()) {
            return usage(&message);
        }
    }
    print(&match args.format {
        Format::Text => report.to_text(),
        Format::Json => report.to_json(),
    });
    Code::Clean
}

fn config(args: &Args) -> Result<Config, String> {
    let source = match (&args.refresh_token, &args.login, &args.login_cmd) {
        (Some(rt), None, None) => Source::RefreshToken(rt.clone()),
        (None, Some(login), None) => {
            let (username, password) = login
                .split_once(':')
                .ok_or("--login expects USER:PASSWORD")?;
            Source::Password {
                username: username.into(),
                password: password.into(),
            }
        }
        (None, None, Some(command)) => Source::Command(command.clone()),
        _ => return Err("give one of --refresh-token, --login or --login-cmd".into()),
    };
    let max_wait =
        ScenarioDuration::parse(&args.max_wait).map_err(|e| format!("--max-wait: {}", e.0))?;
    let max_wait = Duration::from_millis(
        u64::try_from(max_wait.0).map_err(|_| "--max-wait must not be negative")?,
    );
    Ok(Config {
        token_url: args.token_url.clone(),
        client_id: args.client_id.clone(),
        client_secret: args.client_secret.clone(),
        scope: args.scope.clone(),
        source,
        resource_url: args.resource_url.clone(),
        max_wait,
        race: args.race,
        repeat: args.repeat,
        allow_hosts: args.allow_host.clone(),
    })
}
