//! Files and streams for the CLI: atomic writes, reading saved traces with
//! located errors, counterexample file names, shell-safe replay commands,
//! and stdout/stderr writes that never panic on a closed pipe.
//!
//! It owns every byte the CLI writes to disk. It does not decide what is
//! written (renderers do) or which exit code follows (`cli::main` does).

use crate::render::mermaid;
use crate::scenario::Invariant;
use crate::trace::{Trace, FORMAT_VERSION};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` so that readers see the old file or the whole
/// new one, never a partial file: a temporary file in the same directory
/// (same filesystem), synced, then renamed over `path`. Parent directories
/// are created; the temporary file is removed on failure.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let file_name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let temp = parent.join(format!(
        ".{}.{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    sweep_stale_temporaries(&parent);
    super::interrupt::track(&temp);
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    super::interrupt::untrack(&temp);
    result
}

/// Removes the temporary files (`.NAME.PID.tmp`) that a write killed
/// before its rename (SIGKILL, a crash) left in `dir`, once their process
/// is gone. Files of a live process, and every other file, stay.
pub fn sweep_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = temporary_pid(&name.to_string_lossy()) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The PID of a temporary file's name `.NAME.PID.tmp`, if it is one.
fn temporary_pid(name: &str) -> Option<u32> {
    let inner = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (stem, pid) = inner.rsplit_once('.')?;
    if stem.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether a process of that id exists (signal 0 probes without sending).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: kill with signal 0 sends nothing; it only checks the pid.
    let found = unsafe { libc::kill(pid, 0) } == 0;
    found || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_: u32) -> bool {
    true
}

/// [`write_atomic`] with the error as the message the user sees.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_atomic(path, bytes).map_err(|e| format!("{}: error: cannot write: {e}", path.display()))
}

/// A trace as saved: pretty JSON with a final newline, byte-identical for
/// equal traces (the trace holds no hash maps).
pub fn trace_json(trace: &Trace) -> String {
    let mut text = serde_json::to_string_pretty(trace).expect("a trace serialises");
    text.push('\n');
    text
}

/// Reads a saved trace. Errors are located like scenario errors:
/// `file:line:col: error: path: message`; a trace of another format
/// version says so instead of listing field mismatches.
pub fn read_trace(path: &Path) -> Result<Trace, String> {
    let file = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|e| format!("{file}: error: cannot read: {e}"))?;
    let deserializer = &mut serde_json::Deserializer::from_str(&text);
    match serde_path_to_error::deserialize::<_, Trace>(deserializer) {
        Ok(trace) => Ok(trace),
        Err(error) => {
            if let Some(why) = crate::trace::why_not_a_trace(&text, &file) {
                return Err(format!("{file}:1:1: error: (document): {why}"));
            }
            if let Some(found) = format_of(&text).filter(|f| *f != u64::from(FORMAT_VERSION)) {
                return Err(format!(
                    "{file}: error: format: trace format {found}, this version reads format {FORMAT_VERSION}"
                ));
            }
            let inner = error.inner();
            let message = inner.to_string();
            let message = match message.rfind(" at line ") {
                Some(cut) => &message[..cut],
                None => &message,
            };
            let field = error.path().to_string();
            let field = if field == "." { "(document)" } else { &field };
            Err(format!(
                "{file}:{}:{}: error: {field}: {message}",
                inner.line(),
                inner.column()
            ))
        }
    }
}

fn format_of(text: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value.get("format")?.as_u64()
}

/// A scenario name as a file-name stem: ASCII letters, digits, `-`, `_`
/// and `.` kept, everything else `_`, so names stay stable across runs.
pub fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let stem = stem.trim_start_matches('.');
    if stem.is_empty() {
        "scenario".to_string()
    } else {
        stem.to_string()
    }
}

/// Writes a counterexample as `<dir>/<scenario>.<invariant>.trace.json`
/// plus the Mermaid diagram next to it (`.mmd`); returns the trace path.
pub fn write_counterexample(
    dir: &Path,
    scenario: &str,
    invariant: Invariant,
    trace: &Trace,
) -> Result<PathBuf, String> {
    let stem = format!("{}.{invariant}", file_stem(scenario));
    let trace_path = dir.join(format!("{stem}.trace.json"));
    write_file(&trace_path, trace_json(trace).as_bytes())?;
    write_file(
        &dir.join(format!("{stem}.mmd")),
        mermaid::render(trace).as_bytes(),
    )?;
    Ok(trace_path)
}

/// A path as one shell word: unchanged when it only holds safe characters,
/// otherwise single-quoted, so a printed command can be pasted as is.
pub fn shell_quote(path: &Path) -> String {
    let text = path.display().to_string();
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c));
    if safe {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// `tokenrace replay <path>`.
pub fn replay_command(trace_path: &Path) -> String {
    format!("tokenrace replay {}", shell_quote(trace_path))
}

/// Says how to run the printed `tokenrace …` commands when `tokenrace` is
/// not on `PATH` (e.g. a binary run as `target/release/tokenrace`): once,
/// on stderr, so reports stay byte-identical wherever they run.
pub fn note_if_not_installed() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if on_path("tokenrace") {
        return;
    }
    ONCE.call_once(|| {
        let this = std::env::current_exe().ok();
        let cwd = std::env::current_dir().ok();
        let shown = match (&this, &cwd) {
            (Some(exe), Some(cwd)) => exe.strip_prefix(cwd).unwrap_or(exe).to_path_buf(),
            (Some(exe), None) => exe.clone(),
            _ => PathBuf::from("tokenrace"),
        };
        eprint_line(&format!(
            "note: `tokenrace` is not on PATH: install it with `cargo install --path .` \
             from the repository, or run the commands below as `{} …`",
            shell_quote(&shown)
        ));
    });
}

/// Whether an executable of that name is in a `PATH` folder.
fn on_path(program: &str) -> bool {
    let Some(paths) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&paths).any(|dir| {
        let candidate = dir.join(program);
        fs::metadata(&candidate).is_ok_and(|m| m.is_file())
    })
}

/// Writes to stdout, ignoring a closed pipe (`tokenrace … | head`).
pub fn print(text: &str) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes one line to stderr: errors, warnings, progress and timings.
pub fn eprint_line(text: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quote_leaves_plain_paths_alone() {
        assert_eq!(
            shell_quote(Path::new("target/tokenrace/a.trace.json")),
            "target/tokenrace/a.trace.json"
        );
        assert_eq!(
            shell_quote(Path::new("my dir/it's.json")),
            "'my dir/it'\\''s.json'"
        );
    }

    #[test]
    fn file_stem_keeps_names_stable_and_safe() {
        assert_eq!(file_stem("seed-rotation-race"), "seed-rotation-race");
        assert_eq!(file_stem("a/b c"), "a_b_c");
        assert_eq!(file_stem("..hidden"), "hidden");
        assert_eq!(file_stem(""), "scenario");
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_swept_on_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        // A pid above the kernel's maximum (4194304) never runs.
        let stale = dir.path().join(".a.trace.json.99999999.tmp");
        let live = dir
            .path()
            .join(format!(".b.json.{}.tmp", std::process::id()));
        let other = dir.path().join(".notes.tmp");
        for path in [&stale, &live, &other] {
            fs::write(path, "x").unwrap();
        }
        write_atomic(&dir.path().join("out.txt"), b"new").unwrap();
        assert!(!stale.exists());
        assert!(live.exists() && other.exists());
        assert_eq!(temporary_pid(".x.y.12.tmp"), Some(12));
        assert_eq!(temporary_pid(".12.tmp"), None);
        assert_eq!(temporary_pid("x.12.tmp"), None);
    }

    #[test]
    fn write_atomic_creates_parents_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep/er/out.txt");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
