//! `clave-host`: a development NIP-46 bunker on this machine.
//!
//! ```text
//! clave-host --relay ws://127.0.0.1:7777 --state-dir ./clave-state
//! ```
//! prints the `bunker://` URI, then handles requests. Commands on standard input:
//! `pending`, `approve <id>`, `deny <id>`, `connect <nostrconnect://…>`, `uri`, `quit`.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use clave_host::{Device, Host, HostConfig, MemoryKeystore, OsEntropy};
use signer_core::nip46::perms::TrustLevel;
use tokio::io::{AsyncBufReadExt, BufReader};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Trust {
    Full,
    Medium,
    Low,
}

impl From<Trust> for TrustLevel {
    fn from(t: Trust) -> Self {
        match t {
            Trust::Full => TrustLevel::Full,
            Trust::Medium => TrustLevel::Medium,
            Trust::Low => TrustLevel::Low,
        }
    }
}

/// A NIP-46 remote signer with its key in a local file (development only).
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Relay URL (repeatable).
    #[arg(long = "relay", required = true)]
    relays: Vec<String>,
    /// Directory for the key file, the state snapshot and held requests.
    #[arg(long, env = "CLAVE_STATE_DIR")]
    state_dir: PathBuf,
    /// Trust level given to newly paired clients.
    #[arg(long, value_enum, default_value = "medium")]
    trust: Trust,
}

fn parse_id(s: &str) -> Option<[u8; 32]> {
    let mut id = [0u8; 32];
    hex::decode_to_slice(s.trim(), &mut id).ok()?;
    Some(id)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    std::fs::create_dir_all(&args.state_dir)?;
    let keys = MemoryKeystore::load_or_create(&args.state_dir.join("keys.hex"), &mut OsEntropy)?;
    let user = *keys
        .public_keys()
        .first()
        .ok_or("the key file holds no key")?;
    let mut device = Device::open(args.state_dir.join("signer"), keys)?;
    if device.state().account(&user).is_none() {
        let relays: Vec<&str> = args.relays.iter().map(String::as_str).collect();
        device.add_account(&user, &relays, args.trust.into())?;
    }
    let host = Host::start(device, HostConfig::new(args.relays.clone())).await?;
    println!("{}", host.bunker_uri(Some(&user)).await?);

    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        let line = tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            l = lines.next_line() => l?,
        };
        let Some(line) = line else {
            // Standard input closed: keep serving until Ctrl-C.
            tokio::signal::ctrl_c().await?;
            break;
        };
        let (cmd, arg) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
        let result = match cmd {
            "" => continue,
            "quit" | "exit" => break,
            "uri" => host.bunker_uri(Some(&user)).await.map(|u| println!("{u}")),
            "pending" => {
                for p in host.pending() {
                    println!(
                        "{} {} kind={:?} client={} expires_at={}",
                        p.id_hex(),
                        p.method.as_str().unwrap_or("unknown"),
                        p.kind,
                        hex::encode(p.client),
                        p.expires_at
                    );
                }
                Ok(())
            }
            "approve" | "deny" => match parse_id(arg) {
                Some(id) if cmd == "approve" => host
                    .approve(&id)
                    .await
                    .map(|h| println!("{:?}", h.delivered)),
                Some(id) => host.deny(&id).await.map(|h| println!("{:?}", h.delivered)),
                None => {
                    println!("usage: {cmd} <64-hex id>");
                    Ok(())
                }
            },
            "connect" => host
                .pair_nostrconnect(arg.trim(), Some(&user), args.trust.into())
                .await
                .map(|_| println!("paired")),
            other => {
                println!(
                    "unknown command {other}: pending | approve <id> | deny <id> | connect <uri> | uri | quit"
                );
                Ok(())
            }
        };
        if let Err(e) = result {
            println!("error: {e}");
        }
    }
    host.shutdown();
    Ok(())
}
