//! Presets for open-source servers that this repository's tests run on
//! loopback and probe (`tokenrace probe`, docs/probe.md): django-oauth-toolkit
//! and oidc-provider. Their `observed` values were seen on the pinned
//! versions by tests/probe_dot.rs and tests/probe_oidc.rs.

use super::vendors::{
    documented, not_applicable, observed, undocumented, BASE, DAY, HOUR, NO_COMMIT_DELAY,
};
use super::{Preset, PresetName, Source};
use crate::scenario::{Auth, Duration, GraceReturns, GraceScope, RefreshExpiry, Reuse};

pub const DJANGO_OAUTH_TOOLKIT: Preset = Preset {
    name: PresetName::DjangoOauthToolkit,
    name_text: "django_oauth_toolkit",
    vendor: "django-oauth-toolkit 3.4.1",
    setting: "the toolkit's default settings (ROTATE_REFRESH_TOKEN true, REFRESH_TOKEN_GRACE_PERIOD_SECONDS 0, REFRESH_TOKEN_REUSE_PROTECTION false, ACCESS_TOKEN_EXPIRE_SECONDS 36000, REFRESH_TOKEN_EXPIRE_SECONDS None) on PostgreSQL, with a resource server that checks tokens in the toolkit's database",
    auth: Auth {
        access_ttl: Duration(10 * HOUR),
        refresh_ttl: Duration(3650 * DAY),
        refresh_expiry: RefreshExpiry::Sliding,
        rotation: true,
        grace: Duration(0),
        grace_returns: GraceReturns::Same,
        reuse: Reuse::Reject,
        denylist: true,
        refresh_error: 400,
        grace_scope: GraceScope::Parent,
        ..BASE
    },
    sources: DOT_SOURCES,
    basis: &[
        observed("access_ttl", "ACCESS_TOKEN_EXPIRE_SECONDS defaults to 36000 s; answers carry expires_in = 36000."),
        documented("refresh_ttl", "REFRESH_TOKEN_EXPIRE_SECONDS defaults to None: refresh tokens never expire; 3650 days stands for never."),
        documented("refresh_expiry", "With an expiry set, a refresh token dies that long after its access token expires, and each refresh issues a new access token: the lifetime slides."),
        observed("rotation", "ROTATE_REFRESH_TOKEN defaults to true; a refresh returns a new refresh token and the old one is refused."),
        observed("grace", "REFRESH_TOKEN_GRACE_PERIOD_SECONDS defaults to 0; a parent replayed at once is refused. With N > 0 the probe finds N s."),
        observed("grace_returns", "With a grace period, a replay returns the access and refresh token already issued for that parent (same)."),
        observed("reuse", "REFRESH_TOKEN_REUSE_PROTECTION defaults to false: a replay is refused and the newest token still works. With it on, the token family is revoked (revoke_family)."),
        observed("denylist", "The toolkit's resource server looks each access token up in its database; revoking a family deletes its access tokens, which the probe sees refused at once (set resource.check_denylist)."),
        observed("refresh_error", "400 invalid_grant."),
        observed("grace_scope", "Only the parent: a grandparent is refused because rotating its child deleted the access token the grace check looks for (issue 1617 is fixed in 3.x)."),
        observed("grace_uses", "Three replays inside the grace all worked; no count limit is documented."),
        observed("grace_until_used", "Using the successor access token does not end the parent's grace."),
        observed("atomic_rotation", "On PostgreSQL the row lock (select_for_update) serialises racing refreshes and no fork was seen. On SQLite the lock does nothing and losers answer 500 (see below)."),
        NO_COMMIT_DELAY,
    ],
    cannot_express: &[
        "A refresh deletes the access token issued with the presented refresh token, so the previous AT is refused at once (proposed field: auth.refresh_revokes_access).",
        "On PostgreSQL, refreshes of one RT that are in flight together all get the first one's pair even with no grace period: the check waits for the lock, then finds the pair already issued (proposed field: auth.concurrent_returns: \"same\").",
        "On SQLite, racing refreshes that lose answer 500 (database is locked) instead of invalid_grant; the model has no server error for a refresh (proposed field: auth.race_errors).",
    ],
};

const DOT_SOURCES: &[Source] = &[
    Source {
        url: "https://django-oauth-toolkit.readthedocs.io/en/latest/settings.html",
        says: "The settings and their defaults: ROTATE_REFRESH_TOKEN true, REFRESH_TOKEN_GRACE_PERIOD_SECONDS 0, REFRESH_TOKEN_REUSE_PROTECTION false (when on, using a revoked refresh token outside the grace revokes its whole family), ACCESS_TOKEN_EXPIRE_SECONDS 36000, REFRESH_TOKEN_EXPIRE_SECONDS None.",
    },
    Source {
        url: "https://github.com/jazzband/django-oauth-toolkit/issues/1617",
        says: "The report that the grace period accepted grandparents too; 3.x only honours the immediately preceding token.",
    },
];

pub const OIDC_PROVIDER: Preset = Preset {
    name: PresetName::OidcProvider,
    name_text: "oidc_provider",
    vendor: "oidc-provider 9.13.3 (node)",
    setting: "refresh tokens that rotate (rotateRefreshToken true, which the default function also chooses for public clients), default TTLs, a confidential client, opaque access tokens checked by the provider (userinfo or introspection)",
    auth: Auth {
        access_ttl: Duration(HOUR),
        refresh_ttl: Duration(14 * DAY),
        refresh_expiry: RefreshExpiry::Sliding,
        rotation: true,
        grace: Duration(0),
        grace_returns: GraceReturns::Same,
        reuse: Reuse::RevokeFamily,
        denylist: true,
        refresh_error: 400,
        ..BASE
    },
    sources: OIDC_SOURCES,
    basis: &[
        documented("access_ttl", "ttl.AccessToken defaults to 3600 s (the probe reads expires_in)."),
        documented("refresh_ttl", "ttl.RefreshToken defaults to 14 days."),
        documented("refresh_expiry", "A rotated refresh token gets a new full TTL for confidential clients (public web clients keep the remaining TTL: absolute)."),
        observed("rotation", "With rotateRefreshToken true a refresh consumes the token and issues a new one."),
        observed("grace", "None: a consumed refresh token is refused at once."),
        not_applicable("grace_returns", "No grace."),
        observed("reuse", "A consumed refresh token presented again destroys it and revokes the whole grant: the newest refresh token is refused too."),
        observed("denylist", "Revoking the grant removes its access tokens: the provider's userinfo refuses the newest AT after reuse detection (set resource.check_denylist)."),
        observed("refresh_error", "400 invalid_grant."),
        not_applicable("grace_scope", "No grace."),
        not_applicable("grace_uses", "No grace."),
        not_applicable("grace_until_used", "No grace."),
        undocumented("atomic_rotation", "With the in-memory adapter no fork was seen in the probe's races (one event loop); an adapter with real I/O between find and consume is not covered."),
        NO_COMMIT_DELAY,
    ],
    cannot_express: &[
        "The default rotateRefreshToken function rotates only for public clients or once 70 % of a refresh token's lifetime has passed; the model rotates always or never.",
        "The grant's own TTL and expiresWithSession, which end refresh tokens with the grant or the session.",
    ],
};

const OIDC_SOURCES: &[Source] = &[
    Source {
        url: "https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#rotaterefreshtoken",
        says: "rotateRefreshToken: whether a refresh token is rotated when used; the default rotates for public clients and when most of the token's lifetime has passed. Rotated tokens are consumed; a consumed token presented again revokes the grant.",
    },
    Source {
        url: "https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#ttl",
        says: "Default TTLs: AccessToken 1 hour, RefreshToken 14 days.",
    },
];
