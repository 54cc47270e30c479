//! What a real HTTP request asks for, parsed from its method, path, headers
//! and body, and what the server answers. Parsing never fails loudly: a
//! request it cannot read becomes a 400 answer (`Call::bad`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A request body larger than this is refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The routes the scheduler sees; static documents and preflights are
/// answered by the HTTP layer itself.
#[derive(Clone, Debug)]
pub enum Route {
    /// `POST /oauth/token`: the form's fields (client auth from HTTP Basic
    /// is merged in as `client_id`).
    Token(BTreeMap<String, String>),
    /// `GET /api/resource`.
    Resource { bearer: Option<String> },
    /// `GET /userinfo` (OIDC): answered at once, not raced.
    UserInfo { bearer: Option<String> },
    /// `POST /oauth/revoke` (RFC 7009).
    Revoke { token: Option<String> },
    /// `POST /logout`: the RT in the form (`refresh_token` or `token`), or
    /// the bearer AT's family.
    Logout { token: Option<String> },
    /// `GET /authorize`: auto-approved test login.
    Authorize(BTreeMap<String, String>),
    /// `POST /_tokenrace/outcome`.
    Outcome(Value),
}

/// One parsed request and who sent it.
#[derive(Clone, Debug)]
pub struct Call {
    pub route: Route,
    /// `X-Tokenrace-Client`.
    pub client: Option<String>,
    /// `X-Tokenrace-Request`.
    pub request: Option<String>,
}

/// An answer: status, extra headers, JSON body (or empty).
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// An OAuth error answer (RFC 6749 §5.2).
    pub fn oauth_error(status: u16, error: &str, description: &str) -> Reply {
        Reply::json(
            status,
            json!({"error": error, "error_description": description}),
        )
    }

    /// 401 from the resource server (RFC 6750 §3).
    pub fn invalid_token(description: &str) -> Reply {
        let mut reply = Reply::oauth_error(401, "invalid_token", description);
        reply.headers.push((
            "www-authenticate",
            format!("Bearer error=\"invalid_token\", error_description=\"{description}\""),
        ));
        reply
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: None,
        }
    }
}

/// The request line and headers the parser needs.
pub struct Head<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub header: &'a dyn Fn(&str) -> Option<String>,
}

/// Parses a request into a scheduler call, or the answer to give at once.
pub fn parse(head: &Head, body: &[u8]) -> Result<Call, Reply> {
    let header = head.header;
    let bearer = || bearer_of(header("authorization"));
    let route = match (head.method, head.path) {
        ("POST", "/oauth/token") => {
            let mut form = form(body)?;
            if let Some(id) = basic_client(header("authorization")) {
                form.entry("client_id".to_string()).or_insert(id);
            }
            Route::Token(form)
        }
        ("GET", "/api/resource") => Route::Resource { bearer: bearer() },
        ("GET", "/userinfo") | ("POST", "/userinfo") => Route::UserInfo { bearer: bearer() },
        ("POST", "/oauth/revoke") => Route::Revoke {
            token: form(body)?.remove("token"),
        },
        ("POST", "/logout") | ("GET", "/logout") => {
            let mut fields = form(body)?;
            let token = fields
                .remove("refresh_token")
                .or_else(|| fields.remove("token"))
                .or_else(bearer);
            Route::Logout { token }
        }
        ("GET", "/authorize") => Route::Authorize(query(head.query.unwrap_or(""))),
        ("POST", "/_tokenrace/outcome") => Route::Outcome(
            serde_json::from_slice(body)
                .map_err(|e| bad(&format!("the outcome is not JSON: {e}")))?,
        ),
        (_, path) => {
            return Err(Reply::json(
                404,
                json!({"error": "not_found", "error_description": format!("no route {} {path}", head.method)}),
            ))
        }
    };
    Ok(Call {
        route,
        client: header("x-tokenrace-client"),
        request: header("x-tokenrace-request"),
    })
}

/// A 400 `invalid_request`.
pub fn bad(description: &str) -> Reply {
    Reply::oauth_error(400, "invalid_request", description)
}

fn form(body: &[u8]) -> Result<BTreeMap<String, String>, Reply> {
    if std::str::from_utf8(body).is_err() {
        return Err(bad("the form body is not UTF-8"));
    }
    Ok(form_urlencoded::parse(body).into_owned().collect())
}

fn query(text: &str) -> BTreeMap<String, String> {
    form_urlencoded::parse(text.as_bytes())
        .into_owned()
        .collect()
}

fn bearer_of(value: Option<String>) -> Option<String> {
    let value = value?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// `client_id` from `Authorization: Basic base64(id:secret)`.
fn basic_client(value: Option<String>) -> Option<String> {
    let value = value?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let id = text.split(':').next()?;
    let id = form_urlencoded::parse(format!("x={id}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())?;
    (!id.is_empty()).then_some(id)
}

/// 413 for a body over [`MAX_BODY_BYTES`].
pub fn bad_size() -> Reply {
    Reply::oauth_error(
        413,
        "invalid_request",
        &format!("the body is larger than {MAX_BODY_BYTES} bytes"),
    )
}
