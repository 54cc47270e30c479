//! Mutated corpus scenarios (deleted fields, wrong types, extreme numbers,
//! unicode, huge arrays, deep nesting, a BOM, CRLF line ends) are refused
//! with located problems or accepted and run in a tiny bounded
//! exploration: never a panic. In-process (load + validate + explore), so
//! hundreds of cases take seconds; `PROPTEST_CASES=20000` makes it a
//! stable-toolchain fuzz run (docs/fuzzing.md).

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::OnceLock;
use tokenrace::check::ExploreOptions;
use tokenrace::scenario::{discover::discover, parse};

/// Every scenario of the shipped corpus, as JSON values.
fn corpus() -> &'static [Value] {
    static CORPUS: OnceLock<Vec<Value>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let found = discover(&root).expect("the corpus has scenarios");
        found
            .scenarios
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    })
}

/// Paths to every value in a document, parents before children.
fn paths(value: &Value) -> Vec<Vec<Value>> {
    let mut out = vec![Vec::new()];
    let mut i = 0;
    while i < out.len() {
        let path = out[i].clone();
        let children: Vec<Value> = match pointer(value, &path) {
            Some(Value::Object(map)) => map.keys().map(|k| json!(k)).collect(),
            Some(Value::Array(items)) => (0..items.len()).map(|i| json!(i)).collect(),
            _ => Vec::new(),
        };
        for child in children {
            let mut next = path.clone();
            next.push(child);
            out.push(next);
        }
        i += 1;
    }
    out
}

fn pointer<'a>(value: &'a Value, path: &[Value]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, seg| match seg {
        Value::String(k) => v.get(k),
        Value::Number(n) => v.get(n.as_u64()? as usize),
        _ => None,
    })
}

fn pointer_mut<'a>(value: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, seg| match seg {
        Value::String(k) => v.get_mut(k),
        Value::Number(n) => v.get_mut(n.as_u64()? as usize),
        _ => None,
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    Delete,
    Replace(Value),
    Repeat(usize),
    Nest(usize),
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(0)),
        Just(json!(-1)),
        Just(json!(255)),
        Just(json!(256)),
        Just(json!(65535)),
        Just(json!(65536)),
        Just(json!(4294967296_u64)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(1e308)),
        Just(json!(0.5)),
        Just(json!("")),
        Just(json!("1h30m")),
        Just(json!("-5m")),
        Just(json!("9007199254740993ms")),
        Just(json!("1.5h")),
        Just(json!("tab1.req99")),
        Just(json!("☃\u{202e}é\u{301}😀")),
        Just(json!("\u{0}\u{7f}")),
        Just(json!("x".repeat(100_000))),
        Just(json!([])),
        Just(json!({})),
        "\\PC{0,12}".prop_map(Value::String),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::Delete),
        5 => replacement().prop_map(Mutation::Replace),
        1 => prop_oneof![Just(2_usize), Just(300), Just(3000)].prop_map(Mutation::Repeat),
        1 => prop_oneof![Just(10_usize), Just(127), Just(129), Just(5000)].prop_map(Mutation::Nest),
    ]
}

/// Applies one mutation at `path` (the root itself is only replaced).
fn apply(doc: &mut Value, path: &[Value], mutation: &Mutation) {
    let (Some(last), parent) = (path.last(), &path[..path.len().saturating_sub(1)]) else {
        if let Mutation::Replace(v) = mutation {
            *doc = v.clone();
        }
        return;
    };
    let Some(target) = pointer_mut(doc, path) else {
        return;
    };
    match mutation {
        Mutation::Replace(v) => *target = v.clone(),
        Mutation::Nest(depth) => {
            for _ in 0..*depth {
                *target = json!([target.take()]);
            }
        }
        Mutation::Repeat(n) => {
            let copy = target.clone();
            if let Some(Value::Array(items)) = pointer_mut(doc, parent) {
                items.extend(std::iter::repeat(copy).take(*n));
            } else {
                *pointer_mut(doc, path).unwrap() = json!(vec![copy; *n]);
            }
        }
        Mutation::Delete => match (pointer_mut(doc, parent), last) {
            (Some(Value::Object(map)), Value::String(k)) => {
                map.remove(k);
            }
            (Some(Value::Array(items)), Value::Number(i)) => {
                items.remove(i.as_u64().unwrap() as usize);
            }
            _ => {}
        },
    }
}

/// The text of a document: compact or pretty, maybe with a BOM, CRLF.
fn text(doc: &Value, pretty: bool, bom: bool, crlf: bool) -> String {
    let mut text = if pretty {
        serde_json::to_string_pretty(doc).unwrap()
    } else {
        serde_json::to_string(doc).unwrap()
    };
    if crlf {
        text = text.replace('\n', "\r\n");
    }
    if bom {
        text.insert(0, '\u{feff}');
    }
    text
}

/// Load + validate; a valid scenario is explored with tight bounds.
fn judge(text: &str) -> Result<(), TestCaseError> {
    match parse(text, "mutated.json") {
        Err(err) => {
            for problem in err.problems() {
                prop_assert!(problem.line.is_some() && problem.column.is_some(), "{err}");
                prop_assert!(!problem.expected.is_empty(), "{err}");
            }
            prop_assert!(!err.problems().is_empty(), "{err}");
            prop_assert!(
                err.to_string().len() < 4_000,
                "a long message: {} bytes",
                err.to_string().len()
            );
        }
        Ok(loaded) => {
            let options = ExploreOptions {
                max_states: Some(300),
                runs: Some(3),
                max_depth: Some(300),
                threads: Some(1),
                time_ms: Some(100),
                ..ExploreOptions::default()
            };
            if let Err(error) = tokenrace::check::explore(&loaded.scenario, &options) {
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(0x6d75_7461), ..ProptestConfig::default() })]

    #[test]
    fn mutated_corpus_scenarios_are_refused_with_a_location_or_run(
        file in any::<Index>(),
        mutations in prop::collection::vec((any::<Index>(), mutation()), 1..4),
        pretty in any::<bool>(),
        bom in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let mut doc = file.get(corpus()).clone();
        for (at, mutation) in &mutations {
            let all = paths(&doc);
            let path = at.get(&all).clone();
            apply(&mut doc, &path, mutation);
        }
        judge(&text(&doc, pretty, bom, crlf))?;
    }
}
