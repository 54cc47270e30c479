//! The preset table: each vendor's documented defaults as `auth` values,
//! with the pages they come from and what the model cannot express. Every
//! sentence here is ours; the facts are the vendors' (see each URL).
//!
//! The entries live in `saas.rs` (hosted services) and `self_hosted.rs`
//! (servers you run); this file holds what they share and the table.
//!
//! Adding a preset: a `PresetName` variant, one entry here with one
//! [`Basis`] per auth field (a test insists), then `TOKENRACE_BLESS=1 cargo
//! test presets` to regenerate docs/presets.md.

use super::saas::{AUTH0, COGNITO, COGNITO_ROTATION, OKTA, SUPABASE};
use super::self_hosted::{HYDRA, KEYCLOAK, KEYCLOAK_STRICT, SPRING};
use super::servers::{DJANGO_OAUTH_TOOLKIT, OIDC_PROVIDER};
use super::PresetName;
use super::{Basis, Origin, Preset};
use crate::scenario::Auth;

pub(super) const SECOND: i64 = 1_000;
pub(super) const MINUTE: i64 = 60 * SECOND;
pub(super) const HOUR: i64 = 60 * MINUTE;
pub(super) const DAY: i64 = 24 * HOUR;

/// The format's own defaults (docs/scenario-format.md), the base every preset edits.
pub(super) const BASE: Auth = Auth::DEFAULTS;

pub(super) const fn documented(field: &'static str, why: &'static str) -> Basis {
    Basis {
        field,
        origin: Origin::Documented,
        why,
    }
}

pub(super) const fn undocumented(field: &'static str, why: &'static str) -> Basis {
    Basis {
        field,
        origin: Origin::Undocumented,
        why,
    }
}

pub(super) const fn observed(field: &'static str, why: &'static str) -> Basis {
    Basis {
        field,
        origin: Origin::Observed,
        why,
    }
}

pub(super) const fn not_applicable(field: &'static str, why: &'static str) -> Basis {
    Basis {
        field,
        origin: Origin::NotApplicable,
        why,
    }
}

/// Reasons shared by every preset whose vendor documents nothing about the
/// (v1.1) refinements: the model's defaults are the behaviour of a correct,
/// atomic server, which is what a vendor that says nothing promises.
pub(super) const ATOMIC: Basis = undocumented(
    "atomic_rotation",
    "No known report of two refreshes both passing the check; an atomic check-and-rotate is assumed.",
);
pub(super) const NO_COMMIT_DELAY: Basis =
    not_applicable("commit_latency", "Only used when rotation is not atomic.");
pub(super) const GRACE_UNTIL_USED_OFF: Basis = undocumented(
    "grace_until_used",
    "The documentation does not say that using the successor ends the grace; false keeps the documented time limit as the only limit.",
);

/// Every preset, in the order `tokenrace presets` lists them.
pub static PRESETS: [Preset; 11] = [
    AUTH0,
    OKTA,
    KEYCLOAK,
    KEYCLOAK_STRICT,
    HYDRA,
    COGNITO,
    COGNITO_ROTATION,
    SUPABASE,
    SPRING,
    DJANGO_OAUTH_TOOLKIT,
    OIDC_PROVIDER,
];

/// The presets whose values were checked against a running server in this
/// repository's tests (`tokenrace probe` on loopback); every other preset
/// was checked against its vendor's documentation only.
pub const CHECKED_AGAINST_SERVER: &[(PresetName, &str)] = &[
    (
        PresetName::DjangoOauthToolkit,
        "django-oauth-toolkit 3.4.1 on SQLite and PostgreSQL 15, probed by tests/probe_dot.rs in five configurations",
    ),
    (
        PresetName::OidcProvider,
        "oidc-provider 9.13.3 with its in-memory adapter, probed by tests/probe_oidc.rs with rotation on and off",
    ),
];

/// How a preset was checked, as docs/presets.md says it.
pub fn checked(name: PresetName) -> String {
    match CHECKED_AGAINST_SERVER.iter().find(|(n, _)| *n == name) {
        Some((_, how)) => format!("against a running server here: {how}"),
        None => "only against the vendor's documentation (no server of this vendor runs here)"
            .to_string(),
    }
}
