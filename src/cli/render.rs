//! `tokenrace render TRACE.json --to mermaid|wsd|markdown|dot`: a saved
//! trace as a diagram or document on stdout. Reads the file only; nothing
//! is re-executed, so rendering works for traces of any verdict.

use super::output::{self, print};
use super::Code;
use crate::render::{dot, markdown, mermaid, wsd};
use clap::ValueEnum;
use std::path::PathBuf;

/// Output syntaxes of `render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Mermaid `sequenceDiagram`.
    Mermaid,
    /// `object A B` / `A->B: text` sequence-diagram text.
    Wsd,
    /// Markdown: step table, verdicts, Mermaid block.
    Markdown,
    /// Graphviz DOT: one lane per actor, numbered edges (`dot -Tsvg`).
    Dot,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A saved trace.
    #[arg(value_name = "TRACE.json")]
    trace: PathBuf,
    /// Output syntax.
    #[arg(long, value_enum)]
    to: Target,
}

/// Renders the trace; 2 when it cannot be read.
pub fn execute(args: &Args) -> Code {
    let trace = match output::read_trace(&args.trace) {
        Ok(trace) => trace,
        Err(message) => {
            output::eprint_line(&message);
            return Code::BadInput;
        }
    };
    let text = match args.to {
        Target::Mermaid => mermaid::render(&trace),
        Target::Wsd => wsd::render(&trace),
        Target::Markdown => markdown::render(&trace),
        Target::Dot => dot::render(&trace),
    };
    print(&text);
    Code::Clean
}
