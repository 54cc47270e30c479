//! Real OAuth clients against `tokenrace serve`: each test starts the real
//! server with `--explore N --seed S -- CMD`, where CMD is a small app built
//! on a shipped library (tests/clients/), and asserts the verdicts of the
//! recorded runs against what `tokenrace explore` predicts for the model the
//! client matches (the scenario files in tests/clients/scenarios/).
//!
//! The clients are installed by `bash tests/clients/install.sh` (the install
//! step of `.ci/run`); a missing tool fails the test with that command.

use super::cli::root;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const NAIVE: &str = "tests/clients/scenarios/rotation-reject-naive.json";
const SINGLE_FLIGHT: &str = "tests/clients/scenarios/rotation-reject-single-flight.json";
const NO_ROTATION: &str = "tests/clients/scenarios/no-rotation-naive.json";
const TWO_TABS: &str = "tests/clients/scenarios/two-tabs-single-flight.json";
/// A serve run of axios-auth-refresh in which req1's call is handled after
/// req2's refresh and retry finished (found by `serve --explore --random`).
const LATE_401: &str = "tests/clients/traces/axios-auth-refresh-late-401.trace.json";

const NE: &str = "no_error_while_refresh_valid";
const SR: &str = "single_refresh_per_expiry";

const INSTALL: &str = "run `bash tests/clients/install.sh` (the install step of .ci/run)";

/// A tool a client needs; `require` fails the test, naming the install step.
enum Tool {
    NodeApp(&'static str),
    Python,
    Chromium,
}

fn require(tool: Tool) {
    let missing = match tool {
        Tool::NodeApp(app) => {
            let modules = root().join("tests/clients").join(app).join("node_modules");
            let node = Command::new("node").arg("--version").output();
            (!modules.is_dir() || node.is_err())
                .then(|| format!("node and tests/clients/{app}/node_modules"))
        }
        Tool::Python => {
            let probe = Command::new("python3")
                .args(["-c", "import authlib, httpx, requests_oauthlib"])
                .output();
            (!probe.map(|o| o.status.success()).unwrap_or(false))
                .then(|| "python3 with authlib, httpx and requests-oauthlib".to_string())
        }
        Tool::Chromium => {
            let app = root().join("tests/clients/browser/node_modules/playwright-core");
            (!Path::new("/usr/bin/chromium").exists() || !app.is_dir())
                .then(|| "/usr/bin/chromium and playwright-core".to_string())
        }
    };
    if let Some(what) = missing {
        panic!("the real clients are not installed (missing: {what}): {INSTALL}");
    }
}

/// What one `tokenrace serve` session gave: exit code, verdict per
/// invariant, and wall-clock time per run.
struct Session {
    code: i32,
    verdicts: BTreeMap<String, String>,
    /// Where the client left a followed schedule (`--schedule`).
    divergences: Vec<String>,
    runs: usize,
    seconds_per_run: f64,
    output: String,
}

/// `tokenrace serve SCENARIO MODE… --out TMP -- CMD…` from the package root.
fn serve(scenario: &str, mode: &[&str], env: &[(&str, &str)], cmd: &[&str]) -> Session {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["serve", scenario];
    args.extend(mode);
    args.extend(["--out", out.path().to_str().unwrap(), "--"]);
    args.extend(cmd);
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_tokenrace"))
        .args(&args)
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .expect("the tokenrace binary runs");
    let seconds = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let explored = explored_runs(&stdout).unwrap_or(1).max(1);
    Session {
        code: output.status.code().expect("exited, not killed"),
        verdicts: serve_verdicts(&stdout),
        divergences: stdout
            .lines()
            .filter_map(|l| l.strip_prefix("divergence: "))
            .map(str::to_string)
            .collect(),
        runs: explored,
        seconds_per_run: seconds / explored as f64,
        output: format!("$ tokenrace {}\n{stdout}\n{stderr}", args.join(" ")),
    }
}

/// The verdicts of serve's summary: `invariant: verdict (note)` lines.
fn serve_verdicts(stdout: &str) -> BTreeMap<String, String> {
    stdout
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once(": ")?;
            let verdict = rest.split_whitespace().next()?;
            let known = ["holds", "violated", "unknown"].contains(&verdict);
            let invariant = name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            (known && invariant).then(|| (name.to_string(), verdict.to_string()))
        })
        .collect()
}

/// `serve: N runs of the client, …`.
fn explored_runs(stdout: &str) -> Option<usize> {
    let line = stdout.lines().find(|l| l.starts_with("serve: "))?;
    line["serve: ".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The verdicts of a JSON report (`invariants[].invariant/verdict`).
fn verdicts(stdout: &str) -> BTreeMap<String, String> {
    let Ok(report) = serde_json::from_str::<serde_json::Value>(stdout) else {
        return BTreeMap::new();
    };
    let list = report["invariants"].as_array().cloned().unwrap_or_default();
    list.iter()
        .filter_map(|entry| {
            let name = entry["invariant"].as_str()?;
            Some((name.to_string(), entry["verdict"].as_str()?.to_string()))
        })
        .collect()
}

/// What `tokenrace explore` says about the model in `scenario`; its
/// counterexamples are saved in `out`.
fn model_in(scenario: &str, out: &Path) -> BTreeMap<String, String> {
    let args = ["explore", scenario, "--format", "json", "--out"];
    let output = Command::new(env!("CARGO_BIN_EXE_tokenrace"))
        .args(args)
        .arg(out)
        .current_dir(root())
        .output()
        .expect("the tokenrace binary runs");
    verdicts(&String::from_utf8_lossy(&output.stdout))
}

fn model(scenario: &str) -> BTreeMap<String, String> {
    model_in(scenario, tempfile::tempdir().unwrap().path())
}

/// The model's counterexample for `invariant` as a trace file in `out`.
fn counterexample(scenario: &str, invariant: &str, out: &Path) -> String {
    assert_eq!(model_in(scenario, out)[invariant], "violated");
    let name = std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.to_string_lossy()
                .ends_with(&format!(".{invariant}.trace.json"))
        });
    name.expect("explore saved the counterexample")
        .to_str()
        .unwrap()
        .to_string()
}

fn verdict<'a>(session: &'a Session, invariant: &str) -> &'a str {
    match session.verdicts.get(invariant) {
        Some(v) => v,
        None => panic!("no verdict for {invariant}:\n{}", session.output),
    }
}

/// Prints the figures docs/serve.md records (visible with --nocapture).
fn figures(client: &str, session: &Session) {
    eprintln!(
        "serve_clients: {client}: {} runs, {:.2} s per run, verdicts {:?}",
        session.runs, session.seconds_per_run, session.verdicts
    );
}

fn node(script: &str) -> Vec<String> {
    let path = root().join("tests/clients").join(script);
    vec!["node".to_string(), path.to_str().unwrap().to_string()]
}

fn python(script: &str) -> Vec<String> {
    let path = root().join("tests/clients/python").join(script);
    vec!["python3".to_string(), path.to_str().unwrap().to_string()]
}

fn explore(scenario: &str, runs: usize, env: &[(&str, &str)], cmd: &[String]) -> Session {
    let runs = runs.to_string();
    let cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
    serve(scenario, &["--explore", &runs, "--seed", "1"], env, &cmd)
}

fn follow(scenario: &str, trace: &str, env: &[(&str, &str)], cmd: &[String]) -> Session {
    let cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
    serve(scenario, &["--schedule", trace], env, &cmd)
}

#[test]
fn a_naive_axios_interceptor_reproduces_the_seed_race_as_the_naive_model_predicts() {
    require(Tool::NodeApp("node"));
    let session = explore(NAIVE, 4, &[], &node("node/naive.js"));
    figures("node naive interceptor", &session);
    assert_eq!(model(NAIVE)[NE], "violated");
    assert_eq!(verdict(&session, NE), "violated", "{}", session.output);
    assert_eq!(verdict(&session, SR), "violated", "{}", session.output);
    assert_eq!(session.code, 1, "{}", session.output);
}

#[test]
fn a_naive_axios_interceptor_follows_the_models_counterexample_step_by_step() {
    require(Tool::NodeApp("node"));
    let models = tempfile::tempdir().unwrap();
    let trace = counterexample(NAIVE, NE, models.path());
    let session = follow(NAIVE, &trace, &[], &node("node/naive.js"));
    assert_eq!(verdict(&session, NE), "violated", "{}", session.output);
    assert!(session.divergences.is_empty(), "{}", session.output);
}

#[test]
fn requests_oauthlib_threads_refresh_with_one_token_as_the_naive_model_predicts() {
    require(Tool::Python);
    let cmd = python("requests_oauthlib_threads.py");
    let session = explore(NAIVE, 4, &[], &cmd);
    figures("python requests-oauthlib threads", &session);
    assert_eq!(
        verdict(&session, NE),
        model(NAIVE)[NE],
        "{}",
        session.output
    );
    // Only NE: its refreshes come before any call (no 401, no AT presented),
    // so serve attributes them to no AT and cannot judge SR (docs/serve.md).
    assert_eq!(session.code, 1, "{}", session.output);
}

#[test]
fn authlib_async_client_holds_in_every_order_as_the_single_flight_model_predicts() {
    require(Tool::Python);
    let session = explore(SINGLE_FLIGHT, 8, &[], &python("authlib_async.py"));
    figures("python Authlib AsyncOAuth2Client", &session);
    let predicted = model(SINGLE_FLIGHT);
    for invariant in [NE, SR] {
        assert_eq!(predicted[invariant], "holds");
        assert_eq!(verdict(&session, invariant), "holds", "{}", session.output);
    }
    assert_eq!(session.code, 0, "{}", session.output);
}

#[test]
fn authlib_async_client_diverges_from_the_naive_counterexample_like_single_flight() {
    require(Tool::Python);
    let models = tempfile::tempdir().unwrap();
    let trace = counterexample(NAIVE, NE, models.path());
    let session = follow(NAIVE, &trace, &[], &python("authlib_async.py"));
    assert_ne!(verdict(&session, NE), "violated", "{}", session.output);
    let like = "it behaves like single_flight here";
    assert!(
        session.divergences.iter().any(|d| d.contains(like)),
        "{}",
        session.output
    );
}

#[test]
fn axios_auth_refresh_fails_a_401_that_arrives_during_its_refresh_even_without_rotation() {
    require(Tool::NodeApp("node"));
    let cmd = node("node/axios-auth-refresh.js");
    let session = explore(NO_ROTATION, 4, &[], &cmd);
    figures(
        "node axios-auth-refresh (deduplicateRefresh default)",
        &session,
    );
    // The naive model holds here: without rotation a second refresh succeeds.
    // The library's default skips the 401s that arrive while its refresh is
    // in flight, so their callers see the error.
    assert_eq!(model(NO_ROTATION)[NE], "holds");
    assert_eq!(verdict(&session, NE), "violated", "{}", session.output);
    assert_eq!(session.code, 1, "{}", session.output);
}

#[test]
fn axios_auth_refresh_shared_promise_refreshes_again_for_a_late_401() {
    require(Tool::NodeApp("node"));
    let cmd = node("node/axios-auth-refresh.js");
    let env = [("TOKENRACE_DEDUPLICATE", "false")];
    let session = follow(SINGLE_FLIGHT, LATE_401, &env, &cmd);
    figures(
        "node axios-auth-refresh (deduplicateRefresh false)",
        &session,
    );
    // Like single_flight for the calls whose 401 comes while the refresh is
    // in flight; a 401 released after it finished starts a second refresh
    // (with the new RT), where single_flight retries with the stored AT.
    assert_eq!(model(SINGLE_FLIGHT)[SR], "holds");
    assert_eq!(verdict(&session, SR), "violated", "{}", session.output);
    assert_ne!(verdict(&session, NE), "violated", "{}", session.output);
    assert!(session.divergences.is_empty(), "{}", session.output);
}

#[test]
fn oidc_client_ts_in_two_tabs_races_as_single_flight_tabs_sharing_local_storage() {
    require(Tool::Chromium);
    let session = explore(TWO_TABS, 4, &[], &node("browser/two-tabs.js"));
    figures("browser oidc-client-ts two tabs", &session);
    assert_eq!(model(TWO_TABS)[NE], "violated");
    assert_eq!(verdict(&session, NE), "violated", "{}", session.output);
    assert_eq!(session.code, 1, "{}", session.output);
}
