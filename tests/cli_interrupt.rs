//! Ctrl-C and live progress, end to end: SIGINT during `explore`, `check`
//! or `matrix` prints what was reached, exits 130 and leaves no file (no
//! trace, no report, no temporary file); a stale `.NAME.PID.tmp` of a dead
//! process is swept by the next write; no progress line reaches a stderr
//! that is not a terminal.

use super::cli::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A windowed burst that takes minutes to explore.
const SLOW: &str = "tests/data/interrupt/slow-windowed-burst.json";

struct Interrupted {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Starts the binary, sends SIGINT after `after`, waits for it to exit.
fn interrupt(args: &[&str], after: Duration) -> Interrupted {
    let child = Command::new(env!("CARGO_BIN_EXE_tokenrace"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(after);
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: sends SIGINT to the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    Interrupted {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn ctrl_c_during_explore_prints_what_was_reached_exits_130_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = interrupt(
        &["explore", SLOW, "--out", out.to_str().unwrap()],
        Duration::from_millis(1500),
    );
    assert_eq!(run.code, Some(130), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("unknown"), "{}", run.stdout);
    assert!(
        run.stdout.contains("(interrupted) by Ctrl-C"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    assert!(files_in(&out).is_empty(), "{:?}", files_in(&out));
}

#[test]
fn ctrl_c_during_check_writes_no_report_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let report = dir.path().join("report.md");
    let run = interrupt(
        &[
            "check",
            SLOW,
            "--out",
            dir.path().join("out").to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
            "--format",
            "json",
        ],
        Duration::from_millis(1500),
    );
    assert_eq!(run.code, Some(130), "{}{}", run.stdout, run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("a whole JSON report");
    assert_eq!(doc["scenarios"][0]["rows"][0]["bound_hit"], "interrupted");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn ctrl_c_during_matrix_prints_the_table_and_exits_130() {
    let dir = tempfile::tempdir().unwrap();
    let run = interrupt(
        &[
            "matrix",
            "--requests",
            "8",
            "--tabs",
            "3",
            "--max-states",
            "100000000",
            "--out",
            dir.path().to_str().unwrap(),
        ],
        Duration::from_millis(1500),
    );
    assert_eq!(run.code, Some(130), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("client \\ server"), "{}", run.stdout);
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn a_stale_temporary_file_of_a_dead_process_is_swept_by_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    // Above the kernel's largest pid (2^22): no such process.
    let stale = dir.path().join(".old.trace.json.99999999.tmp");
    std::fs::write(&stale, "half a trace").unwrap();
    let out = tokenrace(&[
        "explore",
        "tests/data/scenarios/passing/rotation-race.json",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!stale.exists());
    assert!(files_in(dir.path()).iter().all(|f| !f.ends_with(".tmp")));
}

#[test]
fn no_progress_reaches_a_stderr_that_is_not_a_terminal() {
    let out = tokenrace(&["explore", "tests/data/scenarios/passing/single-flight.json"]);
    assert_eq!(out.code, 0);
    assert!(
        !out.stderr.contains('\r') && !out.stderr.contains('\u{1b}'),
        "{:?}",
        out.stderr
    );
    let quiet = tokenrace(&[
        "explore",
        "tests/data/scenarios/passing/single-flight.json",
        "-q",
    ]);
    assert_eq!(quiet.stderr, "", "--quiet: nothing on stderr");
    for args in [
        &["check", "tests/data/scenarios/passing/single-flight.json"][..],
        &["matrix", "--requests", "1", "--max-states", "2000"][..],
    ] {
        let out = tokenrace(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert!(
            !out.stderr.contains('\r') && !out.stderr.contains('\u{1b}'),
            "{args:?}: {:?}",
            out.stderr
        );
        let quiet = tokenrace(&[args, &["--quiet"]].concat());
        assert!(!quiet.stderr.contains('\r'), "{args:?}: {:?}", quiet.stderr);
    }
}

/// Runs the binary with stderr on a pseudo-terminal (interrupted after
/// `stop`, if given); returns what the terminal received.
fn on_a_terminal(args: &[&str], stop: Option<Duration>) -> String {
    use std::io::Read;
    use std::os::fd::FromRawFd;
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 120,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty fills two fds this test then owns; no name, default
    // termios, a 120-column window.
    let made = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &size,
        )
    };
    assert_eq!(made, 0, "a pseudo-terminal");
    // SAFETY: both fds were just opened and are owned by nothing else.
    let (mut master, slave) = unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::fs::File::from_raw_fd(slave),
        )
    };
    // Drain the terminal while the child runs, so it never blocks on a
    // full buffer; the read ends (EIO) once the child has exited.
    let reader = std::thread::spawn(move || {
        let (mut seen, mut buf) = (Vec::new(), [0u8; 4096]);
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        seen
    });
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenrace"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::from(slave))
        .spawn()
        .expect("the binary starts");
    if let Some(after) = stop {
        std::thread::sleep(after);
        let pid = libc::pid_t::try_from(child.id()).unwrap();
        // SAFETY: sends SIGINT to the child this test started.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    }
    child.wait().unwrap();
    let seen = reader.join().unwrap();
    String::from_utf8_lossy(&seen).into_owned()
}

#[test]
fn a_terminal_shows_live_progress_and_quiet_hides_it() {
    for command in ["explore", "check"] {
        let shown = on_a_terminal(&[command, SLOW, "--time", "2s"], None);
        assert!(
            shown.contains("states (") && shown.contains("frontier"),
            "{command}: {shown:?}"
        );
        let quiet = on_a_terminal(&[command, SLOW, "--time", "1s", "--quiet"], None);
        assert!(!quiet.contains("frontier"), "{command}: {quiet:?}");
    }
    let matrix = ["matrix", "--requests", "8", "--tabs", "3"];
    let shown = on_a_terminal(&matrix, Some(Duration::from_millis(2500)));
    assert!(shown.contains("frontier"), "matrix: {shown:?}");
}

mod hooks {
    use super::root;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Arc;
    use tokenrace::check::{self, ExploreOptions, Verdict};
    use tokenrace::explore::budget::{Hooks, Progress, Snapshot};

    /// Counts snapshots and keeps the largest state count seen.
    #[derive(Default)]
    struct Counter {
        calls: AtomicU64,
        states: AtomicU64,
    }

    impl Progress for Counter {
        fn update(&self, s: &Snapshot) {
            self.calls.fetch_add(1, Ordering::Relaxed);
            self.states.fetch_max(s.states, Ordering::Relaxed);
        }
    }

    fn scenario(file: &str) -> tokenrace::scenario::Scenario {
        tokenrace::scenario::load(&root().join(file))
            .expect("loads")
            .scenario
    }

    fn json(report: &check::Report) -> String {
        serde_json::to_string(report).unwrap()
    }

    #[test]
    fn observing_a_search_changes_nothing_it_reports() {
        for file in [
            "scenarios/scale/refresh-race-single-flight-n20.json",
            "tests/data/scenarios/passing/rotation-race.json",
        ] {
            let s = scenario(file);
            let plain = check::explore(&s, &ExploreOptions::default()).unwrap();
            let counter = Arc::new(Counter::default());
            let observed = ExploreOptions {
                hooks: Hooks {
                    stop: Some(Arc::new(AtomicBool::new(false))),
                    progress: Some(counter.clone() as Arc<dyn Progress>),
                },
                ..ExploreOptions::default()
            };
            let watched = check::explore(&s, &observed).unwrap();
            assert_eq!(json(&plain), json(&watched), "{file}");
            if file.contains("n20") {
                assert!(counter.calls.load(Ordering::Relaxed) > 0);
                assert!(counter.states.load(Ordering::Relaxed) >= 4096);
            }
        }
    }

    #[test]
    fn a_stop_request_ends_the_search_with_bound_interrupted_never_holds() {
        let s = scenario(super::SLOW);
        let options = ExploreOptions {
            hooks: Hooks {
                stop: Some(Arc::new(AtomicBool::new(true))),
                progress: None,
            },
            ..ExploreOptions::default()
        };
        let report = check::explore(&s, &options).unwrap();
        for r in &report.invariants {
            assert_eq!(r.verdict, Verdict::Unknown);
            assert_eq!(r.bound_hit.as_deref(), Some("interrupted"));
            assert!(r.states < 4096, "stopped before the first budget check");
        }
    }
}
