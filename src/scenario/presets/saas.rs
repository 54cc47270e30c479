//! Presets for hosted identity services: Auth0, Okta, Amazon Cognito,
//! Supabase. Values, sources and reasons; see `vendors.rs` for the table.

use super::vendors::{
    documented, not_applicable, undocumented, ATOMIC, BASE, DAY, GRACE_UNTIL_USED_OFF, HOUR,
    NO_COMMIT_DELAY, SECOND,
};
use super::{Preset, PresetName, Source};
use crate::scenario::{Auth, Duration, GraceReturns, RefreshExpiry, Reuse};

pub const AUTH0: Preset = Preset {
    name: PresetName::Auth0,
    name_text: "auth0",
    vendor: "Auth0",
    setting: "an application with Refresh Token Rotation switched on, every other setting left as created",
    auth: Auth {
        access_ttl: Duration(24 * HOUR),
        refresh_ttl: Duration(30 * DAY),
        refresh_expiry: RefreshExpiry::Absolute,
        rotation: true,
        grace: Duration(0),
        grace_returns: GraceReturns::New,
        reuse: Reuse::RevokeFamily,
        denylist: false,
        refresh_error: 403,
        ..BASE
    },
    sources: &[
        Source {
            url: "https://auth0.com/docs/secure/tokens/refresh-tokens/configure-refresh-token-rotation",
            says: "Rotation is a per-application switch. The reuse interval (called leeway in the API) is off unless set; while it runs, presenting the previous refresh token skips breach detection and yields a fresh rotating token. Only the immediately previous token qualifies: presenting the one before it triggers detection.",
        },
        Source {
            url: "https://auth0.com/docs/secure/tokens/refresh-tokens/configure-refresh-token-expiration",
            says: "The absolute lifetime defaults to 2,592,000 s (30 days) and is fixed when the family starts; exchanging a rotating token does not extend it. A separate inactivity lifetime can also be set.",
        },
        Source {
            url: "https://community.auth0.com/t/refresh-token-and-session-management/91322",
            says: "Auth0's own support article: access tokens expire after 24 hours by default (the API's Token Expiration setting).",
        },
        Source {
            url: "https://community.auth0.com/t/troubleshoot-refresh-token-unknown-or-invalid-before-expiry-403-unknown-or-invalid-refresh-token/120406",
            says: "Auth0's support article on rejected refreshes: the answer is HTTP 403 with error invalid_grant, and reusing an older token of a family invalidates the newer tokens of that family.",
        },
    ],
    basis: &[
        documented("access_ttl", "24 h, the default Token Expiration of an API."),
        documented("refresh_ttl", "30 days, the default absolute lifetime."),
        documented("refresh_expiry", "Absolute: the lifetime is set when the family starts and exchanges do not extend it."),
        documented("rotation", "The preset stands for the rotation switch turned on, the setting the race is about; write `\"rotation\": false` for an application without it."),
        documented("grace", "The reuse interval is disabled unless configured."),
        documented("grace_returns", "Within the reuse interval a new rotating token is issued, not the one already returned."),
        documented("reuse", "Reuse detection invalidates the family's tokens."),
        undocumented("denylist", "Auth0 access tokens for APIs are JWTs checked by signature; nothing documented puts issued ones on a revocation list, so none is assumed."),
        documented("refresh_error", "A rejected refresh answers 403 invalid_grant (not RFC 6749's 400)."),
        documented("grace_scope", "Only the previous token may be reused; an older one triggers detection."),
        documented("grace_uses", "The interval allows exchanging the token several times; no count limit is documented."),
        GRACE_UNTIL_USED_OFF,
        ATOMIC,
        NO_COMMIT_DELAY,
    ],
    cannot_express: &[
        "The inactivity (idle) lifetime next to the absolute one: the model has one refresh_ttl with one expiry rule.",
        "Reuse detection by token counter: Auth0's support articles describe comparing a presented token's position in its family with the latest issued. After a reuse-interval hit mints a sibling, the older sibling may then count as reused; the model keeps an unused sibling valid (see failures/preset-auth0-reuse-interval-stale-overwrite.json).",
        "The cap on active refresh tokens per user and application, beyond which older tokens are cleaned up.",
        "Migration between rotating and non-rotating tokens, which revokes the other kind.",
        "Silent authentication through the Auth0 session cookie, which SDKs may use instead of a refresh token.",
    ],
};

pub const OKTA: Preset = Preset {
    name: PresetName::Okta,
    name_text: "okta",
    vendor: "Okta",
    setting: "a single-page app on the org authorization server, refresh token behaviour \"rotate token after every use\" (the default for SPAs)",
    auth: Auth {
        access_ttl: Duration(HOUR),
        refresh_ttl: Duration(90 * DAY),
        refresh_expiry: RefreshExpiry::Absolute,
        rotation: true,
        grace: Duration(30 * SECOND),
        grace_returns: GraceReturns::New,
        reuse: Reuse::RevokeFamily,
        denylist: true,
        refresh_error: 400,
        ..BASE
    },
    sources: &[
        Source {
            url: "https://developer.okta.com/docs/guides/refresh-tokens/main/",
            says: "Rotation returns a new refresh token on every refresh and is the default for single-page apps. Presenting a refresh token that was already used makes Okta invalidate the most recent refresh token and every access token issued since the user signed in. A grace period keeps the previous token valid for a configured time after rotation.",
        },
        Source {
            url: "https://support.okta.com/help/s/article/What-is-the-lifetime-of-the-JWT-tokens",
            says: "On the org authorization server lifetimes are fixed: access and ID tokens 60 minutes, refresh tokens 90 days. Custom authorization servers make them configurable (access 5 min to 24 h, refresh 10 min to unlimited).",
        },
        Source {
            url: "https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/",
            says: "An OIDC app's refresh_token settings carry rotation_type and leeway (the grace period in seconds, 0 to 60); unset fields take their defaults when the app is created.",
        },
    ],
    basis: &[
        documented("access_ttl", "60 minutes, fixed on the org authorization server."),
        documented("refresh_ttl", "90 days, fixed on the org authorization server."),
        undocumented("refresh_expiry", "Whether a rotated token restarts the 90 days is not stated; absolute promises least."),
        documented("rotation", "Rotating is the default refresh behaviour for single-page apps."),
        documented("grace", "30 s is the grace period Okta pre-fills (allowed 0 to 60 s). The excerpts available when this preset was written stopped before the number, so re-check it against the Applications API page."),
        undocumented("grace_returns", "Whether a grace hit returns the pair already issued is not stated; `new` makes no idempotence promise."),
        documented("reuse", "Reuse detection invalidates the newest refresh token, so the whole family is dead."),
        documented("denylist", "Reuse detection also invalidates every access token issued since sign-in; a resource server only sees that if it asks Okta (set resource.check_denylist for an API that introspects)."),
        undocumented("refresh_error", "The status of a rejected refresh is not stated on these pages; RFC 6749's 400 invalid_grant is assumed."),
        documented("grace_scope", "The grace covers \"the previous token\", the immediate parent."),
        undocumented("grace_uses", "Only a time limit is documented for the grace period; no count limit is assumed."),
        GRACE_UNTIL_USED_OFF,
        ATOMIC,
        NO_COMMIT_DELAY,
    ],
    cannot_express: &[
        "Custom authorization servers, whose access policy rules set lifetimes per client and add an idle expiry for refresh tokens.",
        "The model's denylist treats every revocation alike; the guide documents access-token invalidation for reuse detection, and the preset assumes a logout (revoking the refresh token) does the same.",
        "Persistent (non-rotating) refresh tokens of other app types; write `\"rotation\": false` to approximate them.",
        "The Okta session cookie and its own lifetime, which can re-issue tokens without a refresh token.",
    ],
};

pub const COGNITO: Preset = Preset {
    name: PresetName::Cognito,
    name_text: "cognito",
    vendor: "Amazon Cognito user pools",
    setting: "an app client as created: refresh token rotation disabled",
    auth: Auth {
        access_ttl: Duration(HOUR),
        refresh_ttl: Duration(30 * DAY),
        refresh_expiry: RefreshExpiry::Absolute,
        rotation: false,
        grace: Duration(0),
        grace_returns: GraceReturns::Same,
        reuse: Reuse::Reject,
        denylist: true,
        refresh_error: 400,
        ..BASE
    },
    sources: COGNITO_SOURCES,
    basis: &[
        documented("access_ttl", "One hour by default (configurable 5 minutes to 1 day)."),
        documented("refresh_ttl", "30 days after sign-in by default (configurable 60 minutes to 10 years)."),
        documented("refresh_expiry", "The 30 days run from sign-in; refreshing does not extend them."),
        documented("rotation", "Rotation is an app-client feature that is off unless enabled: refreshing returns new ID and access tokens and the original refresh token stays valid."),
        not_applicable("grace", "Without rotation nothing is ever spent."),
        not_applicable("grace_returns", "Without rotation nothing is ever spent."),
        not_applicable("reuse", "Without rotation a token is never reused."),
        documented("denylist", "Revoking a refresh token also invalidates the access tokens it issued, for Cognito's own endpoints; an API that only verifies the JWT signature cannot see it, so keep resource.check_denylist false for such an API."),
        documented("refresh_error", "A rejected refresh is a 400 (NotAuthorizedException from the API, invalid_grant from the token endpoint)."),
        not_applicable("grace_scope", "No grace."),
        not_applicable("grace_uses", "No grace."),
        not_applicable("grace_until_used", "No grace."),
        ATOMIC,
        NO_COMMIT_DELAY,
    ],
    cannot_express: COGNITO_CANNOT,
};

pub const COGNITO_ROTATION: Preset = Preset {
    name: PresetName::CognitoRotation,
    name_text: "cognito_rotation",
    vendor: "Amazon Cognito user pools",
    setting: "an app client with refresh token rotation enabled and no retry grace period set",
    auth: Auth {
        rotation: true,
        ..COGNITO.auth
    },
    sources: COGNITO_SOURCES,
    basis: &[
        documented("access_ttl", "One hour by default."),
        documented("refresh_ttl", "30 days after sign-in by default."),
        documented("refresh_expiry", "A rotated refresh token is valid only for what remained of the original's lifetime."),
        documented("rotation", "With the feature enabled every refresh invalidates the presented refresh token and issues a new one."),
        undocumented("grace", "RetryGracePeriodSeconds (0 to 60) is optional and its default is not stated; 0, which disables the grace, promises least."),
        undocumented("grace_returns", "What a grace hit returns is not stated; the model default is kept (it matters only with a grace)."),
        undocumented("reuse", "A rotated-out token is invalid; nothing documented revokes the rest of the session, so reuse is only rejected."),
        documented("denylist", "Revoking a refresh token invalidates its access tokens for Cognito's own endpoints (see the `cognito` preset)."),
        documented("refresh_error", "A rejected refresh is a 400."),
        undocumented("grace_scope", "Only the original token's grace is described: the immediate parent."),
        undocumented("grace_uses", "No count limit is documented."),
        GRACE_UNTIL_USED_OFF,
        ATOMIC,
        NO_COMMIT_DELAY,
    ],
    cannot_express: COGNITO_CANNOT,
};

const COGNITO_SOURCES: &[Source] = &[
    Source {
        url: "https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html",
        says: "A refresh token expires 30 days after sign-in by default. Rotation is optional per app client: off, a refresh returns only ID and access tokens and the original refresh token stays valid; on, every refresh invalidates the original and returns a new refresh token valid for what remained of the original's lifetime, with an optional grace of up to 60 s.",
    },
    Source {
        url: "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html",
        says: "RetryGracePeriodSeconds ranges from 0 to 60; 0 disables the grace, so a successful refresh invalidates the presented token at once. The field is optional.",
    },
    Source {
        url: "https://www.repost.aws/knowledge-center/revoke-cognito-jwt-token",
        says: "AWS's knowledge-center article: refresh tokens last 30 days by default; revoking one stops it minting tokens and invalidates the access tokens it issued, without touching parallel sessions. Its sample sign-in answers ExpiresIn 3600 for the access token.",
    },
];

const COGNITO_CANNOT: &[&str] = &[
    "The ID token, which has its own lifetime and which many apps send to their APIs instead of the access token.",
    "REFRESH_TOKEN_AUTH versus GetTokensFromRefreshToken: rotation works only with the latter.",
    "Device remembering, which makes a refresh also present a device key.",
];

pub const SUPABASE: Preset = Preset {
    name: PresetName::Supabase,
    name_text: "supabase",
    vendor: "Supabase Auth (GoTrue)",
    setting: "a project with default auth settings (no session time-box or inactivity timeout)",
    auth: Auth {
        access_ttl: Duration(HOUR),
        refresh_ttl: Duration(3650 * DAY),
        refresh_expiry: RefreshExpiry::Sliding,
        rotation: true,
        grace: Duration(10 * SECOND),
        grace_returns: GraceReturns::Same,
        reuse: Reuse::RevokeFamily,
        denylist: false,
        refresh_error: 400,
        ..BASE
    },
    sources: &[
        Source {
            url: "https://supabase.com/docs/guides/auth/sessions",
            says: "A session lasts until sign-out unless a time-box or inactivity timeout is configured. Access tokens are short-lived JWTs; a refresh token never expires but can be exchanged only once. A short reuse interval tolerates concurrent refreshes; reuse detected outside it ends the session and revokes its refresh tokens.",
        },
        Source {
            url: "https://supabase.com/docs/reference/python/auth-signout",
            says: "Signing out revokes the refresh token but not the access token JWT, which stays valid until it expires.",
        },
        Source {
            url: "https://supabase.com/docs/reference/javascript/auth-api",
            says: "The access token's lifetime is the project's JWT expiry setting; a refresh token never expires and can be used once.",
        },
        Source {
            url: "https://github.com/orgs/supabase/discussions/36791",
            says: "Quotes the Supabase docs: most applications should keep the default access token expiry of 1 hour.",
        },
        Source {
            url: "https://github.com/supabase/auth/pull/466",
            says: "The pull request that added the reuse interval: inside it, presenting the revoked parent of the active token returns the active token; presenting an older ancestor triggers reuse detection, which revokes the descendants.",
        },
        Source {
            url: "https://github.com/orgs/supabase/discussions/52614",
            says: "A discussion of GoTrue's reuse detection run against a 10 s reuse interval, the server's default (GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL).",
        },
    ],
    basis: &[
        documented("access_ttl", "3600 s, the default JWT expiry."),
        documented("refresh_ttl", "Refresh tokens never expire; 3650 days stands for \"never\" (any horizon is shorter)."),
        not_applicable("refresh_expiry", "Nothing expires, so sliding and absolute agree."),
        documented("rotation", "Each refresh token can be exchanged once."),
        documented("grace", "The reuse interval, 10 s by default on the server."),
        documented("grace_returns", "A hit returns the active (already issued) refresh token, so `same`; GoTrue mints a fresh access token with it, which the model cannot show (see below)."),
        documented("reuse", "Reuse outside the exceptions ends the session and revokes all its refresh tokens."),
        documented("denylist", "Access tokens stay valid until they expire, even after sign-out."),
        documented("refresh_error", "A rejected refresh answers invalid_grant (error code refresh_token_already_used for a reuse), i.e. 400."),
        documented("grace_scope", "Only the immediate parent of the active token is honoured."),
        undocumented("grace_uses", "No count limit is documented within the interval."),
        GRACE_UNTIL_USED_OFF,
        ATOMIC,
        NO_COMMIT_DELAY,
    ],
    cannot_express: &[
        "A grace hit mints a new access token with the existing refresh token; `grace_returns: same` returns the cached access token too.",
        "Session time-box and inactivity timeout (paid plans), and \"single session per user\", which ends other sessions at sign-in.",
    ],
};
