//! Reading Hessian2 string data: a count of UTF-16 units, each written as 1-3
//! bytes of UTF-8, supplementary characters as two 3-byte surrogates.

use crate::value::Value;

/// Collects UTF-16 units into a `String`, switching to raw units only when the
/// text holds a lone surrogate (which a Rust string cannot).
#[derive(Default)]
pub(super) struct Utf16Sink {
    text: String,
    pending_high: Option<u16>,
    raw: Option<Vec<u16>>,
}

impl Utf16Sink {
    /// A sink for a string of at least `bytes` bytes.
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Utf16Sink { text: String::with_capacity(bytes), ..Self::default() }
    }

    /// Reads `units` UTF-16 units from `input` at `pos`; returns the position after
    /// them, or the offset of a byte that starts no 1-3 byte UTF-8 sequence.
    pub(super) fn read_units(&mut self, input: &[u8], mut pos: usize, units: usize) -> Result<usize, usize> {
        let mut left = units;
        while left > 0 {
            // Fastest path: ASCII, one byte per unit (the bytes exist: callers check units <= remaining).
            let avail = &input[pos..input.len().min(pos + left)];
            let ascii = if avail.is_ascii() { avail.len() } else { avail.iter().position(|&b| b >= 0x80).unwrap_or(0) };
            if ascii > 0 {
                self.push_str(std::str::from_utf8(&avail[..ascii]).unwrap_or_default());
                pos += ascii;
                left -= ascii;
                continue;
            }
            // Fast path: a run of well-formed UTF-8 without surrogates, one unit per char.
            let (run_end, run_units) = scan_run(input, pos, left);
            if run_units > 0 {
                // simdutf8's fast path; on failure std's error tells where the valid part ends.
                match simdutf8::basic::from_utf8(&input[pos..run_end]).or_else(|_| std::str::from_utf8(&input[pos..run_end])) {
                    Ok(s) => {
                        self.push_str(s);
                        pos = run_end;
                        left -= run_units;
                        continue;
                    }
                    Err(e) => {
                        let valid = &input[pos..pos + e.valid_up_to()];
                        // valid_up_to ends on a char boundary of bytes scan_run measured.
                        let s = std::str::from_utf8(valid).unwrap_or_default();
                        self.push_str(s);
                        pos += s.len();
                        left -= s.chars().count();
                        if left == 0 {
                            break;
                        }
                    }
                }
            }
            // Slow path: one unit, decoded as leniently as Java's parseUTF8Char.
            let (unit, len) = java_utf8_unit(input, pos).ok_or(pos)?;
            self.push_unit(unit);
            pos += len;
            left -= 1;
        }
        Ok(pos)
    }

    fn push_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.pending_high.is_some() || self.raw.is_some() {
            s.encode_utf16().for_each(|u| self.push_unit(u));
        } else {
            self.text.push_str(s);
        }
    }

    fn push_unit(&mut self, unit: u16) {
        if let Some(raw) = &mut self.raw {
            raw.push(unit);
            return;
        }
        if let Some(high) = self.pending_high.take() {
            if is_low(unit) {
                let c = 0x10000 + ((u32::from(high) - 0xd800) << 10) + (u32::from(unit) - 0xdc00);
                self.text.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                return;
            }
            self.go_raw(Some(high));
            return self.push_unit(unit);
        }
        if is_high(unit) {
            self.pending_high = Some(unit);
        } else if is_low(unit) {
            self.go_raw(None);
            self.push_unit(unit);
        } else {
            self.text.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
    }

    fn go_raw(&mut self, pending: Option<u16>) {
        let mut raw: Vec<u16> = self.text.encode_utf16().collect();
        raw.extend(pending);
        self.raw = Some(raw);
    }

    /// The string read: `Value::String`, or `Value::Utf16` if it held a lone surrogate.
    pub(super) fn finish(mut self) -> Value {
        if let Some(high) = self.pending_high.take() {
            self.go_raw(Some(high));
        }
        match self.raw {
            Some(raw) => Value::Utf16(raw),
            None => Value::String(self.text),
        }
    }
}

fn is_high(u: u16) -> bool {
    (0xd800..=0xdbff).contains(&u)
}

fn is_low(u: u16) -> bool {
    (0xdc00..=0xdfff).contains(&u)
}

/// Measures up to `max_units` chars of plausible non-surrogate UTF-8 from `pos`:
/// returns the end offset and the number of chars (each one UTF-16 unit).
fn scan_run(input: &[u8], start: usize, max_units: usize) -> (usize, usize) {
    let (mut pos, mut units) = (start, 0usize);
    // Whole blocks with no 0xED (surrogates live there) and no 0xF0.. byte (4-byte
    // forms): every character in them is one unit. Byte-wide folds vectorise.
    while pos + 64 <= input.len() && units + 64 <= max_units {
        let block = &input[pos..pos + 64];
        if block.iter().fold(0u8, |a, &b| a | u8::from(b == 0xed || b >= 0xf0)) != 0 {
            break;
        }
        units += usize::from(block.iter().fold(0u8, |n, &b| n + u8::from((b as i8) >= -0x40)));
        pos += 64;
    }
    // The rest of a character the last block cut (its lead was counted).
    while pos > start && pos < input.len() && input[pos] & 0xc0 == 0x80 {
        pos += 1;
    }
    while units < max_units && pos < input.len() {
        let b = input[pos];
        let width = match b {
            0x00..=0x7f => 1,
            0xc0..=0xdf => 2,
            // 0xED 0xA0..: a surrogate, which std rejects; the slow path takes it.
            0xed if input.get(pos + 1).is_some_and(|&n| n >= 0xa0) => break,
            0xe0..=0xef => 3,
            _ => break,
        };
        if pos + width > input.len() {
            break;
        }
        pos += width;
        units += 1;
    }
    (pos, units.min(max_units))
}

/// One UTF-16 unit as Java's `parseUTF8Char` reads it: the lead byte decides the
/// length, continuation bytes are taken as they come; 4-byte forms are rejected.
fn java_utf8_unit(input: &[u8], pos: usize) -> Option<(u16, usize)> {
    let b0 = u32::from(*input.get(pos)?);
    if b0 < 0x80 {
        Some((b0 as u16, 1))
    } else if b0 & 0xe0 == 0xc0 {
        let b1 = u32::from(*input.get(pos + 1)?);
        Some(((((b0 & 0x1f) << 6) | (b1 & 0x3f)) as u16, 2))
    } else if b0 & 0xf0 == 0xe0 {
        let b1 = u32::from(*input.get(pos + 1)?);
        let b2 = u32::from(*input.get(pos + 2)?);
        Some(((((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f)) as u16, 3))
    } else {
        None
    }
}
