//! Running one peer process for the bench (`peers` feature only): under
//! `timeout 300` and `/usr/bin/time`, the numbers read from its output,
//! and which peer configurations were too slow to run at larger N.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Wall seconds past which a peer configuration is not run at larger N.
const SLOW_SECS: f64 = 20.0;

/// The peer configurations (tool, configuration) that were too slow.
#[derive(Default)]
pub(super) struct Slow(Vec<(&'static str, &'static str)>);

impl Slow {
    pub(super) fn has(&self, tool: &str, config: &str) -> bool {
        self.0.iter().any(|&(t, c)| t == tool && c == config)
    }

    pub(super) fn note(&mut self, tool: &'static str, config: &'static str, secs: f64) {
        if secs > SLOW_SECS && !self.has(tool, config) {
            self.0.push((tool, config));
        }
    }
}

/// Runs a command under `timeout 300 /usr/bin/time`; stdout, wall seconds
/// and peak KiB.
pub(super) fn timed(
    dir: &Path,
    program: &Path,
    args: &[String],
) -> Option<(String, f64, Option<u64>)> {
    let timer = Path::new("/usr/bin/time").is_file();
    let mut command = Command::new("timeout");
    command.arg("300");
    if timer {
        command.args(["/usr/bin/time", "-f", "PEAK_KIB %M"]);
    }
    command.arg(program).args(args).current_dir(dir);
    let started = Instant::now();
    let output = command.output().ok()?;
    let secs = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("PEAK_KIB "))
        .and_then(|v| v.trim().parse().ok());
    Some((
        String::from_utf8_lossy(&output.stdout).into_owned(),
        secs,
        peak,
    ))
}

/// The number before `marker` on the line that has it.
pub(super) fn number_before(text: &str, marker: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.contains(marker))?;
    line.split(marker)
        .next()?
        .split_whitespace()
        .last()?
        .parse()
        .ok()
}

/// The number after `marker`.
pub(super) fn number_after(text: &str, marker: &str) -> Option<u64> {
    let rest = text.split(marker).nth(1)?;
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}
