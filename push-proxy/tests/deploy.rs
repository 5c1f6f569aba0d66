//! The deployment examples in `deploy/` agree with the code: binary name, port, setting names,
//! user, stop signal. The systemd unit also passes `systemd-analyze verify` where that tool is
//! installed. Building and running the Containerfile needs a container daemon: that is
//! `deploy/check-container.sh`, which skips itself when there is none.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use clap::CommandFactory;

fn deploy(file: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("deploy")
        .join(file);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every environment variable the binary reads (clap `env = ...`), plus the log filter.
fn known_env() -> HashSet<String> {
    let mut names: HashSet<String> = push_proxy::Config::command()
        .get_arguments()
        .filter_map(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .collect();
    names.insert("RUST_LOG".into());
    names
}

fn default_of(long: &str) -> String {
    let cmd = push_proxy::Config::command();
    let arg = cmd
        .get_arguments()
        .find(|a| a.get_long() == Some(long))
        .unwrap_or_else(|| panic!("no --{long}"));
    arg.get_default_values()[0].to_string_lossy().into_owned()
}

fn bin_name() -> String {
    Path::new(env!("CARGO_BIN_EXE_push-proxy"))
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// `KEY=value` pairs of one Containerfile `ENV` line (space-separated form).
fn env_pairs(line: &str) -> Vec<(String, String)> {
    line.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn containerfile_matches_the_code() {
    let text = deploy("Containerfile");
    let known = known_env();
    let bin = bin_name();
    let mut env = Vec::new();
    let (mut user, mut created_user, mut exposed, mut entry, mut stop, mut volume) =
        (None, None, None, None, None, None);
    let mut copies_bin = false;
    let mut builds_bin = false;
    let mut rust_image = None;
    for line in text.lines().map(str::trim) {
        let (instr, rest) = line.split_once(' ').unwrap_or((line, ""));
        match instr {
            "FROM" if rest.contains("/rust:") => rust_image = Some(rest.to_owned()),
            "RUN" if rest.contains("cargo build") => {
                builds_bin =
                    rest.contains("-p push-proxy") && rest.contains(&format!("--bin {bin}"));
                assert!(rest.contains("--release"), "{line}");
            }
            "RUN" if rest.contains("useradd") => {
                created_user = rest
                    .split("&&")
                    .next()
                    .and_then(|c| c.split_whitespace().last())
                    .map(str::to_owned);
            }
            "COPY" if rest.contains("--from=build") => {
                copies_bin = rest.contains(&format!("/target/release/{bin} /usr/local/bin/{bin}"));
            }
            "USER" => user = Some(rest.to_owned()),
            "ENV" => env.extend(env_pairs(rest)),
            "EXPOSE" => exposed = Some(rest.to_owned()),
            "ENTRYPOINT" => entry = Some(rest.to_owned()),
            "STOPSIGNAL" => stop = Some(rest.to_owned()),
            "VOLUME" => volume = Some(rest.to_owned()),
            _ => {}
        }
    }
    assert!(builds_bin, "the build stage builds --bin {bin}");
    assert!(copies_bin, "the image copies the {bin} binary");
    assert_eq!(
        entry.as_deref(),
        Some(format!("[\"/usr/local/bin/{bin}\"]").as_str())
    );
    // Runs as the user it creates, never root.
    assert!(user.is_some() && user != Some("root".into()));
    assert_eq!(user, created_user, "USER is the user useradd creates");
    // Every ENV is a setting the binary reads.
    for (k, _) in &env {
        assert!(known.contains(k), "ENV {k} is not read by push-proxy");
    }
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    // The port it listens on is the port it exposes, and the code's default.
    assert_eq!(get("PORT"), exposed);
    assert_eq!(get("PORT"), Some(default_of("port")));
    assert_eq!(get("BIND").as_deref(), Some("0.0.0.0"));
    // The database lives in the volume.
    let db = get("DB_PATH").expect("DB_PATH set");
    let vol = volume.expect("a VOLUME");
    let vol = vol.trim_matches(|c| c == '[' || c == ']' || c == '"');
    assert!(
        db.starts_with(&format!("{vol}/")),
        "DB_PATH {db} outside VOLUME {vol}"
    );
    assert!(get("APNS_KEY_PATH").is_some());
    // It stops on a signal the binary drains on.
    assert!(
        matches!(stop.as_deref(), Some("SIGTERM" | "SIGINT")),
        "{stop:?}"
    );
    // The build image is new enough for the workspace's rust-version.
    let image = rust_image.expect("a rust build image");
    let tag = image
        .split("/rust:")
        .nth(1)
        .and_then(|t| t.split(['-', ' ']).next())
        .unwrap();
    let workspace =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
            .unwrap();
    let needed = workspace
        .lines()
        .find_map(|l| l.trim().strip_prefix("rust-version = "))
        .map(|v| v.trim_matches('"').to_owned())
        .expect("workspace rust-version");
    let version = |s: &str| -> Vec<u32> { s.split('.').map(|p| p.parse().unwrap()).collect() };
    assert!(
        version(tag) >= version(&needed),
        "rust:{tag} < rust-version {needed}"
    );
}

#[test]
fn env_example_names_only_real_settings() {
    let known = known_env();
    let text = deploy("env.example");
    let mut seen = HashSet::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches("# ");
        if let Some((k, _)) = line.split_once('=')
            && !k.is_empty()
            && k.chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
        {
            assert!(
                known.contains(k),
                "env.example: {k} is not read by push-proxy"
            );
            seen.insert(k.to_owned());
        }
    }
    // The reference proxy's names, so operators can switch over.
    for k in [
        "PORT",
        "RELAY_URL",
        "PUBLIC_RELAY_URL",
        "PUBLIC_PROXY_URL",
        "APNS_KEY_ID",
        "APNS_TEAM_ID",
        "APNS_KEY_PATH",
        "APNS_HOST",
        "BUNDLE_ID",
    ] {
        assert!(seen.contains(k), "env.example lacks {k}");
    }
}

/// `(key, value)` of every `Key=Value` line in a unit file.
fn unit_entries(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn systemd_unit_matches_the_code_and_verifies() {
    let text = deploy("push-proxy.service");
    let entries = unit_entries(&text);
    let get = |k: &str| entries.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let known = known_env();
    for (k, v) in entries.iter().filter(|(k, _)| k == "Environment") {
        let name = v.split_once('=').map(|(n, _)| n).unwrap_or(v);
        assert!(
            known.contains(name),
            "Environment={name} ({k}) is not read by push-proxy"
        );
    }
    let exec = get("ExecStart").expect("ExecStart");
    assert_eq!(
        Path::new(exec.split_whitespace().next().unwrap()).file_name(),
        Some(std::ffi::OsStr::new(&bin_name()))
    );
    assert!(matches!(
        get("KillSignal").as_deref(),
        Some("SIGTERM" | "SIGINT")
    ));
    let user = get("User").expect("User");
    assert_ne!(user, "root");
    // The database is in the state directory systemd creates for the service's user.
    let state = get("StateDirectory").expect("StateDirectory");
    let db = entries
        .iter()
        .filter(|(k, _)| k == "Environment")
        .find_map(|(_, v)| v.strip_prefix("DB_PATH="))
        .expect("DB_PATH");
    assert!(db.starts_with(&format!("/var/lib/{state}/")), "{db}");
    // Longer than the drain (three stages of at most 5 s).
    let stop: u64 = get("TimeoutStopSec")
        .expect("TimeoutStopSec")
        .parse()
        .unwrap();
    assert!(stop > 15, "TimeoutStopSec={stop}");

    // systemd's own check, with ExecStart pointed at the binary under test (verify requires
    // the executable to exist). Any output is a finding: unknown keys and bad values are
    // warnings with exit status 0.
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("SKIP systemd-analyze verify: systemd-analyze is not installed");
        return;
    };
    assert!(version.status.success());
    let dir = tempdir("unit");
    let unit = dir.join("push-proxy.service");
    let patched = text.replace(
        &format!("ExecStart={exec}"),
        &format!("ExecStart={}", env!("CARGO_BIN_EXE_push-proxy")),
    );
    std::fs::write(&unit, patched).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .env("SYSTEMD_LOG_COLOR", "0")
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "systemd-analyze verify failed: {report}"
    );
    assert!(report.trim().is_empty(), "systemd-analyze verify: {report}");
}

fn tempdir(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("push-proxy-deploy-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p
}
