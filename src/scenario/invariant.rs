//! The invariant names of docs/invariants.md and what a scenario may expect of them.
//! Kept apart from the rest of the format because reports, judges and the
//! CLI all speak in these names, while only the loader needs the others.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The invariant names of docs/invariants.md; their spelling is part of the contract.
#[derive(
    Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "snake_case")]
pub enum Invariant {
    NoErrorWhileRefreshValid,
    NoStaleOverwrite,
    RequestsComplete,
    ExpiredAccessRejected,
    RevokedAccessRejected,
    ReplayDetected,
    NoTokenTheft,
    SingleRefreshPerExpiry,
    AttackerWindow,
    NoFamilyFork,
    LogoutIsFinal,
    NoClobber,
    GraceParentOnly,
}

impl Invariant {
    /// Every invariant, in contract order: what `check` means when absent.
    pub const ALL: [Invariant; 13] = [
        Invariant::NoErrorWhileRefreshValid,
        Invariant::NoStaleOverwrite,
        Invariant::RequestsComplete,
        Invariant::ExpiredAccessRejected,
        Invariant::RevokedAccessRejected,
        Invariant::ReplayDetected,
        Invariant::NoTokenTheft,
        Invariant::SingleRefreshPerExpiry,
        Invariant::AttackerWindow,
        Invariant::NoFamilyFork,
        Invariant::LogoutIsFinal,
        Invariant::NoClobber,
        Invariant::GraceParentOnly,
    ];

    /// The invariants this version judges: every contract name, v1.1 ones
    /// included. Kept apart from `ALL` so that a future contract name can be
    /// parsed (and refused with a clear message) before it is judged.
    pub const SUPPORTED: [Invariant; 13] = Invariant::ALL;

    /// The contract name, as written in scenario files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::NoErrorWhileRefreshValid => "no_error_while_refresh_valid",
            Invariant::NoStaleOverwrite => "no_stale_overwrite",
            Invariant::RequestsComplete => "requests_complete",
            Invariant::ExpiredAccessRejected => "expired_access_rejected",
            Invariant::RevokedAccessRejected => "revoked_access_rejected",
            Invariant::ReplayDetected => "replay_detected",
            Invariant::NoTokenTheft => "no_token_theft",
            Invariant::SingleRefreshPerExpiry => "single_refresh_per_expiry",
            Invariant::AttackerWindow => "attacker_window",
            Invariant::NoFamilyFork => "no_family_fork",
            Invariant::LogoutIsFinal => "logout_is_final",
            Invariant::NoClobber => "no_clobber",
            Invariant::GraceParentOnly => "grace_parent_only",
        }
    }
}

impl std::fmt::Display for Invariant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a scenario expects of one invariant under `tokenrace check`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    Holds,
    Violated,
}
