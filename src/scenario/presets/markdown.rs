//! The generated part of docs/presets.md: a summary table and one section
//! per preset, built from the preset table so the document cannot drift
//! from the code. A test compares it with the committed file between the
//! marker comments; `TOKENRACE_BLESS=1` rewrites that part.

use super::{field_values, Preset, PRESETS, SUMMARY_FIELDS};

/// The line that opens the generated part of docs/presets.md.
pub const MARKER_BEGIN: &str =
    "<!-- BEGIN GENERATED from src/scenario/presets (TOKENRACE_BLESS=1 cargo test presets) -->";
/// The line that closes it.
pub const MARKER_END: &str = "<!-- END GENERATED -->";

/// The generated Markdown, without the markers.
pub fn markdown_reference() -> String {
    let mut out = String::new();
    out.push_str("## Values at a glance\n\n");
    out.push_str(&summary_table());
    for preset in PRESETS.iter() {
        out.push('\n');
        out.push_str(&section(preset));
    }
    out
}

fn summary_table() -> String {
    let mut header = vec!["preset".to_string(), "vendor".to_string()];
    header.extend(SUMMARY_FIELDS.iter().map(|f| f.to_string()));
    header.push("checked against".to_string());
    let mut out = row(&header);
    out.push_str(&row(&vec!["---".to_string(); header.len()]));
    for preset in PRESETS.iter() {
        let mut cells = vec![format!("`{}`", preset.name_text), preset.vendor.to_string()];
        cells.extend(preset.summary_cells().into_iter().map(|v| format!("`{v}`")));
        let server = super::vendors::CHECKED_AGAINST_SERVER
            .iter()
            .any(|(n, _)| *n == preset.name);
        cells.push(
            if server {
                "running server"
            } else {
                "documentation"
            }
            .to_string(),
        );
        out.push_str(&row(&cells));
    }
    out
}

fn section(preset: &Preset) -> String {
    let mut out = format!("## `{}` — {}\n\n", preset.name_text, preset.vendor);
    out.push_str(&format!("Models {}.\n\n", preset.setting));
    out.push_str(&format!(
        "Checked {}.\n\n",
        super::vendors::checked(preset.name)
    ));
    out.push_str("| field | value | basis | why |\n|---|---|---|---|\n");
    for (field, value) in field_values(&preset.auth) {
        let (origin, why) = preset
            .basis_of(&field)
            .map(|b| (b.origin.label(), b.why))
            .unwrap_or(("missing", ""));
        out.push_str(&row(&[
            format!("`{field}`"),
            format!("`{value}`"),
            origin.to_string(),
            why.to_string(),
        ]));
    }
    out.push_str("\nSources:\n\n");
    for source in preset.sources {
        out.push_str(&format!("- <{}>: {}\n", source.url, source.says));
    }
    out.push_str("\nWhat the model cannot express:\n\n");
    for note in preset.cannot_express {
        out.push_str(&format!("- {note}\n"));
    }
    out
}

/// One Markdown table row; `|` inside a cell is escaped.
fn row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
    format!("| {} |\n", cells.join(" | "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn doc_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/presets.md")
    }

    /// The committed document split around its generated part.
    fn split(doc: &str) -> (&str, &str, &str) {
        let begin = doc
            .find(MARKER_BEGIN)
            .expect("docs/presets.md has the begin marker");
        let after_begin = begin + MARKER_BEGIN.len();
        let end = doc[after_begin..]
            .find(MARKER_END)
            .map(|i| after_begin + i)
            .expect("docs/presets.md has the end marker after the begin marker");
        (&doc[..after_begin], &doc[after_begin..end], &doc[end..])
    }

    #[test]
    fn docs_presets_md_matches_the_preset_table() {
        let doc = std::fs::read_to_string(doc_path()).expect("docs/presets.md exists");
        let (head, generated, tail) = split(&doc);
        let wanted = format!("\n{}", markdown_reference());
        if generated == wanted {
            return;
        }
        if std::env::var("TOKENRACE_BLESS").as_deref() == Ok("1") {
            std::fs::write(doc_path(), format!("{head}{wanted}{tail}")).expect("write docs");
            return;
        }
        panic!(
            "docs/presets.md is out of date with src/scenario/presets; \
             run `TOKENRACE_BLESS=1 cargo test presets` and commit the result"
        );
    }

    #[test]
    fn the_generated_part_lists_every_preset_and_every_field() {
        let text = markdown_reference();
        for preset in PRESETS.iter() {
            assert!(text.contains(&format!("## `{}`", preset.name_text)));
            for source in preset.sources {
                assert!(text.contains(source.url));
            }
        }
        assert!(!text.contains("| missing |"), "a field lacks its basis");
    }

    #[test]
    fn rows_escape_pipes() {
        assert_eq!(row(&["a|b".into(), "c".into()]), "| a\\|b | c |\n");
    }
}
