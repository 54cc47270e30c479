//! Self-check: `tokenrace probe` against `tokenrace serve`, which runs the
//! model's own auth server with a scenario's `auth` block. The probe must
//! recover that block. serve's clock is virtual (it moves along the
//! scenario's script, not the wall clock), so a grace or lifetime longer
//! than the probe's wall-clock waits is seen as "at least --max-wait";
//! everything else must come back exactly.

use crate::cli::root;
use crate::probe_servers::{assert_block, run_probe, start_serve};
use serde_json::{json, Value};

fn probe_serve(scenario: &str) -> Value {
    let server = start_serve(&root().join("tests/data/probe").join(scenario));
    let dir = tempfile::tempdir().expect("temp dir");
    let token = server.url("/oauth/token");
    let resource = server.url("/api/resource");
    let args = [
        "probe",
        "--token-url",
        &token,
        "--client-id",
        "tokenrace-client",
        "--login",
        "alice:tokenrace",
        "--resource-url",
        &resource,
        "--max-wait",
        "500ms",
        "--race",
        "2",
        "--repeat",
        "2",
    ];
    run_probe(dir.path(), &args).0
}

#[test]
fn probe_recovers_a_rotating_block_from_serve() {
    let report = probe_serve("serve-rotation.json");
    assert_block(
        &report,
        &[
            ("access_ttl", json!("15m")),
            ("refresh_ttl", json!("1w")),
            ("rotation", json!(true)),
            ("grace", json!("0s")),
            ("reuse", json!("revoke_family")),
            ("denylist", json!(true)),
            ("refresh_error", json!(401)),
            ("atomic_rotation", json!(true)),
        ],
    );
    assert_eq!(report["resource"]["check_denylist"], json!(true));
}

#[test]
fn probe_recovers_a_grace_block_from_serve() {
    let report = probe_serve("serve-grace.json");
    assert_block(
        &report,
        &[
            ("access_ttl", json!("5m")),
            ("refresh_ttl", json!("30d")),
            ("rotation", json!(true)),
            ("grace_returns", json!("new")),
            ("grace_scope", json!("any_ancestor")),
            ("grace_uses", json!(2)),
            ("reuse", json!("reject")),
            ("denylist", json!(false)),
            ("refresh_error", json!(400)),
        ],
    );
    let evidence = report["evidence"].to_string();
    assert!(evidence.contains("at least --max-wait"), "{evidence}");
}
