//! `tokenrace probe` against oidc-provider 9.13.3 (npm) with its in-memory
//! adapter, in two configurations: rotation on (reuse revokes the whole
//! grant, no grace, long-lived refresh tokens) and off, with a 2-minute
//! access token and a 3-second refresh token whose lifetime the probe
//! measures.

use crate::probe_race::{assert_race_matches, drive};
use crate::probe_servers::{assert_block, run_probe, start_oidc};
use serde_json::{json, Value};

fn probe(rotate: bool, access_ttl_s: u32, refresh_ttl_s: u32, max_wait: &str) -> Value {
    let server = start_oidc(&[
        ("ROTATE", rotate.to_string()),
        ("ACCESS_TTL_S", access_ttl_s.to_string()),
        ("REFRESH_TTL_S", refresh_ttl_s.to_string()),
    ]);
    let dir = tempfile::tempdir().expect("temp dir");
    let token = server.url("/token");
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
        "--scope",
        "openid offline_access",
        "--resource-url",
        &resource,
        "--max-wait",
        max_wait,
        "--race",
        "4",
        "--repeat",
        "3",
    ];
    let (report, scenario) = run_probe(dir.path(), &args);
    let name = format!("oidc-provider rotate {rotate}");
    let real = drive(&token, "probe-secret", 3);
    assert_race_matches(&name, &report, &scenario, &real, &[]);
    report
}

#[test]
fn probe_infers_oidc_provider_rotation_with_grant_revocation() {
    let report = probe(true, 60, 86400, "2s");
    assert_block(
        &report,
        &[
            ("access_ttl", json!("1m")),
            ("rotation", json!(true)),
            ("grace", json!("0s")),
            ("reuse", json!("revoke_family")),
            ("denylist", json!(true)),
            ("refresh_error", json!(400)),
            ("atomic_rotation", json!(true)),
        ],
    );
    assert_eq!(report["resource"]["check_denylist"], json!(true));
}

#[test]
fn probe_infers_oidc_provider_without_rotation_and_a_short_refresh_lifetime() {
    let report = probe(false, 120, 3, "4s");
    assert_block(
        &report,
        &[
            ("access_ttl", json!("2m")),
            ("rotation", json!(false)),
            ("refresh_expiry", json!("absolute")),
        ],
    );
    // oidc-provider keeps `iat` and `exp` in whole seconds, so a 3 s
    // token dies between 2 and 3 s after it was issued.
    let ttl = report["auth"]["refresh_ttl"].as_str().expect("a duration");
    let ms = tokenrace::scenario::duration::Duration::parse(ttl)
        .expect("valid")
        .0;
    assert!((2000..=3000).contains(&ms), "refresh_ttl {ttl}: {report:#}");
}
