//! `tokenrace validate FILE...`: parse and validate scenarios without
//! running them. Prints `ok <file>` per good file (warnings on stderr) and
//! the located errors of bad ones; exit 2 if any file has an error.

use super::output::print;
use super::{load, Code};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario files; every one is validated.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// Validates every file; 2 when any is invalid.
pub fn execute(args: &Args) -> Code {
    let mut code = Code::Clean;
    for file in &args.files {
        match load(file) {
            Some(_) => print(&format!("ok {}\n", file.display())),
            None => code = Code::BadInput,
        }
    }
    code
}
