//! Where new token families come from. Every probe that replays or races
//! a refresh token spends its family, so each probe starts a fresh one:
//! a password grant (`--login`), a command that prints a fresh refresh
//! token (`--login-cmd`), or — with only `--refresh-token` — the one
//! family given, after which the remaining probes are reported as not run.

use super::http::{agent, Answer, Endpoint};
use super::ProbeError;
use std::process::Command;

/// How to start a family.
#[derive(Clone, Debug)]
pub enum Source {
    /// One refresh token: one family, once.
    RefreshToken(String),
    /// Resource-owner password grant (RFC 6749 §4.3).
    Password { username: String, password: String },
    /// A shell command whose stdout is a refresh token, or a JSON token
    /// answer with `refresh_token` (and optionally `access_token`).
    Command(String),
}

/// A fresh family: its first pair (the AT may be unknown).
#[derive(Clone, Debug)]
pub struct Pair {
    pub access: Option<String>,
    pub refresh: String,
}

pub struct Families {
    source: Source,
    given_used: bool,
}

impl Families {
    pub fn new(source: Source) -> Families {
        Families {
            source,
            given_used: false,
        }
    }

    /// Whether more than one family can be started.
    pub fn renewable(&self) -> bool {
        !matches!(self.source, Source::RefreshToken(_))
    }

    /// A new family, or `None` when the source is spent.
    pub fn fresh(&mut self, endpoint: &Endpoint) -> Result<Option<Pair>, ProbeError> {
        match &self.source {
            Source::RefreshToken(rt) => {
                if self.given_used {
                    return Ok(None);
                }
                self.given_used = true;
                endpoint.note("family from --refresh-token");
                Ok(Some(Pair {
                    access: None,
                    refresh: rt.clone(),
                }))
            }
            Source::Password { username, password } => {
                let answer = endpoint.password(&agent(), username, password)?;
                pair_of(&answer).map(Some).ok_or_else(|| {
                    ProbeError::NoFamily(format!(
                        "the password grant answered {} {}",
                        answer.status,
                        answer.error.unwrap_or_default()
                    ))
                })
            }
            Source::Command(command) => run_command(command, endpoint).map(Some),
        }
    }
}

fn pair_of(answer: &Answer) -> Option<Pair> {
    if !answer.ok() {
        return None;
    }
    Some(Pair {
        access: answer.access.clone(),
        refresh: answer.refresh.clone()?,
    })
}

fn run_command(command: &str, endpoint: &Endpoint) -> Result<Pair, ProbeError> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .output()
        .map_err(|e| ProbeError::NoFamily(format!("--login-cmd could not start: {e}")))?;
    if !output.status.success() {
        return Err(ProbeError::NoFamily(format!(
            "--login-cmd exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let text = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let pair = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(json) if json.is_object() => {
            let field = |k: &str| json.get(k).and_then(|v| v.as_str()).map(str::to_string);
            field("refresh_token").map(|refresh| Pair {
                access: field("access_token"),
                refresh,
            })
        }
        _ => (!text.is_empty() && !text.contains(char::is_whitespace)).then(|| Pair {
            access: None,
            refresh: text.clone(),
        }),
    };
    let pair = pair.ok_or_else(|| {
        ProbeError::NoFamily(
            "--login-cmd printed neither a refresh token nor a JSON token answer".into(),
        )
    })?;
    let name = endpoint.name("RT", &pair.refresh);
    endpoint.note(&format!("family from --login-cmd: {name}"));
    Ok(pair)
}
