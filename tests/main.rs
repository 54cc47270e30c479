//! Integration tests.

mod bad_input;
mod bounds;
mod ci_reports;
mod cli;
mod cli_runs;
mod corpus;
mod determinism;
mod diagrams;
mod docs;
mod knobs;
mod metamorphic;
mod partial_order;
mod presets;
mod probe_dot;
mod probe_oidc;
mod probe_race;
mod probe_serve;
mod probe_servers;
mod properties;
mod reductions;
mod vacuity;
