//! The HTTP/1.1 front (hyper on tokio, loopback): reads each request with
//! bounded sizes, answers preflights and static documents (discovery, JWKS)
//! at once, and hands every other request to the scheduler, whose answer it
//! writes back when the scheduler releases it. hyper answers malformed
//! HTTP with 400 (431 for oversized heads) before a request reaches us, and
//! serves the requests of one connection one after another, so HTTP/1.1
//! per-connection order holds by construction.

use super::call::{self, Call, Head, Reply, MAX_BODY_BYTES};
use super::jwt::{self, Keys};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

/// What reaches the scheduler.
pub enum Inbound {
    /// A parsed request and where its answer goes.
    Http {
        call: Call,
        reply: oneshot::Sender<Reply>,
    },
    /// A `TOKENRACE_OUTCOME {json}` line the client printed.
    Outcome(Value),
    /// The client command exited (its status in words).
    Exited(String),
}

/// What every connection shares.
pub struct Shared {
    pub base: String,
    pub keys: Arc<Keys>,
    /// The current run's scheduler (swapped for each run, so nothing of
    /// one run reaches the next).
    pub inbound: std::sync::Mutex<mpsc::Sender<Inbound>>,
}

/// Accepts connections until the task is dropped.
pub async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(req, shared.clone()));
            let _ = http1::Builder::new()
                .max_buf_size(MAX_BODY_BYTES + 16 * 1024)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(respond(answer(req, &shared).await))
}

async fn answer(req: Request<Incoming>, shared: &Shared) -> Reply {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    match (method.as_str(), path.as_str()) {
        ("OPTIONS", _) => return Reply::empty(204),
        ("GET", "/.well-known/openid-configuration") => {
            return Reply::json(200, jwt::discovery(&shared.base))
        }
        ("GET", "/jwks.json") => return Reply::json(200, shared.keys.jwks()),
        _ => {}
    }
    let headers = req.headers().clone();
    let body = match Limited::new(req.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return call::bad_size(),
    };
    let parsed = {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let head = Head {
            method: &method,
            path: &path,
            query: query.as_deref(),
            header: &header,
        };
        call::parse(&head, &body)
    };
    let call = match parsed {
        Ok(call) => call,
        Err(reply) => return reply,
    };
    let (tx, rx) = oneshot::channel();
    let inbound = shared.inbound.lock().expect("not poisoned").clone();
    if inbound
        .send(Inbound::Http { call, reply: tx })
        .await
        .is_err()
    {
        return Reply::oauth_error(
            503,
            "temporarily_unavailable",
            "the server is shutting down",
        );
    }
    rx.await.unwrap_or_else(|_| {
        Reply::oauth_error(
            503,
            "temporarily_unavailable",
            "the run ended before this request was answered",
        )
    })
}

fn respond(reply: Reply) -> Response<Full<Bytes>> {
    let body = reply
        .body
        .as_ref()
        .map(|v| Bytes::from(serde_json::to_vec(v).expect("JSON values serialise")))
        .unwrap_or_default();
    let mut builder = Response::builder()
        .status(reply.status)
        .header("access-control-allow-origin", "*")
        .header("access-control-allow-methods", "GET, POST, OPTIONS")
        .header(
            "access-control-allow-headers",
            "Authorization, Content-Type, X-Tokenrace-Client, X-Tokenrace-Request",
        )
        .header(
            "access-control-expose-headers",
            "WWW-Authenticate, Location",
        )
        .header("access-control-max-age", "600")
        .header("cache-control", "no-store");
    if reply.body.is_some() {
        builder = builder.header("content-type", "application/json");
    }
    for (name, value) in &reply.headers {
        builder = builder.header(*name, value.as_str());
    }
    builder
        .body(Full::new(body))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
