//! The client command of one run: started with the server's URLs in its
//! environment, its stdout read for `TOKENRACE_OUTCOME {json}` lines (other
//! lines are kept for the run's log), its exit reported to the scheduler.
//! Killed when the run ends, so no process outlives its run.

use super::arrive::{PASSWORD, USERNAME};
use super::http::Inbound;
use serde_json::Value;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};

/// The OAuth client id the server expects (any is accepted).
pub const CLIENT_ID: &str = "tokenrace-client";

/// Lines of stdout kept per run (the rest is dropped).
const MAX_LOG_LINES: usize = 2000;

/// What the command is told.
pub struct Env<'a> {
    pub base: &'a str,
    pub run: u64,
    pub requests: u32,
}

/// Environment variables of a run, in a stable order.
pub fn variables(env: &Env) -> Vec<(String, String)> {
    let base = env.base;
    [
        ("TOKENRACE_URL", base.to_string()),
        ("TOKENRACE_TOKEN_URL", format!("{base}/oauth/token")),
        ("TOKENRACE_RESOURCE_URL", format!("{base}/api/resource")),
        ("TOKENRACE_REVOKE_URL", format!("{base}/oauth/revoke")),
        ("TOKENRACE_LOGOUT_URL", format!("{base}/logout")),
        (
            "TOKENRACE_OUTCOME_URL",
            format!("{base}/_tokenrace/outcome"),
        ),
        ("TOKENRACE_ISSUER", base.to_string()),
        ("TOKENRACE_CLIENT_ID", CLIENT_ID.to_string()),
        ("TOKENRACE_USERNAME", USERNAME.to_string()),
        ("TOKENRACE_PASSWORD", PASSWORD.to_string()),
        ("TOKENRACE_RUN", env.run.to_string()),
        ("TOKENRACE_REQUESTS", env.requests.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A started command: drop or [`Running::stop`] it to end it.
pub struct Running {
    kill: Option<oneshot::Sender<()>>,
    watcher: tokio::task::JoinHandle<()>,
    pub log: mpsc::UnboundedReceiver<String>,
}

impl Running {
    /// Kills the command if it still runs, and waits for it.
    pub async fn stop(mut self) {
        if let Some(kill) = self.kill.take() {
            let _ = kill.send(());
        }
        let _ = (&mut self.watcher).await;
    }
}

/// Starts `command`; its outcome lines go to `inbound`, then (after its
/// stdout closed) its exit; other stdout lines to [`Running::log`].
pub fn spawn(
    command: &[String],
    env: &Env,
    inbound: mpsc::Sender<Inbound>,
) -> std::io::Result<Running> {
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..])
        .envs(variables(env))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    // Its own process group, so the end of a run also ends what it started.
    #[cfg(unix)]
    cmd.process_group(0);
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().expect("piped");
    let (log_tx, log_rx) = mpsc::unbounded_channel();
    let outcomes = inbound.clone();
    let reader = tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        let mut kept = 0;
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(json) = outcome_line(&line) {
                if outcomes.send(Inbound::Outcome(json)).await.is_err() {
                    break;
                }
            } else if kept < MAX_LOG_LINES {
                kept += 1;
                let _ = log_tx.send(line);
            }
        }
    });
    let (kill_tx, kill_rx) = oneshot::channel();
    let watcher = tokio::spawn(watch(child, reader, kill_rx, inbound));
    Ok(Running {
        kill: Some(kill_tx),
        watcher,
        log: log_rx,
    })
}

async fn watch(
    mut child: Child,
    reader: tokio::task::JoinHandle<()>,
    kill: oneshot::Receiver<()>,
    inbound: mpsc::Sender<Inbound>,
) {
    tokio::select! {
        status = child.wait() => {
            let _ = reader.await;
            let status = match status {
                Ok(s) => match s.code() {
                    Some(code) => format!("exit status {code}"),
                    None => "killed by a signal".to_string(),
                },
                Err(e) => format!("cannot wait for it: {e}"),
            };
            let _ = inbound.send(Inbound::Exited(status)).await;
        }
        _ = kill => {
            #[cfg(unix)]
            if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
                // SAFETY: kill(2) on the process group we created; no memory involved.
                unsafe { libc::kill(-pid, libc::SIGKILL) };
            }
            let _ = child.kill().await;
            reader.abort();
        }
    }
}

/// `TOKENRACE_OUTCOME {json}` → the JSON (anything else: `None`).
pub fn outcome_line(line: &str) -> Option<Value> {
    let rest = line.trim().strip_prefix("TOKENRACE_OUTCOME")?;
    serde_json::from_str(rest.trim()).ok()
}
