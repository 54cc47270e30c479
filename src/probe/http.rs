//! The HTTP edge of a probe: one token endpoint, one optional resource URL,
//! a request budget, and the transcript of every exchange.
//!
//! Tokens never reach the transcript: each distinct value is named in
//! first-seen order (`RT1`, `AT1`, …) as tokenrace's traces name them.

use super::{Config, ProbeError, MAX_REQUESTS};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// What the token endpoint answered. `status` 0 is a transport error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub access: Option<String>,
    pub refresh: Option<String>,
    pub expires_in: Option<u64>,
    pub refresh_expires_in: Option<u64>,
    pub error: Option<String>,
}

impl Answer {
    /// A 2xx answer that carries an access token.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status) && self.access.is_some()
    }
}

/// A token endpoint and what was said to it.
pub struct Endpoint {
    token_url: String,
    resource_url: Option<String>,
    client_id: String,
    client_secret: Option<String>,
    scope: Option<String>,
    sent: AtomicUsize,
    log: Mutex<Log>,
}

#[derive(Default)]
struct Log {
    lines: Vec<String>,
    names: BTreeMap<String, String>,
    counts: BTreeMap<&'static str, usize>,
}

impl Log {
    fn name(&mut self, kind: &'static str, token: &str) -> String {
        if let Some(name) = self.names.get(token) {
            return name.clone();
        }
        let count = self.counts.entry(kind).or_insert(0);
        *count += 1;
        let name = format!("{kind}{count}");
        self.names.insert(token.to_string(), name.clone());
        name
    }
}

/// A fresh connection pool: each racer gets its own, so racing refreshes
/// travel on separate connections.
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .redirects(0)
        .build()
}

impl Endpoint {
    pub fn new(config: &Config) -> Result<Endpoint, ProbeError> {
        check_host(&config.token_url, &config.allow_hosts)?;
        if let Some(url) = &config.resource_url {
            check_host(url, &config.allow_hosts)?;
        }
        Ok(Endpoint {
            token_url: config.token_url.clone(),
            resource_url: config.resource_url.clone(),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            scope: config.scope.clone(),
            sent: AtomicUsize::new(0),
            log: Mutex::new(Log::default()),
        })
    }

    pub fn has_resource(&self) -> bool {
        self.resource_url.is_some()
    }

    /// The transcript so far, one line per exchange or wait.
    pub fn transcript(&self) -> Vec<String> {
        self.log.lock().expect("log").lines.clone()
    }

    /// Requests sent so far.
    pub fn sent(&self) -> usize {
        self.sent.load(Ordering::SeqCst)
    }

    /// Record a note (a wait, a probe's start) in the transcript.
    pub fn note(&self, text: &str) {
        self.log
            .lock()
            .expect("log")
            .lines
            .push(format!("-- {text}"));
    }

    /// The name a token has in the transcript (`RT3`).
    pub fn name(&self, kind: &'static str, token: &str) -> String {
        self.log.lock().expect("log").name(kind, token)
    }

    fn spend(&self) -> Result<usize, ProbeError> {
        let n = self.sent.fetch_add(1, Ordering::SeqCst) + 1;
        if n > MAX_REQUESTS {
            return Err(ProbeError::Budget(MAX_REQUESTS));
        }
        Ok(n)
    }

    /// `grant_type=refresh_token` with `rt` (RFC 6749 §6).
    pub fn refresh(
        &self,
        agent: &ureq::Agent,
        label: &str,
        rt: &str,
    ) -> Result<Answer, ProbeError> {
        let presented = self.name("RT", rt);
        let (n, answer) = self.post(
            agent,
            &[("grant_type", "refresh_token"), ("refresh_token", rt)],
        )?;
        self.record(n, label, &format!("refresh {presented}"), &answer);
        Ok(answer)
    }

    /// `grant_type=password` (RFC 6749 §4.3): a new family.
    pub fn password(
        &self,
        agent: &ureq::Agent,
        user: &str,
        pass: &str,
    ) -> Result<Answer, ProbeError> {
        let form = [
            ("grant_type", "password"),
            ("username", user),
            ("password", pass),
        ];
        let (n, answer) = self.post(agent, &form)?;
        self.record(n, "login", "password grant", &answer);
        Ok(answer)
    }

    /// `GET resource_url` with `Authorization: Bearer at`: does the resource
    /// server accept the AT? `None` without a resource URL.
    pub fn resource(
        &self,
        agent: &ureq::Agent,
        label: &str,
        at: &str,
    ) -> Result<Option<bool>, ProbeError> {
        let Some(url) = &self.resource_url else {
            return Ok(None);
        };
        let n = self.spend()?;
        let status = match agent
            .get(url)
            .set("Authorization", &format!("Bearer {at}"))
            .call()
        {
            Ok(response) => response.status(),
            Err(ureq::Error::Status(code, _)) => code,
            Err(_) => 0,
        };
        let name = self.name("AT", at);
        let mut log = self.log.lock().expect("log");
        log.lines.push(format!(
            "{n:>3} {label}: GET resource with {name} -> {status}"
        ));
        Ok(Some((200..300).contains(&status)))
    }

    fn post(
        &self,
        agent: &ureq::Agent,
        grant: &[(&str, &str)],
    ) -> Result<(usize, Answer), ProbeError> {
        let n = self.spend()?;
        let mut form: Vec<(&str, &str)> = grant.to_vec();
        form.push(("client_id", &self.client_id));
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret));
        }
        if let Some(scope) = &self.scope {
            form.push(("scope", scope));
        }
        let request = agent
            .post(&self.token_url)
            .set("Accept", "application/json");
        let answer = match request.send_form(&form) {
            Ok(response) => parse(
                response.status(),
                response.into_string().unwrap_or_default(),
            ),
            Err(ureq::Error::Status(code, response)) => {
                parse(code, response.into_string().unwrap_or_default())
            }
            Err(error) => Answer {
                error: Some(format!("transport: {error}")),
                ..Answer::default()
            },
        };
        Ok((n, answer))
    }

    fn record(&self, n: usize, label: &str, what: &str, answer: &Answer) {
        let mut log = self.log.lock().expect("log");
        let mut line = format!("{n:>3} {label}: {what} -> {}", answer.status);
        if let Some(at) = &answer.access {
            line.push_str(&format!(" {}", log.name("AT", at)));
        }
        if let Some(rt) = &answer.refresh {
            line.push_str(&format!(" {}", log.name("RT", rt)));
        }
        if let Some(seconds) = answer.expires_in {
            line.push_str(&format!(" expires_in={seconds}"));
        }
        if let Some(error) = &answer.error {
            line.push_str(&format!(" error={error}"));
        }
        log.lines.push(line);
    }
}

fn parse(status: u16, body: String) -> Answer {
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let text = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_string);
    let seconds = |key: &str| json.get(key).and_then(Value::as_u64);
    Answer {
        status,
        access: text("access_token"),
        refresh: text("refresh_token"),
        expires_in: seconds("expires_in"),
        refresh_expires_in: seconds("refresh_expires_in")
            .or_else(|| seconds("refresh_token_expires_in")),
        error: text("error"),
    }
}

/// Only loopback hosts, and the hosts named with `--allow-host`.
pub fn check_host(url: &str, allowed: &[String]) -> Result<(), ProbeError> {
    let host = host_of(url).ok_or_else(|| ProbeError::BadUrl {
        url: url.to_string(),
        reason: "expected http://HOST[:PORT]/PATH".to_string(),
    })?;
    let loopback = host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback || allowed.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
        return Ok(());
    }
    Err(ProbeError::HostNotAllowed {
        url: url.to_string(),
        host,
    })
}

fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.split(':').next()?
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_and_allowed_hosts_pass() {
        assert!(check_host("http://127.0.0.1:8080/token", &[]).is_ok());
        assert!(check_host("http://localhost/token", &[]).is_ok());
        assert!(check_host("http://[::1]:9/token", &[]).is_ok());
        assert!(check_host("http://auth.example/token", &[]).is_err());
        assert!(check_host("http://auth.example/token", &["auth.example".to_string()]).is_ok());
        assert!(check_host("http://127.0.0.1.evil.example/t", &[]).is_err());
        assert!(check_host("ftp://127.0.0.1/", &[]).is_err());
    }

    #[test]
    fn answers_are_read_from_json_bodies() {
        let ok = parse(
            200,
            r#"{"access_token":"a","refresh_token":"r","expires_in":60}"#.into(),
        );
        assert!(ok.ok());
        assert_eq!(ok.expires_in, Some(60));
        let bad = parse(400, r#"{"error":"invalid_grant"}"#.into());
        assert!(!bad.ok());
        assert_eq!(bad.error.as_deref(), Some("invalid_grant"));
    }
}
