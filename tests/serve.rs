//! `tokenrace serve` end to end: the binary on loopback, driven by a
//! hand-rolled HTTP/1.1 client (std::net). The `--explore` / `--schedule`
//! runs of a real client command are in `serve_runs.rs`.

use crate::cli::root;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const SEED: &str = "scenarios/seeds/000-two-request-rotation-race.json";

/// An interactive `serve` (no command), stopped with SIGINT.
struct Serve {
    child: Child,
    port: u16,
}

impl Serve {
    fn start(scenario: &Path, out: &Path) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tokenrace"))
            .args(["serve", &scenario.display().to_string(), "--settle", "20"])
            .args(["--out", &out.display().to_string()])
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stderr.as_mut().expect("piped"))
            .read_line(&mut line)
            .expect("a first stderr line");
        let port = line
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no listening line: {line:?}"));
        Serve { child, port }
    }

    /// Sends raw bytes on a fresh connection; the whole answer as text.
    fn raw(&self, bytes: &[u8]) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connects");
        stream.write_all(bytes).expect("writes");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// A request with `Connection: close`; (status, head, body).
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String, String) {
        let mut text =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            text.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
            text.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        text.push_str("\r\n");
        text.push_str(body);
        let answer = self.raw(text.as_bytes());
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    fn form(&self, path: &str, body: &str) -> (u16, serde_json::Value) {
        let (status, _, body) = self.request("POST", path, &[], body);
        (
            status,
            serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        )
    }

    fn login(&self) -> (String, String) {
        let (status, json) = self.form(
            "/oauth/token",
            "grant_type=password&username=alice&password=tokenrace&client_id=tokenrace-client",
        );
        assert_eq!(status, 200, "{json}");
        (token(&json, "access_token"), token(&json, "refresh_token"))
    }

    fn refresh(&self, rt: &str) -> (u16, serde_json::Value) {
        self.form(
            "/oauth/token",
            &format!("grant_type=refresh_token&refresh_token={rt}&client_id=c"),
        )
    }

    fn resource(&self, at: &str) -> (u16, String, String) {
        self.request(
            "GET",
            "/api/resource",
            &[("Authorization", &format!("Bearer {at}"))],
            "",
        )
    }

    /// SIGINT, then the exit code and stdout.
    fn stop(mut self) -> (i32, String) {
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .expect("piped")
            .read_to_string(&mut stdout)
            .expect("stdout");
        let status = self.child.wait().expect("exits");
        (status.code().expect("an exit code"), stdout)
    }
}

fn token(json: &serde_json::Value, field: &str) -> String {
    json[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {json}"))
        .to_string()
}

/// A scenario file in a temp dir: the seed scenario with `auth` replaced.
pub fn scenario_with(dir: &Path, auth: serde_json::Value) -> PathBuf {
    let mut scenario: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(SEED)).unwrap()).unwrap();
    scenario["auth"] = auth;
    scenario["expect"] = serde_json::json!({});
    let path = dir.join("scenario.json");
    std::fs::write(&path, scenario.to_string()).unwrap();
    path
}

#[test]
fn serve_rotates_rejects_reuse_and_answers_401_for_the_expired_access_token() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(&root().join(SEED), dir.path());
    let (at1, rt1) = serve.login();
    assert_eq!(at1.split('.').count(), 3, "a JWT");
    let (status, head, body) = serve.resource(&at1);
    assert_eq!(
        status, 401,
        "AT1 expired at 15m, the script's burst is at 16m: {body}"
    );
    assert!(
        head.contains("www-authenticate: bearer error=\"invalid_token\""),
        "{head}"
    );
    let (status, pair) = serve.refresh(&rt1);
    assert_eq!(status, 200, "{pair}");
    assert_eq!(pair["token_type"], "Bearer");
    let at2 = token(&pair, "access_token");
    let (status, _, body) = serve.resource(&at2);
    assert_eq!(status, 200);
    assert!(body.contains("\"at\":\"AT2\""), "{body}");
    let (status, error) = serve.refresh(&rt1);
    assert_eq!(
        (status, error["error"].as_str()),
        (401, Some("invalid_grant")),
        "reuse of RT1"
    );
    let (status, _, _) = serve.resource("not-a-token");
    assert_eq!(status, 401);
    let (code, stdout) = serve.stop();
    assert_eq!(code, 1, "a second refresh for AT1: {stdout}");
    assert!(
        stdout.contains("single_refresh_per_expiry: violated"),
        "{stdout}"
    );
    assert!(
        stdout.contains("RT1 reused") || stdout.contains("reuse detected"),
        "{stdout}"
    );
    assert!(dir
        .path()
        .join("000-two-request-rotation-race.serve.mmd")
        .exists());
}

#[test]
fn grace_same_returns_the_cached_pair_and_no_rotation_keeps_the_refresh_token() {
    let dir = tempfile::tempdir().unwrap();
    let grace = serde_json::json!({"grace": "10s", "grace_returns": "same", "refresh_error": 400});
    let serve = Serve::start(&scenario_with(dir.path(), grace), dir.path());
    let (_, rt1) = serve.login();
    let (_, first) = serve.refresh(&rt1);
    let (status, again) = serve.refresh(&rt1);
    assert_eq!(status, 200, "inside grace: {again}");
    assert_eq!(
        first["refresh_token"], again["refresh_token"],
        "grace_returns: same"
    );
    serve.stop();

    let keep = serde_json::json!({"rotation": false});
    let serve = Serve::start(&scenario_with(dir.path(), keep), dir.path());
    let (_, rt1) = serve.login();
    let (_, pair) = serve.refresh(&rt1);
    assert_eq!(
        token(&pair, "refresh_token"),
        rt1,
        "rotation: false keeps the RT"
    );
    let (status, _) = serve.refresh(&rt1);
    assert_eq!(status, 200);
    serve.stop();

    let reject = serde_json::json!({"refresh_error": 400});
    let serve = Serve::start(&scenario_with(dir.path(), reject), dir.path());
    let (_, rt1) = serve.login();
    serve.refresh(&rt1);
    let (status, error) = serve.refresh(&rt1);
    assert_eq!(
        (status, error["error"].as_str()),
        (400, Some("invalid_grant")),
        "refresh_error 400"
    );
    serve.stop();
}

#[test]
fn malformed_http_oversized_bodies_and_unknown_routes_are_answered_not_crashed_on() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(&root().join(SEED), dir.path());
    assert!(serve.raw(b"GARBAGE\r\n\r\n").starts_with("HTTP/1.1 400"));
    assert!(serve
        .raw(b"GET / HTTP/1.1\r\nHost\r\n\r\n")
        .starts_with("HTTP/1.1 400"));
    let big = "a=".to_string() + &"x".repeat(70 * 1024);
    assert_eq!(serve.request("POST", "/oauth/token", &[], &big).0, 413);
    assert_eq!(serve.request("GET", "/nowhere", &[], "").0, 404);
    let (status, error) = serve.form("/oauth/token", "grant_type=magic");
    assert_eq!(
        (status, error["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, head, _) = serve.request(
        "OPTIONS",
        "/oauth/token",
        &[("Origin", "http://app.test")],
        "",
    );
    assert_eq!(status, 204);
    assert!(head.contains("access-control-allow-origin: *"), "{head}");
    assert!(head.contains("x-tokenrace-client"), "{head}");
    let (status, _, body) = serve.request("GET", "/.well-known/openid-configuration", &[], "");
    assert_eq!(status, 200);
    assert!(
        body.contains("/oauth/token") && body.contains("S256"),
        "{body}"
    );
    let (_, _, jwks) = serve.request("GET", "/jwks.json", &[], "");
    assert!(
        jwks.contains("\"ES256\"") && jwks.contains("\"P-256\""),
        "{jwks}"
    );
    // Still serving after all that.
    serve.login();
    let (code, stdout) = serve.stop();
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn authorization_code_with_pkce_issues_an_id_token_and_checks_the_verifier() {
    let dir = tempfile::tempdir().unwrap();
    let serve = Serve::start(&root().join(SEED), dir.path());
    // base64url(SHA-256(verifier)), without padding.
    let verifier = "dBjftJeZ4CVP-mJ92K9DnSnvv2jtuC6wFSZgKtG5iW8";
    let challenge = "NYRpTLF_XLws__1g757xvzbD31jH-jTzxK8w0gG0Q8s";
    let authorize = |path: &str| {
        let (status, head, _) = serve.request("GET", path, &[], "");
        assert_eq!(status, 302);
        let location = head
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .expect("a location")
            .to_string();
        location
            .split("code=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_string()
    };
    let path = format!(
        "/authorize?response_type=code&client_id=c&redirect_uri=http%3A%2F%2Fapp.test%2Fcb&state=s1&scope=openid&nonce=n1&code_challenge={challenge}&code_challenge_method=S256"
    );
    let code = authorize(&path);
    let exchange = |code: &str, verifier: &str| {
        serve.form(
            "/oauth/token",
            &format!("grant_type=authorization_code&code={code}&code_verifier={verifier}&redirect_uri=http%3A%2F%2Fapp.test%2Fcb&client_id=c"),
        )
    };
    assert_eq!(exchange(&code, "wrong").0, 400, "a wrong verifier");
    let code = authorize(&path);
    let (status, tokens) = exchange(&code, verifier);
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["id_token"].is_string(), "scope openid: {tokens}");
    assert_eq!(exchange(&code, verifier).0, 400, "a code is used once");
    serve.stop();
}
