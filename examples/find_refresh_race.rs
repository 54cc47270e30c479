//! The canonical refresh race, built with the library API: two requests of
//! one tab share an expired access token and both refresh with RT1. The
//! auth server rotates refresh tokens and revokes the family on reuse.
//!
//! Explores every interleaving for a naive client and for single-flight,
//! prints the verdicts and the shortest counterexample as Mermaid.
//!
//! Run: `cargo run --example find_refresh_race`

use tokenrace::builder::{mins, secs};
use tokenrace::{Client, Invariant, Refresh, Scenario, Verdict};

fn race(refresh: Refresh) -> Result<Scenario, tokenrace::BuildError> {
    Scenario::builder(format!("two-request-race-{refresh:?}").to_lowercase())
        .auth(|a| a.access_ttl(mins(15)).rotation(true).grace(secs(0)))
        .client(Client::new("tab1").refresh(refresh))
        .login(secs(0), "tab1")
        .request(mins(16), "tab1", 2)
        .check([
            Invariant::NoErrorWhileRefreshValid,
            Invariant::SingleRefreshPerExpiry,
        ])
        .build()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let invariant = Invariant::NoErrorWhileRefreshValid;
    for refresh in [Refresh::Naive, Refresh::SingleFlight] {
        let scenario = race(refresh)?;
        let report = tokenrace::explore(&scenario, &Default::default())?;
        for judged in &report.invariants {
            println!(
                "{}: {} {} ({} states)",
                scenario.name, judged.invariant, judged.verdict, judged.states
            );
        }
        if let Some(trace) = report.trace(invariant) {
            // The counterexample replays to the very same steps.
            assert_eq!(&tokenrace::replay(trace)?, trace);
            println!("\nshortest counterexample of {invariant}:\n");
            println!("```mermaid\n{}```\n", tokenrace::mermaid(trace));
        }
    }
    // The example doubles as a check in CI: the verdicts are the point.
    let naive = tokenrace::explore(&race(Refresh::Naive)?, &Default::default())?;
    let single = tokenrace::explore(&race(Refresh::SingleFlight)?, &Default::default())?;
    assert_eq!(naive.verdict(invariant), Verdict::Violated);
    assert_eq!(single.verdict(invariant), Verdict::Holds);
    Ok(())
}
