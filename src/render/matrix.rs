//! The strategy × policy matrix ([`Matrix`]) as a terminal table, as the
//! Markdown page committed as docs/matrix.md, and as JSON.
//!
//! What it owns: the three layouts, the cell symbols, the anchors that
//! link a red cell to its counterexample (GitHub's heading slugs), and the
//! command line that regenerates the page. Like every renderer it does no
//! IO and shows no timings, so the page is byte-identical for the same
//! options and version.

use super::markdown::cell as md_cell;
use super::report::{tool, violation_step, JsonInvariant};
use super::{mermaid, table};
use crate::check::matrix::{Cell, ClientStrategy, Matrix, MatrixOptions, ServerPolicy};
use crate::check::{InvariantReport, Verdict};
use crate::scenario::Invariant;
use serde::Serialize;
use std::fmt::Write;

/// The replay command of one violation, once `matrix --out` saved its
/// trace: cell index (row-major, as [`Matrix::cells`]), invariant, command.
pub type CellReplay = (usize, Invariant, String);

/// The command line that produces this matrix in `format`.
pub fn command(options: &MatrixOptions, format: &str) -> String {
    let mut time = options
        .time_ms
        .map(|t| format!(" --time {}", crate::scenario::Duration(t as i64)))
        .unwrap_or_default();
    for flag in options.reductions_off.flags() {
        time.push(' ');
        time.push_str(flag);
    }
    match &options.scenario {
        Some(file) => format!(
            "tokenrace matrix --scenario {file} --max-states {}{time} --format {format}",
            options.max_states
        ),
        None => format!(
            "tokenrace matrix --requests {} --tabs {} --max-states {}{time} --format {format}",
            options.requests, options.tabs, options.max_states
        ),
    }
}

fn plural(n: u32, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `2 concurrent requests · 1 tab (cross_tab rows: 2)`, and the
/// reductions left off, if any.
fn sizes(options: &MatrixOptions) -> String {
    let off = options.reductions_off.flags();
    if off.is_empty() {
        return cell_sizes(options);
    }
    format!(
        "{} · reductions off: {}",
        cell_sizes(options),
        off.join(" ")
    )
}

fn cell_sizes(options: &MatrixOptions) -> String {
    if let Some(file) = &options.scenario {
        return format!(
            "over the scenario {file} · at most {} states per cell",
            options.max_states
        );
    }
    format!(
        "{} · {} (cross_tab rows: {}) · at most {} states per cell",
        plural(options.requests, "concurrent request"),
        plural(options.tabs, "tab"),
        options.tabs.max(2),
        options.max_states
    )
}

/// The terminal table: ✓ holds, ✗ violated, ? unknown, one symbol per
/// invariant in the legend's order; then the replay command of every
/// violation whose trace was saved, or how to save them.
pub fn text(matrix: &Matrix, replays: &[CellReplay]) -> String {
    let mut out = format!("{} · matrix · {}\n", tool(), sizes(&matrix.options));
    let names: Vec<String> = matrix.invariants.iter().map(|i| i.to_string()).collect();
    writeln!(
        out,
        "each cell: {} (✓ holds, ✗ violated, ? unknown)",
        names.join(", ")
    )
    .unwrap();
    let mut rows = vec![std::iter::once("client \\ server".to_string())
        .chain(matrix.servers.iter().map(|s| s.id.clone()))
        .collect::<Vec<_>>()];
    for (c, client) in matrix.clients.iter().enumerate() {
        let mut row = vec![client.id.clone()];
        for s in 0..matrix.servers.len() {
            row.push(matrix.cell(c, s).verdicts.iter().map(symbol).collect());
        }
        rows.push(row);
    }
    out.push_str(&table(&rows));
    if let Some(line) = unknown_line(matrix) {
        writeln!(out, "? {line}").unwrap();
    }
    for (cell, invariant, command) in replays {
        let cell = &matrix.cells[*cell];
        let (client, server) = (&matrix.clients[cell.client], &matrix.servers[cell.server]);
        writeln!(
            out,
            "replay {} vs {}: {invariant}: {command}",
            client.id, server.id
        )
        .unwrap();
    }
    let violated = matrix
        .cells
        .iter()
        .flat_map(|c| &c.verdicts)
        .any(|r| r.verdict == Verdict::Violated);
    if violated && replays.is_empty() {
        out.push_str("save the counterexamples with --out DIR to get their replay commands\n");
    }
    out
}

/// The bounds that stopped the table's `unknown` verdicts, with the flag
/// that raises each; `None` when every verdict is decided.
fn unknown_line(matrix: &Matrix) -> Option<String> {
    let reports = matrix.cells.iter().flat_map(|c| &c.verdicts);
    crate::check::bounds::unknown_summary(reports, matrix.options.max_states)
}

fn symbol(r: &InvariantReport) -> &'static str {
    match r.verdict {
        Verdict::Holds => "✓",
        Verdict::Violated => "✗",
        Verdict::Unknown => "?",
    }
}

/// The heading of a counterexample section: made only of characters
/// GitHub keeps in anchors, so [`anchor`] can predict its slug.
fn heading(client: &ClientStrategy, server: &ServerPolicy, report: &InvariantReport) -> String {
    format!("{} vs {}: {}", client.id, server.id, report.invariant)
}

/// GitHub's anchor for a heading: lower case; letters, digits, `-` and `_`
/// kept; spaces become `-`; everything else dropped.
pub fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The page committed as docs/matrix.md.
pub fn markdown(matrix: &Matrix) -> String {
    let mut out = String::from("# Refresh strategies × auth-server policies\n\n");
    let command = command(&matrix.options, "markdown");
    writeln!(
        out,
        "Generated by `{command} > docs/matrix.md` ({}). Do not edit by hand: \
         the integration test `matrix_page_is_up_to_date` fails when it is stale, and \
         `TOKENRACE_BLESS=1 cargo test matrix_page` rewrites it.\n",
        tool()
    )
    .unwrap();
    preamble(&mut out, matrix);
    grid(&mut out, matrix);
    row_and_column_tables(&mut out, matrix);
    counterexamples(&mut out, matrix);
    out
}

fn preamble(out: &mut String, matrix: &Matrix) {
    writeln!(
        out,
        "Each cell is one scenario ({}): tabs of one browser share `local_storage`; \
         the user logs in at 0s; one minute after the access token AT1 expired (16m \
         with the 15m token of the core columns) the concurrent requests start, spread \
         round-robin over the tabs. Rows with a proactive timer (1m before expiry) run \
         on a clock that is slow by the timer's lead plus one minute, so the timer \
         fires late, together with the requests — a sleeping laptop or a throttled \
         background tab; an on-time timer refreshes before anything expires and \
         avoids the race altogether. The network is the default one (5–80ms per link, \
         no faults); the run ends four minutes after the requests start. Every cell \
         is explored exhaustively (breadth first), so a ✅ covers every order the \
         latency windows allow.\n",
        sizes(&matrix.options)
    )
    .unwrap();
    out.push_str("## Legend\n\nEach cell shows one symbol per invariant, in this order:\n\n");
    for (i, invariant) in matrix.invariants.iter().enumerate() {
        writeln!(out, "{}. `{invariant}`", i + 1).unwrap();
    }
    out.push_str(
        "\n✅ holds in every order · ❌ violated — links to its shortest counterexample \
         below · ❓ unknown: the cell hit its state bound before covering every order.\n\n",
    );
}

fn grid(out: &mut String, matrix: &Matrix) {
    out.push_str("## Matrix\n\n| client \\ server |");
    for server in &matrix.servers {
        write!(out, " `{}` |", server.id).unwrap();
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(matrix.servers.len()));
    out.push('\n');
    for (c, client) in matrix.clients.iter().enumerate() {
        write!(out, "| `{}` |", client.id).unwrap();
        for (s, server) in matrix.servers.iter().enumerate() {
            let symbols: Vec<String> = matrix
                .cell(c, s)
                .verdicts
                .iter()
                .map(|r| match r.verdict {
                    Verdict::Holds => "✅".to_string(),
                    Verdict::Unknown => "❓".to_string(),
                    Verdict::Violated => {
                        format!("[❌](#{})", anchor(&heading(client, server, r)))
                    }
                })
                .collect();
            write!(out, " {} |", symbols.join(" ")).unwrap();
        }
        out.push('\n');
    }
    out.push('\n');
    if let Some(line) = unknown_line(matrix) {
        writeln!(out, "❓ {line}.\n").unwrap();
    }
}

fn row_and_column_tables(out: &mut String, matrix: &Matrix) {
    out.push_str("## Rows: client strategies\n\n");
    out.push_str("| row | refresh | proactive (late) | recheck_store | store_policy | tabs |\n");
    out.push_str("|---|---|---|---|---|---:|\n");
    for client in &matrix.clients {
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            client.id,
            json_word(&client.refresh),
            if client.proactive {
                "1m, fires late"
            } else {
                "-"
            },
            client.recheck_store,
            json_word(&client.store_policy),
            client.tabs(&matrix.options)
        )
        .unwrap();
    }
    out.push_str("\n## Columns: auth-server policies\n\n| column | settings |\n|---|---|\n");
    for server in &matrix.servers {
        writeln!(out, "| `{}` | {} |", server.id, md_cell(&server.summary)).unwrap();
    }
    out.push('\n');
}

/// An enum as the scenario format spells it (`single_flight`).
fn json_word<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn counterexamples(out: &mut String, matrix: &Matrix) {
    out.push_str("## Counterexamples\n\n");
    let mut any = false;
    for cell in &matrix.cells {
        let client = &matrix.clients[cell.client];
        let server = &matrix.servers[cell.server];
        for r in cell
            .verdicts
            .iter()
            .filter(|r| r.verdict == Verdict::Violated)
        {
            any = true;
            counterexample(out, cell, client, server, r);
        }
    }
    if !any {
        out.push_str("No cell has a violation.\n");
    }
}

fn counterexample(
    out: &mut String,
    cell: &Cell,
    client: &ClientStrategy,
    server: &ServerPolicy,
    r: &InvariantReport,
) {
    writeln!(out, "### {}\n", heading(client, server, r)).unwrap();
    let Some(trace) = &r.trace else {
        out.push_str("(no trace)\n\n");
        return;
    };
    let step = violation_step(trace, r.invariant)
        .map(|s| format!(", broken at step {s}"))
        .unwrap_or_default();
    writeln!(
        out,
        "Scenario `{}`: shortest counterexample found by {}{step}.\n",
        cell.scenario.name, r.decided_by
    )
    .unwrap();
    out.push_str("```mermaid\n");
    out.push_str(&mermaid::render(trace));
    out.push_str("```\n\n");
}

#[derive(Serialize)]
struct JsonMatrix<'a> {
    tool: String,
    command: String,
    options: &'a MatrixOptions,
    invariants: Vec<String>,
    clients: Vec<JsonClient<'a>>,
    servers: &'a [ServerPolicy],
    cells: Vec<JsonCell<'a>>,
}

#[derive(Serialize)]
struct JsonClient<'a> {
    #[serde(flatten)]
    strategy: &'a ClientStrategy,
    tabs: u32,
}

#[derive(Serialize)]
struct JsonCell<'a> {
    client: &'a str,
    server: &'a str,
    scenario: &'a str,
    verdicts: Vec<JsonInvariant<'a>>,
}

/// The matrix as one pretty-printed JSON document: options, rows,
/// columns, and per cell the report of each invariant (verdict, search,
/// states, bound hit, the step where a counterexample broke it, and its
/// replay command when `--out` saved the trace).
pub fn json(matrix: &Matrix, replays: &[CellReplay]) -> String {
    let cells = matrix
        .cells
        .iter()
        .enumerate()
        .map(|(index, cell)| JsonCell {
            client: &matrix.clients[cell.client].id,
            server: &matrix.servers[cell.server].id,
            scenario: &cell.scenario.name,
            verdicts: cell
                .verdicts
                .iter()
                .map(|r| {
                    let replay = replays
                        .iter()
                        .find(|(c, i, _)| *c == index && *i == r.invariant);
                    JsonInvariant::new(r, replay.map(|(_, _, command)| command.as_str()))
                })
                .collect(),
        })
        .collect();
    let doc = JsonMatrix {
        tool: tool(),
        command: command(&matrix.options, "json"),
        options: &matrix.options,
        invariants: matrix.invariants.iter().map(|i| i.to_string()).collect(),
        clients: matrix
            .clients
            .iter()
            .map(|c| JsonClient {
                strategy: c,
                tabs: c.tabs(&matrix.options),
            })
            .collect(),
        servers: &matrix.servers,
        cells,
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("a matrix serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github_heading_slugs() {
        assert_eq!(
            anchor("naive-proactive vs grace-new: no_stale_overwrite"),
            "naive-proactive-vs-grace-new-no_stale_overwrite"
        );
    }

    #[test]
    fn the_command_names_every_option_that_changes_the_output() {
        let options = MatrixOptions::default();
        assert_eq!(
            command(&options, "markdown"),
            "tokenrace matrix --requests 2 --tabs 1 --max-states 200000 --format markdown"
        );
    }
}
