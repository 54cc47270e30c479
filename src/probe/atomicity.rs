//! `atomic_rotation` from the race rounds, and the server behaviour the
//! rounds and the other probes showed that no auth field expresses.

use super::infer::{evidence, Evidence};
use super::probes::Findings;
use serde_json::json;

/// `atomic_rotation` from the race rounds, and what the rounds showed
/// that no field says.
pub(super) fn atomicity(f: &Findings, graced: bool) -> (Evidence, Vec<String>) {
    let mut notes = Vec::new();
    let rounds = f.races.len();
    let n = f.race_size;
    let errors: usize = f.races.iter().map(|r| r.server_errors()).sum();
    if errors > 0 {
        notes.push(format!(
            "{errors} of {} racing refreshes answered 5xx or broke the connection: the model has no server error for a refresh (proposed: auth.race_errors, a probability or status for a refresh that loses a race)",
            rounds * n
        ));
    }
    if f.rotation != Some(true) {
        return (
            evidence(
                "atomic_rotation",
                json!(true),
                "not_applicable",
                "no rotation",
            ),
            notes,
        );
    }
    if f.races.is_empty() {
        return (
            evidence(
                "atomic_rotation",
                json!(true),
                "assumed",
                "not probed (needs fresh families and --repeat > 0)",
            ),
            notes,
        );
    }
    let forks = f.races.iter().filter(|r| r.distinct_refresh() >= 2).count();
    let coalesced = f
        .races
        .iter()
        .filter(|r| r.successes() >= 2 && r.distinct_refresh() == 1)
        .count();
    if !graced && coalesced > 0 {
        notes.push(format!(
            "in {coalesced} of {rounds} race rounds several concurrent refreshes of one RT all got the same pair although a sequential replay is refused: the check waits for the winner and returns its pair, a grace that lasts only while the first refresh is in flight (proposed: auth.concurrent_returns: \"same\")"
        ));
    }
    let sure_of_forks = !graced || f.grace_returns == Some("same");
    let atomic = if !sure_of_forks {
        evidence(
            "atomic_rotation",
            json!(true),
            "assumed",
            "a grace that mints a new pair per hit hides a fork",
        )
    } else if forks > 0 {
        evidence("atomic_rotation", json!(false), "observed", format!("{forks} of {rounds} rounds of {n} concurrent refreshes of one RT returned 2 or more different refresh tokens (a fork)"))
    } else {
        evidence("atomic_rotation", json!(true), "observed", format!("no fork in {rounds} rounds of {n} concurrent refreshes (a race can still hide one)"))
    };
    (atomic, notes)
}

pub(super) fn not_expressible(f: &Findings) -> Vec<String> {
    let mut notes = Vec::new();
    if f.parent_access_dies == Some(true) {
        notes.push(
            "a refresh revokes the access token issued with the presented refresh token; the model keeps it valid until it expires (proposed: auth.refresh_revokes_access: true)"
                .to_string(),
        );
    }
    notes
}
