//! Round trips with Java's hessian-lite (the Hessian2 library of Java Dubbo).
//!
//! `tests/hessian-lite/run.sh` runs the Java program `tests/hessian-lite` to write
//! `$LIBDUBBO_HESSIAN_LITE_DIR/java/<case>.bin`, then this test (which decodes those
//! and writes ours to `.../rust/`), then the Java program again to check ours.
//! Without that variable the Java half is skipped with a message; our encodings
//! are still written (to a temp dir) so the encoder runs every case.

#[path = "cases/hessian_lite.rs"]
mod cases;

use std::path::PathBuf;

use libdubbo_core::hessian2::{self, Encoder};
use libdubbo_core::value::{equivalent, equivalent_messages, RefTable, Value};

fn exchange_dir() -> Option<PathBuf> {
    std::env::var_os("LIBDUBBO_HESSIAN_LITE_DIR").map(PathBuf::from)
}

#[test]
fn every_case_encodes_and_is_written_for_java() {
    let dir = exchange_dir().unwrap_or_else(|| std::env::temp_dir().join("libdubbo-hessian-lite-unchecked"));
    let out = dir.join("rust");
    std::fs::create_dir_all(&out).unwrap();
    for (name, values) in cases::cases() {
        let mut e = Encoder::new();
        for v in &values {
            e.write(v).unwrap_or_else(|err| panic!("{name}: {err}"));
        }
        // Our own decoder must read back what we wrote.
        let back = hessian2::decode_all(e.bytes()).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(back, values, "{name}: decode(encode(v)) != v");
        std::fs::write(out.join(format!("{name}.bin")), e.bytes()).unwrap();
    }
}

/// Java's exceptions carry JVM-made stack traces and internal fields: compare
/// what a user checks (class, message, cause, subclass fields), and that the
/// stack trace is a list of `StackTraceElement`s.
fn same_exception(java: &Value, ours: &Value, refs: &RefTable) -> Result<(), String> {
    let j = java.as_throwable(refs.index_of(java)).ok_or("not a throwable")?;
    let o = ours.as_throwable(None).unwrap();
    if j.class() != o.class() || j.message != o.message {
        return Err(format!("{}: {:?} != {}: {:?}", j.class(), j.message, o.class(), o.message));
    }
    for (name, v) in o.object.fields().filter(|(n, _)| !["cause", "stackTrace", "detailMessage"].contains(n)) {
        if !j.object.get(name).is_some_and(|w| equivalent(v, w)) {
            return Err(format!("field {name}: {:?} != {v:?}", j.object.get(name)));
        }
    }
    if j.stack_trace.is_empty() || j.stack_trace.iter().any(|f| f.class.is_empty()) {
        return Err("stack trace is empty or has frames without a class".into());
    }
    match (j.cause, o.cause) {
        (None, None) => Ok(()),
        (Some(jc), Some(oc)) => same_exception(jc, oc, refs).map_err(|e| format!("cause: {e}")),
        (j, o) => Err(format!("cause {j:?} != {o:?}")),
    }
}

#[test]
fn java_bytes_decode_to_the_expected_values_and_reencode_identically() {
    let Some(dir) = exchange_dir() else {
        eprintln!("SKIP: LIBDUBBO_HESSIAN_LITE_DIR is not set; run tests/hessian-lite/run.sh for the Java half");
        return;
    };
    let mut failures = Vec::new();
    for (name, expected) in cases::cases() {
        let path = dir.join("java").join(format!("{name}.bin"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let got = match hessian2::decode_all(&bytes) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let verdict = if name.ends_with("exception") {
            same_exception(&got[0], &expected[0], &RefTable::build(&got))
        } else if equivalent_messages(&got, &expected) {
            Ok(())
        } else {
            Err(format!("decoded {got:?}\n  expected {expected:?}"))
        };
        if let Err(e) = verdict {
            failures.push(format!("{name}: {e}"));
            continue;
        }
        let mut enc = Encoder::new();
        got.iter().for_each(|v| enc.write(v).unwrap());
        if enc.bytes() != bytes {
            failures.push(format!("{name}: re-encoding differs from Java's bytes\n  java {:02x?}\n  ours {:02x?}", bytes, enc.bytes()));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}
