//! The device's network: what URLSession does for the NSE. A relay WebSocket per operation
//! (an NSE has no long-lived socket), a small HTTP/1.1 client for the proxy. Every operation is
//! bounded by a timeout and every read by a size limit.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::value::RawValue;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Largest relay frame or HTTP response the device reads (relays allow up to 128 KiB frames;
/// a signer-core request is at most 2 × 64 KiB of content plus the envelope).
pub const MAX_MESSAGE: usize = 512 * 1024;
/// Frames read while waiting for one answer before giving up (a relay that floods us).
const MAX_FRAMES: usize = 1000;

/// Why a network operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// The bound passed before an answer (names the step).
    Timeout(&'static str),
    /// Could not connect, or the connection broke.
    Io(String),
    /// The peer answered something we cannot use.
    Protocol(String),
    /// An HTTP status other than 2xx, with the body's `error` if any.
    Status(u16, String),
    /// The relay answered EOSE without the event.
    NotFound,
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Timeout(step) => write!(f, "timed out ({step})"),
            Self::Io(e) => write!(f, "i/o: {e}"),
            Self::Protocol(e) => write!(f, "protocol: {e}"),
            Self::Status(s, e) => write!(f, "HTTP {s}: {e}"),
            Self::NotFound => f.write_str("not found"),
        }
    }
}

impl std::error::Error for NetError {}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

async fn connect(url: &str, limit: Duration) -> Result<Ws, NetError> {
    let mut config = WebSocketConfig::default();
    config.max_message_size = Some(MAX_MESSAGE);
    config.max_frame_size = Some(MAX_MESSAGE);
    let (ws, _) = tokio::time::timeout(
        limit,
        tokio_tungstenite::connect_async_with_config(url, Some(config), true),
    )
    .await
    .map_err(|_| NetError::Timeout("relay connect"))?
    .map_err(|e| NetError::Io(e.to_string()))?;
    Ok(ws)
}

/// The next text frame as a JSON array of raw values; `None` for frames to skip.
fn relay_message(msg: Message) -> Result<Option<Vec<Box<RawValue>>>, NetError> {
    match msg {
        Message::Text(t) => Ok(serde_json::from_str(t.as_str()).ok()),
        Message::Close(_) => Err(NetError::Io("relay closed the connection".into())),
        _ => Ok(None),
    }
}

fn raw_str(v: &RawValue) -> Option<String> {
    serde_json::from_str::<String>(v.get()).ok()
}

/// Send `req` (a `REQ` for one id) to `url`, return the first `EVENT`'s event JSON, send
/// `close`. The whole exchange is bounded by `limit`.
pub async fn relay_fetch(
    url: &str,
    req: &str,
    close: &str,
    limit: Duration,
) -> Result<String, NetError> {
    let sub = serde_json::from_str::<Vec<Box<RawValue>>>(req)
        .ok()
        .and_then(|v| v.get(1).and_then(|s| raw_str(s)))
        .ok_or_else(|| NetError::Protocol("REQ frame without a subscription id".into()))?;
    let work = async {
        let mut ws = connect(url, limit).await?;
        ws.send(Message::text(req.to_owned()))
            .await
            .map_err(|e| NetError::Io(e.to_string()))?;
        let mut found = Err(NetError::Io("relay closed the connection".into()));
        for _ in 0..MAX_FRAMES {
            let Some(msg) = ws.next().await else { break };
            let msg = msg.map_err(|e| NetError::Io(e.to_string()))?;
            let Some(parts) = relay_message(msg)? else {
                continue;
            };
            let kind = parts.first().and_then(|k| raw_str(k));
            let this_sub = parts.get(1).and_then(|s| raw_str(s)).as_deref() == Some(&sub);
            match kind.as_deref() {
                Some("EVENT") if this_sub && parts.len() == 3 => {
                    found = Ok(parts[2].get().to_owned());
                    break;
                }
                Some("EOSE" | "CLOSED") if this_sub => {
                    found = Err(NetError::NotFound);
                    break;
                }
                _ => {}
            }
        }
        let _ = ws.send(Message::text(close.to_owned())).await;
        let _ = ws.close(None).await;
        found
    };
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_| NetError::Timeout("relay fetch"))?
}

/// What a relay said to a published event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    /// `true` when the relay stored or relayed it.
    pub accepted: bool,
    /// The relay's message (e.g. `duplicate:`), often empty.
    pub message: String,
}

/// Publish `event_json` (whose id is `id`) to `url` and wait for the relay's `OK`, bounded by
/// `limit`. Some relays never answer OK to ephemeral events: the caller decides what a
/// timeout means (INTEROP 7: probably delivered).
pub async fn relay_publish(
    url: &str,
    event_json: &str,
    id: &str,
    limit: Duration,
) -> Result<Ack, NetError> {
    let event = RawValue::from_string(event_json.to_owned())
        .map_err(|_| NetError::Protocol("reply is not JSON".into()))?;
    let frame = format!(r#"["EVENT",{}]"#, event.get());
    let work = async {
        let mut ws = connect(url, limit).await?;
        ws.send(Message::text(frame))
            .await
            .map_err(|e| NetError::Io(e.to_string()))?;
        let mut ack = Err(NetError::Io("relay closed the connection".into()));
        for _ in 0..MAX_FRAMES {
            let Some(msg) = ws.next().await else { break };
            let msg = msg.map_err(|e| NetError::Io(e.to_string()))?;
            let Some(parts) = relay_message(msg)? else {
                continue;
            };
            let kind = parts.first().and_then(|k| raw_str(k));
            if kind.as_deref() == Some("OK")
                && parts.get(1).and_then(|s| raw_str(s)).as_deref() == Some(id)
            {
                ack = Ok(Ack {
                    accepted: parts.get(2).map(|b| b.get()) == Some("true"),
                    message: parts.get(3).and_then(|m| raw_str(m)).unwrap_or_default(),
                });
                break;
            }
        }
        let _ = ws.close(None).await;
        ack
    };
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_| NetError::Timeout("relay OK"))?
}

/// One HTTP/1.1 request to an `http://host:port/path` URL: (status, body). Bounded by `limit`;
/// the body by [`MAX_MESSAGE`].
pub async fn http(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
    limit: Duration,
) -> Result<(u16, Bytes), NetError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| NetError::Protocol(format!("not an http:// URL: {url}")))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let work = async {
        let tcp = TcpStream::connect(authority)
            .await
            .map_err(|e| NetError::Io(e.to_string()))?;
        let _ = tcp.set_nodelay(true);
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| NetError::Io(e.to_string()))?;
        let conn = tokio::spawn(conn);
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("host", authority);
        if !body.is_empty() {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| NetError::Protocol(e.to_string()))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| NetError::Io(e.to_string()))?;
        let status = resp.status().as_u16();
        let bytes = Limited::new(resp.into_body(), MAX_MESSAGE)
            .collect()
            .await
            .map_err(|e| NetError::Io(e.to_string()))?
            .to_bytes();
        conn.abort();
        Ok((status, bytes))
    };
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_| NetError::Timeout("http"))?
}

/// [`http`], with a non-2xx status turned into [`NetError::Status`].
pub async fn http_ok(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
    limit: Duration,
) -> Result<Bytes, NetError> {
    let (status, bytes) = http(method, url, headers, body, limit).await?;
    if (200..300).contains(&status) {
        Ok(bytes)
    } else {
        let reason = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_default();
        Err(NetError::Status(status, reason))
    }
}
