//! The device's HTTP API on 127.0.0.1: the approval sheet and the pairing screen of the app,
//! for scripts and other terminals. JSON in, JSON out; errors are `{"error": "…"}`.
//!
//! - `GET /health`, `GET /pending`, `GET /clients`, `GET /timings`, `GET /bunker`
//! - `POST /approve/<id>`, `POST /deny/<id>` (id or a unique prefix of 4+ hex characters)
//! - `POST /nostrconnect` with `{"uri": "nostrconnect://…", "trust": "medium"}` or the bare URI
//! - `POST /trust` with `{"client": "<hex>", "trust": "full|medium|low"}`

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::SandboxError;
use crate::device::{Device, TrustLevel};

/// Largest request body.
const MAX_BODY: usize = 16 * 1024;
/// Connections served at once; more are closed.
const MAX_CONNECTIONS: usize = 64;

type Resp = Response<Full<Bytes>>;

fn json(status: StatusCode, v: &serde_json::Value) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
    *r.status_mut() = status;
    if let Ok(v) = "application/json".parse() {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r
}

fn error(status: StatusCode, why: &str) -> Resp {
    json(status, &serde_json::json!({ "error": why }))
}

fn from_err(e: &SandboxError) -> Resp {
    let status = match e {
        SandboxError::NotFound(_) => StatusCode::NOT_FOUND,
        SandboxError::InvalidInput(_) | SandboxError::Signer(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    error(status, &e.to_string())
}

/// Serve the API on `listener` until `stop` turns true.
pub async fn serve(device: Arc<Device>, listener: TcpListener, mut stop: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        let tcp = tokio::select! {
            _ = stop.changed() => break,
            a = listener.accept() => match a {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    tracing::warn!(error = %e, "device API accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        while conns.try_join_next().is_some() {}
        if conns.len() >= MAX_CONNECTIONS {
            drop(tcp);
            continue;
        }
        let device = device.clone();
        conns.spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let device = device.clone();
                async move { Ok::<_, Infallible>(handle(&device, req).await) }
            });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(10))
                .max_buf_size(64 * 1024)
                .serve_connection(TokioIo::new(tcp), svc);
            let _ = tokio::time::timeout(Duration::from_secs(120), conn).await;
        });
    }
    conns.shutdown().await;
}

async fn handle(device: &Arc<Device>, req: Request<Incoming>) -> Resp {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return error(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
    };
    match (&method, path.as_str()) {
        (&Method::GET, "/health") => json(
            StatusCode::OK,
            &serde_json::json!({ "ok": true, "pubkey": device.user() }),
        ),
        (&Method::GET, "/pending") => match device.pending() {
            Ok(p) => json(StatusCode::OK, &serde_json::json!({ "pending": p })),
            Err(e) => from_err(&e),
        },
        (&Method::GET, "/clients") => match device.clients() {
            Ok(c) => json(StatusCode::OK, &serde_json::json!({ "clients": c })),
            Err(e) => from_err(&e),
        },
        (&Method::GET, "/timings") => {
            let t: Vec<_> = device.timings().iter().map(|t| t.to_json()).collect();
            json(StatusCode::OK, &serde_json::json!({ "timings": t }))
        }
        (&Method::GET, "/bunker") => match device.bunker_uri() {
            Ok(uri) => json(StatusCode::OK, &serde_json::json!({ "uri": uri })),
            Err(e) => from_err(&e),
        },
        (&Method::POST, p) if p.starts_with("/approve/") || p.starts_with("/deny/") => {
            let (approve, id) = match p.strip_prefix("/approve/") {
                Some(id) => (true, id),
                None => (false, p.trim_start_matches("/deny/")),
            };
            let r = if approve {
                device.approve(id).await
            } else {
                device.deny(id).await
            };
            match r {
                Ok(p) => json(
                    StatusCode::OK,
                    &serde_json::json!({
                        "ok": true,
                        "decision": if approve { "approved" } else { "denied" },
                        "request": p,
                    }),
                ),
                Err(e) => from_err(&e),
            }
        }
        (&Method::POST, "/nostrconnect") => {
            let (uri, trust) = match nostrconnect_body(&body) {
                Ok(x) => x,
                Err(why) => return error(StatusCode::BAD_REQUEST, why),
            };
            match device.approve_nostrconnect(&uri, trust).await {
                Ok(client) => json(
                    StatusCode::OK,
                    &serde_json::json!({ "ok": true, "client": client }),
                ),
                Err(e) => from_err(&e),
            }
        }
        (&Method::POST, "/trust") => {
            #[derive(serde::Deserialize)]
            struct Body {
                client: String,
                trust: String,
            }
            let Ok(b) = serde_json::from_slice::<Body>(&body) else {
                return error(StatusCode::BAD_REQUEST, "expected {\"client\", \"trust\"}");
            };
            let Some(trust) = TrustLevel::parse(&b.trust) else {
                return error(StatusCode::BAD_REQUEST, "trust is full, medium or low");
            };
            match device.set_client_trust(&b.client, trust) {
                Ok(()) => json(StatusCode::OK, &serde_json::json!({ "ok": true })),
                Err(e) => from_err(&e),
            }
        }
        (
            _,
            "/health" | "/pending" | "/clients" | "/timings" | "/bunker" | "/nostrconnect"
            | "/trust",
        ) => error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
        _ => error(StatusCode::NOT_FOUND, "no such endpoint"),
    }
}

/// `{"uri", "trust"?}` or the bare URI as text; trust defaults to medium.
fn nostrconnect_body(body: &[u8]) -> Result<(String, TrustLevel), &'static str> {
    #[derive(serde::Deserialize)]
    struct Body {
        uri: String,
        trust: Option<String>,
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| "body is not UTF-8")?
        .trim();
    let (uri, trust) = if text.starts_with('{') {
        let b: Body = serde_json::from_str(text).map_err(|_| "expected {\"uri\", \"trust\"?}")?;
        (b.uri, b.trust)
    } else {
        (text.to_owned(), None)
    };
    if !uri.starts_with("nostrconnect://") {
        return Err("expected a nostrconnect:// URI");
    }
    let trust = match trust {
        Some(t) => TrustLevel::parse(&t).ok_or("trust is full, medium or low")?,
        None => TrustLevel::Medium,
    };
    Ok((uri, trust))
}
