//! A scenario built from an inferred block: the canonical race, one
//! naive client whose two requests meet an expired AT and both refresh
//! with the same RT — the interleaving the tests drive against the real
//! server with two racing connections.

use super::report::{duration_text, Report};
use crate::scenario::duration::Duration;
use serde_json::Value;

/// The scenario text (valid scenario JSON) for `report`'s block.
pub fn race_scenario(report: &Report, name: &str) -> String {
    let access_ms = report
        .value("access_ttl")
        .and_then(Value::as_str)
        .and_then(|text| Duration::parse(text).ok())
        .map_or(900_000, |d| u64::try_from(d.0).unwrap_or(0));
    let request_at = access_ms + 1000;
    let horizon = request_at + 120_000;
    let evidence: Vec<String> = report
        .fields
        .iter()
        .map(|e| format!("{} {} ({})", e.field, e.confidence, e.why))
        .collect();
    let description = format!(
        "Built by tokenrace probe. Two naive refreshes of one RT after the AT expired. Evidence: {}.",
        evidence.join("; ")
    );
    format!(
        "{{\n  \"name\": {name},\n  \"description\": {description},\n  \"horizon\": \"{horizon}\",\n  \"auth\": {auth},\n  \"resource\": {{\"check_denylist\": {deny}}},\n  \"clients\": [{{\"name\": \"tab1\"}}],\n  \"script\": [\n    {{\"at\": \"0s\", \"do\": \"login\", \"client\": \"tab1\"}},\n    {{\"at\": \"{request}\", \"do\": \"request\", \"client\": \"tab1\", \"count\": 2}}\n  ],\n  \"check\": [\"no_error_while_refresh_valid\", \"no_family_fork\", \"requests_complete\"]\n}}\n",
        name = Value::from(name),
        description = Value::from(description),
        horizon = duration_text(horizon),
        auth = report.auth_text(2),
        deny = report.check_denylist,
        request = duration_text(request_at),
    )
}
