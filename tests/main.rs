//! Integration tests.

mod bad_input;
