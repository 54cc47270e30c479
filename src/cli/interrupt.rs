//! Ctrl-C for the long commands (`explore`, `check`, `matrix`): the first
//! interrupt sets a stop flag that the search polls at its budget checks
//! (it ends with bound `interrupted`); the command then prints what was
//! reached, writes no file, and exits 130. A second interrupt exits 130 at
//! once, after removing the temporary file of any write under way.
//!
//! The handler runs on the `ctrlc` crate's own thread, not in signal
//! context, so it may lock, print and remove files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The exit code of an interrupted command (128 + SIGINT, as shells use).
pub const EXIT_INTERRUPTED: u8 = 130;

static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler (once per process) and returns the stop flag the
/// search polls. Where no handler can be installed the flag stays unset
/// and Ctrl-C ends the process as usual.
pub fn install() -> Arc<AtomicBool> {
    STOP.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = Arc::clone(&flag);
        let _ = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                remove_temporary_files();
                std::process::exit(i32::from(EXIT_INTERRUPTED));
            }
            super::output::eprint_line(
                "interrupted: stopping the search (Ctrl-C again to quit at once)",
            );
        });
        flag
    })
    .clone()
}

/// Whether an interrupt arrived since [`install`].
pub fn interrupted() -> bool {
    STOP.get().is_some_and(|f| f.load(Ordering::SeqCst))
}

/// Notes a temporary file being written, removed on a forced exit.
pub fn track(path: &Path) {
    if let Ok(mut files) = TEMPORARY.lock() {
        files.push(path.to_path_buf());
    }
}

/// The temporary file was renamed or removed.
pub fn untrack(path: &Path) {
    if let Ok(mut files) = TEMPORARY.lock() {
        files.retain(|p| p != path);
    }
}

fn remove_temporary_files() {
    if let Ok(files) = TEMPORARY.lock() {
        for file in files.iter() {
            let _ = std::fs::remove_file(file);
        }
    }
}
