//! The HTTP API: NIP-98 authentication, body limits, errors, durability across `kill -9`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use nostr::prelude::*;

fn body_for(t: &str) -> Vec<u8> {
    serde_json::json!({ "token": t }).to_string().into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_authorization_is_rejected() {
    let w = World::new().await;
    let proxy = w.proxy(&[]).await;
    let keys = Keys::generate();
    let other = Keys::generate();
    let body = body_for(&token());
    let url = proxy.url("/register");
    let now = unix_now();
    let good = AuthSpec {
        url: &url,
        method: "POST",
        body: Some(&body),
        created_at: now,
    };

    let wrong_url = proxy.url("/unregister");
    let cases: Vec<(&str, String)> = vec![
        (
            "wrong url",
            auth_header(
                &keys,
                &AuthSpec {
                    url: &wrong_url,
                    ..good
                },
            ),
        ),
        (
            "other host",
            auth_header(
                &keys,
                &AuthSpec {
                    url: "https://proxy.clave.casa/register",
                    ..good
                },
            ),
        ),
        (
            "wrong method",
            auth_header(
                &keys,
                &AuthSpec {
                    method: "PUT",
                    ..good
                },
            ),
        ),
        (
            "wrong body hash",
            auth_header(
                &keys,
                &AuthSpec {
                    body: Some(b"{\"token\":\"00\"}"),
                    ..good
                },
            ),
        ),
        (
            "no payload tag",
            auth_header(&keys, &AuthSpec { body: None, ..good }),
        ),
        (
            "stale",
            auth_header(
                &keys,
                &AuthSpec {
                    created_at: now - 120,
                    ..good
                },
            ),
        ),
        (
            "future",
            auth_header(
                &keys,
                &AuthSpec {
                    created_at: now + 120,
                    ..good
                },
            ),
        ),
        ("bad sig", {
            let ev = nip98_event(&keys, &good);
            let mut v: serde_json::Value = serde_json::from_str(&ev.as_json()).unwrap();
            let sig = v["sig"].as_str().unwrap().to_owned();
            let flipped = if sig.starts_with('0') { "1" } else { "0" };
            v["sig"] = format!("{flipped}{}", &sig[1..]).into();
            header_for_json(&v.to_string())
        }),
        ("other pubkey", {
            // Signed by `other`, claiming to be `keys`.
            let ev = nip98_event(&other, &good);
            let mut v: serde_json::Value = serde_json::from_str(&ev.as_json()).unwrap();
            v["pubkey"] = keys.public_key().to_hex().into();
            header_for_json(&v.to_string())
        }),
        ("wrong kind", {
            let ev = EventBuilder::new(Kind::TextNote, "")
                .tags(nip98_event(&keys, &good).tags.to_vec())
                .sign_with_keys(&keys)
                .unwrap();
            header_for_json(&ev.as_json())
        }),
        ("not base64", "Nostr %%%".to_string()),
        (
            "bad scheme",
            auth_header(&keys, &good).replace("Nostr ", "Bearer "),
        ),
    ];
    for (name, header) in &cases {
        for h in ["x-clave-auth", "authorization"] {
            let (status, json) = http(
                proxy.addr,
                "POST",
                "/register",
                &[(h, header.clone())],
                body.clone(),
            )
            .await;
            assert_eq!(status, 401, "{name} via {h}: {json}");
            assert!(json["error"].is_string(), "{name}: JSON reason");
        }
    }
    let (status, json) = http(proxy.addr, "POST", "/register", &[], body.clone()).await;
    assert_eq!(
        (status, json["error"].as_str()),
        (401, Some("missing_auth"))
    );
    assert_eq!(proxy.health().await["total_tokens"], 0);
    assert!(proxy.metric("clave_proxy_http_unauthorized").await >= 2 * cases.len() as u64);

    // The untampered header works through either header name.
    let (status, _) = http(
        proxy.addr,
        "POST",
        "/register",
        &[("authorization", auth_header(&keys, &good))],
        body.clone(),
    )
    .await;
    assert_eq!(status, 200);
    // nostr-tools writes the method in lower case.
    let lower = AuthSpec {
        method: "post",
        ..good
    };
    let (status, _) = http(
        proxy.addr,
        "POST",
        "/register",
        &[("x-clave-auth", auth_header(&keys, &lower))],
        body,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(proxy.health().await["total_tokens"], 1);

    // Another pubkey cannot remove this pubkey's token: unregister acts on its own pubkey only.
    let (status, _) = proxy
        .post(
            &other,
            "/unregister",
            serde_json::from_slice(&body_for(&token())).unwrap(),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(proxy.health().await["total_tokens"], 1);
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_malformed_bodies() {
    let w = World::new().await;
    let proxy = w.proxy(&["--max-body-bytes=1024"]).await;
    let keys = Keys::generate();
    let url = proxy.url("/register");

    let big = serde_json::json!({ "token": "ab".repeat(1000) })
        .to_string()
        .into_bytes();
    let spec = AuthSpec {
        url: &url,
        method: "POST",
        body: Some(&big),
        created_at: unix_now(),
    };
    let (status, json) = http(
        proxy.addr,
        "POST",
        "/register",
        &[("x-clave-auth", auth_header(&keys, &spec))],
        big.clone(),
    )
    .await;
    assert_eq!(
        (status, json["error"].as_str()),
        (413, Some("body_too_large"))
    );

    for (body, reason) in [
        (&b"{not json"[..], "invalid_body"),
        (b"[]", "invalid_body"),
        (b"{}", "invalid_token"),
        (b"{\"token\": 5}", "invalid_token"),
        (b"{\"token\": \"zz\"}", "invalid_token"),
        (b"{\"token\": \"abcd\"}", "invalid_token"),
        (
            br#"{"token":"00112233445566778899aabbccddeeff","env":"staging"}"#,
            "invalid_env",
        ),
    ] {
        let (status, json) = proxy.post_raw(&keys, "/register", body.to_vec()).await;
        assert_eq!(
            (status, json["error"].as_str()),
            (400, Some(reason)),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let pk = Keys::generate().public_key().to_hex();
    for (body, reason) in [
        (
            serde_json::json!({ "client_pubkey": "xyz", "relay_urls": ["wss://relay.damus.io"] }),
            "invalid_client_pubkey",
        ),
        (
            serde_json::json!({ "client_pubkey": pk, "relay_urls": "wss://relay.damus.io" }),
            "invalid_relay_urls",
        ),
        (
            serde_json::json!({ "client_pubkey": pk, "relay_urls": [] }),
            "no_relays",
        ),
        (
            serde_json::json!({ "client_pubkey": pk, "relay_urls": ["https://relay.damus.io"] }),
            "invalid_relay_url",
        ),
        (
            serde_json::json!({ "client_pubkey": pk, "relay_urls": (0..11).map(|i| format!("wss://r{i}.example")).collect::<Vec<_>>() }),
            "relay_limit_per_pair",
        ),
    ] {
        let (status, json) = proxy.post(&keys, "/pair-client", body.clone()).await;
        assert_eq!(
            (status, json["error"].as_str()),
            (400, Some(reason)),
            "{body}"
        );
    }
    let (status, _) = http(proxy.addr, "GET", "/register", &[], vec![]).await;
    assert_eq!(status, 405);
    let (status, _) = http(proxy.addr, "GET", "/nope", &[], vec![]).await;
    assert_eq!(status, 404);
    let (status, _) = http(proxy.addr, "GET", "/event/zz", &[], vec![]).await;
    assert_eq!(status, 400);
    assert_eq!(proxy.health().await["total_tokens"], 0);
    proxy.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_ip_rate_limit_answers_429() {
    let w = World::new().await;
    let proxy = w.proxy(&["--rate-per-ip=1", "--rate-burst=3"]).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            http(proxy.addr, "POST", "/register", &[], b"{}".to_vec())
                .await
                .0,
        );
    }
    // Monitoring stays reachable.
    assert_eq!(http(proxy.addr, "GET", "/health", &[], vec![]).await.0, 200);
    assert_eq!(statuses, vec![401, 401, 401, 429, 429]);
    proxy.stop().await;
}

struct Bin(Child);

impl Drop for Bin {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn spawn_bin(args: &[String], port: u16) -> Bin {
    let child = Command::new(env!("CARGO_BIN_EXE_push-proxy"))
        .args(&args[1..])
        .env("PORT", port.to_string())
        .env("BIND", "127.0.0.1")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let bin = Bin(child);
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let start = Instant::now();
    loop {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "binary did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bin
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_survives_kill_9_of_the_binary() {
    let w = World::new().await;
    let dir = TempDir::new("kill9");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let args = base_args(
        &dir,
        &w.key,
        &w.prod,
        &w.sandbox,
        std::slice::from_ref(&w.relay_url),
        &base,
    );
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let signer = Keys::generate();
    let t = token();

    let mut bin = spawn_bin(&args, port).await;
    let body = body_for(&t);
    let url = format!("{base}/register");
    let spec = AuthSpec {
        url: &url,
        method: "POST",
        body: Some(&body),
        created_at: unix_now(),
    };
    let (status, _) = http(
        addr,
        "POST",
        "/register",
        &[("x-clave-auth", auth_header(&signer, &spec))],
        body,
    )
    .await;
    assert_eq!(status, 200);
    // SIGKILL right after the acknowledgement: no chance to flush anything.
    bin.0.kill().unwrap();
    bin.0.wait().unwrap();

    let _bin = spawn_bin(&args, port).await;
    let (status, health) = http(addr, "GET", "/health", &[], vec![]).await;
    assert_eq!(status, 200);
    assert_eq!(health["total_tokens"], 1);
    assert_eq!(health["unique_pubkeys"], 1);

    // And the restarted binary pushes to it.
    assert!(
        wait_until_async(|| async { metric_at(addr, "clave_proxy_relay_connections").await >= 1 })
            .await
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    let client = Keys::generate();
    publish(
        &w.relay_url,
        &[request_event(
            &client,
            &signer.public_key(),
            "after restart",
        )],
    )
    .await;
    assert!(wait_until(Duration::from_secs(5), || w.prod.count() == 1).await);
    assert_eq!(w.prod.received()[0].token, t);
}

async fn wait_until_async<F, Fut>(f: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_key_fails_startup_and_sigterm_stops_cleanly() {
    let w = World::new().await;
    let dir = TempDir::new("ops");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let args = base_args(
        &dir,
        &w.key,
        &w.prod,
        &w.sandbox,
        std::slice::from_ref(&w.relay_url),
        &base,
    );

    // A key file that is not a PKCS#8 EC key: a clear message and a failing exit code.
    let bad = dir.0.join("bad.p8");
    std::fs::write(
        &bad,
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    for key_arg in [
        format!("--apns-key-path={}", bad.display()),
        "--apns-key-path=/nonexistent/AuthKey.p8".to_string(),
    ] {
        let mut a: Vec<String> = args[1..].to_vec();
        a.push(key_arg);
        let out = Command::new(env!("CARGO_BIN_EXE_push-proxy"))
            .args(&a)
            .env("PORT", port.to_string())
            .env("BIND", "127.0.0.1")
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("APNs key"), "{stderr}");
    }

    // SIGTERM: drains and exits 0.
    let mut bin = spawn_bin(&args, port).await;
    let pid = bin.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let status = loop {
        if let Some(s) = bin.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no exit after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_pubkey_rate_limit_answers_429() {
    let w = World::new().await;
    // Every request comes from its own address (a trusted reverse proxy says so), so only the
    // per-pubkey limit can refuse: 2 at once, then 1 a minute.
    let proxy = w
        .proxy(&[
            "--trust-forwarded-for=true",
            "--rate-per-ip=1",
            "--rate-per-pubkey=1",
            "--rate-burst=2",
        ])
        .await;
    let post_from = |keys: Keys, ip: &'static str, t: String| {
        let proxy = &proxy;
        async move {
            let body = body_for(&t);
            let url = proxy.url("/register");
            let auth = auth_header(
                &keys,
                &AuthSpec {
                    url: &url,
                    method: "POST",
                    body: Some(&body),
                    created_at: unix_now(),
                },
            );
            http(
                proxy.addr,
                "POST",
                "/register",
                &[("x-clave-auth", auth), ("x-forwarded-for", ip.to_owned())],
                body,
            )
            .await
        }
    };
    let (a, b) = (Keys::generate(), Keys::generate());
    assert_eq!(post_from(a.clone(), "10.0.0.1", token()).await.0, 200);
    assert_eq!(post_from(a.clone(), "10.0.0.2", token()).await.0, 200);
    let (status, json) = post_from(a.clone(), "10.0.0.3", token()).await;
    assert_eq!(
        (status, json),
        (429, serde_json::json!({ "error": "rate_limited" }))
    );
    // Another pubkey is not affected, even from an address the first one just used.
    assert_eq!(post_from(b.clone(), "10.0.0.4", token()).await.0, 200);
    assert_eq!(post_from(b, "10.0.0.1", token()).await.0, 200);
    // The refused registration was not stored.
    let health = proxy.health().await;
    assert_eq!(health["total_tokens"], 4);
    assert_eq!(proxy.metric("clave_proxy_http_rate_limited").await, 1);
    proxy.stop().await;
}

/// Start the binary with its log (stdout) read line by line into a channel.
async fn spawn_bin_logged(args: &[String], port: u16) -> (Bin, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_push-proxy"))
        .args(&args[1..])
        .env("PORT", port.to_string())
        .env("BIND", "127.0.0.1")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let bin = Bin(child);
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let start = Instant::now();
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "binary did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (bin, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_finishes_an_in_flight_registration_and_exits_0() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let w = World::new().await;
    let dir = TempDir::new("sigint");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let args = base_args(
        &dir,
        &w.key,
        &w.prod,
        &w.sandbox,
        std::slice::from_ref(&w.relay_url),
        &base,
    );
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let (mut bin, log) = spawn_bin_logged(&args, port).await;
    assert!(
        wait_until_async(|| async { metric_at(addr, "clave_proxy_relay_connections").await >= 1 })
            .await
    );

    // A registration whose body is half sent when the signal arrives.
    let signer = Keys::generate();
    let t = token();
    let body = body_for(&t);
    let url = format!("{base}/register");
    let auth = auth_header(
        &signer,
        &AuthSpec {
            url: &url,
            method: "POST",
            body: Some(&body),
            created_at: unix_now(),
        },
    );
    let head = format!(
        "POST /register HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nx-clave-auth: {auth}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(head.as_bytes()).await.unwrap();
    tcp.write_all(&body[..10]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let pid = bin.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let signalled = Instant::now();
    // Wait (bounded) until the proxy has taken the signal, then finish the request.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match log.recv_timeout(left) {
            Ok(line) if line.contains("SIGINT received") => break,
            Ok(_) => {}
            Err(e) => panic!("the proxy did not report SIGINT: {e}"),
        }
    }
    tcp.write_all(&body[10..]).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer))
        .await
        .expect("answer before the drain ends")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with(r#"{"ok":true}"#), "{answer}");

    // Exits 0, promptly.
    let status = loop {
        if let Some(s) = bin.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(5),
            "no exit within 5 s of SIGINT"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");
    // New connections are refused once it is gone.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());

    // The acknowledged registration is on disk.
    let _bin = spawn_bin(&args, port).await;
    let (status, health) = http(addr, "GET", "/health", &[], vec![]).await;
    assert_eq!(status, 200);
    assert_eq!(health["total_tokens"], 1);
}
