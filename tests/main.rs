//! Integration tests.

mod bad_input;
mod bounds;
mod ci_reports;
mod cli;
mod cli_runs;
mod corpus;
mod corpus_golden;
mod determinism;
mod diagrams;
mod docs;
mod knobs;
mod metamorphic;
mod orbits;
mod partial_order;
mod presets;
mod properties;
mod reductions;
mod vacuity;
