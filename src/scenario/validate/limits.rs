//! Limits of the model's compact numbering, checked before a model is
//! built so no count ever wraps or panics: client indexes and logins are
//! 8-bit, request, token and script-entry numbers 16-bit. Each limit is a
//! located error naming the field that crosses it.

use super::Problem;
use crate::scenario::{ActionKind, Scenario};

/// Clients are indexed in 8 bits (`tab1` is client 0).
pub const MAX_CLIENTS: usize = 255;
/// Requests are numbered per client in 16 bits (`tab1.req65535`).
pub const MAX_REQUESTS_PER_CLIENT: u64 = 65_535;
/// Script entries (and so attacker calls and replays) are numbered in 16 bits.
pub const MAX_SCRIPT_ENTRIES: usize = 65_535;
/// Logins (token families) and steals are numbered in 8 bits.
pub const MAX_LOGINS: usize = 255;
pub const MAX_STEALS: usize = 255;
/// A request's retries after a 401 are counted in 8 bits.
pub const MAX_RETRIES: u32 = 255;
/// Access and refresh tokens are numbered in 16 bits (`AT65533`).
pub const MAX_TOKENS: u64 = 65_533;

/// Every limit, in field order.
pub fn limits(scenario: &Scenario, out: &mut Vec<Problem>) {
    if scenario.clients.len() > MAX_CLIENTS {
        out.push(
            Problem::error(
                format!("clients[{MAX_CLIENTS}]"),
                format!("at most {MAX_CLIENTS} clients"),
            )
            .found(format!("{} clients", scenario.clients.len())),
        );
    }
    for (i, client) in scenario.clients.iter().enumerate() {
        if client.retries > MAX_RETRIES {
            out.push(
                Problem::error(
                    format!("clients[{i}].retries"),
                    format!("a whole number ≤ {MAX_RETRIES}"),
                )
                .found(client.retries.to_string()),
            );
        }
    }
    if scenario.script.len() > MAX_SCRIPT_ENTRIES {
        out.push(
            Problem::error(
                format!("script[{MAX_SCRIPT_ENTRIES}]"),
                format!("at most {MAX_SCRIPT_ENTRIES} script entries"),
            )
            .found(format!("{} entries", scenario.script.len())),
        );
    }
    per_kind(
        scenario,
        ActionKind::Login,
        MAX_LOGINS,
        "logins (token families)",
        out,
    );
    per_kind(scenario, ActionKind::Steal, MAX_STEALS, "steals", out);
    // The token bound follows from the requests; one error is enough.
    if !requests(scenario, out) {
        tokens(scenario, out);
    }
}

/// At most `max` entries of one kind: the first one past it is at fault.
fn per_kind(scenario: &Scenario, kind: ActionKind, max: usize, what: &str, out: &mut Vec<Problem>) {
    let mut seen = scenario
        .script
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == kind);
    if let Some((i, _)) = seen.nth(max) {
        let total = max + 1 + seen.count();
        out.push(
            Problem::error(
                format!("script[{i}]"),
                format!("at most {max} {what} in one scenario"),
            )
            .found(format!("{total}")),
        );
    }
}

/// The requests each client starts, summed over the script: the entry
/// whose `count` crosses the limit is at fault. True when one did.
fn requests(scenario: &Scenario, out: &mut Vec<Problem>) -> bool {
    let mut crossed = false;
    let mut started = vec![0_u64; scenario.clients.len()];
    for (i, action) in scenario.script.iter().enumerate() {
        if action.kind != ActionKind::Request {
            continue;
        }
        let Some(c) = client_index(scenario, action.client.as_deref()) else {
            continue;
        };
        let before = started[c];
        started[c] += u64::from(action.count.unwrap_or(1));
        if before <= MAX_REQUESTS_PER_CLIENT && started[c] > MAX_REQUESTS_PER_CLIENT {
            crossed = true;
            let note = if before == 0 {
                String::new()
            } else {
                format!("; {before} start earlier in the script")
            };
            out.push(
                Problem::error(
                    format!("script[{i}].count"),
                    format!(
                        "at most {MAX_REQUESTS_PER_CLIENT} requests per client in one scenario"
                    ),
                )
                .found(format!("{}{note}", action.count.unwrap_or(1)))
                .note(format!(
                    "client {:?} would start {} requests",
                    scenario.clients[c].name, started[c]
                )),
            );
        }
    }
    crossed
}

fn client_index(scenario: &Scenario, name: Option<&str>) -> Option<usize> {
    scenario
        .clients
        .iter()
        .position(|c| Some(c.name.as_str()) == name)
}

/// A bound on the tokens the auth server can issue: two per login, one
/// pair per refresh. A request refreshes at most once per try (the first
/// and each retry, plus a preflight), each refresh sent at most
/// `refresh_retries + 1` times; a proactive timer fires at most once per
/// `access_ttl − proactive` of the horizon (after each login); an attack
/// replays once.
fn tokens(scenario: &Scenario, out: &mut Vec<Problem>) {
    let horizon = scenario.horizon.0.max(0) as u128;
    let logins = scenario
        .script
        .iter()
        .filter(|a| a.kind == ActionKind::Login)
        .count() as u128;
    let mut bound: u128 = logins
        + scenario
            .script
            .iter()
            .filter(|a| a.kind == ActionKind::Attack)
            .count() as u128;
    for action in &scenario.script {
        if action.kind != ActionKind::Request {
            continue;
        }
        if let Some(c) = client_index(scenario, action.client.as_deref()) {
            let client = &scenario.clients[c];
            let sends = u128::from(client.refresh_retries) + 1;
            bound +=
                u128::from(action.count.unwrap_or(1)) * (u128::from(client.retries) + 2) * sends;
        }
    }
    for client in &scenario.clients {
        // A lead not shorter than the TTL is reported by itself.
        let lead = client
            .proactive
            .filter(|l| l.0 < scenario.auth.access_ttl.0);
        if let Some(lead) = lead {
            let period = (scenario.auth.access_ttl.0 - lead.0) as u128;
            let sends = u128::from(client.refresh_retries) + 1;
            bound += (horizon / period + 1) * (logins + 1) * sends;
        }
    }
    if bound > u128::from(MAX_TOKENS) {
        out.push(
            Problem::error("script", format!("a scenario that issues at most {MAX_TOKENS} access tokens"))
                .found(format!("up to {bound} (logins, refreshes of every request try, proactive refreshes until the horizon)"))
                .note("start fewer requests, lower retries or refresh_retries, or shorten the horizon"),
        );
    }
}
