use super::*;

/// `tck-reach -a aLU-covreach -l bad -s bfs rr4.tck`, as TChecker prints it.
const FINISHED: &str = "COVERED_STATES 2117\n\
MEMORY_MAX_RSS 12880\n\
REACHABLE false\n\
RUNNING_TIME_SECONDS 0.152214\n\
STORED_STATES 5180\n\
VISITED_STATES 7297\n\
VISITED_TRANSITIONS 20544\n";

fn finished(algorithm: &'static str, n: u32, stored: u64, secs: f64) -> TckRow {
    TckRow {
        algorithm,
        n,
        outcome: Outcome::Finished(Stats {
            reachable: false,
            stored_states: stored,
            visited_states: stored,
            visited_transitions: stored,
            running_secs: secs,
            peak_kib: Some(2048),
        }),
    }
}

#[test]
fn tck_reach_statistics_are_read_by_key() {
    let stats = parse_stats(FINISHED).unwrap();
    assert_eq!(
        stats,
        Stats {
            reachable: false,
            stored_states: 5180,
            visited_states: 7297,
            visited_transitions: 20544,
            running_secs: 0.152214,
            peak_kib: Some(12880),
        }
    );
}

#[test]
fn a_reachable_bad_label_and_a_time_in_exponent_form_are_read() {
    let out = FINISHED
        .replace("REACHABLE false", "REACHABLE true")
        .replace("0.152214", "4.1e-05");
    let stats = parse_stats(&out).unwrap();
    assert!(stats.reachable);
    assert_eq!(stats.running_secs, 4.1e-05);
}

#[test]
fn missing_or_malformed_statistics_are_named() {
    let no_stored = FINISHED.replace("STORED_STATES 5180\n", "");
    assert_eq!(
        parse_stats(&no_stored).unwrap_err(),
        "no STORED_STATES in tck-reach's output"
    );
    let bad = FINISHED.replace("REACHABLE false", "REACHABLE maybe");
    assert!(parse_stats(&bad).unwrap_err().contains("REACHABLE"));
    let bad = FINISHED.replace("0.152214", "soon");
    assert!(parse_stats(&bad)
        .unwrap_err()
        .contains("RUNNING_TIME_SECONDS"));
    assert!(parse_stats("").is_err());
}

#[test]
fn a_missing_memory_figure_is_not_an_error() {
    let out = FINISHED.replace("MEMORY_MAX_RSS 12880\n", "");
    assert_eq!(parse_stats(&out).unwrap().peak_kib, None);
}

#[test]
fn cells_show_states_time_memory_and_verdict_or_why_the_run_stopped() {
    assert_eq!(
        finished("covreach", 3, 470, 0.031).cell(),
        "470 states, 0.031 s, 2.0 MiB, holds"
    );
    let timed_out = TckRow {
        algorithm: "covreach",
        n: 6,
        outcome: Outcome::TimedOut(60),
    };
    assert_eq!(timed_out.cell(), "> 60 s, unknown");
    assert_eq!(timed_out.verdict(), "unknown");
    let failed = TckRow {
        outcome: Outcome::Failed("out of memory".into()),
        ..timed_out
    };
    assert_eq!(failed.cell(), "unknown (out of memory)");
}

#[test]
fn ratios_use_the_fastest_finished_run_and_the_fewest_states() {
    let rows = vec![
        finished("covreach", 4, 7118, 0.18),
        finished("aLU-covreach", 4, 5180, 0.15),
    ];
    assert_eq!(time_ratio(&rows, 4, 0.30), "0.50x");
    assert_eq!(states_ratio(&rows, 4, 1357), "3.82x");
    assert_eq!(time_ratio(&rows, 5, 1.0), "-");
    assert_eq!(states_ratio(&rows, 5, 10), "-");
}

#[test]
fn a_time_ratio_is_a_lower_bound_when_every_tchecker_run_timed_out() {
    let rows = vec![TckRow {
        algorithm: "aLU-covreach",
        n: 6,
        outcome: Outcome::TimedOut(60),
    }];
    assert_eq!(time_ratio(&rows, 6, 12.0), "> 5x");
    assert_eq!(find(&rows, "aLU-covreach", 6), rows.first());
    assert_eq!(find(&rows, "covreach", 6), None);
}

#[test]
fn without_a_peers_folder_tchecker_is_skipped_with_a_note() {
    let t = Tchecker::locate(None, None);
    assert!(!t.available());
    assert!(t.note().starts_with("- TChecker: not run"));
    let mut stopped = Vec::new();
    let limits = Limits {
        time_secs: 1,
        max_memory: 1 << 30,
    };
    assert!(t.run(2, &limits, &mut stopped).is_empty());
}

#[cfg(feature = "peers")]
#[test]
fn a_named_binary_that_is_missing_is_named_in_the_note() {
    let dir = std::env::temp_dir().join(format!("tokenrace-tck-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("tchecker")).unwrap();
    std::fs::write(dir.join("tchecker/gen_refresh_race.py"), "").unwrap();
    let missing = Path::new("/nonexistent/tck-reach");
    let t = Tchecker::locate(Some(missing), Some(&dir));
    assert!(!t.available());
    assert!(
        t.note().contains("/nonexistent/tck-reach is not a file"),
        "{}",
        t.note()
    );
    let t = Tchecker::locate(Some(missing), Some(Path::new("/nonexistent/peers")));
    assert!(
        t.note().contains("gen_refresh_race.py not found"),
        "{}",
        t.note()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_windowed_table_has_one_row_per_n_either_ran_and_every_row_is_whole() {
    use super::super::family::{Row, Settings};
    use crate::check::Verdict;
    let ours = |n: u32, states: u64, secs: f64| Row {
        n,
        verdict: Verdict::Holds,
        states,
        transitions: states,
        secs,
        peak_bytes: None,
        bytes_per_state: 600.0,
        memory_split: [200.0, 100.0, 300.0],
        deliveries: None,
        bound: None,
    };
    let settings = Settings {
        time_secs: 60,
        threads: 1,
        max_memory: 1 << 30,
        no_symmetry: false,
        no_partial_order: false,
    };
    let tck = vec![
        finished("covreach", 4, 7118, 0.18),
        finished("aLU-covreach", 4, 5180, 0.15),
        finished("aLU-covreach", 5, 74412, 9.0),
    ];
    let text = super::super::table::windowed(&[ours(4, 1357, 0.03)], &[], &tck, &settings);
    let rows: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), 4, "{text}");
    let cells = rows[0].matches('|').count();
    assert!(
        rows.iter().all(|r| r.matches('|').count() == cells),
        "{text}"
    );
    assert!(rows[2].contains("| 5.00x | 3.82x |"), "{text}");
    assert!(rows[3].starts_with("| 5 | not run |"), "{text}");
    let alone = super::super::table::windowed(&[ours(4, 1357, 0.03)], &[], &[], &settings);
    assert!(!alone.contains("TChecker"), "{alone}");
}
