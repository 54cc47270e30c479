//! Durations as users write them (`"250ms"`, `"15m"`, `"30d"`) and as the
//! model keeps them (integer milliseconds). Parsing lives here so every other
//! module sees only millisecond-valued [`Duration`] fields, never a string.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A span of virtual time in milliseconds. Signed only for `skew`; every other
/// field is validated to be non-negative.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub i64);

const UNITS: [(&str, i64); 6] = [
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
];

/// Why a duration string was refused; the text is what the user sees after
/// "expected".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError(pub String);

impl Duration {
    /// Milliseconds, for fields validated to be non-negative.
    pub fn millis(self) -> u64 {
        assert!(self.0 >= 0, "negative duration reached the model");
        self.0 as u64
    }

    /// Parses `-?<digits><unit>`; refuses overflow rather than wrapping.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let expected = || {
            DurationError(format!(
                "a duration like \"250ms\", \"15s\", \"15m\", \"2h\" or \"30d\" (integer + unit ms|s|m|h|d|w), found {text:?}"
            ))
        };
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let digits_end = body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len());
        let (digits, unit) = body.split_at(digits_end);
        if digits.is_empty() {
            return Err(expected());
        }
        let factor = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, f)| *f)
            .ok_or_else(expected)?;
        let overflow = || DurationError(format!("a duration that fits in 2^53 ms, found {text:?}"));
        let value: i64 = digits.parse().map_err(|_| overflow())?;
        let millis = value.checked_mul(factor).ok_or_else(overflow)?;
        if millis > (1_i64 << 53) {
            return Err(overflow());
        }
        Ok(Duration(if negative { -millis } else { millis }))
    }
}

impl fmt::Display for Duration {
    /// The shortest exact spelling, so a normalised scenario reads like the
    /// file the user wrote.
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
                write!(f, "a duration string like \"250ms\", \"15m\" or \"30d\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(|e| E::custom(e.0))
            }
        }
        d.deserialize_str(Visitor)
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
        schema.string().pattern = Some("^-?[0-9]+(ms|s|m|h|d|w)$".into());
        schema.metadata().description =
            Some("integer + unit: ms, s, m, h, d, w (\"250ms\", \"15m\", \"30d\")".into());
        schema.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(Duration::parse("250ms").unwrap().0, 250);
        assert_eq!(Duration::parse("15s").unwrap().0, 15_000);
        assert_eq!(Duration::parse("15m").unwrap().0, 900_000);
        assert_eq!(Duration::parse("2h").unwrap().0, 7_200_000);
        assert_eq!(Duration::parse("30d").unwrap().0, 2_592_000_000);
        assert_eq!(Duration::parse("0s").unwrap().0, 0);
        assert_eq!(Duration::parse("-5m").unwrap().0, -300_000);
    }

    #[test]
    fn refuses_bad_spellings_and_overflow() {
        for bad in [
            "",
            "15",
            "m",
            "1.5s",
            "15 m",
            "15min",
            "99999999999999999999d",
            "9999999999d",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn displays_shortest_exact_form() {
        assert_eq!(Duration(900_000).to_string(), "15m");
        assert_eq!(Duration(40).to_string(), "40ms");
        assert_eq!(Duration(960_040).to_string(), "960040ms");
        assert_eq!(Duration(0).to_string(), "0s");
    }
}
