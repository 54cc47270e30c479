//! Integration tests.

mod cli;
mod diagrams;
