//! Durations as users write them (`"250ms"`, `"15m"`, `"1h30m"`, `"2d12h"`)
//! and as the model keeps them (integer milliseconds). Parsing lives here so
//! every other module sees only millisecond-valued [`Duration`] fields,
//! never a string. Near misses (`"1.5h"`, `"30min"`, `"90 s"`, `900`) are
//! refused with the exact rewrite (`duration/suggest.rs`).

mod suggest;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A span of virtual time in milliseconds. Signed only for `skew`; every other
/// field is validated to be non-negative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub i64);

/// Units, smallest first; a compound duration writes them largest first.
const UNITS: [(&str, i64); 6] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
];

/// The largest magnitude accepted: 2^53 ms (exact in a JSON number).
pub const MAX_MILLIS: i64 = 1_i64 << 53;

/// What a duration must look like, as messages say it.
pub const EXPECTED: &str = "a duration like \"250ms\", \"15m\", \"1h30m\" or \"2d12h\" (whole numbers with units w d h m s ms, largest first, each once)";

/// Why a duration was refused: the whole message the user sees after
/// "expected" (`<what>, found <text>` and, when one is known, `; did you
/// mean "<rewrite>"?`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError(pub String);

impl DurationError {
    fn new(expected: &str, found: &str, rewrite: Option<String>) -> DurationError {
        let mut text = format!("{expected}, found {}", suggest::shown(found));
        if let Some(rewrite) = rewrite {
            text.push_str(&format!("; did you mean \"{rewrite}\"?"));
        }
        DurationError(text)
    }
}

impl Duration {
    /// Milliseconds, for fields validated to be non-negative.
    pub fn millis(self) -> u64 {
        assert!(self.0 >= 0, "negative duration reached the model");
        self.0 as u64
    }

    /// Parses `-?(<digits><unit>)+` with units strictly descending (each at
    /// most once); refuses overflow rather than wrapping, and suggests the
    /// exact rewrite of a near miss.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        match strict(text) {
            Ok(millis) => Ok(Duration(millis)),
            Err(Refusal::Overflow) => Err(DurationError::new(
                "a duration of at most 2^53 ms (about 285 years)",
                text,
                None,
            )),
            Err(Refusal::Shape) => Err(DurationError::new(EXPECTED, text, suggest::rewrite(text))),
        }
    }

    /// The normalised compound spelling (`"1h30m"`, `"16m100ms"`, `"2d12h"`):
    /// the form suggestions offer. Weeks are written as days.
    pub fn compound(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let mut rest = self.0.unsigned_abs();
        if rest == 0 {
            return "0s".into();
        }
        let mut out = String::from(sign);
        for (name, factor) in UNITS.iter().rev().skip(1) {
            let factor = *factor as u64;
            if rest >= factor {
                out.push_str(&format!("{}{name}", rest / factor));
                rest %= factor;
            }
        }
        out
    }
}

enum Refusal {
    Shape,
    Overflow,
}

/// The strict grammar: sign, then number-unit pairs, units descending.
fn strict(text: &str) -> Result<i64, Refusal> {
    let (negative, mut body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    if body.is_empty() {
        return Err(Refusal::Shape);
    }
    let mut total: i64 = 0;
    let mut last_unit = UNITS.len();
    while !body.is_empty() {
        let digits_end = body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len());
        let (digits, rest) = body.split_at(digits_end);
        let unit_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let (unit, rest) = rest.split_at(unit_end);
        let index = UNITS.iter().position(|(name, _)| *name == unit);
        let Some(index) = index.filter(|&i| !digits.is_empty() && i < last_unit) else {
            return Err(Refusal::Shape);
        };
        last_unit = index;
        let value: i64 = digits.parse().map_err(|_| Refusal::Overflow)?;
        let part = value.checked_mul(UNITS[index].1).ok_or(Refusal::Overflow)?;
        total = total.checked_add(part).ok_or(Refusal::Overflow)?;
        if total > MAX_MILLIS {
            return Err(Refusal::Overflow);
        }
        body = rest;
    }
    Ok(if negative { -total } else { total })
}

impl fmt::Display for Duration {
    /// The shortest exact single-unit spelling, so a normalised scenario
    /// reads like the file the user wrote (and traces stay as they were).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs() as i64;
        if abs == 0 {
            return write!(f, "0s");
        }
        for (name, factor) in UNITS.iter().rev() {
            if *name != "w" && abs % factor == 0 {
                return write!(f, "{sign}{}{name}", abs / factor);
            }
        }
        write!(f, "{sign}{abs}ms")
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(|e| E::custom(e.0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
                Err(E::custom(suggest::number(&v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
                Err(E::custom(suggest::number(&v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
                Err(E::custom(suggest::number(&v.to_string())))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl schemars::JsonSchema for Duration {
    fn schema_name() -> String {
        "Duration".into()
    }
    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        let mut schema = schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            ..Default::default()
        };
        schema.string().pattern = Some(PATTERN.into());
        schema.metadata().description = Some(
            "whole numbers with units w, d, h, m, s, ms, largest first, each once (\"250ms\", \"15m\", \"1h30m\", \"2d12h\")"
                .into(),
        );
        schema.into()
    }
}

/// The strict grammar as an ECMA-262 regular expression (for the schema).
pub const PATTERN: &str =
    "^-?(?=[0-9])([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$";

#[cfg(test)]
mod tests;
