//! `tokenrace presets [NAME] [--format text|json]`: the server presets a
//! scenario can name in `auth.preset` — all of them as a table, or one with
//! every value, where it comes from and what the model cannot express.
//! Everything shown comes from the preset table in `scenario::presets`.

use super::output::print;
use super::{usage, Code, Format};
use crate::scenario::load::translate::suggest;
use crate::scenario::presets::{field_values, Preset, PresetName, PRESETS, SUMMARY_FIELDS};
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show this preset in full (every value, its sources, what the model
    /// cannot express); without it, list every preset.
    #[arg(value_name = "NAME")]
    name: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Lists the presets or shows one; an unknown name is a usage error (2).
pub fn execute(args: &Args) -> Code {
    let Some(name) = &args.name else {
        print(&match args.format {
            Format::Text => list_text(),
            Format::Json => json(&PRESETS.iter().map(Shown::of).collect::<Vec<_>>()),
        });
        return Code::Clean;
    };
    let Some(preset) = PresetName::parse(name).map(PresetName::preset) else {
        let names: Vec<String> = PRESETS.iter().map(|p| p.name_text.to_string()).collect();
        let hint = suggest(Some(name), &names)
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        return usage(&format!(
            "no preset named \"{name}\" (known: {}){hint}",
            names.join(", ")
        ));
    };
    print(&match args.format {
        Format::Text => one_text(preset),
        Format::Json => json(&Shown::of(preset)),
    });
    Code::Clean
}

/// Aligned columns: name, vendor, then the summary fields.
fn list_text() -> String {
    let mut rows = vec![["preset", "vendor"]
        .iter()
        .chain(SUMMARY_FIELDS.iter())
        .map(|s| s.to_string())
        .collect::<Vec<_>>()];
    for preset in PRESETS.iter() {
        let mut row = vec![preset.name_text.to_string(), preset.vendor.to_string()];
        row.extend(preset.summary_cells());
        rows.push(row);
    }
    let mut text = columns(&rows);
    text.push_str(
        "\n`tokenrace presets NAME` shows one preset with its sources (docs/presets.md).\n",
    );
    text
}

fn one_text(preset: &Preset) -> String {
    let mut text = format!("preset {} ({})\n", preset.name_text, preset.vendor);
    text.push_str(&format!("models {}\n", preset.setting));
    text.push_str(&format!(
        "use it as \"auth\": {{\"preset\": \"{}\"}}; fields written next to it override it\n\n",
        preset.name_text
    ));
    let mut rows = vec![vec![
        "field".into(),
        "value".into(),
        "basis".into(),
        "why".into(),
    ]];
    for (field, value) in field_values(&preset.auth) {
        let basis = preset.basis_of(&field);
        rows.push(vec![
            field,
            value.trim_matches('"').to_string(),
            basis.map(|b| b.origin.label()).unwrap_or("").to_string(),
            basis.map(|b| b.why).unwrap_or("").to_string(),
        ]);
    }
    text.push_str(&columns(&rows));
    text.push_str("\nsources:\n");
    for source in preset.sources {
        text.push_str(&format!("  {}\n    {}\n", source.url, source.says));
    }
    text.push_str("\nwhat the model cannot express:\n");
    for note in preset.cannot_express {
        text.push_str(&format!("  - {note}\n"));
    }
    text
}

/// Left-aligned columns separated by two spaces; the last one is not padded.
fn columns(rows: &[Vec<String>]) -> String {
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..count)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                line.push_str(&format!("{cell}{}  ", " ".repeat(pad)));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("presets serialise") + "\n"
}

/// One preset as `--format json` shows it; `auth` is the block a scenario
/// file would hold, in field order.
#[derive(Serialize)]
struct Shown {
    name: &'static str,
    vendor: &'static str,
    setting: &'static str,
    auth: &'static crate::scenario::Auth,
    basis: Vec<ShownBasis>,
    sources: Vec<ShownSource>,
    cannot_express: &'static [&'static str],
}

#[derive(Serialize)]
struct ShownBasis {
    field: &'static str,
    origin: &'static str,
    why: &'static str,
}

#[derive(Serialize)]
struct ShownSource {
    url: &'static str,
    says: &'static str,
}

impl Shown {
    fn of(preset: &'static Preset) -> Shown {
        Shown {
            name: preset.name_text,
            vendor: preset.vendor,
            setting: preset.setting,
            auth: &preset.auth,
            basis: preset
                .basis
                .iter()
                .map(|b| ShownBasis {
                    field: b.field,
                    origin: b.origin.label(),
                    why: b.why,
                })
                .collect(),
            sources: preset
                .sources
                .iter()
                .map(|s| ShownSource {
                    url: s.url,
                    says: s.says,
                })
                .collect(),
            cannot_express: preset.cannot_express,
        }
    }
}
