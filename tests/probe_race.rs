//! Real race vs model race: the canonical race (two clients refresh one
//! RT) driven against a real server with the probe's own race primitive,
//! then `tokenrace check` on the scenario built from the inferred block,
//! with the real verdicts as its `expect`.

use crate::cli::tokenrace;
use serde_json::{json, Value};
use std::path::Path;
use tokenrace::probe::{self, http::agent, Config, Endpoint, Source};

/// What the real server's answers imply for the compared invariants.
#[derive(Debug)]
pub struct Real {
    /// A client's refresh was refused (or failed) while its family was valid.
    pub error_while_valid: bool,
    /// Two concurrent refreshes of one RT got different RTs although the
    /// second one alone would not have been a new-pair grace hit.
    pub fork: bool,
    pub summary: String,
}

fn verdict(violated: bool) -> &'static str {
    if violated {
        "violated"
    } else {
        "holds"
    }
}

fn config(token_url: &str, secret: &str) -> Config {
    Config {
        token_url: token_url.to_string(),
        client_id: "probe".to_string(),
        client_secret: Some(secret.to_string()),
        scope: None,
        source: Source::Password {
            username: "probe".into(),
            password: "pw".into(),
        },
        resource_url: None,
        max_wait: std::time::Duration::from_secs(1),
        race: 2,
        repeat: 0,
        allow_hosts: Vec::new(),
    }
}

fn login(endpoint: &Endpoint) -> String {
    let answer = endpoint
        .password(&agent(), "probe", "pw")
        .expect("login request");
    answer.refresh.expect("the login gives a refresh token")
}

/// The interleavings: B presents RT0 after A's answer (one after the
/// other), and `rounds` rounds of A and B at once on two connections.
pub fn drive(token_url: &str, secret: &str, rounds: usize) -> Real {
    let endpoint = Endpoint::new(&config(token_url, secret)).expect("loopback");
    let rt0 = login(&endpoint);
    let a = endpoint.refresh(&agent(), "A", &rt0).expect("A");
    let b = endpoint.refresh(&agent(), "B after A", &rt0).expect("B");
    assert!(a.ok(), "the first refresh of a fresh family failed: {a:?}");
    let second_is_new_grace_pair =
        b.ok() && b.refresh != a.refresh && b.refresh.as_deref() != Some(rt0.as_str());
    let mut error = !b.ok();
    let mut fork = false;
    let mut counts = Vec::new();
    for round in 0..rounds {
        let rt = login(&endpoint);
        let race = probe::race(&endpoint, &format!("round {round}"), &rt, 2).expect("race");
        error |= race.successes() < 2;
        fork |= race.distinct_refresh() >= 2 && !second_is_new_grace_pair;
        counts.push(format!(
            "{}ok/{}rt/{}5xx",
            race.successes(),
            race.distinct_refresh(),
            race.server_errors()
        ));
    }
    let summary = format!(
        "sequential: A {} B {}; concurrent: {}",
        a.status,
        b.status,
        counts.join(" ")
    );
    Real {
        error_while_valid: error,
        fork,
        summary,
    }
}

/// `tokenrace check` on `scenario` with the real verdicts as `expect`:
/// `Ok(())` when the model agrees, `Err(check's output)` when it does not.
pub fn model_agrees(scenario: &Path, real: &Real) -> Result<(), String> {
    let text = std::fs::read_to_string(scenario).expect("the probe wrote a scenario");
    let mut value: Value = serde_json::from_str(&text).expect("the scenario is JSON");
    value["expect"] = json!({
        "no_error_while_refresh_valid": verdict(real.error_while_valid),
        "no_family_fork": verdict(real.fork),
    });
    let judged = scenario.with_file_name("judged.json");
    std::fs::write(&judged, serde_json::to_string_pretty(&value).expect("json")).expect("write");
    let out = tokenrace(&["check", judged.to_str().expect("utf-8")]);
    match out.code {
        0 => Ok(()),
        1 => Err(out.stdout),
        _ => panic!(
            "check could not judge the built scenario:\n{}{}",
            out.stdout, out.stderr
        ),
    }
}

/// The comparison every server configuration makes: the model must agree
/// with the real race, or the probe must have named (in
/// `not_expressible`) the behaviour that makes them differ, and that note
/// must contain one of `explained_by`.
pub fn assert_race_matches(
    name: &str,
    report: &Value,
    scenario: &Path,
    real: &Real,
    explained_by: &[&str],
) {
    let notes = report["not_expressible"].to_string();
    match model_agrees(scenario, real) {
        Ok(()) => eprintln!(
            "[{name}] real = model: no_error {} fork {} ({})",
            verdict(real.error_while_valid),
            verdict(real.fork),
            real.summary
        ),
        Err(output) => {
            let explained = explained_by.iter().any(|k| notes.contains(k));
            assert!(explained, "[{name}] the model disagrees with the real server and the probe named no reason:\nreal: {real:?}\n{output}\nnotes: {notes}");
            eprintln!(
                "[{name}] real != model, explained ({}): {}",
                real.summary, notes
            );
        }
    }
}
