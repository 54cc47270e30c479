//! Signing keys and tokens: one ES256 (P-256) key pair generated per server
//! start, every token a signed JWT (`jti`, `sub`, `iat`, `exp`, `typ`), and
//! the JWKS and discovery documents OIDC libraries fetch.
//!
//! The `jti` is the token's trace name (`AT3`, `RT2`) plus a per-run nonce,
//! so the token a client presents names itself and a token from an earlier
//! run is unknown to a later one (no state shared between runs).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::{json, Value};

/// The server's signing key and its public JWK.
pub struct Keys {
    encoding: EncodingKey,
    kid: String,
    /// Uncompressed P-256 point: `x` and `y`, 32 bytes each.
    x: Vec<u8>,
    y: Vec<u8>,
}

/// What a token says about itself.
pub struct Claims<'a> {
    pub name: &'a str,
    pub run: u64,
    pub sub: &'a str,
    pub client_id: &'a str,
    pub issuer: &'a str,
    /// Unix seconds.
    pub iat: u64,
    pub exp: u64,
    /// OIDC `nonce` echoed into an ID token.
    pub nonce: Option<&'a str>,
}

impl Keys {
    /// A fresh key pair; fails only if the system RNG does.
    pub fn generate() -> Result<Keys, String> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| "cannot generate a P-256 key".to_string())?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|_| "cannot read the generated P-256 key".to_string())?;
        let point = pair.public_key().as_ref();
        assert_eq!(point.len(), 65, "uncompressed P-256 point");
        let kid = URL_SAFE_NO_PAD.encode(&point[1..9]);
        Ok(Keys {
            encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
            kid,
            x: point[1..33].to_vec(),
            y: point[33..65].to_vec(),
        })
    }

    /// A signed JWT carrying `claims`.
    pub fn sign(&self, claims: &Claims) -> String {
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        let kind = if claims.name.starts_with("RT") {
            "refresh"
        } else if claims.name.starts_with("ID") {
            "id"
        } else {
            "access"
        };
        let mut body = json!({
            "jti": format!("{}.{}", claims.name, claims.run),
            "sub": claims.sub,
            "iat": claims.iat,
            "exp": claims.exp,
            "iss": claims.issuer,
            "typ": kind,
            "tokenrace": claims.name,
        });
        if kind == "id" {
            body["aud"] = json!(claims.client_id);
            if let Some(nonce) = claims.nonce {
                body["nonce"] = json!(nonce);
            }
        } else {
            body["client_id"] = json!(claims.client_id);
        }
        jsonwebtoken::encode(&header, &body, &self.encoding).expect("ES256 signing cannot fail")
    }

    /// `GET /jwks.json`.
    pub fn jwks(&self) -> Value {
        json!({"keys": [{
            "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig",
            "kid": self.kid,
            "x": URL_SAFE_NO_PAD.encode(&self.x),
            "y": URL_SAFE_NO_PAD.encode(&self.y),
        }]})
    }
}

/// `GET /.well-known/openid-configuration` for a server at `base`.
pub fn discovery(base: &str) -> Value {
    json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "end_session_endpoint": format!("{base}/logout"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "jwks_uri": format!("{base}/jwks.json"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "password"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "profile", "offline_access"],
    })
}
