//! A probe's result and its two layouts: text for people (the `auth`
//! block as JSON, the evidence, the transcript) and one JSON document.

use super::infer::Evidence;
use serde_json::{json, Value};

/// Everything a probe found.
#[derive(Clone, Debug)]
pub struct Report {
    /// One per auth field, in the format's order.
    pub fields: Vec<Evidence>,
    /// The newest AT was refused after reuse detection: a scenario built
    /// from this block should set `resource.check_denylist`.
    pub check_denylist: bool,
    /// Server behaviour no auth field expresses, with a proposed field.
    pub not_expressible: Vec<String>,
    pub not_run: Vec<String>,
    /// Per race round: successes, distinct successor RTs, 5xx.
    pub races: Vec<(usize, usize, usize)>,
    pub race_size: usize,
    pub requests: usize,
    pub transcript: Vec<String>,
}

impl Report {
    /// The inferred value of one field.
    pub fn value(&self, field: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|e| e.field == field)
            .map(|e| &e.value)
    }

    /// The `auth` block as a JSON object text, fields in the format's
    /// order, two-space indented at `indent`.
    pub fn auth_text(&self, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let lines: Vec<String> = self
            .fields
            .iter()
            .map(|e| format!("{pad}  \"{}\": {}", e.field, e.value))
            .collect();
        format!("{{\n{}\n{pad}}}", lines.join(",\n"))
    }

    /// The whole report as one JSON document (docs/probe.md).
    pub fn to_json(&self) -> String {
        let evidence: Vec<Value> = self
            .fields
            .iter()
            .map(|e| json!({"field": e.field, "value": e.value, "confidence": e.confidence, "evidence": e.why}))
            .collect();
        let races: Vec<Value> = self
            .races
            .iter()
            .map(|(ok, distinct, errors)| json!({"racers": self.race_size, "successes": ok, "distinct_refresh_tokens": distinct, "server_errors": errors}))
            .collect();
        let text = format!(
            "{{\n  \"auth\": {},\n  \"resource\": {{\"check_denylist\": {}}},\n  \"evidence\": {},\n  \"not_expressible\": {},\n  \"not_run\": {},\n  \"races\": {},\n  \"requests\": {},\n  \"transcript\": {}\n}}\n",
            self.auth_text(2),
            self.check_denylist,
            Value::from(evidence),
            json!(self.not_expressible),
            json!(self.not_run),
            Value::from(races),
            self.requests,
            json!(self.transcript),
        );
        debug_assert!(serde_json::from_str::<Value>(&text).is_ok());
        text
    }

    /// The text layout: the block first, so it can be copied.
    pub fn to_text(&self) -> String {
        let mut out = String::from("auth block (paste into a scenario's \"auth\"):\n");
        out.push_str(&self.auth_text(0));
        out.push('\n');
        if self.check_denylist {
            out.push_str("resource: {\"check_denylist\": true}\n");
        }
        out.push_str("\nevidence:\n");
        for e in &self.fields {
            out.push_str(&format!(
                "  {:<17} {:<15} {}\n",
                e.field, e.confidence, e.why
            ));
        }
        for (title, items) in [
            ("not expressible", &self.not_expressible),
            ("not run", &self.not_run),
        ] {
            if !items.is_empty() {
                out.push_str(&format!("\n{title}:\n"));
                for item in items {
                    out.push_str(&format!("  - {item}\n"));
                }
            }
        }
        out.push_str(&format!("\ntranscript ({} requests):\n", self.requests));
        for line in &self.transcript {
            out.push_str(&format!("  {line}\n"));
        }
        out
    }
}

/// Milliseconds as the format writes durations, in the largest unit that
/// divides them.
pub fn duration_text(ms: u64) -> String {
    const UNITS: [(u64, &str); 5] = [
        (604_800_000, "w"),
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1000, "s"),
    ];
    if ms == 0 {
        return "0s".to_string();
    }
    for (size, unit) in UNITS {
        if ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// The grace that best explains "worked after `lo` ms, refused after `hi`":
/// the smallest whole second in `(lo, hi]`, else `hi` itself.
pub fn grace_value(lo: u64, hi: u64) -> String {
    let second = (lo / 1000 + 1) * 1000;
    duration_text(if second <= hi { second } else { hi })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_largest_unit_that_divides_them() {
        assert_eq!(duration_text(36_000_000), "10h");
        assert_eq!(duration_text(60_000), "1m");
        assert_eq!(duration_text(90_000), "90s");
        assert_eq!(duration_text(1500), "1500ms");
        assert_eq!(duration_text(0), "0s");
    }

    #[test]
    fn a_bounded_grace_is_the_smallest_whole_second_inside_the_bounds() {
        assert_eq!(grace_value(1875, 2250), "2s");
        assert_eq!(grace_value(1000, 1300), "1300ms");
        assert_eq!(grace_value(0, 375), "375ms");
    }
}
