//! Client symmetry on hand-built states: interchangeable clients are
//! permuted together with their private stores, clients with deadlines of
//! their own are not permuted, and clients with a proactive timer are
//! permuted in the windowed search only.

use super::client::{Phase, Request};
use super::msg::{Caller, Msg, RequestId, Timer};
use super::token::{At, Family, Pair, Rt};
use super::{Model, Out, World};
use crate::engine::Protocol;

fn model(extra: &str) -> Model {
    let tab = |i: usize| {
        format!(
            r#"{{"name": "tab{i}", "device": "d{i}", "storage": "memory", "refresh": "naive"{extra}}}"#
        )
    };
    let json = format!(
        r#"{{"name": "t", "horizon": "1m", "clients": [{}, {}],
            "script": [{{"at": "0s", "do": "login", "client": "tab0"}}]}}"#,
        tab(0),
        tab(1)
    );
    let scenario = serde_json::from_str(&json).expect("test scenario parses");
    assert!(crate::scenario::validate(&scenario).is_empty());
    Model::build(&scenario)
}

/// Client `c` calls with the AT its store holds; the other store is empty.
fn calling(m: &Model, c: u8) -> (World, Vec<Msg>) {
    let mut w = m.init(&mut Out::default());
    let pair = Pair {
        family: Family(0),
        rt: Rt(1),
        at: At(1),
    };
    w.stores[m.clients[c as usize].store as usize].pair = Some(pair);
    w.clients[c as usize].requests.push(Request {
        phase: Phase::Calling { at: At(1) },
        retries_left: 0,
        last_at: Some(At(1)),
        held_rt: None,
        preflight_pending: false,
    });
    let from = Caller::Request(RequestId {
        client: c,
        number: 1,
    });
    (w, vec![Msg::Api { from, at: At(1) }])
}

fn key(m: &Model, (mut w, mut msgs): (World, Vec<Msg>)) -> (World, Vec<Msg>) {
    let mut timers: Vec<Timer> = Vec::new();
    m.canonicalize(&mut w, &mut msgs, &mut timers);
    (w, msgs)
}

/// The windowed search's renaming (it passes ranks; all equal here).
fn key_windowed(m: &Model, (mut w, mut msgs): (World, Vec<Msg>)) -> (World, Vec<Msg>) {
    let mut timers: Vec<Timer> = Vec::new();
    let ranks = vec![0; msgs.len()];
    m.canonicalize_ranked(&mut w, &mut msgs, &mut timers, &ranks, &[]);
    (w, msgs)
}

#[test]
fn proactive_clients_trade_places_in_the_windowed_search_only() {
    let m = model(r#", "proactive": "1m""#);
    assert_ne!(key(&m, calling(&m, 0)), key(&m, calling(&m, 1)));
    assert_eq!(
        key_windowed(&m, calling(&m, 0)),
        key_windowed(&m, calling(&m, 1))
    );
}

#[test]
fn clients_with_deadlines_keep_their_indexes_in_the_windowed_search() {
    for extra in [r#", "timeout": "1s""#, r#", "preflight": true"#] {
        let m = model(extra);
        assert_ne!(
            key_windowed(&m, calling(&m, 0)),
            key_windowed(&m, calling(&m, 1))
        );
    }
}

#[test]
fn clients_with_private_stores_are_permuted_with_their_stores() {
    let m = model("");
    let (w, msgs) = key(&m, calling(&m, 0));
    assert_eq!((w.clone(), msgs.clone()), key(&m, calling(&m, 1)));
    let Msg::Api {
        from: Caller::Request(id),
        ..
    } = msgs[0]
    else {
        panic!("an API call");
    };
    let store = m.clients[id.client as usize].store as usize;
    assert_eq!(w.clients[id.client as usize].requests.len(), 1);
    assert!(w.stores[store].pair.is_some(), "the caller keeps its store");
}

#[test]
fn clients_with_timeouts_keep_their_indexes() {
    let m = model(r#", "timeout": "1s""#);
    assert_ne!(key(&m, calling(&m, 0)), key(&m, calling(&m, 1)));
}

#[test]
fn without_symmetry_nothing_is_renamed() {
    let mut m = model("");
    m.symmetry = false;
    assert_ne!(key(&m, calling(&m, 0)), key(&m, calling(&m, 1)));
}
