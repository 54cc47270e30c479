//! `tokenrace probe` against django-oauth-toolkit 3.4.1 (PyPI), one server
//! per configuration, on SQLite (where `select_for_update` is a no-op) and
//! PostgreSQL (where it locks). Each test asserts the block the settings and
//! the toolkit's documentation imply, then compares the real race with the
//! model's verdicts on the scenario built from that block.

use crate::probe_race::{assert_race_matches, drive};
use crate::probe_servers::{assert_block, run_probe, start_dot, Postgres, Server};
use serde_json::{json, Value};

/// The toolkit's settings for one test configuration.
struct Settings {
    rotate: bool,
    grace_s: u32,
    reuse_protection: bool,
}

fn env(settings: &Settings, db: &[(&'static str, String)]) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("ROTATE_REFRESH_TOKEN", settings.rotate.to_string()),
        (
            "REFRESH_TOKEN_GRACE_PERIOD_SECONDS",
            settings.grace_s.to_string(),
        ),
        (
            "REFRESH_TOKEN_REUSE_PROTECTION",
            settings.reuse_protection.to_string(),
        ),
        ("ACCESS_TOKEN_EXPIRE_SECONDS", "600".to_string()),
    ];
    env.extend(db.iter().cloned());
    env
}

/// What the settings and the toolkit's documentation say the block is.
fn expected(settings: &Settings) -> Vec<(&'static str, Value)> {
    let mut block = vec![
        ("access_ttl", json!("10m")),
        ("rotation", json!(settings.rotate)),
        ("refresh_error", json!(400)),
    ];
    if !settings.rotate {
        return block;
    }
    let reuse = if settings.reuse_protection {
        "revoke_family"
    } else {
        "reject"
    };
    block.push(("grace", json!(format!("{}s", settings.grace_s))));
    block.push(("reuse", json!(reuse)));
    block.push(("denylist", json!(settings.reuse_protection)));
    if settings.grace_s > 0 {
        block.push(("grace_returns", json!("same")));
        block.push(("grace_scope", json!("parent")));
        block.push(("grace_uses", Value::Null));
        block.push(("grace_until_used", json!(false)));
    }
    block
}

fn probe_and_compare(name: &str, server: &Server, settings: &Settings) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let token = server.url("/o/token/");
    let resource = server.url("/me");
    let args = [
        "probe",
        "--token-url",
        &token,
        "--client-id",
        "probe",
        "--client-secret",
        "probe-secret",
        "--login",
        "probe:pw",
        "--resource-url",
        &resource,
        "--max-wait",
        "1500ms",
        "--race",
        "4",
        "--repeat",
        "3",
    ];
    let (report, scenario) = run_probe(dir.path(), &args);
    assert_block(&report, &expected(settings));
    let real = drive(&token, "probe-secret", 3);
    let explained = ["race_errors", "concurrent_returns"];
    assert_race_matches(name, &report, &scenario, &real, &explained);
    report
}

fn sqlite(settings: &Settings) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db.sqlite3").display().to_string();
    let server = start_dot(&env(settings, &[("SQLITE_PATH", path)]));
    (server, dir)
}

#[test]
fn probe_infers_dot_sqlite_rotation_without_grace_or_reuse_protection() {
    let settings = Settings {
        rotate: true,
        grace_s: 0,
        reuse_protection: false,
    };
    let (server, _db) = sqlite(&settings);
    let report = probe_and_compare("dot sqlite grace 0 reuse off", &server, &settings);
    let notes = report["not_expressible"].to_string();
    assert!(
        notes.contains("refresh_revokes_access"),
        "rotation deletes the parent's AT: {notes}"
    );
}

#[test]
fn probe_infers_dot_sqlite_grace_with_reuse_protection() {
    let settings = Settings {
        rotate: true,
        grace_s: 1,
        reuse_protection: true,
    };
    let (server, _db) = sqlite(&settings);
    probe_and_compare("dot sqlite grace 1s reuse on", &server, &settings);
}

#[test]
fn probe_infers_dot_sqlite_without_rotation() {
    let settings = Settings {
        rotate: false,
        grace_s: 0,
        reuse_protection: false,
    };
    let (server, _db) = sqlite(&settings);
    let report = probe_and_compare("dot sqlite no rotation", &server, &settings);
    assert!(
        report["not_run"].to_string().contains("does not rotate"),
        "{report:#}"
    );
}

/// One configuration on its own throwaway PostgreSQL cluster.
fn postgres(settings: &Settings) {
    let postgres = Postgres::start();
    let db = postgres.database("dot");
    let server = start_dot(&env(
        settings,
        &[
            ("DB", "postgres".to_string()),
            ("PGHOST", "127.0.0.1".to_string()),
            ("PGPORT", postgres.port.to_string()),
            ("PGUSER", "postgres".to_string()),
            ("PGDATABASE", db),
        ],
    ));
    let name = format!(
        "dot postgres grace {}s reuse {}",
        settings.grace_s, settings.reuse_protection
    );
    let report = probe_and_compare(&name, &server, settings);
    let errors: u64 = report["races"]
        .as_array()
        .expect("races")
        .iter()
        .map(|r| r["server_errors"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(
        errors, 0,
        "PostgreSQL's row lock serialises racing refreshes: {report:#}"
    );
}

#[test]
fn probe_infers_dot_postgres_reuse_protection_without_grace() {
    postgres(&Settings {
        rotate: true,
        grace_s: 0,
        reuse_protection: true,
    });
}

#[test]
fn probe_infers_dot_postgres_grace_without_reuse_protection() {
    postgres(&Settings {
        rotate: true,
        grace_s: 1,
        reuse_protection: false,
    });
}
