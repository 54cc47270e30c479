//! `tokenrace validate PATH...`: parse and validate scenarios without
//! running them. Folders are searched like `check` does
//! (`scenario::discover`). Prints `ok <file>` per good file (warnings on
//! stderr) and the located errors of bad ones; exit 2 if any file has an
//! error or a folder holds no scenario.

use super::output::{self, print};
use super::{load, Code};
use crate::scenario::discover::discover;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files or folders (searched recursively for scenario *.json
    /// files, skipping target/, node_modules/ and hidden folders).
    #[arg(required = true, value_name = "PATH")]
    files: Vec<PathBuf>,
}

/// Validates every file found; 2 when any is invalid.
pub fn execute(args: &Args) -> Code {
    let mut code = Code::Clean;
    for path in &args.files {
        let found = match discover(path) {
            Ok(found) => found,
            Err(message) => {
                output::eprint_line(&message);
                code = Code::BadInput;
                continue;
            }
        };
        for note in found.notes() {
            output::eprint_line(&note);
        }
        for file in &found.scenarios {
            match load(file) {
                Some(_) => print(&format!("ok {}\n", file.display())),
                None => code = Code::BadInput,
            }
        }
    }
    code
}
