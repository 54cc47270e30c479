//! Any bytes through the scenario loader and validator: a scenario or
//! located problems, never a panic. Run with `cargo +nightly fuzz run
//! load_validate` (or `RUSTC_BOOTSTRAP=1 cargo fuzz run load_validate` on
//! stable) from the repository root (docs/fuzzing.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(err) = tokenrace::scenario::parse_bytes(data, "fuzz.json") {
        for problem in err.problems() {
            assert!(problem.line.is_some(), "unlocated: {err}");
        }
    }
});
