//! A property over generated deployments, with the `proptest` feature:
//! "a single tab with single-flight refresh never shows a session error
//! while its session is valid", whatever the auth server's core policy
//! (rotation, grace, reuse handling, denylist, lifetimes) and the network.
//!
//! Uses proptest's `TestRunner` directly, as a program would; in a test
//! suite you would write the same with the `proptest!` macro
//! (docs/library.md).
//!
//! Run: `cargo run --example property_over_policies --features proptest`

use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tokenrace::strategies::{self, Constraints};
use tokenrace::{Invariant, Refresh, Verdict};

fn main() {
    let constraints = Constraints {
        client: strategies::client_settings(&[Refresh::SingleFlight]),
        clients: 1..=1,
        ..Constraints::default()
    };
    // A fixed seed for the runner keeps the example's output reproducible.
    let config = Config {
        cases: 24,
        failure_persistence: None,
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..Config::default()
    };
    let rng = proptest::test_runner::TestRng::from_seed(
        proptest::test_runner::RngAlgorithm::ChaCha,
        &[7; 32],
    );
    let mut runner = TestRunner::new_with_rng(config, rng);
    let judged = std::cell::RefCell::new([0usize; 3]);
    let result = runner.run(&strategies::scenario(constraints), |scenario| {
        let report = tokenrace::explore(&scenario, &Default::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let verdict = report.verdict(Invariant::NoErrorWhileRefreshValid);
        judged.borrow_mut()[verdict as usize] += 1;
        if verdict == Verdict::Violated {
            let trace = report.trace(Invariant::NoErrorWhileRefreshValid).unwrap();
            return Err(TestCaseError::fail(tokenrace::mermaid(trace)));
        }
        Ok(())
    });
    match result {
        Ok(()) => println!(
            "no_error_while_refresh_valid: {} holds, {} unknown (bound hit), 0 violated",
            judged.borrow()[Verdict::Holds as usize],
            judged.borrow()[Verdict::Unknown as usize]
        ),
        Err(e) => {
            eprintln!("property failed:\n{e}");
            std::process::exit(1);
        }
    }
}
