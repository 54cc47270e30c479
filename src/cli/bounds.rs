//! Search bounds shared by `explore` and `check`: `--max-states`,
//! `--max-memory`, `--time` and `--threads`. Hitting a bound ends the search
//! with `unknown` and the figures reached, never a wrong `holds`.
//!
//! Without `--max-memory` the bound is three quarters of the memory the
//! process may use — the machine's, or less under `ulimit -v`/`-d` or a
//! cgroup limit — at most 16 GiB, so a search stops (`unknown`) before
//! an allocation fails or the OS kills it. The bound is checked against
//! the search's own count of what it stores (`explore::budget`), so it
//! never depends on timing or thread count.

use crate::check::{ExploreOptions, ReductionsOff};
use crate::scenario::Duration;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct BoundArgs {
    /// Most distinct states stored by exhaustive search.
    #[arg(long, value_name = "N")]
    pub max_states: Option<u64>,
    /// Memory budget of exhaustive search, e.g. `4GiB`, `512MiB`, counted
    /// as the bytes the search stores (default: 3/4 of the memory the
    /// process may use under the machine, ulimit and cgroup, at most 16 GiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// Wall-clock budget of the search, exhaustive, random or PCT, e.g. `60s`, `5m`.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub time: Option<u64>,
    /// Worker threads of exhaustive search; output never depends on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The reductions' off switches.
    #[command(flatten)]
    pub reductions: ReductionArgs,
}

/// The off switch of every reduction, shared by `explore`, `check` and
/// `matrix` (each exists to cross-check or measure its reduction).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReductionArgs {
    /// Turn symmetry reduction off (to measure or cross-check it).
    #[arg(long)]
    pub no_symmetry: bool,
    /// Turn partial-order reduction (sleep sets, untimed search) off (to
    /// measure or cross-check it).
    #[arg(long)]
    pub no_por: bool,
    /// Turn orbit reduction (one move per symmetry orbit, untimed search)
    /// off (to measure or cross-check it).
    #[arg(long)]
    pub no_orbits: bool,
    /// Turn zone subsumption (windowed search: a state whose zone a stored
    /// zone of the same discrete state includes is not explored) off (to
    /// measure or cross-check it).
    #[arg(long)]
    pub no_subsumption: bool,
    /// Turn active clocks (windowed search: pending events that surely go
    /// after the horizon, and the zone variables only they use, are
    /// dropped) off (to measure or cross-check it).
    #[arg(long)]
    pub no_active_clocks: bool,
    /// Turn LU extrapolation (windowed search: a zone is covered when the
    /// extrapolation of a stored zone includes it) off (to measure or
    /// cross-check it).
    #[arg(long)]
    pub no_extrapolation: bool,
    /// Turn the hull pre-pass (windowed search: one convex zone per
    /// discrete state explored first; when no invariant is hit there, all
    /// hold, else the exact search decides) off (to measure or cross-check
    /// it).
    #[arg(long)]
    pub no_hull: bool,
    /// Turn dead-data forgetting (a finished request's retries, last AT and
    /// held RT are reset, so states differing only there merge) off (to
    /// measure or cross-check it).
    #[arg(long)]
    pub no_forget: bool,
}

impl ReductionArgs {
    /// The switches as the library takes them.
    pub fn off(&self) -> ReductionsOff {
        ReductionsOff {
            symmetry: self.no_symmetry,
            partial_order: self.no_por,
            orbits: self.no_orbits,
            subsumption: self.no_subsumption,
            active_clocks: self.no_active_clocks,
            extrapolation: self.no_extrapolation,
            hull: self.no_hull,
            forget: self.no_forget,
        }
    }
}

impl BoundArgs {
    /// Puts the bounds into `options`.
    pub fn apply(&self, mut options: ExploreOptions) -> ExploreOptions {
        options.max_states = self.max_states.or(options.max_states);
        options.max_memory = self.max_memory.or_else(default_memory);
        options.time_ms = self.time;
        options.threads = self.threads;
        self.reductions.off().apply(&mut options);
        options
    }
}

/// What the search may count as stored, at most 16 GiB: 3/4 of the least
/// of the machine's `MemTotal`, the `RLIMIT_DATA` soft limit (`ulimit -d`)
/// and the cgroup's limit (v2 `memory.max` of the process's cgroup and its
/// ancestors, v1 `memory.limit_in_bytes`), and 1/2 of the `RLIMIT_AS` soft
/// limit (`ulimit -v`), which also counts address space reserved but not
/// used (thread stacks, the allocator's arenas, a vector's old and new
/// buffer while it grows). What is left is for what the search does not
/// count (the binary, allocator slack, transient successors). `None` where
/// nothing is known.
fn default_memory() -> Option<u64> {
    let resident = [mem_total(), rlimit_bytes(Limit::Data), cgroup_limit()];
    let resident = resident.into_iter().flatten().min().map(|b| b / 4 * 3);
    let address = rlimit_bytes(Limit::AddressSpace).map(|b| b / 2);
    let least = [resident, address].into_iter().flatten().min()?;
    Some(least.min(16 << 30))
}

fn mem_total() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The rlimits the default memory budget respects.
#[derive(Clone, Copy)]
enum Limit {
    AddressSpace,
    Data,
}

/// A soft rlimit in bytes, if one is set.
#[cfg(unix)]
fn rlimit_bytes(which: Limit) -> Option<u64> {
    let resource = match which {
        Limit::AddressSpace => libc::RLIMIT_AS,
        Limit::Data => libc::RLIMIT_DATA,
    };
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes the struct it is given.
    let ok = unsafe { libc::getrlimit(resource, &mut limit) } == 0;
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

#[cfg(not(unix))]
fn rlimit_bytes(_: Limit) -> Option<u64> {
    None
}

/// The cgroup memory limit of this process, if it has one (Linux): the
/// least over its cgroup and the ancestors visible here, v2 (`memory.max`)
/// and v1 (`memory.limit_in_bytes`; "no limit" is a huge number, which
/// `MemTotal` then undercuts).
fn cgroup_limit() -> Option<u64> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mut least: Option<u64> = None;
    for line in cgroups.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next(), parts.next()?, parts.next()?);
        let (root, file) = if controllers.is_empty() {
            ("/sys/fs/cgroup", "memory.max")
        } else if controllers.split(',').any(|c| c == "memory") {
            ("/sys/fs/cgroup/memory", "memory.limit_in_bytes")
        } else {
            continue;
        };
        let mut dir = std::path::Path::new(root).join(path.trim_start_matches('/'));
        loop {
            // `max` (no limit) does not parse: skipped.
            let limit = std::fs::read_to_string(dir.join(file))
                .ok()
                .and_then(|text| text.trim().parse::<u64>().ok());
            if let Some(n) = limit {
                least = Some(least.map_or(n, |l| l.min(n)));
            }
            if !dir.pop() || !dir.starts_with(root) {
                break;
            }
        }
    }
    least
}

pub fn parse_duration(text: &str) -> Result<u64, String> {
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
