//! Integration tests.

mod bad_input;
mod ci_reports;
mod cli;
mod cli_runs;
mod corpus;
mod determinism;
mod diagrams;
mod docs;
mod metamorphic;
mod presets;
mod properties;
mod reductions;
