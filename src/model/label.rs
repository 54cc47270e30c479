//! How messages, timers and script actions read in traces and diagrams
//! (docs/semantics.md "Traces and reports": `GET /api AT1`, `401`, `POST /refresh RT1`, `200 AT2 RT2`).

use super::msg::{Msg, Timer};
use super::Model;
use crate::scenario::{Step, TokenKind};

/// A readable step: who, to whom, what, and the tokens it involves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub from: String,
    pub to: String,
    pub text: String,
    pub tokens: Vec<String>,
}

impl Model {
    /// The label of a delivered message.
    pub fn message_label(&self, msg: &Msg) -> Label {
        let (from, to) = self.endpoints_of(msg);
        let status = self.scenario.auth.refresh_error;
        let (text, tokens) = match *msg {
            Msg::Api { at, .. } => (format!("GET /api {at}"), vec![at.to_string()]),
            Msg::ApiReply { ok: true, .. } => ("200 payload".to_string(), vec![]),
            Msg::ApiReply { ok: false, at, .. } => {
                (format!("401 ({at} rejected)"), vec![at.to_string()])
            }
            Msg::DenyCheck { at, .. } => (format!("is {at} revoked?"), vec![at.to_string()]),
            Msg::DenyReply { at, revoked, .. } => {
                let answer = if revoked { "revoked" } else { "not revoked" };
                (format!("{at} {answer}"), vec![at.to_string()])
            }
            Msg::Refresh { rt, .. } => (format!("POST /refresh {rt}"), vec![rt.to_string()]),
            Msg::RefreshOk { at, rt, .. } => (
                format!("200 {at} {rt}"),
                vec![at.to_string(), rt.to_string()],
            ),
            Msg::RefreshErr { rt, .. } => {
                (format!("{status} ({rt} rejected)"), vec![rt.to_string()])
            }
            Msg::Logout { rt, .. } => (format!("POST /logout {rt}"), vec![rt.to_string()]),
            Msg::Deny { at } => (format!("deny {at}"), vec![at.to_string()]),
            Msg::Commit { to, rt, grace } => {
                let kind = match (grace, self.scenario.auth.rotation) {
                    (true, _) => "grace hit",
                    (false, true) => "rotation",
                    (false, false) => "refresh",
                };
                let who = self.refresher_name(to);
                (
                    format!("commit {kind} of {rt} for {who}"),
                    vec![rt.to_string()],
                )
            }
        };
        Label {
            from,
            to,
            text,
            tokens,
        }
    }

    /// The label of a timer that fired; `from == to` is the actor it belongs to.
    pub fn timer_label(&self, timer: &Timer) -> Label {
        let on = |actor: &str, text: String, tokens: Vec<String>| Label {
            from: actor.to_string(),
            to: actor.to_string(),
            text,
            tokens,
        };
        match *timer {
            Timer::AtExpiry(at) => on("auth", format!("{at} expires"), vec![at.to_string()]),
            Timer::AtResourceExpiry(at) => on(
                "resource",
                format!("{at} expires here (exp + leeway)"),
                vec![at.to_string()],
            ),
            Timer::RtExpiry(rt) => on("auth", format!("{rt} expires"), vec![rt.to_string()]),
            Timer::FamilyExpiry(f) => on(
                "auth",
                format!("session {} expires (absolute)", f.0 + 1),
                vec![],
            ),
            Timer::GraceEnd(rt) => on("auth", format!("grace of {rt} ends"), vec![rt.to_string()]),
            Timer::AttackerWindow(theft) => on(
                "attacker",
                format!("window of theft {} closes", theft + 1),
                vec![],
            ),
            Timer::Proactive(c) => on(
                &self.clients[c as usize].name,
                "proactive timer fires".into(),
                vec![],
            ),
            Timer::PreflightExpiry(c, at) => {
                let client = &self.clients[c as usize].name;
                on(
                    client,
                    format!("{at} expires on {client}'s clock (preflight)"),
                    vec![at.to_string()],
                )
            }
            Timer::Script(i) => self.action_label(i as usize),
            Timer::CallTimeout(id) => on(
                &self.request_name(id),
                format!("GET /api times out ({})", self.timeout_text(id.client)),
                vec![],
            ),
            Timer::RefreshTimeout(by) => on(
                &self.refresher_name(by),
                format!(
                    "POST /refresh times out ({})",
                    self.timeout_text(crate::model::refresh::client_of(by))
                ),
                vec![],
            ),
        }
    }

    /// `timeout 10s`, as timeout notes show it.
    fn timeout_text(&self, client: u8) -> String {
        let timeout = self.clients[client as usize].timeout.unwrap_or(0);
        format!("timeout {}", crate::scenario::Duration(timeout as i64))
    }

    /// The label of script entry `index`.
    pub fn action_label(&self, index: usize) -> Label {
        let client = |c: usize| self.clients[c].name.clone();
        let (from, to, text) = match self.script[index].1 {
            Step::Login { client: c } => ("user".into(), client(c), "login".to_string()),
            Step::Request { client: c, count } => {
                let text = if count == 1 {
                    "request".to_string()
                } else {
                    format!("request x{count}")
                };
                ("user".into(), client(c), text)
            }
            Step::Logout { client: c } => ("user".into(), client(c), "logout".into()),
            Step::RevokeAll => (
                "user".into(),
                "auth".into(),
                "revoke_all (log out everywhere)".into(),
            ),
            Step::Steal { client: c, token } => (
                "attacker".into(),
                client(c),
                format!("steal {}", kind(token)),
            ),
            Step::Attack { token } => (
                "attacker".into(),
                "attacker".into(),
                format!("attack with {}", kind(token)),
            ),
            Step::Skew { client: c, by_ms } => {
                let by = crate::scenario::Duration(by_ms);
                let sign = if by_ms >= 0 { "+" } else { "" };
                ("user".into(), client(c), format!("clock skew {sign}{by}"))
            }
        };
        Label {
            from,
            to,
            text,
            tokens: vec![],
        }
    }
}

fn kind(token: TokenKind) -> &'static str {
    match token {
        TokenKind::Access => "access token",
        TokenKind::Refresh => "refresh token",
        TokenKind::Both => "both tokens",
    }
}
