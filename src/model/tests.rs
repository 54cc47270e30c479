//! Hand-driven model tests: a test picks exactly which message to deliver or
//! which timer to fire next, so one interleaving is checked without any
//! explorer. Timing rules are not enforced here; the engine owns them.

use super::msg::{Caller, ErrorCause, Fact, Msg, Refresher, RequestId, Timer};
use super::token::{At, Rt};
use super::{Mark, Model, Out, World};
use crate::engine::{Protocol, When};
use crate::scenario::{self, Scenario};

pub(super) struct Manual {
    pub(super) model: Model,
    pub(super) world: World,
    pub(super) in_flight: Vec<Msg>,
    pub(super) facts: Vec<Fact>,
    /// Every timer armed so far, with when (never removed: cancels and
    /// firing are the engine's business).
    pub(super) armed: Vec<(Timer, When<Mark>)>,
}

impl Manual {
    pub(super) fn new(json: &str) -> Manual {
        let scenario: Scenario = serde_json::from_str(json).expect("test scenario parses");
        assert!(scenario::validate(&scenario).is_empty());
        let model = Model::build(&scenario);
        let mut out = Out::default();
        let world = model.init(&mut out);
        let mut manual = Manual {
            model,
            world,
            in_flight: Vec::new(),
            facts: Vec::new(),
            armed: Vec::new(),
        };
        manual.absorb(out);
        manual
    }

    pub(super) fn absorb(&mut self, out: Out) {
        self.in_flight.extend(out.sends);
        self.facts.extend(out.facts);
        self.armed
            .extend(out.timers.into_iter().map(|(timer, when, _)| (timer, when)));
    }

    pub(super) fn fire(&mut self, timer: Timer) {
        let mut out = Out::default();
        self.model.fire(&mut self.world, &timer, &mut out);
        self.absorb(out);
    }

    /// Delivers the first in-flight message the predicate picks.
    pub(super) fn deliver(&mut self, pick: impl Fn(&Msg) -> bool) -> Msg {
        let i = self
            .in_flight
            .iter()
            .position(pick)
            .unwrap_or_else(|| panic!("no such message in flight: {:?}", self.in_flight));
        let msg = self.in_flight.remove(i);
        let mut out = Out::default();
        self.model.deliver(&mut self.world, &msg, &mut out);
        self.absorb(out);
        msg
    }

    pub(super) fn session_errors(&self) -> Vec<(RequestId, Result<(), &'static str>)> {
        self.facts
            .iter()
            .filter_map(|f| match f {
                Fact::SessionError {
                    request, session, ..
                } => Some((*request, *session)),
                _ => None,
            })
            .collect()
    }
}

pub(super) fn req(number: u16) -> RequestId {
    RequestId { client: 0, number }
}

const TWO_REQUESTS: &str = r#"{
  "name": "t", "horizon": "1h",
  "clients": [{"name": "tab1"}],
  "script": [{"at": "0s", "do": "login", "client": "tab1"},
             {"at": "16m", "do": "request", "client": "tab1", "count": 2}]
}"#;

/// Drives the seed's "Step 1 … Step 11" order up to the second refresh.
fn race_until_both_refreshes(manual: &mut Manual) {
    manual.fire(Timer::Script(0));
    manual.fire(Timer::AtExpiry(At(1)));
    manual.fire(Timer::Script(1));
    for n in 1..=2 {
        manual.deliver(|m| matches!(m, Msg::Api { from: Caller::Request(r), .. } if r.number == n));
    }
    for n in 1..=2 {
        manual.deliver(
            |m| matches!(m, Msg::ApiReply { to: Caller::Request(r), .. } if r.number == n),
        );
    }
    manual.deliver(
        |m| matches!(m, Msg::Refresh { from: Refresher::Request(r), .. } if r.number == 1),
    );
    manual.deliver(
        |m| matches!(m, Msg::Refresh { from: Refresher::Request(r), .. } if r.number == 2),
    );
}

#[test]
fn naive_rotation_race_shows_an_error_while_the_session_is_valid() {
    let mut manual = Manual::new(TWO_REQUESTS);
    race_until_both_refreshes(&mut manual);
    manual.deliver(|m| matches!(m, Msg::RefreshErr { .. }));
    assert_eq!(manual.session_errors(), vec![(req(2), Ok(()))]);
    let revoked = manual.world.family(super::token::Family(0)).revoked;
    assert!(revoked.is_some(), "reuse detection revoked the family");
    manual.deliver(|m| {
        matches!(
            m,
            Msg::RefreshOk {
                at: At(2),
                rt: Rt(2),
                ..
            }
        )
    });
    manual.deliver(|m| matches!(m, Msg::Api { at: At(2), .. }));
    manual.deliver(|m| matches!(m, Msg::ApiReply { ok: true, .. }));
    assert!(manual.world.request(req(1)).is_done());
}

#[test]
fn single_flight_waits_and_retries_with_the_winners_token() {
    let json = TWO_REQUESTS.replace(
        r#""name": "tab1""#,
        r#""name": "tab1", "refresh": "single_flight""#,
    );
    let mut manual = Manual::new(&json);
    manual.fire(Timer::Script(0));
    manual.fire(Timer::AtExpiry(At(1)));
    manual.fire(Timer::Script(1));
    for _ in 0..2 {
        manual.deliver(|m| matches!(m, Msg::Api { .. }));
    }
    for _ in 0..2 {
        manual.deliver(|m| matches!(m, Msg::ApiReply { .. }));
    }
    let refreshes = manual
        .in_flight
        .iter()
        .filter(|m| matches!(m, Msg::Refresh { .. }))
        .count();
    assert_eq!(
        refreshes, 1,
        "one refresh in flight, the other request waits"
    );
    manual.deliver(|m| matches!(m, Msg::Refresh { .. }));
    manual.deliver(|m| matches!(m, Msg::RefreshOk { .. }));
    let retries = manual
        .in_flight
        .iter()
        .filter(|m| matches!(m, Msg::Api { at: At(2), .. }))
        .count();
    assert_eq!(retries, 2, "both requests retry with AT2");
    assert!(manual.session_errors().is_empty());
}

#[test]
fn an_error_after_logout_is_excused() {
    let json = TWO_REQUESTS.replace(
        r#"{"at": "16m", "do": "request", "client": "tab1", "count": 2}"#,
        r#"{"at": "16m", "do": "request", "client": "tab1"}, {"at": "16m", "do": "logout", "client": "tab1"}"#,
    );
    let mut manual = Manual::new(&json);
    manual.fire(Timer::Script(0));
    manual.fire(Timer::AtExpiry(At(1)));
    manual.fire(Timer::Script(1));
    manual.deliver(|m| matches!(m, Msg::Api { .. }));
    manual.deliver(|m| matches!(m, Msg::ApiReply { .. }));
    manual.fire(Timer::Script(2)); // logout: store cleared
    manual.deliver(|m| matches!(m, Msg::Refresh { .. }));
    manual.deliver(|m| matches!(m, Msg::RefreshOk { .. }));
    let errors = manual.session_errors();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].1.is_err(), "discarded after logout is excused");
    assert!(manual.facts.iter().any(|f| matches!(
        f,
        Fact::SessionError {
            cause: ErrorCause::DiscardedAfterLogout,
            ..
        }
    )));
}

#[test]
fn out_of_order_answers_without_rotation_overwrite_a_newer_pair() {
    let json = TWO_REQUESTS.replace(
        r#""horizon": "1h","#,
        r#""horizon": "1h", "auth": {"rotation": false},"#,
    );
    let mut manual = Manual::new(&json);
    race_until_both_refreshes(&mut manual);
    manual.deliver(|m| matches!(m, Msg::RefreshOk { at: At(3), .. }));
    manual.deliver(|m| matches!(m, Msg::RefreshOk { at: At(2), .. }));
    assert!(manual.facts.iter().any(|f| matches!(
        f,
        Fact::StoreWrite {
            stale_against: Some(_),
            ..
        }
    )));
}
