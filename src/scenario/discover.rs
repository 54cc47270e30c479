//! Which files of a folder are scenarios, for `check DIR` and `validate
//! DIR` (docs/cli.md "Scenario discovery"): a folder is searched
//! recursively for `*.json`, skipping `target/`, `node_modules/`, hidden
//! folders and symbolic links to folders; a `*.tokenrace.json` file is
//! always a scenario; any other `*.json` is one when its top level names
//! `clients` or `script` (or, not being valid JSON, mentions one of them).
//! Everything else is skipped with the reason. A path named explicitly is
//! never skipped: the loader refuses it with a message instead.

use super::kind::sniff;
use std::path::{Path, PathBuf};

/// Folder names never searched (besides hidden ones).
pub const SKIPPED_FOLDERS: [&str; 2] = ["target", "node_modules"];

/// The suffix that marks a scenario whatever it holds.
pub const SUFFIX: &str = ".tokenrace.json";

/// The outcome of searching one path, both lists sorted by path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Discovered {
    pub scenarios: Vec<PathBuf>,
    /// JSON files that are not scenarios, with why.
    pub skipped: Vec<(PathBuf, String)>,
}

impl Discovered {
    /// The stderr notes for the skipped files, one per line.
    pub fn notes(&self) -> Vec<String> {
        self.skipped
            .iter()
            .map(|(path, why)| format!("{}: note: not a scenario, skipped: {why}", path.display()))
            .collect()
    }
}

/// The scenarios under `path`: itself when it is a file (never skipped),
/// else what the folder holds. `Err` is a located message: unreadable, or
/// a folder with no scenario in it.
pub fn discover(path: &Path) -> Result<Discovered, String> {
    let place = path.display();
    let metadata =
        std::fs::metadata(path).map_err(|e| format!("{place}: error: cannot read: {e}"))?;
    if !metadata.is_dir() {
        return Ok(Discovered {
            scenarios: vec![path.to_path_buf()],
            skipped: Vec::new(),
        });
    }
    let mut found = Discovered::default();
    let mut folders = vec![path.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let cannot = |e: std::io::Error| format!("{}: error: cannot read: {e}", folder.display());
        for entry in std::fs::read_dir(&folder).map_err(cannot)? {
            let entry = entry.map_err(cannot)?;
            let entry_path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let file_type = entry.file_type().map_err(cannot)?;
            if file_type.is_dir() {
                if !name.starts_with('.') && !SKIPPED_FOLDERS.contains(&name.as_str()) {
                    folders.push(entry_path);
                }
            } else if name.ends_with(".json") && entry_path.is_file() {
                match why_skipped(&entry_path, &name) {
                    None => found.scenarios.push(entry_path),
                    Some(why) => found.skipped.push((entry_path, why)),
                }
            }
        }
    }
    found.scenarios.sort();
    found.skipped.sort();
    if found.scenarios.is_empty() {
        let skipped = match found.skipped.len() {
            0 => String::new(),
            n => format!(
                " ({n} other JSON file{} skipped)",
                if n == 1 { "" } else { "s" }
            ),
        };
        return Err(format!(
            "{place}: error: no scenario files in this folder{skipped}: a scenario is a *.json file whose top level has \"clients\" or \"script\", or any *{SUFFIX} file"
        ));
    }
    Ok(found)
}

/// `None` for a scenario; unreadable files are kept so the loader reports them.
fn why_skipped(path: &Path, name: &str) -> Option<String> {
    if name.ends_with(SUFFIX) {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    sniff(&text).why_not_a_scenario(&path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_taken_whatever_it_holds() {
        let found = discover(Path::new("Cargo.toml")).unwrap();
        assert_eq!(found.scenarios, vec![PathBuf::from("Cargo.toml")]);
    }

    #[test]
    fn a_missing_path_is_an_error() {
        let err = discover(Path::new("no/such/folder")).unwrap_err();
        assert!(
            err.starts_with("no/such/folder: error: cannot read"),
            "{err}"
        );
    }
}
