//! What an absent field means (docs/scenario-format.md): serde's defaults for the
//! scenario format, and the auth server's defaults as one `const` that the
//! server presets edit.

use super::*;

pub fn horizon() -> Duration {
    Duration(2 * 3_600_000)
}
pub fn storage() -> Storage {
    Storage::LocalStorage
}
pub fn refresh() -> RefreshStrategy {
    RefreshStrategy::Naive
}
pub fn retries() -> u32 {
    1
}
pub fn store_policy() -> StorePolicy {
    StorePolicy::LastWriteWins
}
pub fn reads_rt() -> ReadsRt {
    ReadsRt::AtRefresh
}
pub fn on_refresh_failure() -> OnRefreshFailure {
    OnRefreshFailure::Keep
}
pub fn after_logout() -> AfterLogout {
    AfterLogout::Discard
}

impl Auth {
    /// The format's own defaults (docs/scenario-format.md): what an absent field means, and
    /// the base every server preset edits. A `const`, so preset tables can
    /// be `const` too.
    pub const DEFAULTS: Auth = Auth {
        preset: None,
        access_ttl: Duration(15 * 60_000),
        refresh_ttl: Duration(30 * 86_400_000),
        refresh_expiry: RefreshExpiry::Sliding,
        rotation: true,
        grace: Duration(0),
        grace_returns: GraceReturns::Same,
        reuse: Reuse::RevokeFamily,
        denylist: false,
        refresh_error: 401,
        grace_scope: GraceScope::Parent,
        grace_uses: None,
        grace_until_used: false,
        atomic_rotation: true,
        commit_latency: [Duration(0), Duration(0)],
    };
}

impl Default for Auth {
    fn default() -> Self {
        Auth::DEFAULTS
    }
}
