//! The streamed untimed key against the copy-and-rename path, on explored
//! states of every corpus scenario.

use super::msg::{Msg, Timer};
use super::msg_code::code;
use super::symmetry_encode::encode_canonical;
use super::Model;
use crate::engine::encode::ByteSink;
use crate::engine::untimed::UState;
use crate::engine::MsgCodes;
use crate::engine::Protocol;
use std::path::{Path, PathBuf};

fn scenarios(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("scenarios/ reads")
        .map(|e| e.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            scenarios(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The streamed encoding and renamed items of one state against the
/// copy path (`symmetry::canonicalize_orbits` on a copy, then `put`).
fn check(m: &Model, s: &UState<Model>) -> bool {
    let msgs: Vec<Msg> = s.msgs.iter().map(|(_, msg)| *msg).collect();
    let timers: Vec<Timer> = s.timers.iter().map(|t| t.timer).collect();
    for orbits in [false, true] {
        let (mut m1, mut t1, mut o1) = (msgs.clone(), timers.clone(), Vec::new());
        let mut sink = ByteSink::default();
        let wanted = orbits.then_some(&mut o1);
        if !encode_canonical(m, &s.model, &mut m1, &mut t1, wanted, &mut sink) {
            return false;
        }
        let (mut w2, mut m2, mut t2, mut o2) =
            (s.model.clone(), msgs.clone(), timers.clone(), Vec::new());
        if orbits {
            m.canonicalize_orbits(&mut w2, &mut m2, &mut t2, &mut o2);
        } else {
            m.canonicalize(&mut w2, &mut m2, &mut t2);
        }
        let mut copy = ByteSink::default();
        copy.put(&w2);
        assert_eq!(sink.bytes, copy.bytes, "world encoding of {:?}", s.model);
        check_codes(m, s, orbits, &m2, &o2, &copy);
        assert_eq!((m1, t1, o1), (m2, t2, o2), "renamed items of {:?}", s.model);
    }
    true
}

/// The coded path (`Protocol::encode_canonical_coded`) against the copy
/// path's renamed messages and orbit keys, coded one by one.
fn check_codes(
    m: &Model,
    s: &UState<Model>,
    orbits: bool,
    renamed: &[Msg],
    keys: &[Msg],
    world: &ByteSink,
) {
    let mut msgs: Vec<Msg> = s.msgs.iter().map(|(_, msg)| *msg).collect();
    let mut timers: Vec<Timer> = s.timers.iter().map(|t| t.timer).collect();
    let (mut codes, mut sink) = (MsgCodes::default(), ByteSink::default());
    assert!(m.encode_canonical_coded(
        &s.model,
        &mut msgs,
        &mut timers,
        orbits,
        &mut codes,
        &mut sink
    ));
    assert_eq!(
        sink.bytes, world.bytes,
        "coded world encoding of {:?}",
        s.model
    );
    let keys = if orbits { keys } else { renamed };
    let own: Vec<u128> = renamed.iter().map(code).collect();
    let key: Vec<u128> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| code(k) | i as u128)
        .collect();
    assert_eq!(
        (codes.own, codes.keys),
        (own, key),
        "codes of {:?}",
        s.model
    );
}

#[test]
fn streamed_worlds_encode_as_renamed_copies_do() {
    let mut files = Vec::new();
    scenarios(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        &mut files,
    );
    let mut streamed = 0;
    for file in files {
        let Ok(loaded) = crate::scenario::load(&file) else {
            continue;
        };
        let m = Model::build(&loaded.scenario);
        let mut frontier = vec![UState::init(&m).0];
        let mut seen = 0;
        while let Some(s) = frontier.pop() {
            streamed += usize::from(check(&m, &s));
            seen += 1;
            if seen > 300 {
                break;
            }
            let mut moves = Vec::new();
            s.moves(&m, &mut moves);
            for mv in moves.into_iter().rev() {
                let mut next = s.clone();
                let b = next.begin(&m, mv);
                next.commit(&b.fx, &[]);
                frontier.push(next);
            }
        }
    }
    assert!(streamed > 1000, "only {streamed} states streamed");
}
