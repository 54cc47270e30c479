//! Presets for servers you run yourself: Keycloak (default realm and the
//! strict one-time-use setting), Ory Hydra, Spring Authorization Server.
//! Values, sources and reasons; see `vendors.rs` for the table.

use super::vendors::{
    documented, not_applicable, undocumented, ATOMIC, BASE, DAY, GRACE_UNTIL_USED_OFF, HOUR,
    MINUTE, NO_COMMIT_DELAY,
};
use super::{Preset, PresetName, Source};
use crate::scenario::{Auth, Duration, GraceReturns, RefreshExpiry, Reuse};

pub const KEYCLOAK: Preset = Preset {
    name: PresetName::Keycloak,
    name_text: "keycloak",
    vendor: "Keycloak",
    setting: "a new realm: Revoke Refresh Token off, Access Token Lifespan 5 min, SSO Session Idle 30 min, SSO Session Max 10 h",
    auth: Auth {
        access_ttl: Duration(5 * MINUTE),
        refresh_ttl: Duration(30 * MINUTE),
        refresh_expiry: RefreshExpiry::Sliding,
        rotation: false,
        grace: Duration(0),
        grace_returns: GraceReturns::Same,
        reuse: Reuse::Reject,
        denylist: false,
        refresh_error: 400,
        ..BASE
    },
    sources: KEYCLOAK_SOURCES,
    basis: &[
        documented("access_ttl", "Access Token Lifespan of a new realm: 300 s."),
        documented("refresh_ttl", "A refresh token lives as long as the SSO Session Idle timeout, 30 minutes in a new realm."),
        documented("refresh_expiry", "Every refresh resets the idle timeout, so the session slides (up to SSO Session Max, which the model cannot add; see below)."),
        documented("rotation", "Revoke Refresh Token is off: an already used refresh token stays valid, which is what `rotation: false` models (Keycloak does hand out a new token each time, but the old one keeps working)."),
        not_applicable("grace", "Without one-time use nothing is ever spent."),
        not_applicable("grace_returns", "Without one-time use nothing is ever spent."),
        not_applicable("reuse", "Without one-time use a token is never reused."),
        documented("denylist", "Signing sessions out does not revoke access tokens already issued; they expire on their own."),
        documented("refresh_error", "Refresh failures are 400 invalid_grant."),
        not_applicable("grace_scope", "No grace."),
        not_applicable("grace_uses", "No grace."),
        not_applicable("grace_until_used", "No grace."),
        ATOMIC,
        NO_COMMIT_DELAY,
    ],
    cannot_express: KEYCLOAK_CANNOT,
};

pub const KEYCLOAK_STRICT: Preset = Preset {
    name: PresetName::KeycloakStrict,
    name_text: "keycloak_strict",
    vendor: "Keycloak",
    setting: "a new realm with Revoke Refresh Token on and Refresh Token Max Reuse 0 (one-time refresh tokens)",
    auth: Auth {
        rotation: true,
        reuse: Reuse::RevokeFamily,
        ..KEYCLOAK.auth
    },
    sources: KEYCLOAK_SOURCES,
    basis: &[
        documented("access_ttl", "Access Token Lifespan of a new realm: 300 s."),
        documented("refresh_ttl", "SSO Session Idle of a new realm: 30 minutes."),
        documented("refresh_expiry", "Each refresh resets the idle timeout."),
        documented("rotation", "Revoke Refresh Token on: each refresh token can be used once and its successor must be used next."),
        documented("grace", "Max Reuse 0 allows no second use at all, so no grace."),
        not_applicable("grace_returns", "No grace."),
        documented("reuse", "A use beyond Max Reuse fails with invalid_grant and detaches the client session from the user session, which kills every refresh token of that client's login."),
        documented("denylist", "Access tokens already issued are not revoked."),
        documented("refresh_error", "400 invalid_grant (\"Maximum allowed refresh token reuse exceeded\", or \"Stale token\" for an older one)."),
        not_applicable("grace_scope", "No grace."),
        not_applicable("grace_uses", "No grace (Max Reuse N > 0 would be `grace` without limit and `grace_uses: N`)."),
        not_applicable("grace_until_used", "No grace."),
        undocumented("atomic_rotation", "Third-party tests of four concurrent refreshes saw exactly one succeed; an atomic check-and-rotate is assumed."),
        NO_COMMIT_DELAY,
    ],
    cannot_express: KEYCLOAK_CANNOT,
};

const KEYCLOAK_SOURCES: &[Source] = &[
    Source {
        url: "https://www.keycloak.org/docs/latest/server_admin/#_timeouts",
        says: "The realm's Sessions and Tokens tabs: SSO Session Idle (reset by logins and refresh requests, with a small extra window before the session ends), SSO Session Max, per-client session limits that default to the SSO ones, offline sessions, Access Token Lifespan, and Revoke Refresh Token with Refresh Token Max Reuse. A new realm starts with 300 s access tokens, 30 min idle and 10 h max.",
    },
    Source {
        url: "https://docs.redhat.com/en/documentation/red_hat_build_of_keycloak/26.4/html/server_administration_guide/managing-user-sessions",
        says: "Signing out sessions does not revoke access tokens already issued; they must expire naturally.",
    },
    Source {
        url: "https://github.com/keycloak/keycloak/blob/main/services/src/main/java/org/keycloak/protocol/oidc/TokenManager.java",
        says: "With Revoke Refresh Token on, a refresh counts uses of the client session's current refresh token; a token older than the current one fails as \"Stale token\", a use beyond Max Reuse fails as \"Maximum allowed refresh token reuse exceeded\" (both invalid_grant), and either failure detaches the client session from the user session.",
    },
    Source {
        url: "https://github.com/keycloak/keycloak/pull/4510",
        says: "The change that introduced Refresh Token Max Reuse; a realm without the setting gets 0, keeping one-time use.",
    },
];

const KEYCLOAK_CANNOT: &[&str] = &[
    "SSO Session Max (10 h) on top of the sliding idle timeout: the model has one refresh_ttl with one expiry rule.",
    "The few extra minutes Keycloak adds to idle timeouts before ending a session.",
    "Client Session Idle/Max overrides per client, and offline tokens (offline_access), which live in a separate long-lived session.",
    "A logout ending the whole SSO session of every client at once; the model's family is one client's login.",
];

pub const HYDRA: Preset = Preset {
    name: PresetName::Hydra,
    name_text: "hydra",
    vendor: "Ory Hydra",
    setting: "the configuration defaults: no rotation grace period, default token lifetimes",
    auth: Auth {
        access_ttl: Duration(HOUR),
        refresh_ttl: Duration(30 * DAY),
        refresh_expiry: RefreshExpiry::Sliding,
        rotation: true,
        grace: Duration(0),
        grace_returns: GraceReturns::New,
        reuse: Reuse::RevokeFamily,
        denylist: true,
        refresh_error: 400,
        ..BASE
    },
    sources: &[
        Source {
            url: "https://www.ory.sh/docs/hydra/guides/graceful-token-refresh",
            says: "Refresh tokens rotate on every use. The grace period is off unless rotation_grace_period is set; while it runs, each reuse yields a new access and refresh token in the same chain, optionally capped by rotation_grace_reuse_count (0, the default, means no cap). Reuse after the grace revokes every token of the consent request, and using a refresh token revokes the access token issued with it.",
        },
        Source {
            url: "https://www.ory.sh/docs/hydra/reference/configuration",
            says: "The configuration reference: ttl.access_token defaults to 1h and ttl.refresh_token to 720h.",
        },
        Source {
            url: "https://github.com/ory/fosite/blob/master/errors.go",
            says: "fosite, Hydra's OAuth library, defines invalid_grant as 400 and token_inactive as 401.",
        },
    ],
    basis: &[
        documented("access_ttl", "ttl.access_token defaults to 1 hour."),
        documented("refresh_ttl", "ttl.refresh_token defaults to 720 hours (30 days)."),
        documented("refresh_expiry", "The TTL applies to each refresh token issued, and rotation issues a new one, so the chain slides."),
        documented("rotation", "Refresh tokens are always rotated."),
        documented("grace", "No grace period unless rotation_grace_period is configured."),
        documented("grace_returns", "Within a configured grace each reuse gets a new pair."),
        documented("reuse", "Reuse after the grace revokes all tokens of the consent request."),
        documented("denylist", "That revocation includes access tokens; Hydra's default opaque access tokens are checked by introspection, so set resource.check_denylist for an API that introspects."),
        undocumented("refresh_error", "The status of a refused refresh is not documented; fosite's code may answer token_inactive (401). RFC 6749's 400 invalid_grant is assumed."),
        undocumented("grace_scope", "Only the used token's own grace is described; the immediate parent is assumed."),
        documented("grace_uses", "rotation_grace_reuse_count is 0 by default, meaning no limit."),
        GRACE_UNTIL_USED_OFF,
        ATOMIC,
        NO_COMMIT_DELAY,
    ],
    cannot_express: &[
        "Using a refresh token revokes the access token it was issued with, even without reuse; the model keeps that access token valid until it expires.",
        "JWT access tokens (strategies.access_token: jwt), which no introspection can revoke; keep resource.check_denylist false to model them.",
        "Per-client token lifespans and the consent-session lifetime.",
    ],
};

pub const SPRING: Preset = Preset {
    name: PresetName::SpringAuthorizationServer,
    name_text: "spring_authorization_server",
    vendor: "Spring Authorization Server",
    setting: "a registered client with the default TokenSettings",
    auth: Auth {
        access_ttl: Duration(5 * MINUTE),
        refresh_ttl: Duration(60 * MINUTE),
        refresh_expiry: RefreshExpiry::Absolute,
        rotation: false,
        grace: Duration(0),
        grace_returns: GraceReturns::Same,
        reuse: Reuse::Reject,
        denylist: false,
        refresh_error: 400,
        ..BASE
    },
    sources: &[
        Source {
            url: "https://docs.spring.io/spring-authorization-server/reference/core-model-components.html",
            says: "TokenSettings configure each registered client's tokens: access token time-to-live 5 minutes, refresh token time-to-live 60 minutes, reuseRefreshTokens true, self-contained (JWT) access tokens unless the reference format is chosen.",
        },
        Source {
            url: "https://github.com/spring-projects/spring-authorization-server/blob/main/oauth2-authorization-server/src/main/java/org/springframework/security/oauth2/server/authorization/settings/TokenSettings.java",
            says: "The builder's defaults in code: 5 min access tokens, 60 min refresh tokens, reuseRefreshTokens(true).",
        },
    ],
    basis: &[
        documented("access_ttl", "accessTokenTimeToLive defaults to 5 minutes."),
        documented("refresh_ttl", "refreshTokenTimeToLive defaults to 60 minutes."),
        documented("refresh_expiry", "With reuse the same refresh token comes back with its original expiry, so 60 minutes after login the user must sign in again."),
        documented("rotation", "reuseRefreshTokens defaults to true: no rotation."),
        not_applicable("grace", "Without rotation nothing is ever spent."),
        not_applicable("grace_returns", "Without rotation nothing is ever spent."),
        not_applicable("reuse", "Without rotation a token is never reused (with rotation turned on, a replaced token is simply unknown: `reject`)."),
        undocumented("denylist", "Access tokens are self-contained JWTs by default; nothing documented revokes issued ones for a resource server that checks signatures."),
        documented("refresh_error", "OAuth2 errors of the token endpoint are RFC 6749's: 400 invalid_grant."),
        not_applicable("grace_scope", "No grace."),
        not_applicable("grace_uses", "No grace."),
        not_applicable("grace_until_used", "No grace."),
        ATOMIC,
        NO_COMMIT_DELAY,
    ],
    cannot_express: &[
        "Reference (opaque) access tokens checked by introspection; set `\"denylist\": true` and resource.check_denylist to model them.",
        "Per-client TokenSettings: the preset is one client's settings.",
    ],
};
