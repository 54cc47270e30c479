//! Search bounds shared by `explore` and `check`: `--max-states`,
//! `--max-memory`, `--time` and `--threads`. Hitting a bound ends the search
//! with `unknown` and the figures reached, never a wrong `holds`.
//!
//! Without `--max-memory` the bound is three quarters of the machine's
//! memory (at most 16 GiB), so a search stops before the OS kills it.

use crate::check::ExploreOptions;
use crate::scenario::Duration;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct BoundArgs {
    /// Most distinct states stored by exhaustive search.
    #[arg(long, value_name = "N")]
    pub max_states: Option<u64>,
    /// Memory budget of exhaustive search, e.g. `4GiB`, `512MiB`
    /// (default: 3/4 of the machine's memory, at most 16 GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// Wall-clock budget of exhaustive search, e.g. `60s`, `5m`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub time: Option<u64>,
    /// Worker threads of exhaustive search; output never depends on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Turn symmetry reduction off (to measure or cross-check it).
    #[arg(long)]
    pub no_symmetry: bool,
    /// Turn partial-order reduction (sleep sets, untimed search) off (to
    /// measure or cross-check it).
    #[arg(long)]
    pub no_por: bool,
}

impl BoundArgs {
    /// Puts the bounds into `options`.
    pub fn apply(&self, mut options: ExploreOptions) -> ExploreOptions {
        options.max_states = self.max_states.or(options.max_states);
        options.max_memory = self.max_memory.or_else(default_memory);
        options.time_ms = self.time;
        options.threads = self.threads;
        options.no_symmetry = self.no_symmetry;
        options.no_partial_order = self.no_por;
        options
    }
}

/// 3/4 of `MemTotal`, at most 16 GiB; `None` where the OS does not say.
fn default_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kib * 1024 / 4 * 3).min(16 << 30))
}

fn parse_duration(text: &str) -> Result<u64, String> {
    match Duration::parse(text) {
        Ok(d) if d.0 >= 0 => Ok(d.millis()),
        Ok(_) => Err("a time budget cannot be negative".into()),
        Err(e) => Err(format!("{} (e.g. `60s`, `5m`)", e.0)),
    }
}

/// `123`, `64KiB`, `512MiB`, `4GiB` (also `K`, `M`, `G`, `KB`, `MB`, `GB`:
/// all binary multiples).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[digits.len()..];
    let shift = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("unknown unit `{unit}` (use KiB, MiB or GiB)")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (e.g. `4GiB`)"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_units_and_refuse_unknown_ones() {
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("4TB").is_err());
        assert!(parse_size("lots").is_err());
    }
}
