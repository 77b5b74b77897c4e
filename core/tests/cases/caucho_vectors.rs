//! What each file of `shared/vectors/hessian2-java/` holds, from the generator
//! that wrote it (hessian.js's `test/java/hessian/Main.java`; most files in the
//! final Hessian 2.0 grammar, four still in the draft one of Caucho 3.1.3), and
//! whether hessian-lite would write the same bytes.

use libdubbo_core::Value;

/// A check of a decoded value: `Err` says what is wrong.
pub type CheckFn = Box<dyn Fn(&Value) -> Result<(), String>>;

/// What a vector must decode to.
pub enum Expect {
    /// Exactly this value (objects by field name, maps by content).
    Value(Value),
    /// A check, for values too large or too JVM-specific to spell out.
    Check(CheckFn),
}

/// Whether our encoder must reproduce the file byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reencode {
    /// hessian-lite writes these exact bytes, and so must we.
    Identical,
    /// Caucho 4.0 wrote a form hessian-lite does not (the reason says which).
    Differs(&'static str),
    /// Written in the pre-1.0 Hessian 2 draft (`O` definitions, `o` instances,
    /// `J`/`K` short refs, `s` string chunks); read only with `Decoder::legacy_draft`.
    LegacyDraft,
}

const CAUCHO_CHUNKS: &str = "Caucho 4.0.7's 4 KiB buffer chunks binary every 4093 bytes, hessian-lite's 8 KiB one every 8189";
const CAUCHO_SHORT_STRING: &str = "the Hessian 2.0 draft writer (Caucho 3.1.3) wrote 'S' where hessian-lite writes the 0x30 short form";

fn check(f: impl Fn(&Value) -> Result<(), String> + 'static) -> Expect {
    Expect::Check(Box::new(f))
}

fn same(v: Value) -> Expect {
    Expect::Value(v)
}

fn repeated(c: char, n: usize) -> Value {
    Value::String(std::iter::repeat_n(c, n).collect())
}

/// The expectation for `kind/name` (file stem), or `None` if the vector is unknown.
pub fn expected(path: &str) -> Option<(Expect, Reencode)> {
    use Reencode::*;
    let (kind, name) = path.split_once('/')?;
    let number = |s: &str| -> Option<i64> {
        match s.strip_prefix("-0x") {
            Some(hex) => i64::from_str_radix(hex, 16).ok().map(|v| -v),
            None => s.parse().ok(),
        }
    };
    Some(match kind {
        "number" => (same(Value::Int(name.parse().ok()?)), Identical),
        "long" => (same(Value::Long(name.parse().ok()?)), Identical),
        "double" => {
            let v = match number(name) {
                Some(i) => i as f64,
                None => name.parse().ok()?,
            };
            (same(Value::Double(v)), Identical)
        }
        "date" if name == "now" => (same(Value::Date(1_398_280_514_000)), Identical),
        "date" => (same(Value::Date(name.parse().ok()?)), Identical),
        "bytes" => {
            let n: usize = name.parse().ok()?;
            let how = if n > 4093 { Differs(CAUCHO_CHUNKS) } else { Identical };
            (same(Value::Bytes(vec![b'A'; n])), how)
        }
        "string" => string(name)?,
        _ => return super::caucho_vectors_objects::expected(kind, name),
    })
}

fn string(name: &str) -> Option<(Expect, Reencode)> {
    use Reencode::*;
    Some(match name {
        "empty" => (same(Value::from("")), Identical),
        "foo" => (same(Value::from("foo")), Identical),
        "chinese" => (same(Value::from("中文 Chinese")), Identical),
        "0123456789012345678901234567890" => (same(Value::from(name)), Identical),
        "01234567890123456789012345678901" => (same(Value::from(name)), Differs(CAUCHO_SHORT_STRING)),
        "text4k" => (
            check(|v| {
                let s = v.as_str().ok_or("not a string")?;
                let ok = s.encode_utf16().count() == 9732 && s.starts_with("/*!\n * hessian.js - test/double.test.js");
                ok.then_some(()).ok_or_else(|| format!("unexpected text of {} chars", s.len()))
            }),
            Identical,
        ),
        _ => {
            if let Some(n) = name.strip_prefix("large_string_chars") {
                // 65535 lone high surrogates, U+D800 and U+DBFF alternating, in `s`
                // chunks; the `_65536` file adds an "A".
                let mut want: Vec<u16> = (0..65535).map(|i| if i % 2 == 0 { 0xd800 } else { 0xdbff }).collect();
                if n == "_65536" {
                    want.push(u16::from(b'A'));
                }
                (same(Value::Utf16(want)), LegacyDraft)
            } else if let Some(n) = name.strip_prefix("large_string_") {
                (same(repeated('A', n.parse().ok()?)), Identical)
            } else if let Some(n) = name.strip_prefix("utf8_") {
                (same(repeated('锋', n.parse().ok()?)), Identical)
            } else {
                return None;
            }
        }
    })
}
