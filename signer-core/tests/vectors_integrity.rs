//! The vendored vector files are byte-identical to the ones in `../shared/vectors/` that their
//! README sources: every file listed in `SHA256SUMS` hashes to the recorded value, and every
//! vector file in the directory is listed (so a new, unpinned file fails too).

use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn every_vendored_vector_file_matches_its_recorded_sha256() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let sums = std::fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    let mut listed = BTreeSet::new();
    for line in sums.lines().filter(|l| !l.trim().is_empty()) {
        let (want, name) = line.split_once("  ").expect("`<sha256>  <file>` lines");
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            hex::encode(Sha256::digest(&bytes)),
            want,
            "{name} was modified"
        );
        listed.insert(name.to_owned());
    }
    let present: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json") || n.ends_with(".csv"))
        .collect();
    assert_eq!(present, listed, "vector files and SHA256SUMS disagree");
    assert_eq!(
        listed.len(),
        8,
        "expected the 8 vector files of ../shared/vectors"
    );
}
