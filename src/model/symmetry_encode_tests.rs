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

/// The streamed encoding, renamed items and codes of one state against
/// the copy path (`symmetry::canonicalize_orbits` on a copy, then `put`,
/// and each renamed message and orbit key coded one by one).
fn check(m: &Model, s: &UState<Model>) -> bool {
    let msgs: Vec<Msg> = s.msgs.iter().map(|(_, msg)| *msg).collect();
    let timers: Vec<Timer> = s.timers.iter().map(|t| t.timer).collect();
    for orbits in [false, true] {
        let (mut m1, mut t1) = (msgs.clone(), timers.clone());
        let (mut codes, mut sink) = (MsgCodes::default(), ByteSink::default());
        if !encode_canonical(m, &s.model, &mut m1, &mut t1, orbits, &mut codes, &mut sink) {
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
        assert_eq!((&m1, &t1), (&m2, &t2), "renamed items of {:?}", s.model);
        let keys = if orbits { &o2 } else { &m2 };
        let own: Vec<u128> = m2.iter().map(code).collect();
        let key: Vec<u128> = (keys.iter().enumerate())
            .map(|(i, k)| code(k) | i as u128)
            .collect();
        assert_eq!(
            (codes.own, codes.keys),
            (own, key),
            "codes of {:?}",
            s.model
        );
    }
    true
}

#[test]
fn streamed_worlds_encode_as_renamed_copies_do() {
    let mut files = Vec::new();
    scenarios(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
        &mut files,
    );
    let (mut streamed, mut plain_streamed) = (0, 0);
    for file in files {
        let Ok(loaded) = crate::scenario::load(&file) else {
            continue;
        };
        let m = Model::build(&loaded.scenario);
        // `--no-symmetry`: nothing renamed, every message its own orbit.
        let plain = Model {
            symmetry: false,
            ..m.clone()
        };
        let mut frontier = vec![UState::init(&m).0];
        let mut seen = 0;
        while let Some(s) = frontier.pop() {
            streamed += usize::from(check(&m, &s));
            plain_streamed += usize::from(check(&plain, &s));
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
    assert!(
        plain_streamed > streamed,
        "only {plain_streamed} without symmetry"
    );
}
