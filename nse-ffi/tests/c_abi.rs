//! The ABI Swift uses, from C: the committed generated headers compile with
//! `cc -std=c11 -Wpedantic`, and a C program linked against the `libnse_ffi.a` staticlib runs
//! a real flow (generate a key, build a state, bunker URI, a `connect` and a `sign_event` of a 1 KB plaintext (a ~1.9 KB event)
//! request produced here by a client) whose replies the client then decrypts and checks.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Client, NOW, sign_event_params};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>` of this test binary (`target/<profile>/deps/c_abi-…`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// Build the staticlib (cargo test builds only the rlib) into this test's target dir.
fn staticlib() -> PathBuf {
    let profile = profile_dir();
    let target_dir = profile.parent().unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "-p", "nse-ffi", "--lib", "--target-dir"])
        .arg(target_dir)
        .current_dir(manifest());
    if profile.file_name().is_some_and(|n| n == "release") {
        cmd.arg("--release");
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "cargo build of the staticlib failed");
    let lib = profile.join("libnse_ffi.a");
    assert!(lib.exists(), "{} missing", lib.display());
    lib
}

fn cc() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

#[test]
fn generated_headers_compile_as_c11() {
    let out = std::env::temp_dir().join(format!("nse-ffi-hdr-{}.o", std::process::id()));
    let src = std::env::temp_dir().join(format!("nse-ffi-hdr-{}.c", std::process::id()));
    std::fs::write(
        &src,
        "#include \"SwiftBridgeCore.h\"\n#include \"nse_ffi/nse_ffi.h\"\nint main(void) { return 0; }\n",
    )
    .unwrap();
    let o = Command::new(cc())
        .args(["-std=c11", "-Wpedantic", "-Wall", "-c", "-o"])
        .arg(&out)
        .arg("-I")
        .arg(manifest().join("generated"))
        .arg(&src)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(&src);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn c_program_runs_the_nse_flow_through_the_staticlib() {
    let lib = staticlib();
    let dir = std::env::temp_dir().join(format!("nse-ffi-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let exe = dir.join("nse_flow");
    let o = Command::new(cc())
        .args(["-std=c11", "-Wpedantic", "-O1", "-o"])
        .arg(&exe)
        .arg("-I")
        .arg(manifest().join("generated"))
        .arg(manifest().join("tests/c/nse_flow.c"))
        .arg(&lib)
        .args(["-lpthread", "-ldl", "-lm"])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "cc: {}",
        String::from_utf8_lossy(&o.stderr)
    );

    // The C program's key is 0x11 × 32 and its bunker secret comes from entropy 7 × 16.
    let user = nse_ffi::public_key_hex(&[0x11; 32]).unwrap();
    let secret = signer_core::nip46::uri::bunker_secret(&[7; 16]);
    let client = Client::new(0x33, &user);
    let connect = client.request("c1", "connect", &format!(r#"["{user}","{secret}"]"#), NOW);
    let sign = client.request("s1", "sign_event", &sign_event_params(1, 1024), NOW);
    assert!((1000..2500).contains(&sign.len()), "{}", sign.len());
    let (p1, p2) = (dir.join("connect.json"), dir.join("sign.json"));
    std::fs::write(&p1, &connect).unwrap();
    std::fs::write(&p2, &sign).unwrap();

    let run = Command::new(&exe).arg(&p1).arg(&p2).output().unwrap();
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(
        run.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);

    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], format!("pubkey {user}"));
    assert_eq!(lines[1], "error-tag 0", "bad nsec → InvalidKey (tag 0)");
    assert!(
        lines[2].starts_with(&format!("uri bunker://{user}?relay=")),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].ends_with(&format!("secret={secret}")),
        "{}",
        lines[2]
    );
    let replies: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("reply "))
        .collect();
    assert_eq!(replies.len(), 2, "{stdout}");
    assert_eq!(client.read(replies[0]), r#"{"id":"c1","result":"ack"}"#);
    let signed = client.read(replies[1]);
    assert!(signed.starts_with(r#"{"id":"s1","result":"{"#), "{signed}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| **l == "relay wss://relay.example.com")
            .count(),
        2
    );
    assert_eq!(lines.last(), Some(&"ok"));
}
