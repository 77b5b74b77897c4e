//! The 125 Hessian2 files Java (Caucho Hessian 4.0) wrote, in
//! `../shared/vectors/hessian2-java/`: each decodes to the value Java wrote, and
//! re-encodes to the same bytes wherever hessian-lite would write them the same.
//! Skips with a message when `../shared` is absent (as in a user's clone); the
//! hessian-lite round trips (`tests/hessian-lite`) prove the same codec there.

#[path = "cases/caucho_vectors.rs"]
mod caucho_vectors;
#[path = "cases/caucho_vectors_objects.rs"]
mod caucho_vectors_objects;

use std::path::{Path, PathBuf};

use caucho_vectors::{expected, Expect, Reencode};
use libdubbo_core::hessian2::{self, Decoder};
use libdubbo_core::value::equivalent;

fn vectors_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("LIBDUBBO_SHARED") {
        Some(shared) => PathBuf::from(shared),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
    .join("vectors/hessian2-java");
    dir.is_dir().then_some(dir)
}

fn all_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for kind in std::fs::read_dir(dir).unwrap() {
        let kind = kind.unwrap().path();
        if !kind.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&kind).unwrap() {
            let f = f.unwrap().path();
            let name = format!(
                "{}/{}",
                kind.file_name().unwrap().to_string_lossy(),
                f.file_stem().unwrap().to_string_lossy()
            );
            files.push((name, f));
        }
    }
    files.sort();
    files
}

#[test]
fn every_java_vector_decodes_to_its_value_and_reencodes() {
    let Some(dir) = vectors_dir() else {
        eprintln!("SKIP: ../shared/vectors/hessian2-java is absent (set LIBDUBBO_SHARED to point at shared/)");
        return;
    };
    let files = all_files(&dir);
    assert_eq!(files.len(), 125, "the vector set changed: update the expectations");
    let (mut failures, mut identical) = (Vec::new(), 0);
    for (name, path) in &files {
        let bytes = std::fs::read(path).unwrap();
        let Some((expect, reencode)) = expected(name) else {
            failures.push(format!("{name}: no expectation"));
            continue;
        };
        let mut d = Decoder::new(&bytes).legacy_draft(reencode == Reencode::LegacyDraft);
        let value = match d.read().and_then(|v| d.finish().map(|_| v)) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let verdict = match &expect {
            Expect::Value(want) => equivalent(&value, want).then_some(()).ok_or_else(|| format!("got {value:?}\n  want {want:?}")),
            Expect::Check(check) => check(&value),
        };
        if let Err(e) = verdict {
            failures.push(format!("{name}: {e}"));
            continue;
        }
        let ours = hessian2::encode(&value).unwrap();
        match reencode {
            Reencode::Identical if ours != bytes => {
                let at = ours.iter().zip(&bytes).position(|(a, b)| a != b).unwrap_or(ours.len().min(bytes.len()));
                failures.push(format!("{name}: re-encoding differs at byte {at}"));
            }
            Reencode::Identical => identical += 1,
            // Not hessian-lite's encoding (see the reason): our bytes must still read back.
            _ => {
                let back = hessian2::decode(&ours).unwrap();
                if !equivalent(&back, &value) {
                    failures.push(format!("{name}: our re-encoding does not decode to the same value"));
                }
            }
        }
    }
    eprintln!("{} vectors decoded, {identical} re-encoded byte-identically", files.len() - failures.len());
    assert!(failures.is_empty(), "{} vector(s) failed:\n{}", failures.len(), failures.join("\n"));
}
