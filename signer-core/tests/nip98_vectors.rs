//! NIP-98 vectors (`nip98.json`) and tamper tests.
//!
//! The 98.md example is a NEGATIVE vector: its signature is valid over the stated id, but the id
//! is not the hash of the event, so it must be rejected (as "signature").
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64ct::{Base64, Encoding};
use serde_json::Value as J;
use sha2::{Digest, Sha256};
use signer_core::Error;
use signer_core::keys::{PublicKey, SecretKey};
use signer_core::nip98::{self, AuthRequest};

const VECTORS: &str = include_str!("vectors/nip98.json");
/// The NIP-19 example key that signed the generated vectors.
const SK: &str = "67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa";
const PK: &str = "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e";

/// Test-side decoder (padding optional, as the 98.md example omits it).
fn b64_decode(s: &str) -> Result<Vec<u8>, base64ct::Error> {
    let mut s = s.to_owned();
    while !s.len().is_multiple_of(4) {
        s.push('=');
    }
    let mut buf = vec![0u8; s.len()];
    let n = Base64::decode(s, &mut buf)?.len();
    buf.truncate(n);
    Ok(buf)
}

fn b64_encode(b: &[u8]) -> String {
    let mut buf = vec![0u8; Base64::encoded_len(b)];
    Base64::encode(b, &mut buf).unwrap().to_owned()
}

fn cases() -> Vec<J> {
    let d: J = serde_json::from_str(VECTORS).unwrap();
    d["cases"].as_array().unwrap().clone()
}

fn header_of(case: &J) -> String {
    match case.get("authorization_header") {
        Some(h) => h.as_str().unwrap().to_owned(),
        None => format!(
            "{} {}",
            case["authorization_scheme"].as_str().unwrap(),
            case["authorization_header_value"].as_str().unwrap()
        ),
    }
}

/// The request the vector was made for: url, method, and body as nostr-tools hashed it.
fn request_of(case: &J) -> (String, String, Option<Vec<u8>>) {
    match case.get("request") {
        Some(r) => {
            // JSON.stringify(body_json) as nostr-tools hashed it (key order as in the file;
            // serde_json would sort the keys).
            let body = match &r["body_json"] {
                J::Null => None,
                b => {
                    assert_eq!(b, &serde_json::json!({"test": "payload", "n": 1}));
                    Some(br#"{"test":"payload","n":1}"#.to_vec())
                }
            };
            (
                r["url"].as_str().unwrap().to_owned(),
                r["method"].as_str().unwrap().to_owned(),
                body,
            )
        }
        None => (
            case["expected_checks"]["u"].as_str().unwrap().to_owned(),
            case["expected_checks"]["method"]
                .as_str()
                .unwrap()
                .to_owned(),
            None,
        ),
    }
}

fn verify(
    header: &str,
    url: &str,
    method: &str,
    body: Option<&[u8]>,
    now: u64,
) -> Result<PublicKey, Error> {
    let mut scratch = [0u8; 2048];
    nip98::verify_header(header.as_bytes(), url, method, body, now, &mut scratch)
}

#[test]
fn vectors() {
    let cases = cases();
    assert_eq!(cases.len(), 3);
    let (mut accepted, mut rejected) = (0, 0);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let header = header_of(case);
        let now = case["event"]["created_at"].as_u64().unwrap();
        let (url, method, body) = request_of(case);
        // The body's hash is what the vector states.
        let stated = case["request"]["payload_sha256"].as_str();
        assert_eq!(
            body.as_ref()
                .map(|b| hex::encode(Sha256::digest(b)))
                .as_deref(),
            stated
        );
        // The header decodes to the event of the file.
        let token = header.split_once(' ').unwrap().1;
        let decoded = b64_decode(token).unwrap();
        let decoded: J = serde_json::from_slice(&decoded).unwrap();
        assert_eq!(decoded, case["event"], "{name}");

        let valid = case["id_valid"] == J::Bool(true) && case["sig_valid"] == J::Bool(true);
        let result = verify(&header, &url, &method, body.as_deref(), now);
        if valid {
            let pk = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                hex::encode(pk.as_bytes()),
                case["event"]["pubkey"].as_str().unwrap()
            );
            // Method matching ignores case; the URL does not.
            assert!(verify(&header, &url, &method.to_uppercase(), body.as_deref(), now).is_ok());
            accepted += 1;
        } else {
            assert_eq!(result, Err(Error::Unauthorized("signature")), "{name}");
            rejected += 1;
        }
    }
    assert_eq!((accepted, rejected), (2, 1));
}

#[test]
fn spec_example_rejected_even_unpadded_and_lowercase_scheme() {
    let case = &cases()[0];
    let token = case["authorization_header_value"].as_str().unwrap();
    let header = format!("nostr {}", token.trim_end_matches('='));
    assert_eq!(
        verify(
            &header,
            "https://api.snort.social/api/v1/n5sp/list",
            "GET",
            None,
            1682327852
        ),
        Err(Error::Unauthorized("signature"))
    );
}

fn post_case() -> (String, String, Vec<u8>, u64) {
    let case = cases()
        .into_iter()
        .find(|c| c["name"].as_str().unwrap().contains("POST"))
        .unwrap();
    let header = case["authorization_header"].as_str().unwrap().to_owned();
    let url = case["request"]["url"].as_str().unwrap().to_owned();
    (
        header,
        url,
        br#"{"test":"payload","n":1}"#.to_vec(),
        1_700_000_000,
    )
}

#[test]
fn tampered_requests_rejected() {
    let (header, url, body, now) = post_case();
    assert!(verify(&header, &url, "POST", Some(&body), now).is_ok());
    let unauth = |r: &str| {
        Err(Error::Unauthorized(match r {
            "url" => nip98::REASON_URL,
            "method" => nip98::REASON_METHOD,
            "payload" => nip98::REASON_PAYLOAD,
            "stale" => nip98::REASON_STALE,
            other => panic!("{other}"),
        }))
    };
    // URL must match exactly: scheme, query, percent-encoding, trailing slash.
    for other in [
        url.replace("http://", "https://"),
        url.replace("x=1", "x=2"),
        url.replace("%C3%A9", "é"),
        url.replace("%C3%A9", "%c3%a9"),
        format!("{url}/"),
        url.split('?').next().unwrap().to_owned(),
    ] {
        assert_eq!(
            verify(&header, &other, "POST", Some(&body), now),
            unauth("url"),
            "{other}"
        );
    }
    for m in ["GET", "PUT", "posts", ""] {
        assert_eq!(
            verify(&header, &url, m, Some(&body), now),
            unauth("method"),
            "{m}"
        );
    }
    assert_eq!(
        verify(&header, &url, "POST", Some(b"{}"), now),
        unauth("payload")
    );
    assert_eq!(verify(&header, &url, "POST", None, now), unauth("payload"));
    assert_eq!(
        verify(&header, &url, "POST", Some(b""), now),
        unauth("payload")
    );
    // ±60 s window, inclusive.
    assert!(verify(&header, &url, "POST", Some(&body), now + 60).is_ok());
    assert!(verify(&header, &url, "POST", Some(&body), now - 60).is_ok());
    assert_eq!(
        verify(&header, &url, "POST", Some(&body), now + 61),
        unauth("stale")
    );
    assert_eq!(
        verify(&header, &url, "POST", Some(&body), now - 61),
        unauth("stale")
    );
    assert_eq!(
        verify(&header, &url, "POST", Some(&body), 0),
        unauth("stale")
    );
    assert_eq!(
        verify(&header, &url, "POST", Some(&body), u64::MAX),
        unauth("stale")
    );
    // A custom window.
    let req = AuthRequest {
        url: &url,
        method: "POST",
        body: Some(&body),
    };
    let mut scratch = [0u8; 2048];
    assert!(
        nip98::verify_header_with(header.as_bytes(), &req, now + 300, 300, &mut scratch).is_ok()
    );
    assert_eq!(
        nip98::verify_header_with(header.as_bytes(), &req, now + 301, 300, &mut scratch),
        unauth("stale")
    );
}

/// Re-encode a modified event into a header.
fn header_for(ev: &J) -> String {
    format!("Nostr {}", b64_encode(ev.to_string().as_bytes()))
}

#[test]
fn tampered_events_rejected() {
    let (header, url, body, now) = post_case();
    let token = header.split_once(' ').unwrap().1;
    let ev: J = serde_json::from_slice(&b64_decode(token).unwrap()).unwrap();
    assert!(verify(&header_for(&ev), &url, "POST", Some(&body), now).is_ok());

    // Bad signature (id intact).
    let mut bad_sig = ev.clone();
    let mut sig = bad_sig["sig"].as_str().unwrap().to_owned();
    let flipped = if sig.ends_with('0') { '1' } else { '0' };
    sig.pop();
    sig.push(flipped);
    bad_sig["sig"] = J::from(sig);
    assert_eq!(
        verify(&header_for(&bad_sig), &url, "POST", Some(&body), now),
        Err(Error::Unauthorized("signature"))
    );
    // Changed tag without re-signing: the id no longer matches.
    let mut moved = ev.clone();
    moved["tags"][0][1] = J::from("http://127.0.0.1:8080/other");
    assert_eq!(
        verify(
            &header_for(&moved),
            "http://127.0.0.1:8080/other",
            "POST",
            Some(&body),
            now
        ),
        Err(Error::Unauthorized("signature"))
    );
    // Wrong kind, properly signed by the same key.
    let sk = SecretKey::from_hex(SK).unwrap();
    let mut out = [0u8; 1024];
    let hash = hex::encode(Sha256::digest(&body));
    let t = signer_core::event::EventTemplate {
        kind: 27236,
        created_at: now,
        tags: &[&["u", &url], &["method", "POST"], &["payload", &hash]],
        content: "",
    };
    let n = t.sign(&sk, &[1u8; 32], &mut out).unwrap();
    let ev: J = serde_json::from_slice(&out[..n]).unwrap();
    assert_eq!(
        verify(&header_for(&ev), &url, "POST", Some(&body), now),
        Err(Error::Unauthorized("kind"))
    );
    // Missing tags.
    for tags in [
        &[&["method", "POST"][..], &["payload", &hash]][..],
        &[&["u", &url], &["payload", &hash]],
    ] {
        let t = signer_core::event::EventTemplate {
            kind: 27235,
            tags,
            ..t
        };
        let n = t.sign(&sk, &[1u8; 32], &mut out).unwrap();
        let ev: J = serde_json::from_slice(&out[..n]).unwrap();
        let r = verify(&header_for(&ev), &url, "POST", Some(&body), now);
        assert!(
            matches!(r, Err(Error::Unauthorized("url" | "method"))),
            "{r:?}"
        );
    }
}

#[test]
fn malformed_headers_rejected() {
    let (header, url, body, now) = post_case();
    let token = header.split_once(' ').unwrap().1;
    for bad in [
        format!("Bearer {token}"),
        token.to_owned(),
        format!("Nostr {}", &token[1..]),
        format!("Nostr {}", token.replace('e', "-")),
        "Nostr e30=".to_owned(),     // {}
        "Nostr bnVsbA==".to_owned(), // null
        "Nostr".to_owned(),
    ] {
        let r = verify(&bad, &url, "POST", Some(&body), now);
        assert!(matches!(r, Err(Error::Malformed(_))), "{bad}: {r:?}");
    }
    // Too small a scratch buffer is reported, not truncated.
    let mut small = [0u8; 100];
    assert_eq!(
        nip98::verify_header(
            header.as_bytes(),
            &url,
            "POST",
            Some(&body),
            now,
            &mut small
        ),
        Err(Error::BufferTooSmall)
    );
}

#[test]
fn sign_then_verify_round_trip() {
    let sk = SecretKey::from_hex(SK).unwrap();
    assert_eq!(hex::encode(sk.public_key().as_bytes()), PK);
    let body = b"{\"token\":\"abc\"}";
    let url = "https://push.example.com/v1/register?x=1";
    for (method, body) in [
        ("POST", Some(&body[..])),
        ("GET", None),
        ("PUT", Some(&b""[..])),
    ] {
        let req = AuthRequest { url, method, body };
        let (mut scratch, mut out) = ([0u8; 1024], [0u8; 1500]);
        let n = nip98::sign_header(&sk, &req, 1_750_000_000, &[9u8; 32], &mut scratch, &mut out)
            .unwrap();
        let header = std::str::from_utf8(&out[..n]).unwrap();
        assert!(header.starts_with("Nostr ey"), "{header}");
        let pk = verify(header, url, &method.to_lowercase(), body, 1_750_000_010).unwrap();
        assert_eq!(pk, sk.public_key());
        // The event carries the tags nostr-tools would (payload only with a body).
        let ev: J = serde_json::from_slice(&b64_decode(&header[6..]).unwrap()).unwrap();
        assert_eq!(ev["kind"], 27235);
        assert_eq!(ev["content"], "");
        assert_eq!(ev["tags"][0], serde_json::json!(["u", url]));
        assert_eq!(ev["tags"][1], serde_json::json!(["method", method]));
        match body {
            Some(b) => assert_eq!(
                ev["tags"][2],
                serde_json::json!(["payload", hex::encode(Sha256::digest(b))])
            ),
            None => assert_eq!(ev["tags"].as_array().unwrap().len(), 2),
        }
        // Output buffer too small is an error.
        assert_eq!(
            nip98::sign_header(
                &sk,
                &req,
                1_750_000_000,
                &[9u8; 32],
                &mut scratch,
                &mut out[..n - 1]
            ),
            Err(Error::BufferTooSmall)
        );
    }
}
