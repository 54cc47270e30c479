//! The docs are the whole reference: no citation of a file a clone does not
//! have, and every cross-link between them (file and `#anchor`) resolves.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Citations of the internal contract, which is not in the repository.
/// Spelled in two halves so this file does not match itself.
const FORBIDDEN: [&str; 2] = [concat!("SPEC", " §"), concat!("SPEC", ".md")];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Files with the given extension under `dir`, recursively, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// README.md and every page under docs/.
fn pages() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md")];
    out.extend(files(&root().join("docs"), "md"));
    out
}

/// `file:line: text` for every line holding a forbidden citation.
fn citations(path: &Path, text: &str) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| FORBIDDEN.iter().any(|f| line.contains(f)))
        .map(|(i, line)| format!("{}:{}: {}", path.display(), i + 1, line.trim()))
        .collect()
}

#[test]
fn docs_readme_and_sources_cite_no_file_outside_the_repository() {
    let mut found = Vec::new();
    let mut sources = pages();
    sources.extend(files(&root().join("src"), "rs"));
    for path in sources {
        let text = std::fs::read_to_string(&path).expect("readable");
        found.extend(citations(&path, &text));
    }
    assert!(
        found.is_empty(),
        "cite docs/ (file and section) instead:\n{}",
        found.join("\n")
    );
}

/// GitHub's anchor for a heading: lower case, punctuation dropped (letters,
/// digits, `-` and `_` kept), spaces turned into `-`.
pub(crate) fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The lines of a page outside fenced code blocks, with their numbers.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut fence: Option<String> = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let ticks: String = trimmed.chars().take_while(|&c| c == '`').collect();
        // An opening fence's info string holds no backtick (CommonMark), so
        // a line starting with inline code spans is prose.
        let opens = !trimmed[ticks.len()..].contains('`');
        if ticks.len() >= 3 && (fence.is_some() || opens) {
            match &fence {
                None => fence = Some(ticks),
                Some(f) if *f == ticks && trimmed.trim_end() == ticks => fence = None,
                Some(_) => {}
            }
        } else if fence.is_none() {
            out.push((i + 1, line));
        }
    }
    out
}

/// The anchors a page defines: its headings (GitHub numbers repeats `-1`,
/// `-2`, …) and explicit `<a id="…">` / `<a name="…">` targets.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, line) in prose(text) {
        if let Some(heading) = line.strip_prefix('#') {
            let heading = heading.trim_start_matches('#');
            if heading.starts_with(' ') {
                let base = slug(&strip_links(heading));
                let mut anchor = base.clone();
                let mut n = 0;
                while out.contains(&anchor) {
                    n += 1;
                    anchor = format!("{base}-{n}");
                }
                out.insert(anchor);
            }
        }
        for attr in ["id=\"", "name=\""] {
            for (at, _) in line.match_indices(&format!("<a {attr}")) {
                let rest = &line[at + 3 + attr.len()..];
                if let Some(end) = rest.find('"') {
                    out.insert(rest[..end].to_string());
                }
            }
        }
    }
    out
}

/// `[text](url)` → `text`, as GitHub does before making an anchor.
fn strip_links(heading: &str) -> String {
    let mut out = String::new();
    let mut rest = heading;
    while let Some(open) = rest.find("](") {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        out.push_str(&rest[..open].replace('[', ""));
        rest = &rest[open + close + 1..];
    }
    out.push_str(&rest.replace('[', ""));
    out
}

/// Every link target `](target)` in a line, outside inline code spans.
pub(crate) fn targets(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => in_code = !in_code,
            b']' if !in_code && bytes.get(i + 1) == Some(&b'(') => {
                if let Some(end) = line[i + 2..].find(')') {
                    let target = line[i + 2..i + 2 + end].split_whitespace().next();
                    out.extend(target.map(str::to_string));
                    i += 2 + end;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Why a link from `page` to `target` does not resolve, if it does not.
fn broken(page: &Path, target: &str) -> Option<String> {
    if target.contains("://") || target.starts_with("mailto:") {
        return None;
    }
    let (file, anchor) = target.split_once('#').unwrap_or((target, ""));
    let path = if file.is_empty() {
        page.to_path_buf()
    } else {
        page.parent().expect("in a folder").join(file)
    };
    if !path.exists() {
        return Some(format!("no file {}", path.display()));
    }
    if anchor.is_empty() || path.is_dir() || path.extension().map_or(true, |e| e != "md") {
        return None;
    }
    let text = std::fs::read_to_string(&path).expect("readable");
    (!anchors(&text).contains(anchor)).then(|| format!("no heading #{anchor} in {file}"))
}

#[test]
fn every_cross_link_in_the_docs_resolves_to_a_file_and_heading() {
    let mut problems = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).expect("readable");
        for (line_no, line) in prose(&text) {
            for target in targets(line) {
                if let Some(why) = broken(&page, &target) {
                    problems.push(format!("{}:{line_no}: ({target}): {why}", page.display()));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "broken links:\n{}",
        problems.join("\n")
    );
}

#[test]
fn anchors_follow_github_slugs_and_links_skip_code() {
    assert_eq!(slug(" Auth server (v1.1)"), "auth-server-v11");
    assert_eq!(
        slug("JSON reports (`--format json`)"),
        "json-reports---format-json"
    );
    let page =
        "# A\n## A\n```\n## not a heading\n```\n```` `x` ```` prose\n## B\n<a id=\"x\"></a>\n";
    let found: Vec<String> = anchors(page).into_iter().collect();
    assert_eq!(found, ["a", "a-1", "b", "x"]);
    assert_eq!(targets("see [b](b.md#c) and `[d](e)`"), ["b.md#c"]);
    assert!(citations(Path::new("x"), concat!("per SPEC", " §3")).len() == 1);
}
