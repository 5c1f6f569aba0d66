//! `clave-sandbox`: the whole Clave system on 127.0.0.1 with one command (see the crate docs).

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use clave_sandbox::{DeviceEvent, Sandbox, SandboxConfig, TrustLevel};
use std::io::{BufRead, Read};

/// `println!` that never panics: a closed stdout (`clave-sandbox | head`, a parent that stopped
/// reading) must not take the signer down.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Longest stdin command line read at once.
const MAX_LINE: u64 = 4096;

/// Run a relay, the push proxy, an APNs stand-in and a simulated iPhone (the NSE path through
/// nse-ffi) on 127.0.0.1, and print a bunker:// URI to pair with.
#[derive(Debug, Parser)]
#[command(name = "clave-sandbox", version, about)]
struct Args {
    /// Where the key, state blob, APNs key and proxy database are kept.
    #[arg(long, default_value = "./sandbox-state")]
    state_dir: PathBuf,
    /// Relay port (keep it stable: bunker URIs name it).
    #[arg(long, default_value_t = 7777)]
    relay_port: u16,
    /// Push proxy port.
    #[arg(long, default_value_t = 7778)]
    proxy_port: u16,
    /// Device HTTP API port (approvals, pairing).
    #[arg(long, default_value_t = 7779)]
    device_port: u16,
    /// Trust level of newly paired clients: full, medium or low.
    #[arg(long, default_value = "medium", value_parser = parse_trust)]
    trust: TrustLevel,
}

fn parse_trust(s: &str) -> Result<TrustLevel, String> {
    TrustLevel::parse(s).ok_or_else(|| "full, medium or low".into())
}

fn help(device: &str) -> String {
    format!(
        "commands (stdin):\n  \
         pending                      list requests waiting for approval\n  \
         approve <id>                 approve one (id or its first characters)\n  \
         deny <id>                    deny one (the client gets \"user rejected\")\n  \
         nostrconnect <uri> [trust]   approve a client's nostrconnect:// pairing\n  \
         clients                      paired clients\n  \
         trust <client> <level>       set a client's trust (full, medium, low)\n  \
         uri                          the current bunker:// URI\n  \
         timings                      per-request timing records (JSON lines)\n  \
         help, quit\n\
         or over HTTP: curl {device}/pending; curl -X POST {device}/approve/<id>; \
         curl -X POST {device}/deny/<id>;\n  \
         curl -X POST -d '{{\"uri\":\"nostrconnect://…\"}}' {device}/nostrconnect"
    )
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "clave_sandbox=info,push_proxy=info,warn".into()),
        )
        .init();
    let args = Args::parse();
    // Installed before anything binds, so a signal during start-up is not lost.
    let shutdown = push_proxy::shutdown_signal();
    let mut cfg = SandboxConfig::new(&args.state_dir);
    cfg.relay_port = args.relay_port;
    cfg.proxy_port = args.proxy_port;
    cfg.device_port = args.device_port;
    cfg.default_trust = args.trust;
    let sandbox = match Sandbox::start(cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("clave-sandbox: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let uri = sandbox
        .bunker_uri()
        .unwrap_or_else(|e| format!("(unavailable: {e})"));
    let device = sandbox.device_url();
    say!(
        "\nClave sandbox ready (state in {})\n\n  bunker URI : {uri}\n  user pubkey: {}\n  relay      : {}\n  push proxy : {}\n  device API : {device}\n\n{}\n",
        args.state_dir.display(),
        sandbox.user_pubkey(),
        sandbox.relay_url(),
        sandbox.proxy_url(),
        help(&device),
    );

    let mut events = sandbox.subscribe();
    let printer_device = device.clone();
    let printer = tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(DeviceEvent::Held(p)) => {
                    let kind = p.kind.map(|k| format!(" kind {k}")).unwrap_or_default();
                    let name = if p.client_name.is_empty() {
                        String::new()
                    } else {
                        format!(" \"{}\"", p.client_name)
                    };
                    say!(
                        ">> approval needed [{}]: {}{} from client {}{}\n   type `approve {}` or `deny {}` (or curl -X POST {}/approve/{})",
                        p.short,
                        p.method,
                        kind,
                        p.client.get(..8).unwrap_or(&p.client),
                        name,
                        p.short,
                        p.short,
                        printer_device,
                        p.short
                    );
                }
                Ok(DeviceEvent::Activity(line)) => say!("   {line}"),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    say!("   ({n} events not shown)");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });

    let mut shutdown = std::pin::pin!(shutdown);
    let mut commands = stdin_lines();
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(line) = commands.recv() => {
                if command(&sandbox, line.trim(), &device).await {
                    break;
                }
            }
        }
    }
    say!("stopping…");
    printer.abort();
    let stopped = tokio::time::timeout(Duration::from_secs(30), sandbox.shutdown()).await;
    if stopped.is_err() {
        eprintln!("clave-sandbox: shutdown timed out");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

/// Stdin lines, read on a plain thread: a blocked read there does not hold up the process's
/// exit (a read on Tokio's blocking pool would keep the runtime from shutting down after
/// Ctrl-C). Lines are cut at [`MAX_LINE`] bytes; the channel closes with stdin (running in the
/// background), and the sandbox then serves until a signal.
fn stdin_lines() -> tokio::sync::mpsc::Receiver<String> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let spawned = std::thread::Builder::new()
        .name("stdin".into())
        .spawn(move || {
            let mut stdin = std::io::stdin().lock();
            loop {
                let mut line = String::new();
                match (&mut stdin).take(MAX_LINE).read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.blocking_send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no stdin commands");
    }
    rx
}

/// Run one stdin command; `true` to quit.
async fn command(sandbox: &Sandbox, line: &str, device: &str) -> bool {
    let mut words = line.split_whitespace();
    let cmd = words.next().unwrap_or("");
    let arg = words.next();
    let arg2 = words.next();
    match (cmd, arg) {
        ("", _) => {}
        ("quit" | "exit", _) => return true,
        ("help" | "?", _) => say!("{}", help(device)),
        ("pending" | "p", _) => match sandbox.pending() {
            Ok(list) if list.is_empty() => say!("   nothing pending"),
            Ok(list) => {
                for p in list {
                    let kind = p.kind.map(|k| format!(" kind {k}")).unwrap_or_default();
                    say!(
                        "   [{}] {}{} from {} (expires at {})",
                        p.short,
                        p.method,
                        kind,
                        p.client.get(..8).unwrap_or(&p.client),
                        p.expires_at
                    );
                }
            }
            Err(e) => say!("   error: {e}"),
        },
        ("approve" | "a", Some(id)) => match sandbox.approve(id).await {
            Ok(p) => say!("   approved [{}] {}", p.short, p.method),
            Err(e) => say!("   error: {e}"),
        },
        ("deny" | "d", Some(id)) => match sandbox.deny(id).await {
            Ok(p) => say!("   denied [{}] {}", p.short, p.method),
            Err(e) => say!("   error: {e}"),
        },
        ("nostrconnect", Some(uri)) => {
            let trust = match arg2.map(TrustLevel::parse) {
                None => TrustLevel::Medium,
                Some(Some(t)) => t,
                Some(None) => {
                    say!("   error: trust is full, medium or low");
                    return false;
                }
            };
            match sandbox.approve_nostrconnect(uri, trust).await {
                Ok(client) => say!(
                    "   paired client {} ({})",
                    client.get(..8).unwrap_or(&client),
                    trust.as_str()
                ),
                Err(e) => say!("   error: {e}"),
            }
        }
        ("clients", _) => match sandbox.clients() {
            Ok(list) if list.is_empty() => say!("   no paired clients"),
            Ok(list) => {
                for c in list {
                    say!("   {} \"{}\" trust {}", c.pubkey, c.name, c.trust);
                }
            }
            Err(e) => say!("   error: {e}"),
        },
        ("trust", Some(client)) => match arg2.and_then(TrustLevel::parse) {
            Some(t) => match sandbox.set_client_trust(client, t) {
                Ok(()) => say!("   trust set to {}", t.as_str()),
                Err(e) => say!("   error: {e}"),
            },
            None => say!("   usage: trust <client-hex> full|medium|low"),
        },
        ("uri" | "bunker", _) => match sandbox.bunker_uri() {
            Ok(u) => say!("   {u}"),
            Err(e) => say!("   error: {e}"),
        },
        ("timings", _) => {
            for t in sandbox.timings() {
                say!("{}", t.to_json());
            }
        }
        _ => say!("   unknown command; type `help`"),
    }
    false
}
