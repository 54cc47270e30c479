//! Snapshots of the Mermaid, wsd, DOT and Markdown renderings of hand-written
//! traces (tests/data/traces/), plus a line-by-line check that every
//! Mermaid line stays inside the documented subset of the grammar.

use tokenrace::render::{dot, markdown, mermaid, wsd};
use tokenrace::trace::Trace;

const TRACES: [&str; 2] = ["rotation-race", "edge-cases"];

fn trace(name: &str) -> Trace {
    let path = format!(
        "{}/tests/data/traces/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("fixture exists");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn mermaid_diagrams_match_their_snapshots() {
    for name in TRACES {
        snapshot(&format!("{name}.mermaid"), &mermaid::render(&trace(name)));
    }
}

#[test]
fn wsd_diagrams_match_their_snapshots() {
    for name in TRACES {
        snapshot(&format!("{name}.wsd"), &wsd::render(&trace(name)));
    }
}

#[test]
fn dot_graphs_match_their_snapshots() {
    for name in TRACES {
        snapshot(&format!("{name}.dot"), &dot::render(&trace(name)));
    }
}

#[test]
fn markdown_documents_match_their_snapshots() {
    for name in TRACES {
        snapshot(&format!("{name}.markdown"), &markdown::render(&trace(name)));
    }
}

/// Text after `:` or `as` must not hold what Mermaid's lexer stops at:
/// `#` that is not an entity code, `;`, `%%`.
fn text_is_safe(text: &str) -> bool {
    let entities_only = text.split('#').skip(1).all(|rest| {
        rest.split_once(';')
            .is_some_and(|(code, _)| !code.is_empty() && code.chars().all(|c| c.is_ascii_digit()))
    });
    let without_entities: String = text
        .split('#')
        .map(|p| p.split_once(';').map_or(p, |(_, r)| r))
        .collect();
    entities_only
        && !without_entities.contains(';')
        && !text.contains("%%")
        && !text.trim().is_empty()
}

fn is_id(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn line_is_in_subset(line: &str) -> bool {
    let Some(body) = line.strip_prefix("    ") else {
        return line == "sequenceDiagram";
    };
    if body == "autonumber" {
        return true;
    }
    if let Some(n) = body.strip_prefix("autonumber ") {
        return n.parse::<u32>().is_ok();
    }
    if let Some(rest) = body.strip_prefix("participant ") {
        return match rest.split_once(" as ") {
            Some((id, label)) => is_id(id) && text_is_safe(label),
            None => is_id(rest),
        };
    }
    let Some((head, text)) = body.split_once(": ") else {
        return false;
    };
    if !text_is_safe(text) {
        return false;
    }
    if let Some(over) = head.strip_prefix("Note over ") {
        return over.split(',').all(is_id);
    }
    if let Some(actor) = head.strip_prefix("Note right of ") {
        return is_id(actor);
    }
    match head.split_once("->>") {
        Some((from, to)) => is_id(from) && is_id(to),
        None => false,
    }
}

#[test]
fn mermaid_lines_stay_in_the_documented_subset() {
    for name in TRACES {
        let diagram = mermaid::render(&trace(name));
        assert!(diagram.starts_with("sequenceDiagram\n    autonumber\n"));
        for line in diagram.lines() {
            assert!(line_is_in_subset(line), "{name}: {line:?}");
        }
    }
}

#[test]
fn mermaid_arrow_numbers_are_the_trace_step_indexes() {
    let trace = trace("rotation-race");
    let diagram = mermaid::render(&trace);
    let mut number = 0;
    let mut numbers = Vec::new();
    for line in diagram.lines().skip(2) {
        if let Some(n) = line.trim().strip_prefix("autonumber ") {
            number = n.parse::<usize>().unwrap() - 1;
        } else if line.contains("->>") {
            number += 1;
            numbers.push(number);
        }
    }
    let arrows: Vec<usize> = trace
        .steps
        .iter()
        .filter(|s| s.kind != tokenrace::trace::StepKind::Timer)
        .map(|s| s.index)
        .collect();
    assert_eq!(numbers, arrows);
}

fn rotation_report() -> tokenrace::check::Report {
    use tokenrace::check::{InvariantReport, Report, Verdict};
    use tokenrace::scenario::Invariant;
    let trace = trace("rotation-race");
    let judged = |invariant, verdict, trace| InvariantReport {
        invariant,
        verdict,
        decided_by: tokenrace::check::DecidedBy::Bfs,
        states: 1234,
        runs: 0,
        transitions: 5678,
        bound_hit: None,
        note: String::new(),
        vacuous: None,
        trace,
    };
    Report {
        scenario: "seed-rotation-race".to_string(),
        seed: 7,
        invariants: vec![
            judged(
                Invariant::NoErrorWhileRefreshValid,
                Verdict::Violated,
                Some(trace),
            ),
            judged(Invariant::NoStaleOverwrite, Verdict::Holds, None),
        ],
    }
}

#[test]
fn text_and_json_reports_match_their_snapshots() {
    use tokenrace::render::report;
    use tokenrace::scenario::Invariant;
    let report = rotation_report();
    let replays = vec![(
        Invariant::NoErrorWhileRefreshValid,
        "tokenrace replay target/tokenrace/seed-rotation-race.no_error_while_refresh_valid.trace.json"
            .to_string(),
    )];
    snapshot(
        "rotation-race.report-text",
        &report::text(&report, &replays),
    );
    let json = report::json(&report, "scenarios/seeds/rotation-race.json", &replays);
    snapshot("rotation-race.report-json", &json);
    let trace = trace("rotation-race");
    snapshot("rotation-race.steps", &report::steps(&trace));
}

/// The shortest counterexamples of the main corpus scenarios, as Mermaid and
/// wsd: a change in the model or the search that alters them shows here.
#[test]
fn corpus_counterexample_diagrams_match_their_snapshots() {
    let corpus = [
        "seeds/000-two-request-rotation-race",
        "seeds/000-rotation-race-pinned-steps",
        "seeds/000-four-requests-out-of-order",
        "seeds/001-xss-local-storage",
        "failures/per-tab-lock-two-tabs",
        "failures/grace-new-last-write-wins",
        "failures/denylist-entry-expires-inside-leeway",
        "failures/expiry-during-denylist-lookup",
    ];
    for name in corpus {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.json"));
        let scenario = tokenrace::scenario::load(&file)
            .expect("corpus loads")
            .scenario;
        let report = tokenrace::check::explore(&scenario, &Default::default()).expect("explores");
        let violated: Vec<_> = report
            .invariants
            .iter()
            .filter_map(|r| r.trace.as_ref().map(|t| (r.invariant, t)))
            .collect();
        assert!(!violated.is_empty(), "{name}: expected a counterexample");
        for (invariant, trace) in violated {
            let stem = format!("corpus-{}-{invariant}", name.replace('/', "-"));
            snapshot(&format!("{stem}.mmd"), &mermaid::render(trace));
            snapshot(&format!("{stem}.wsd"), &wsd::render(trace));
        }
    }
}

/// The shortest counterexample of every invariant the real-world scenarios
/// (scenarios/real-world/) expect violated, as Mermaid: each reproduces a
/// public bug report, and its diagram is what the report is about.
#[test]
fn real_world_counterexample_diagrams_match_their_snapshots() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/real-world");
    for file in crate::corpus::scenario_files(&dir) {
        let scenario = tokenrace::scenario::load(&file)
            .expect("real-world scenario loads")
            .scenario;
        let report = tokenrace::check::explore(&scenario, &Default::default()).expect("explores");
        for r in &report.invariants {
            let expected = scenario.expect.get(&r.invariant);
            if expected != Some(&tokenrace::scenario::Expectation::Violated) {
                continue;
            }
            if let Some(trace) = &r.trace {
                let stem = format!("real-world-{}-{}", scenario.name, r.invariant);
                snapshot(&format!("{stem}.mmd"), &mermaid::render(trace));
            }
        }
    }
}
