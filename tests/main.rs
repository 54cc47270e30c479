//! Integration tests.

mod bad_input;
mod bounds;
mod ci_reports;
mod cli;
mod cli_runs;
mod corpus;
mod determinism;
mod diagrams;
mod discovery;
mod docs;
mod knobs;
mod metamorphic;
mod mutations;
mod partial_order;
mod presets;
mod properties;
mod reductions;
mod vacuity;
