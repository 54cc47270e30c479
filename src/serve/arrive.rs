//! Calls as they arrive: a login (password or authorization-code grant),
//! `/authorize`, `/userinfo`, an outcome or a call with an unknown token is
//! answered at once; resource calls, refreshes, revocations and logouts are
//! parked for the scheduler.

use super::call::{self, Call, Reply, Route};
use super::http::Inbound;
use super::record::Entry;
use super::script::Trigger;
use super::server::{Kind, Server};
use super::tokens::Name;
use crate::model::msg::RequestId;
use crate::scenario::Step;
use crate::trace::StepKind;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// What an inbound message did to the run.
pub enum Arrival {
    Continue,
    /// `{"result": "done"}` or the client exited.
    Ended(String),
}

/// Test login accepted by the password grant.
pub const USERNAME: &str = "alice";
pub const PASSWORD: &str = "tokenrace";

impl Server {
    pub fn arrive(&mut self, inbound: Inbound) -> Arrival {
        match inbound {
            Inbound::Exited(status) if status == "interrupted" => {
                Arrival::Ended("interrupted (Ctrl-C)".to_string())
            }
            Inbound::Exited(status) => Arrival::Ended(format!("the client exited ({status})")),
            Inbound::Outcome(json) => self.outcome(&json),
            Inbound::Http { call, reply } => {
                self.requests += 1;
                if self.requests > self.limits.max_requests {
                    let _ = reply.send(Reply::oauth_error(
                        429,
                        "temporarily_unavailable",
                        &format!(
                            "more than {} requests in one run (--max-requests)",
                            self.limits.max_requests
                        ),
                    ));
                    return Arrival::Continue;
                }
                if let Route::Outcome(json) = &call.route {
                    let _ = reply.send(Reply::empty(204));
                    return self.outcome(json);
                }
                let who = match self.who(&call) {
                    Ok(who) => who,
                    Err(answer) => {
                        let _ = reply.send(answer);
                        return Arrival::Continue;
                    }
                };
                match self.route(&call, &who) {
                    Ok(answer) => {
                        let _ = reply.send(answer);
                    }
                    Err(kind) => {
                        self.park_call(who, kind, reply);
                        if self.handled_on_arrival(kind) {
                            self.execute(self.parked.len() - 1);
                        }
                    }
                }
                Arrival::Continue
            }
        }
    }

    /// The answer to give at once, or (`Err`) the work to park.
    fn route(&mut self, call: &Call, who: &(u8, u16, String)) -> Result<Reply, Kind> {
        Ok(match &call.route {
            Route::Token(form) => match form.get("grant_type").map(String::as_str) {
                Some("refresh_token") => match self.name(form.get("refresh_token").map(String::as_str)) {
                    Some(Name::Rt(rt)) => return Err(Kind::Refresh(rt)),
                    _ => self.unknown(&who.2, "auth", "POST /refresh (unknown token)", self.refresh_rejection("unknown refresh token")),
                },
                Some("password") => self.password(form, who),
                Some("authorization_code") => self.code_grant(form, who),
                other => call::Reply::oauth_error(
                    400,
                    "unsupported_grant_type",
                    &format!("grant_type {other:?} is not supported: use password, authorization_code or refresh_token"),
                ),
            },
            Route::Resource { bearer } => match self.name(bearer.as_deref()) {
                Some(Name::At(at)) => return Err(Kind::Api(at)),
                _ => self.unknown(&who.2, "resource", "GET /api (unknown token)", Reply::invalid_token("unknown token")),
            },
            Route::UserInfo { bearer } => self.userinfo(bearer.as_deref()),
            Route::Revoke { token } | Route::Logout { token } => match self.name(token.as_deref()) {
                Some(Name::Rt(rt)) => return Err(Kind::Logout(rt)),
                Some(Name::At(at)) if matches!(call.route, Route::Revoke { .. }) => {
                    return Err(Kind::RevokeAt(at))
                }
                Some(Name::At(at)) => {
                    let family = self.core.world.at(at).family;
                    let rt = self.core.world.family(family).newest_rt;
                    return Err(Kind::Logout(rt));
                }
                None => Reply::json(200, json!({})),
            },
            Route::Authorize(query) => self.authorize(query),
            Route::Outcome(_) => Reply::empty(204),
        })
    }

    /// The reduction (docs/serve.md): a resource call commutes with every
    /// other step when no denylist is asked and `grace_until_used` is off,
    /// so it is handled at once; its answer is still ordered.
    fn handled_on_arrival(&self, kind: Kind) -> bool {
        matches!(kind, Kind::Api(_))
            && api_on_arrival(&self.core.model.scenario, self.limits.reduce)
    }

    fn refresh_rejection(&self, why: &str) -> Reply {
        Reply::oauth_error(
            self.core.model.scenario.auth.refresh_error,
            "invalid_grant",
            why,
        )
    }

    /// An answer given at once to a call with a token this run never issued.
    fn unknown(&mut self, actor: &str, server: &str, label: &str, answer: Reply) -> Reply {
        let mut entry = self.message(actor, server, label.to_string(), Vec::new());
        entry
            .notes
            .push("a token this run did not issue: answered at once".to_string());
        self.record(entry, &[]);
        let back = self.message(server, actor, answer.status.to_string(), Vec::new());
        self.record(back, &[]);
        answer
    }

    fn password(&mut self, form: &BTreeMap<String, String>, who: &(u8, u16, String)) -> Reply {
        let user = form.get("username").map(String::as_str);
        let pass = form.get("password").map(String::as_str);
        if user != Some(USERNAME) || pass != Some(PASSWORD) {
            return Reply::oauth_error(
                400,
                "invalid_grant",
                "wrong test login: use TOKENRACE_USERNAME / TOKENRACE_PASSWORD",
            );
        }
        self.login(
            who,
            form.get("scope").map(String::as_str),
            None,
            "POST /token password",
        )
    }

    fn code_grant(&mut self, form: &BTreeMap<String, String>, who: &(u8, u16, String)) -> Reply {
        let Some(request) = form.get("code").and_then(|c| self.codes.remove(c)) else {
            return Reply::oauth_error(400, "invalid_grant", "unknown or used authorization code");
        };
        if let Some(challenge) = request.get("code_challenge") {
            let verifier = form.get("code_verifier").map(String::as_str).unwrap_or("");
            let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
            if URL_SAFE_NO_PAD.encode(digest.as_ref()) != *challenge {
                return Reply::oauth_error(
                    400,
                    "invalid_grant",
                    "PKCE code_verifier does not match the S256 code_challenge",
                );
            }
        }
        if request.get("redirect_uri") != form.get("redirect_uri") {
            return Reply::oauth_error(
                400,
                "invalid_grant",
                "redirect_uri differs from the one sent to /authorize",
            );
        }
        let scope = request.get("scope").cloned();
        let nonce = request.get("nonce").cloned();
        self.login(
            who,
            scope.as_deref(),
            nonce.as_deref(),
            "POST /token authorization_code",
        )
    }

    /// A test login: the clock goes to the script's login, a family is
    /// issued, then the clock goes to the script's next request.
    fn login(
        &mut self,
        who: &(u8, u16, String),
        scope: Option<&str>,
        nonce: Option<&str>,
        label: &str,
    ) -> Reply {
        if self.core.families() >= self.limits.max_logins {
            return Reply::oauth_error(
                429,
                "temporarily_unavailable",
                "too many logins in one run",
            );
        }
        let consumed = self.script.consume(Trigger::Login);
        let (until_login, after) = split_at_login(&consumed);
        self.follow_script(until_login);
        let (family, at, rt) = self.core.login();
        self.observed.issued(who.0, family);
        let mut entry = self.message(&who.2, "auth", label.to_string(), Vec::new());
        entry
            .notes
            .push("test login: a new session (not raced)".to_string());
        self.record(entry, &[]);
        let back = self.message(
            "auth",
            &who.2,
            format!("200 {at} {rt}"),
            vec![at.to_string(), rt.to_string()],
        );
        self.record(back, &[]);
        self.follow_script(after);
        self.token_answer(at, rt, scope, nonce)
    }

    fn authorize(&mut self, query: &BTreeMap<String, String>) -> Reply {
        let Some(redirect) = query.get("redirect_uri") else {
            return call::bad("redirect_uri is required");
        };
        if query
            .get("code_challenge_method")
            .is_some_and(|m| m != "S256")
        {
            return call::bad("only code_challenge_method=S256 is supported");
        }
        // `requests` only grows: a code is never issued twice in a run.
        let code = format!("code{}-{}", self.requests, self.tokens.run);
        self.codes.insert(code.clone(), query.clone());
        let mut location = format!(
            "{redirect}{}code={code}",
            if redirect.contains('?') { '&' } else { '?' }
        );
        if let Some(state) = query.get("state") {
            location.push_str("&state=");
            location.extend(form_urlencoded::byte_serialize(state.as_bytes()));
        }
        let mut reply = Reply::empty(302);
        reply.headers.push(("location", location));
        reply
    }

    fn userinfo(&self, bearer: Option<&str>) -> Reply {
        match self.name(bearer) {
            Some(Name::At(at)) if self.core.world.at(at).accepted_by_resource => Reply::json(
                200,
                json!({"sub": self.tokens.sub, "name": "Alice Tokenrace"}),
            ),
            _ => Reply::invalid_token("unknown or expired access token"),
        }
    }

    fn outcome(&mut self, json: &Value) -> Arrival {
        let result = json.get("result").and_then(Value::as_str).unwrap_or("");
        if result == "done" {
            return Arrival::Ended("the client reported done".to_string());
        }
        let call = Call {
            route: Route::Outcome(Value::Null),
            client: json
                .get("client")
                .and_then(Value::as_str)
                .map(str::to_string),
            request: json
                .get("request")
                .and_then(Value::as_str)
                .map(str::to_string),
        };
        let Ok((client, named, actor)) = self.who(&call) else {
            return Arrival::Continue;
        };
        let number = self.outcome_number(client, named);
        let id = RequestId { client, number };
        let report =
            self.observed
                .outcome(&self.core.model, &self.core.world, &self.tokens, id, json);
        let entry = Entry {
            kind: StepKind::Action,
            at: self.core.now,
            from: actor,
            to: "user".to_string(),
            label: report.label,
            tokens: Vec::new(),
            notes: report.notes,
        };
        self.record(entry, &report.facts);
        Arrival::Continue
    }
}

/// Whether resource calls are handled on arrival (the reduction applies).
pub fn api_on_arrival(scenario: &crate::scenario::Scenario, reduce: bool) -> bool {
    reduce && !scenario.resource.check_denylist && !scenario.auth.grace_until_used
}

/// Script entries with their times.
type Entries = Vec<(u64, Step)>;

/// Splits consumed script entries into those up to the login and after it.
fn split_at_login(consumed: &[(u64, Step)]) -> (Entries, Entries) {
    let cut = consumed
        .iter()
        .position(|(_, s)| matches!(s, Step::Login { .. }))
        .map_or(0, |i| i + 1);
    (consumed[..cut].to_vec(), consumed[cut..].to_vec())
}
