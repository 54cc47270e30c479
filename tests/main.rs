//! Integration tests.

mod bad_input;
mod cli;
mod diagrams;
