//! The exact rewrite of a duration the strict grammar refused: decimals
//! (`"1.5h"` → `"1h30m"`), unit words (`"30min"` → `"30m"`), spaces
//! (`"90 s"` → `"90s"`), a missing unit (`"15"` → `"15s"`), repeated or
//! ascending units (`"30s15m"` → `"15m30s"`), ISO 8601 (`"PT1H30M"`) and
//! bare JSON numbers (`900` → `"900s"`).

use super::{Duration, EXPECTED, MAX_MILLIS, UNITS};

/// Spellings of each unit people write, lower-case.
const ALIASES: [(&str, &[&str]); 6] = [
    (
        "ms",
        &[
            "ms",
            "msec",
            "msecs",
            "millis",
            "millisecond",
            "milliseconds",
        ],
    ),
    ("s", &["s", "sec", "secs", "second", "seconds"]),
    ("m", &["m", "min", "mins", "minute", "minutes"]),
    ("h", &["h", "hr", "hrs", "hour", "hours"]),
    ("d", &["d", "day", "days"]),
    ("w", &["w", "wk", "wks", "week", "weeks"]),
];

/// A refused string as messages show it: quoted, cut when long.
pub fn shown(text: &str) -> String {
    crate::scenario::error::clip(text)
}

/// The normalised strict spelling of a near miss, when it has one.
pub fn rewrite(text: &str) -> Option<String> {
    let rewrite = lenient(text)?.spelled();
    (rewrite != text).then_some(rewrite)
}

/// A near miss read leniently: its total, and the whole amount per unit
/// when every part was a whole number (so `"90 s"` stays `"90s"`).
struct Reading {
    millis: i64,
    per_unit: Option<[i128; 6]>,
}

impl Reading {
    /// The user's own units, merged and largest first, when they were
    /// whole numbers; else the compound form of the total.
    fn spelled(&self) -> String {
        let Some(per_unit) = self.per_unit else {
            return Duration(self.millis).compound();
        };
        let mut out = String::from(if self.millis < 0 { "-" } else { "" });
        for (i, amount) in per_unit.iter().enumerate().rev() {
            if *amount > 0 {
                out.push_str(&format!("{amount}{}", UNITS[i].0));
            }
        }
        if out.trim_start_matches('-').is_empty() {
            return "0s".into();
        }
        out
    }
}

/// The message for a JSON number where a duration string belongs: a bare
/// number is read as seconds for the suggestion.
pub fn number(raw: &str) -> String {
    let rewrite = lenient(raw).map(|r| r.spelled());
    let expected = EXPECTED.replacen("a duration", "a duration string", 1);
    let mut text = format!("{expected}, found the number {raw}");
    if let Some(rewrite) = rewrite {
        text.push_str(&format!("; did you mean \"{rewrite}\"?"));
    }
    text
}

/// Any order, repeats, decimals, unit words, spaces; a lone bare number
/// is seconds. `None` when that still is not a duration, or not a whole
/// number of milliseconds.
fn lenient(text: &str) -> Option<Reading> {
    let mut body: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(iso) = body.strip_prefix('P').or_else(|| body.strip_prefix("-P")) {
        let sign = if body.starts_with('-') { "-" } else { "" };
        body = format!("{sign}{}", iso.replacen('T', "", 1));
    }
    let body = body.to_lowercase();
    let (negative, mut rest) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body.as_str()),
    };
    let mut total: i128 = 0;
    let mut per_unit = Some([0_i128; 6]);
    let mut parts = 0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_end);
        let unit_end = after
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_end);
        let unit = if unit.is_empty() && parts == 0 && after.is_empty() {
            1
        } else {
            unit_index(unit)?
        };
        let factor = UNITS[unit].1;
        total += exact_millis(number, factor)?;
        if total > i128::from(MAX_MILLIS) {
            return None;
        }
        match (number.contains('.'), per_unit.as_mut()) {
            (false, Some(amounts)) => amounts[unit] += exact_millis(number, 1)?,
            _ => per_unit = None,
        }
        parts += 1;
        rest = after;
    }
    let total = i64::try_from(total).ok().filter(|_| parts > 0)?;
    Some(Reading {
        millis: if negative { -total } else { total },
        per_unit,
    })
}

/// The index in [`UNITS`] of a unit word.
fn unit_index(unit: &str) -> Option<usize> {
    let (canonical, _) = ALIASES.iter().find(|(_, names)| names.contains(&unit))?;
    UNITS.iter().position(|(name, _)| name == canonical)
}

/// `number × factor` in ms, when the decimal is exact to the millisecond.
fn exact_millis(number: &str, factor: i64) -> Option<i128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || fraction.contains('.') || fraction.len() > 18 {
        return None;
    }
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let scale = 10_i128.pow(fraction.len() as u32);
    let fraction: i128 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().ok()?
    };
    let scaled = fraction.checked_mul(i128::from(factor))?;
    if scaled % scale != 0 {
        return None;
    }
    whole
        .checked_mul(i128::from(factor))?
        .checked_add(scaled / scale)
}
