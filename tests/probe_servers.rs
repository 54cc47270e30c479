//! Real authorization servers for the probe tests, started on loopback by
//! the tests themselves: django-oauth-toolkit (tests/servers/dot), the
//! oidc-provider npm package (tests/servers/oidc-provider) and a throwaway
//! PostgreSQL cluster. `.ci/run` installs all three; a test that finds one
//! missing fails and says how to install it (it never skips).
//!
//! Also the real-vs-model comparison every server test makes: drive the
//! server with the interleavings of the canonical race (two clients
//! refreshing one RT: one after the other, and at once), turn what they saw
//! into verdicts, and let `tokenrace check` judge the scenario built from
//! the inferred block against them.

use crate::cli::{root, tokenrace};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A server process, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// Fails the test, naming what `.ci/run` installs.
pub fn need(ok: bool, what: &str, install: &str) {
    assert!(
        ok,
        "{what} is missing: {install} (.ci/run does this); the probe tests need it"
    );
}

fn has_command(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Start `program args` with `env`, wait for "listening PORT" on stdout.
fn start(program: &str, args: &[&str], env: &[(&str, String)], what: &str) -> Server {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {program} does not start: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(port) = line.strip_prefix("listening ") {
                let _ = send.send(port.trim().parse::<u16>().ok());
            }
        }
    });
    match receive.recv_timeout(Duration::from_secs(90)) {
        Ok(Some(port)) => Server { child, port },
        _ => {
            let _ = child.kill();
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            let _ = child.wait();
            panic!("{what} did not start listening:\n{stderr}");
        }
    }
}

/// django-oauth-toolkit with its settings from `env` (server.py's names).
pub fn start_dot(env: &[(&str, String)]) -> Server {
    need(
        has_command("python3", "--version"),
        "python3",
        "apt-get install -y python3 python3-pip",
    );
    let import = Command::new("python3")
        .args(["-c", "import django, oauth2_provider, psycopg"])
        .status()
        .is_ok_and(|s| s.success());
    need(
        import,
        "django-oauth-toolkit",
        "pip install -r tests/servers/dot/requirements.txt",
    );
    let script = root().join("tests/servers/dot/server.py");
    start(
        "python3",
        &[script.to_str().expect("utf-8 path")],
        env,
        "django-oauth-toolkit",
    )
}

/// oidc-provider with `ROTATE`, `ACCESS_TTL_S`, `REFRESH_TTL_S` from `env`.
pub fn start_oidc(env: &[(&str, String)]) -> Server {
    need(
        has_command("node", "--version"),
        "node",
        "apt-get install -y nodejs npm",
    );
    let dir = root().join("tests/servers/oidc-provider");
    need(
        dir.join("node_modules/oidc-provider").is_dir(),
        "oidc-provider",
        "npm ci --prefix tests/servers/oidc-provider",
    );
    let script = dir.join("server.mjs");
    start(
        "node",
        &[script.to_str().expect("utf-8 path")],
        env,
        "oidc-provider",
    )
}

/// A throwaway PostgreSQL cluster in a temporary folder, stopped on drop.
/// PostgreSQL refuses to run as root, so as root it runs as `nobody`.
pub struct Postgres {
    dir: tempfile::TempDir,
    pub port: u16,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

fn as_server_user(program: &str) -> Command {
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if root_user {
        let mut command = Command::new("runuser");
        command.args(["-u", "nobody", "--", program]);
        command
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

impl Postgres {
    pub fn start() -> Postgres {
        let initdb = format!("{PG_BIN}/initdb");
        need(
            Path::new(&initdb).exists(),
            "PostgreSQL 15 server",
            "apt-get install -y postgresql",
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data dir");
        for path in [dir.path(), data.as_path()] {
            let _ = Command::new("chown")
                .args(["nobody", path.to_str().expect("utf-8")])
                .status();
        }
        let run = |mut command: Command, what: &str| {
            let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(
                out.status.success(),
                "{what} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let mut init = as_server_user(&initdb);
        init.args([
            "-D",
            data.to_str().expect("utf-8"),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
        ]);
        run(init, "initdb");
        let port = free_port();
        let options = format!("-p {port} -k {} -h 127.0.0.1 -F", dir.path().display());
        let mut ctl = as_server_user(&format!("{PG_BIN}/pg_ctl"));
        let log = dir.path().join("log");
        ctl.args([
            "-D",
            data.to_str().expect("utf-8"),
            "-o",
            &options,
            "-l",
            log.to_str().expect("utf-8"),
            "-w",
            "start",
        ]);
        run(ctl, "pg_ctl start");
        Postgres { dir, port }
    }

    /// A new database for one server configuration.
    pub fn database(&self, name: &str) -> String {
        let out = Command::new(format!("{PG_BIN}/createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                name,
            ])
            .output()
            .expect("createdb runs");
        assert!(
            out.status.success(),
            "createdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        name.to_string()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let mut ctl = as_server_user(&format!("{PG_BIN}/pg_ctl"));
        ctl.args([
            "-D",
            data.to_str().unwrap_or(""),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]);
        let _ = ctl.output();
    }
}

/// `tokenrace probe … --format json --scenario-out DIR/probe.json`.
pub fn run_probe(dir: &Path, args: &[&str]) -> (Value, PathBuf) {
    let scenario = dir.join("probe.json");
    let mut all: Vec<&str> = args.to_vec();
    all.extend([
        "--format",
        "json",
        "--scenario-out",
        scenario.to_str().expect("utf-8"),
    ]);
    let out = tokenrace(&all);
    assert_eq!(out.code, 0, "probe failed:\n{}\n{}", out.stderr, out.stdout);
    let report: Value = serde_json::from_str(&out.stdout).expect("probe --format json is JSON");
    (report, scenario)
}

/// Assert each `(field, value)` of the inferred block.
pub fn assert_block(report: &Value, expected: &[(&str, Value)]) {
    for (field, value) in expected {
        assert_eq!(
            &report["auth"][field], value,
            "auth.{field}; report:\n{report:#}"
        );
    }
}

/// `tokenrace serve SCENARIO --port P` without a command: it serves until
/// killed. serve prints its URL on stderr; the port is chosen here.
pub fn start_serve(scenario: &Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_tokenrace"))
        .args([
            "serve",
            scenario.to_str().expect("utf-8"),
            "--port",
            &port.to_string(),
        ])
        .args(["--settle", "20", "--run-timeout", "120"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tokenrace serve starts");
    let server = Server { child, port };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("tokenrace serve did not listen on port {port}");
}
