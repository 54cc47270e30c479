//! Integration tests.

mod bad_input;
mod cli;
mod corpus;
mod determinism;
mod diagrams;
mod reductions;
