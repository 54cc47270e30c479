//! The script (which fields each `do` takes, known clients, times within
//! the horizon) and the schedule (actor names, `nth`).

use super::{quoted, suggest, Problem, BUILT_IN_ACTORS};
use crate::scenario::{Action, ActionKind, Scenario, TokenKind};

/// Whether an action kind needs, may take, or must not carry a field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Required,
    Optional,
    Absent,
}

const FIELDS: [&str; 4] = ["client", "count", "token", "by"];

/// The use of `client`, `count`, `token`, `by` by each kind (docs/scenario-format.md "script").
fn uses(kind: ActionKind) -> [Use; 4] {
    use Use::*;
    match kind {
        ActionKind::Login | ActionKind::Logout => [Required, Absent, Absent, Absent],
        ActionKind::Request => [Required, Optional, Absent, Absent],
        ActionKind::RevokeAll => [Absent, Absent, Absent, Absent],
        ActionKind::Steal => [Required, Absent, Required, Absent],
        ActionKind::Attack => [Absent, Absent, Required, Absent],
        ActionKind::Skew => [Required, Absent, Absent, Required],
    }
}

fn kind_name(kind: ActionKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Which kinds take a field, for "only … takes it" notes.
fn takers(field: usize) -> String {
    let kinds = [
        ActionKind::Login,
        ActionKind::Request,
        ActionKind::Logout,
        ActionKind::RevokeAll,
        ActionKind::Steal,
        ActionKind::Attack,
        ActionKind::Skew,
    ];
    let names: Vec<String> = kinds
        .iter()
        .filter(|k| uses(**k)[field] != Use::Absent)
        .map(|k| quoted(&kind_name(*k)))
        .collect();
    names.join(", ")
}

pub fn script(scenario: &Scenario, out: &mut Vec<Problem>) {
    if scenario.script.is_empty() {
        out.push(
            Problem::warning("script", "at least one action, such as a login")
                .found("an empty list")
                .note("nothing happens in this scenario"),
        );
    }
    let unarmed = unarmed_attacks(&scenario.script);
    for (i, action) in scenario.script.iter().enumerate() {
        let path = format!("script[{i}]");
        if unarmed[i] {
            out.push(
                Problem::warning(&path, "a steal of a usable token before this attack")
                    .found("no earlier steal")
                    .note("the attacker holds nothing yet, so this attack does nothing"),
            );
        }
        super::non_negative(&format!("{path}.at"), action.at, out);
        // A negative horizon is reported once, not once per entry.
        if action.at > scenario.horizon && scenario.horizon.0 >= 0 {
            out.push(
                Problem::error(
                    format!("{path}.at"),
                    format!("a time at or before the horizon ({})", scenario.horizon),
                )
                .found(quoted(&action.at.to_string()))
                .note("nothing fires after the horizon"),
            );
        }
        fields(action, &path, out);
        values(scenario, action, &path, out);
    }
}

/// Attacks that run (in time order, ties in file order) before any steal
/// that could arm them: a refresh attack needs a stolen refresh token; an
/// access attack needs any stolen token (a replayed refresh yields an AT).
fn unarmed_attacks(script: &[Action]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..script.len()).collect();
    order.sort_by_key(|&i| (script[i].at, i));
    let mut unarmed = vec![false; script.len()];
    let (mut stole_any, mut stole_refresh) = (false, false);
    for i in order {
        let action = &script[i];
        match (action.kind, action.token) {
            (ActionKind::Steal, Some(token)) => {
                stole_any = true;
                stole_refresh |= token != TokenKind::Access;
            }
            (ActionKind::Attack, Some(TokenKind::Refresh)) => unarmed[i] = !stole_refresh,
            (ActionKind::Attack, Some(_)) => unarmed[i] = !stole_any,
            _ => {}
        }
    }
    unarmed
}

/// Missing fields the `do` needs, and fields it does not use.
fn fields(action: &Action, path: &str, out: &mut Vec<Problem>) {
    let kind = quoted(&kind_name(action.kind));
    let present = [
        action.client.as_ref().map(|c| quoted(c)),
        action.count.map(|c| c.to_string()),
        action.token.map(|t| quoted(&kind_name_token(t))),
        action.by.map(|b| quoted(&b.to_string())),
    ];
    for (f, (use_, value)) in uses(action.kind).iter().zip(&present).enumerate() {
        let field = FIELDS[f];
        match (use_, value) {
            (Use::Required, None) => out.push(Problem::error(
                format!("{path}.{field}"),
                format!("a \"{field}\" field (do {kind} needs one)"),
            )),
            (Use::Absent, Some(value)) => out.push(
                Problem::error(
                    format!("{path}.{field}"),
                    format!("no \"{field}\" with do {kind}"),
                )
                .found(value.clone())
                .note(format!("\"{field}\" only goes with do {}", takers(f))),
            ),
            _ => {}
        }
    }
}

fn kind_name_token(token: TokenKind) -> String {
    serde_json::to_value(token)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Values of the fields the `do` uses: known client, count ≥ 1, attack token.
fn values(scenario: &Scenario, action: &Action, path: &str, out: &mut Vec<Problem>) {
    let use_ = uses(action.kind);
    // With no clients at all, `clients` is reported once instead.
    if let (Some(name), false) = (&action.client, use_[0] == Use::Absent) {
        if !scenario.clients.is_empty() && !scenario.clients.iter().any(|c| c.name == *name) {
            out.push(unknown_client(scenario, &format!("{path}.client"), name));
        }
    }
    if action.count == Some(0) && use_[1] != Use::Absent {
        out.push(
            Problem::error(
                format!("{path}.count"),
                "a count ≥ 1 (how many concurrent requests start)",
            )
            .found("0"),
        );
    }
    if action.kind == ActionKind::Attack && action.token == Some(TokenKind::Both) {
        out.push(
            Problem::error(format!("{path}.token"), "\"access\" or \"refresh\"")
                .found("\"both\"")
                .note("an attack uses one token (an API call or a refresh); steal may take both"),
        );
    }
}

fn unknown_client(scenario: &Scenario, path: &str, name: &str) -> Problem {
    let mut names: Vec<String> = Vec::new();
    for client in &scenario.clients {
        if !names.contains(&client.name) {
            names.push(client.name.clone());
        }
    }
    let listed: Vec<String> = names.iter().map(|n| quoted(n)).collect();
    let expected = format!(
        "the name of a client: {}",
        super::super::schema::one_of(&listed)
    );
    let problem = Problem::error(path, expected).found(quoted(name));
    match suggest(Some(&name.to_string()), &names) {
        Some(hint) => problem.note(hint),
        None => problem,
    }
}

pub fn schedule(scenario: &Scenario, out: &mut Vec<Problem>) {
    for (i, selector) in scenario.schedule.iter().enumerate() {
        let path = format!("schedule[{i}]");
        for (field, name) in [("from", &selector.from), ("to", &selector.to)] {
            if !is_actor(scenario, name) {
                out.push(unknown_actor(scenario, &format!("{path}.{field}"), name));
            }
        }
        if selector.from == selector.to {
            out.push(
                Problem::error(format!("{path}.to"), "an actor other than \"from\"")
                    .found(quoted(&selector.to))
                    .note("no actor sends a message to itself"),
            );
        }
        if selector.nth == Some(0) {
            out.push(
                Problem::error(
                    format!("{path}.nth"),
                    "a number ≥ 1 (1 is the earliest-sent match)",
                )
                .found("0"),
            );
        }
    }
}

/// `<prefix><N>` with N a canonical decimal ≥ 1 (as traces spell it).
fn numbered(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix).is_some_and(|n| {
        !n.is_empty()
            && !n.starts_with('0')
            && n.bytes().all(|b| b.is_ascii_digit())
            && n.parse::<u32>().is_ok()
    })
}

/// Actor names of docs/semantics.md: built-ins, clients and their sub-actors.
pub fn is_actor(scenario: &Scenario, name: &str) -> bool {
    let (base, sub) = match name.split_once('.') {
        Some((base, sub)) => (base, Some(sub)),
        None => (name, None),
    };
    let is_client = scenario.clients.iter().any(|c| c.name == base);
    match sub {
        None => BUILT_IN_ACTORS.contains(&base) || is_client,
        Some(sub) if base == "attacker" => numbered(sub, "call") || numbered(sub, "refresh"),
        Some(sub) if is_client => {
            let req = sub.strip_prefix("req").and_then(|n| n.parse::<u64>().ok());
            let started = requests_of(scenario, base);
            (numbered(sub, "req") && req.is_some_and(|n| n <= started))
                || numbered(sub, "proactive")
                || sub == "logout"
        }
        Some(_) => false,
    }
}

/// How many requests the script starts for a client, in all.
fn requests_of(scenario: &Scenario, client: &str) -> u64 {
    scenario
        .script
        .iter()
        .filter(|a| a.kind == ActionKind::Request && a.client.as_deref() == Some(client))
        .map(|a| u64::from(a.count.unwrap_or(1)))
        .sum()
}

fn unknown_actor(scenario: &Scenario, path: &str, name: &str) -> Problem {
    let mut known: Vec<String> = BUILT_IN_ACTORS.iter().map(|a| a.to_string()).collect();
    known.extend(scenario.clients.iter().map(|c| c.name.clone()));
    let client = scenario.clients.first().map_or("tab1", |c| c.name.as_str());
    let expected = format!(
        "an actor: {}, a client's sub-actor such as \"{client}.req1\", \"{client}.proactive1\", \"{client}.logout\", or \"attacker.call1\", \"attacker.refresh1\"",
        crate::scenario::error::list_choices(&known.iter().map(|k| quoted(k)).collect::<Vec<_>>()),
    );
    let base = name.split('.').next().unwrap_or(name).to_string();
    let mut problem = Problem::error(path, expected).found(quoted(name));
    let req = name
        .split_once(".req")
        .filter(|(b, _)| known.contains(&b.to_string()));
    if let Some((client, _)) = req {
        let started = requests_of(scenario, client);
        problem = problem.note(format!(
            "the script starts {started} request{} for {client:?} (\"{client}.req1\" … \"{client}.req{started}\")",
            if started == 1 { "" } else { "s" }
        ));
        return problem;
    }
    match suggest(Some(&base), &known).filter(|_| !known.contains(&base)) {
        Some(hint) => problem.note(hint),
        None => problem,
    }
}
